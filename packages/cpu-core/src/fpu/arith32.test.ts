/**
 * Hand-checked binary32 edge cases. Each row gives the expected [result, flags] for the
 * five rounding modes in the order RNE, RTZ, RDN, RUP, RMM (see the derivations inline).
 */
import { describe, expect, it } from 'vitest';
import { FClass, FFlags, FmaOp, type SoftFloat } from './index.js';
import { hex32, withFlags } from './test-util.js';

const { NX, UF, OF, DZ, NV } = FFlags;
const UX = UF | NX;
const OX = OF | NX;

const ZERO = 0x00000000;
const NZERO = 0x80000000;
const ONE = 0x3f800000;
const NONE = 0xbf800000;
const TWO = 0x40000000;
const THREE = 0x40400000;
const HALF = 0x3f000000;
const MAX = 0x7f7fffff;
const NMAX = 0xff7fffff;
const INF = 0x7f800000;
const NINF = 0xff800000;
const QNAN = 0x7fc00000;
const SNAN = 0x7f800001;
const MINSUB = 0x00000001;
const MAXSUB = 0x007fffff;
const MINNORM = 0x00800000;

type Row = readonly [number, number];
/** Expected [result, flags] per rounding mode RNE, RTZ, RDN, RUP, RMM. */
type PerMode = readonly [Row, Row, Row, Row, Row];

function same(r: number, f: number): PerMode {
  return [
    [r, f],
    [r, f],
    [r, f],
    [r, f],
    [r, f],
  ];
}

function expectModes(op: (sf: SoftFloat, rm: number) => number, want: PerMode): void {
  const got = [0, 1, 2, 3, 4].map((rm) => {
    const [r, f] = withFlags((sf) => op(sf, rm));
    return [hex32(r), f];
  });
  expect(got).toEqual(want.map(([r, f]) => [hex32(r), f]));
}

describe('add32 / sub32', () => {
  it('adds exactly without flags', () => {
    expectModes((sf, rm) => sf.add32(ONE, TWO, rm), same(THREE, 0));
    expectModes((sf, rm) => sf.add32(MINSUB, MINSUB, rm), same(0x00000002, 0));
    // Subnormal + subnormal carrying into the normal range: exact, so no underflow.
    expectModes((sf, rm) => sf.add32(MAXSUB, MINSUB, rm), same(MINNORM, 0));
    expectModes((sf, rm) => sf.sub32(MINNORM, MINSUB, rm), same(MAXSUB, 0));
  });

  it('rounds a tie at 1 + 2^-24 (half an ulp of 1)', () => {
    expectModes(
      (sf, rm) => sf.add32(ONE, 0x33800000, rm),
      [
        [ONE, NX],
        [ONE, NX],
        [ONE, NX],
        [0x3f800001, NX],
        [0x3f800001, NX],
      ],
    );
    // 1 + 2^-23 + 2^-24: tie between an odd and an even neighbour; RNE goes up.
    expectModes(
      (sf, rm) => sf.add32(0x3f800001, 0x33800000, rm),
      [
        [0x3f800002, NX],
        [0x3f800001, NX],
        [0x3f800001, NX],
        [0x3f800002, NX],
        [0x3f800002, NX],
      ],
    );
    // Negative: RDN and RMM go away from zero, RUP toward it.
    expectModes(
      (sf, rm) => sf.add32(NONE, 0xb3800000, rm),
      [
        [NONE, NX],
        [NONE, NX],
        [0xbf800001, NX],
        [NONE, NX],
        [0xbf800001, NX],
      ],
    );
  });

  it('rounds 1 - 2^-25 (a tie just below a binade boundary)', () => {
    expectModes(
      (sf, rm) => sf.sub32(ONE, 0x33000000, rm),
      [
        [ONE, NX],
        [0x3f7fffff, NX],
        [0x3f7fffff, NX],
        [ONE, NX],
        [ONE, NX],
      ],
    );
  });

  it('gives +0 for x - x except -0 in RDN, and keeps the sign of like-signed zeros', () => {
    const pz: PerMode = [
      [ZERO, 0],
      [ZERO, 0],
      [NZERO, 0],
      [ZERO, 0],
      [ZERO, 0],
    ];
    expectModes((sf, rm) => sf.add32(ONE, NONE, rm), pz);
    expectModes((sf, rm) => sf.sub32(0x12345678, 0x12345678, rm), pz);
    expectModes((sf, rm) => sf.add32(ZERO, NZERO, rm), pz);
    expectModes((sf, rm) => sf.sub32(ZERO, ZERO, rm), pz);
    expectModes((sf, rm) => sf.add32(NZERO, NZERO, rm), same(NZERO, 0));
    expectModes((sf, rm) => sf.sub32(NZERO, ZERO, rm), same(NZERO, 0));
    // x + 0 returns x unchanged, subnormals included.
    expectModes((sf, rm) => sf.add32(0x80000003, ZERO, rm), same(0x80000003, 0));
  });

  it('overflows to infinity or the largest finite number by mode', () => {
    expectModes(
      (sf, rm) => sf.add32(MAX, MAX, rm),
      [
        [INF, OX],
        [MAX, OX],
        [MAX, OX],
        [INF, OX],
        [INF, OX],
      ],
    );
    expectModes(
      (sf, rm) => sf.add32(NMAX, NMAX, rm),
      [
        [NINF, OX],
        [NMAX, OX],
        [NINF, OX],
        [NMAX, OX],
        [NINF, OX],
      ],
    );
    // MAX + 1 is inexact; only rounding up crosses into overflow.
    expectModes(
      (sf, rm) => sf.add32(MAX, ONE, rm),
      [
        [MAX, NX],
        [MAX, NX],
        [MAX, NX],
        [INF, OX],
        [MAX, NX],
      ],
    );
  });

  it('accepts patterns passed as signed int32', () => {
    expectModes((sf, rm) => sf.add32(NONE | 0, 0xc0000000 | 0, rm), same(0xc0400000, 0));
    expect(withFlags((sf) => sf.min32(NZERO | 0, ZERO))).toEqual([NZERO, 0]);
  });

  it('handles infinities and NaNs', () => {
    expectModes((sf, rm) => sf.add32(INF, NINF, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.sub32(INF, INF, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.add32(INF, INF, rm), same(INF, 0));
    expectModes((sf, rm) => sf.add32(ONE, NINF, rm), same(NINF, 0));
    expectModes((sf, rm) => sf.sub32(ONE, NINF, rm), same(INF, 0));
    expectModes((sf, rm) => sf.add32(QNAN, ONE, rm), same(QNAN, 0));
    expectModes((sf, rm) => sf.add32(ONE, SNAN, rm), same(QNAN, NV));
    // Payloads and signs of NaN operands never survive: the result is the canonical NaN.
    expectModes((sf, rm) => sf.add32(0xffc12345, ONE, rm), same(QNAN, 0));
    expectModes((sf, rm) => sf.sub32(0xff812345, QNAN, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.add32(QNAN, INF, rm), same(QNAN, 0));
  });
});

describe('mul32', () => {
  it('rounds 0x1p-149 * 0.5 (a tie at half the smallest subnormal)', () => {
    expectModes(
      (sf, rm) => sf.mul32(MINSUB, HALF, rm),
      [
        [ZERO, UX],
        [ZERO, UX],
        [ZERO, UX],
        [MINSUB, UX],
        [MINSUB, UX],
      ],
    );
    expectModes(
      (sf, rm) => sf.mul32(0x80000001, HALF, rm),
      [
        [NZERO, UX],
        [NZERO, UX],
        [0x80000001, UX],
        [NZERO, UX],
        [0x80000001, UX],
      ],
    );
  });

  it('rounds other products below the subnormal grid', () => {
    // 0.75 * 2^-149: above the tie.
    expectModes(
      (sf, rm) => sf.mul32(MINSUB, 0x3f400000, rm),
      [
        [MINSUB, UX],
        [ZERO, UX],
        [ZERO, UX],
        [MINSUB, UX],
        [MINSUB, UX],
      ],
    );
    // 0.25 * 2^-149: below the tie.
    expectModes(
      (sf, rm) => sf.mul32(MINSUB, 0x3e800000, rm),
      [
        [ZERO, UX],
        [ZERO, UX],
        [ZERO, UX],
        [MINSUB, UX],
        [ZERO, UX],
      ],
    );
    // 1.5 * 2^-149: tie between 1 and 2 subnormal ulps; RNE picks the even 2.
    expectModes(
      (sf, rm) => sf.mul32(MINSUB, 0x3fc00000, rm),
      [
        [0x00000002, UX],
        [MINSUB, UX],
        [MINSUB, UX],
        [0x00000002, UX],
        [0x00000002, UX],
      ],
    );
    // Exact subnormal products raise nothing.
    expectModes((sf, rm) => sf.mul32(0x00000004, HALF, rm), same(0x00000002, 0));
    expectModes((sf, rm) => sf.mul32(MINNORM, HALF, rm), same(0x00400000, 0));
  });

  it('detects tininess after rounding', () => {
    // (1 - 2^-24) * 2^-126 = 2^-126 - 2^-150 has 24 bits, so rounded to p bits it stays
    // below 2^-126: tiny in every mode, and inexact on the subnormal grid (a tie).
    expectModes(
      (sf, rm) => sf.mul32(0x3f7fffff, MINNORM, rm),
      [
        [MINNORM, UX],
        [MAXSUB, UX],
        [MAXSUB, UX],
        [MINNORM, UX],
        [MINNORM, UX],
      ],
    );
    // (1 - 2^-23)(1 + 2^-23) * 2^-126 = 2^-126 (1 - 2^-46): rounding to p bits with an
    // unbounded exponent gives 2^-126 in RNE/RUP/RMM, so those are not tiny (NX only);
    // RTZ/RDN give 2^-126 (1 - 2^-24), tiny.
    expectModes(
      (sf, rm) => sf.mul32(0x3f7ffffe, 0x00800001, rm),
      [
        [MINNORM, NX],
        [MAXSUB, UX],
        [MAXSUB, UX],
        [MINNORM, NX],
        [MINNORM, NX],
      ],
    );
  });

  it('overflows by mode', () => {
    // 2^64 * 2^64
    expectModes(
      (sf, rm) => sf.mul32(0x5f800000, 0x5f800000, rm),
      [
        [INF, OX],
        [MAX, OX],
        [MAX, OX],
        [INF, OX],
        [INF, OX],
      ],
    );
    expectModes(
      (sf, rm) => sf.mul32(0xdf800000, 0x5f800000, rm),
      [
        [NINF, OX],
        [NMAX, OX],
        [NINF, OX],
        [NMAX, OX],
        [NINF, OX],
      ],
    );
  });

  it('handles zeros, infinities and NaNs', () => {
    expectModes((sf, rm) => sf.mul32(INF, ZERO, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.mul32(NZERO, NINF, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.mul32(NZERO, 0x40a00000, rm), same(NZERO, 0));
    expectModes((sf, rm) => sf.mul32(NZERO, NZERO, rm), same(ZERO, 0));
    expectModes((sf, rm) => sf.mul32(INF, 0xc0000000, rm), same(NINF, 0));
    expectModes((sf, rm) => sf.mul32(QNAN, ZERO, rm), same(QNAN, 0));
    expectModes((sf, rm) => sf.mul32(SNAN, INF, rm), same(QNAN, NV));
  });
});

describe('div32', () => {
  it('rounds 1/3 and -1/3', () => {
    expectModes(
      (sf, rm) => sf.div32(ONE, THREE, rm),
      [
        [0x3eaaaaab, NX],
        [0x3eaaaaaa, NX],
        [0x3eaaaaaa, NX],
        [0x3eaaaaab, NX],
        [0x3eaaaaab, NX],
      ],
    );
    expectModes(
      (sf, rm) => sf.div32(NONE, THREE, rm),
      [
        [0xbeaaaaab, NX],
        [0xbeaaaaaa, NX],
        [0xbeaaaaab, NX],
        [0xbeaaaaaa, NX],
        [0xbeaaaaab, NX],
      ],
    );
  });

  it('divides exactly', () => {
    expectModes((sf, rm) => sf.div32(0x40c00000, THREE, rm), same(TWO, 0));
    expectModes((sf, rm) => sf.div32(MINSUB, 0x3e800000, rm), same(0x00000004, 0));
  });

  it('raises DZ only for finite nonzero / zero', () => {
    expectModes((sf, rm) => sf.div32(ONE, ZERO, rm), same(INF, DZ));
    expectModes((sf, rm) => sf.div32(NONE, ZERO, rm), same(NINF, DZ));
    expectModes((sf, rm) => sf.div32(ONE, NZERO, rm), same(NINF, DZ));
    expectModes((sf, rm) => sf.div32(MINSUB, NZERO, rm), same(NINF, DZ));
    expectModes((sf, rm) => sf.div32(INF, ZERO, rm), same(INF, 0));
    expectModes((sf, rm) => sf.div32(ZERO, ZERO, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.div32(QNAN, ZERO, rm), same(QNAN, 0));
  });

  it('handles infinities', () => {
    expectModes((sf, rm) => sf.div32(INF, NINF, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.div32(NINF, TWO, rm), same(NINF, 0));
    expectModes((sf, rm) => sf.div32(ONE, NINF, rm), same(NZERO, 0));
    expectModes((sf, rm) => sf.div32(NZERO, 0x40a00000, rm), same(NZERO, 0));
  });

  it('underflows and overflows by mode', () => {
    expectModes(
      (sf, rm) => sf.div32(MINSUB, TWO, rm),
      [
        [ZERO, UX],
        [ZERO, UX],
        [ZERO, UX],
        [MINSUB, UX],
        [MINSUB, UX],
      ],
    );
    // 1 / 2^-149 = 2^149 > MAX.
    expectModes(
      (sf, rm) => sf.div32(ONE, MINSUB, rm),
      [
        [INF, OX],
        [MAX, OX],
        [MAX, OX],
        [INF, OX],
        [INF, OX],
      ],
    );
  });
});

describe('sqrt32', () => {
  it('is exact on squares', () => {
    expectModes((sf, rm) => sf.sqrt32(0x40800000, rm), same(TWO, 0));
    expectModes((sf, rm) => sf.sqrt32(0x3e800000, rm), same(HALF, 0));
    // sqrt(2^-148) = 2^-74, from a subnormal.
    expectModes((sf, rm) => sf.sqrt32(0x00000002, rm), same(0x1a800000, 0));
  });

  it('rounds sqrt(2) (true value 1.41421356..., between 0x3fb504f3 and 0x3fb504f4)', () => {
    expectModes(
      (sf, rm) => sf.sqrt32(TWO, rm),
      [
        [0x3fb504f3, NX],
        [0x3fb504f3, NX],
        [0x3fb504f3, NX],
        [0x3fb504f4, NX],
        [0x3fb504f3, NX],
      ],
    );
    // sqrt(2^-149) = 2^-75 * sqrt(2).
    expectModes(
      (sf, rm) => sf.sqrt32(MINSUB, rm),
      [
        [0x1a3504f3, NX],
        [0x1a3504f3, NX],
        [0x1a3504f3, NX],
        [0x1a3504f4, NX],
        [0x1a3504f3, NX],
      ],
    );
  });

  it('handles signs, zeros, infinities and NaNs', () => {
    expectModes((sf, rm) => sf.sqrt32(NZERO, rm), same(NZERO, 0));
    expectModes((sf, rm) => sf.sqrt32(ZERO, rm), same(ZERO, 0));
    expectModes((sf, rm) => sf.sqrt32(NONE, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.sqrt32(0x80000001, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.sqrt32(NINF, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.sqrt32(INF, rm), same(INF, 0));
    expectModes((sf, rm) => sf.sqrt32(0xffc00000, rm), same(QNAN, 0));
    expectModes((sf, rm) => sf.sqrt32(SNAN, rm), same(QNAN, NV));
  });
});

describe('fma32', () => {
  const A = 0x3f800001; // 1 + 2^-23
  const P = 0x3f800002; // 1 + 2^-22, the rounded A*A; exact A*A = 1 + 2^-22 + 2^-46
  const E = 0x28800000; // 2^-46

  it('is fused: a*b - round(a*b) recovers the product error exactly', () => {
    expectModes((sf, rm) => sf.fmadd32(A, A, P ^ 0x80000000, rm), same(E, 0));
    expectModes((sf, rm) => sf.fmsub32(A, A, P, rm), same(E, 0));
    expectModes((sf, rm) => sf.fnmsub32(A, A, P, rm), same(E ^ 0x80000000, 0));
    expectModes((sf, rm) => sf.fnmadd32(A, A, P ^ 0x80000000, rm), same(E ^ 0x80000000, 0));
    // The variant selector agrees with the named methods.
    expectModes((sf, rm) => sf.fma32(A, A, P, rm, FmaOp.MSUB), same(E, 0));
    // MAX*2 - MAX does not overflow when fused.
    expectModes((sf, rm) => sf.fmadd32(MAX, TWO, NMAX, rm), same(MAX, 0));
  });

  it('signs exact zero results like addition', () => {
    const pz: PerMode = [
      [ZERO, 0],
      [ZERO, 0],
      [NZERO, 0],
      [ZERO, 0],
      [ZERO, 0],
    ];
    expectModes((sf, rm) => sf.fmadd32(ONE, ONE, NONE, rm), pz);
    expectModes((sf, rm) => sf.fnmadd32(ONE, ONE, NONE, rm), pz);
    expectModes((sf, rm) => sf.fmadd32(ZERO, ONE, NZERO, rm), pz);
    expectModes((sf, rm) => sf.fmsub32(ZERO, ONE, ZERO, rm), pz);
    expectModes((sf, rm) => sf.fnmsub32(ZERO, ONE, ZERO, rm), pz);
    expectModes((sf, rm) => sf.fmadd32(NZERO, ONE, NZERO, rm), same(NZERO, 0));
    // -(0*1) - 0 = -0 + -0.
    expectModes((sf, rm) => sf.fnmadd32(ZERO, ONE, ZERO, rm), same(NZERO, 0));
    // 0*x + c is c exactly, even a subnormal c.
    expectModes((sf, rm) => sf.fmadd32(ZERO, MAX, 0x80000005, rm), same(0x80000005, 0));
  });

  it('raises NV for inf*0 even with a quiet NaN addend', () => {
    expectModes((sf, rm) => sf.fmadd32(INF, ZERO, QNAN, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.fnmadd32(NZERO, NINF, ONE, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.fmadd32(QNAN, ONE, ONE, rm), same(QNAN, 0));
    expectModes((sf, rm) => sf.fmadd32(ONE, ONE, SNAN, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.fmadd32(INF, ONE, NINF, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.fmsub32(INF, ONE, INF, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.fmadd32(INF, ONE, INF, rm), same(INF, 0));
    expectModes((sf, rm) => sf.fnmadd32(ONE, ONE, INF, rm), same(NINF, 0));
    expectModes((sf, rm) => sf.fnmsub32(INF, TWO, MAX, rm), same(NINF, 0));
  });

  it('rounds once with a far-away addend (sticky)', () => {
    const tiny = 0x0d800000; // 2^-100
    expectModes(
      (sf, rm) => sf.fmadd32(ONE, ONE, tiny, rm),
      [
        [ONE, NX],
        [ONE, NX],
        [ONE, NX],
        [0x3f800001, NX],
        [ONE, NX],
      ],
    );
    expectModes(
      (sf, rm) => sf.fmadd32(ONE, ONE, tiny ^ 0x80000000, rm),
      [
        [ONE, NX],
        [0x3f7fffff, NX],
        [0x3f7fffff, NX],
        [ONE, NX],
        [ONE, NX],
      ],
    );
  });

  it('underflows and overflows like the exact result', () => {
    // 2^-150 - 2^-149 = -2^-150: a tie at half the smallest subnormal, negative.
    expectModes(
      (sf, rm) => sf.fmadd32(MINSUB, HALF, 0x80000001, rm),
      [
        [NZERO, UX],
        [NZERO, UX],
        [0x80000001, UX],
        [NZERO, UX],
        [0x80000001, UX],
      ],
    );
    expectModes(
      (sf, rm) => sf.fmadd32(MAX, TWO, ZERO, rm),
      [
        [INF, OX],
        [MAX, OX],
        [MAX, OX],
        [INF, OX],
        [INF, OX],
      ],
    );
  });
});

describe('min32 / max32', () => {
  it('orders -0 below +0', () => {
    expect(withFlags((sf) => sf.min32(ZERO, NZERO))).toEqual([NZERO, 0]);
    expect(withFlags((sf) => sf.min32(NZERO, ZERO))).toEqual([NZERO, 0]);
    expect(withFlags((sf) => sf.max32(NZERO, ZERO))).toEqual([ZERO, 0]);
    expect(withFlags((sf) => sf.max32(ZERO, NZERO))).toEqual([ZERO, 0]);
  });

  it('returns the non-NaN operand and raises NV only for signalling NaNs', () => {
    expect(withFlags((sf) => sf.min32(QNAN, ONE))).toEqual([ONE, 0]);
    expect(withFlags((sf) => sf.max32(NONE, 0xffc00001))).toEqual([NONE, 0]);
    expect(withFlags((sf) => sf.min32(SNAN, ONE))).toEqual([ONE, NV]);
    expect(withFlags((sf) => sf.max32(NINF, SNAN))).toEqual([NINF, NV]);
    expect(withFlags((sf) => sf.min32(0x7fc12345, 0xffc00001))).toEqual([QNAN, 0]);
    expect(withFlags((sf) => sf.max32(SNAN, QNAN))).toEqual([QNAN, NV]);
  });

  it('orders ordinary values, infinities and subnormals', () => {
    expect(withFlags((sf) => sf.min32(ONE, TWO))).toEqual([ONE, 0]);
    expect(withFlags((sf) => sf.max32(ONE, TWO))).toEqual([TWO, 0]);
    expect(withFlags((sf) => sf.min32(NONE, 0xc0000000))).toEqual([0xc0000000, 0]);
    expect(withFlags((sf) => sf.max32(NINF, NMAX))).toEqual([NMAX, 0]);
    expect(withFlags((sf) => sf.min32(MINSUB, ZERO))).toEqual([ZERO, 0]);
    expect(withFlags((sf) => sf.max32(0x80000001, NZERO))).toEqual([NZERO, 0]);
  });
});

describe('eq32 / lt32 / le32', () => {
  it('treats the zeros as equal', () => {
    expect(withFlags((sf) => sf.eq32(ZERO, NZERO))).toEqual([true, 0]);
    expect(withFlags((sf) => sf.lt32(NZERO, ZERO))).toEqual([false, 0]);
    expect(withFlags((sf) => sf.le32(ZERO, NZERO))).toEqual([true, 0]);
  });

  it('is false on NaN; FEQ is quiet, FLT/FLE signal', () => {
    expect(withFlags((sf) => sf.eq32(QNAN, QNAN))).toEqual([false, 0]);
    expect(withFlags((sf) => sf.eq32(SNAN, ONE))).toEqual([false, NV]);
    expect(withFlags((sf) => sf.lt32(QNAN, ONE))).toEqual([false, NV]);
    expect(withFlags((sf) => sf.le32(ONE, 0xffc00000))).toEqual([false, NV]);
    expect(withFlags((sf) => sf.le32(SNAN, SNAN))).toEqual([false, NV]);
  });

  it('orders values', () => {
    expect(withFlags((sf) => sf.lt32(NONE, ONE))).toEqual([true, 0]);
    expect(withFlags((sf) => sf.lt32(ONE, ONE))).toEqual([false, 0]);
    expect(withFlags((sf) => sf.le32(ONE, ONE))).toEqual([true, 0]);
    expect(withFlags((sf) => sf.lt32(0xc0000000, NONE))).toEqual([true, 0]);
    expect(withFlags((sf) => sf.lt32(NINF, NMAX))).toEqual([true, 0]);
    expect(withFlags((sf) => sf.lt32(MAX, INF))).toEqual([true, 0]);
    expect(withFlags((sf) => sf.le32(INF, INF))).toEqual([true, 0]);
    expect(withFlags((sf) => sf.lt32(ZERO, MINSUB))).toEqual([true, 0]);
    expect(withFlags((sf) => sf.eq32(MINSUB, 0x80000001))).toEqual([false, 0]);
  });
});

describe('classify32', () => {
  it('sets exactly the right bit', () => {
    const cases: [number, number][] = [
      [NINF, FClass.NEG_INF],
      [NONE, FClass.NEG_NORMAL],
      [0x80800000, FClass.NEG_NORMAL],
      [0x807fffff, FClass.NEG_SUBNORMAL],
      [0x80000001, FClass.NEG_SUBNORMAL],
      [NZERO, FClass.NEG_ZERO],
      [ZERO, FClass.POS_ZERO],
      [MINSUB, FClass.POS_SUBNORMAL],
      [MAXSUB, FClass.POS_SUBNORMAL],
      [MINNORM, FClass.POS_NORMAL],
      [MAX, FClass.POS_NORMAL],
      [INF, FClass.POS_INF],
      [SNAN, FClass.SNAN],
      [0xffbfffff, FClass.SNAN],
      [QNAN, FClass.QNAN],
      [0xffc00000, FClass.QNAN],
      [0x7fffffff, FClass.QNAN],
    ];
    for (const [x, c] of cases)
      expect([hex32(x), withFlags((sf) => sf.classify32(x))]).toEqual([hex32(x), [c, 0]]);
  });
});
