/**
 * Hand-checked binary64 edge cases, per rounding mode RNE, RTZ, RDN, RUP, RMM.
 */
import { describe, expect, it } from 'vitest';
import { FClass, FFlags, type SoftFloat } from './index.js';
import { hex64, withFlags } from './test-util.js';

const { NX, UF, OF, DZ, NV } = FFlags;
const UX = UF | NX;
const OX = OF | NX;

const ZERO = 0n;
const NZERO = 0x8000000000000000n;
const ONE = 0x3ff0000000000000n;
const NONE = 0xbff0000000000000n;
const TWO = 0x4000000000000000n;
const THREE = 0x4008000000000000n;
const HALF = 0x3fe0000000000000n;
const MAX = 0x7fefffffffffffffn;
const NMAX = 0xffefffffffffffffn;
const INF = 0x7ff0000000000000n;
const NINF = 0xfff0000000000000n;
const QNAN = 0x7ff8000000000000n;
const SNAN = 0x7ff0000000000001n;
const MINSUB = 1n;
const MAXSUB = 0x000fffffffffffffn;
const MINNORM = 0x0010000000000000n;
const SIGN = 0x8000000000000000n;

type Row = readonly [bigint, number];
type PerMode = readonly [Row, Row, Row, Row, Row];

function same(r: bigint, f: number): PerMode {
  return [
    [r, f],
    [r, f],
    [r, f],
    [r, f],
    [r, f],
  ];
}

function expectModes(op: (sf: SoftFloat, rm: number) => bigint, want: PerMode): void {
  const got = [0, 1, 2, 3, 4].map((rm) => {
    const [r, f] = withFlags((sf) => op(sf, rm));
    return [hex64(r), f];
  });
  expect(got).toEqual(want.map(([r, f]) => [hex64(r), f]));
}

describe('add64 / sub64', () => {
  it('rounds the tie 1 + 2^-53', () => {
    expectModes(
      (sf, rm) => sf.add64(ONE, 0x3ca0000000000000n, rm),
      [
        [ONE, NX],
        [ONE, NX],
        [ONE, NX],
        [ONE + 1n, NX],
        [ONE + 1n, NX],
      ],
    );
  });

  it('signs exact zeros', () => {
    expectModes(
      (sf, rm) => sf.sub64(THREE, THREE, rm),
      [
        [ZERO, 0],
        [ZERO, 0],
        [NZERO, 0],
        [ZERO, 0],
        [ZERO, 0],
      ],
    );
    expectModes((sf, rm) => sf.add64(NZERO, NZERO, rm), same(NZERO, 0));
  });

  it('is exact on subnormals and across the subnormal/normal boundary', () => {
    expectModes((sf, rm) => sf.add64(MAXSUB, MINSUB, rm), same(MINNORM, 0));
    expectModes((sf, rm) => sf.sub64(MINNORM, MINSUB, rm), same(MAXSUB, 0));
  });

  it('overflows by mode', () => {
    expectModes(
      (sf, rm) => sf.add64(MAX, MAX, rm),
      [
        [INF, OX],
        [MAX, OX],
        [MAX, OX],
        [INF, OX],
        [INF, OX],
      ],
    );
    expectModes(
      (sf, rm) => sf.sub64(NMAX, MAX, rm),
      [
        [NINF, OX],
        [NMAX, OX],
        [NINF, OX],
        [NMAX, OX],
        [NINF, OX],
      ],
    );
  });

  it('handles NaNs and infinities', () => {
    expectModes((sf, rm) => sf.add64(INF, NINF, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.add64(0xfff8000000000123n, ONE, rm), same(QNAN, 0));
    expectModes((sf, rm) => sf.sub64(ONE, SNAN, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.add64(NINF, MAX, rm), same(NINF, 0));
  });
});

describe('mul64', () => {
  it('rounds 0x1p-1074 * 0.5 and 0x1p-1074 * 1.5', () => {
    expectModes(
      (sf, rm) => sf.mul64(MINSUB, HALF, rm),
      [
        [ZERO, UX],
        [ZERO, UX],
        [ZERO, UX],
        [MINSUB, UX],
        [MINSUB, UX],
      ],
    );
    expectModes(
      (sf, rm) => sf.mul64(MINSUB | SIGN, HALF, rm),
      [
        [NZERO, UX],
        [NZERO, UX],
        [MINSUB | SIGN, UX],
        [NZERO, UX],
        [MINSUB | SIGN, UX],
      ],
    );
    expectModes(
      (sf, rm) => sf.mul64(MINSUB, 0x3ff8000000000000n, rm),
      [
        [2n, UX],
        [1n, UX],
        [1n, UX],
        [2n, UX],
        [2n, UX],
      ],
    );
  });

  it('underflows a subnormal * subnormal product to zero or the smallest subnormal', () => {
    expectModes(
      (sf, rm) => sf.mul64(MINSUB, MAXSUB | SIGN, rm),
      [
        [NZERO, UX],
        [NZERO, UX],
        [MINSUB | SIGN, UX],
        [NZERO, UX],
        [NZERO, UX],
      ],
    );
  });

  it('detects tininess after rounding', () => {
    // (1 - 2^-53) * 2^-1022: 53 bits, so tiny in every mode; a tie on the subnormal grid.
    expectModes(
      (sf, rm) => sf.mul64(0x3fefffffffffffffn, MINNORM, rm),
      [
        [MINNORM, UX],
        [MAXSUB, UX],
        [MAXSUB, UX],
        [MINNORM, UX],
        [MINNORM, UX],
      ],
    );
    // (1 - 2^-52)(1 + 2^-52) * 2^-1022 = 2^-1022 (1 - 2^-104): not tiny for RNE/RUP/RMM.
    expectModes(
      (sf, rm) => sf.mul64(0x3feffffffffffffen, MINNORM + 1n, rm),
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
    // 2^600 * -2^600
    expectModes(
      (sf, rm) => sf.mul64(0x6570000000000000n, 0xe570000000000000n, rm),
      [
        [NINF, OX],
        [NMAX, OX],
        [NINF, OX],
        [NMAX, OX],
        [NINF, OX],
      ],
    );
  });

  it('handles inf * 0', () => {
    expectModes((sf, rm) => sf.mul64(ZERO, NINF, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.mul64(NZERO, THREE, rm), same(NZERO, 0));
  });
});

describe('div64', () => {
  it('rounds 1/3 (0x3fd5555555555555 is below the true value)', () => {
    expectModes(
      (sf, rm) => sf.div64(ONE, THREE, rm),
      [
        [0x3fd5555555555555n, NX],
        [0x3fd5555555555555n, NX],
        [0x3fd5555555555555n, NX],
        [0x3fd5555555555556n, NX],
        [0x3fd5555555555555n, NX],
      ],
    );
  });

  it('raises DZ and NV', () => {
    expectModes((sf, rm) => sf.div64(NONE, ZERO, rm), same(NINF, DZ));
    expectModes((sf, rm) => sf.div64(NZERO, ZERO, rm), same(QNAN, NV));
    expectModes((sf, rm) => sf.div64(NINF, INF, rm), same(QNAN, NV));
  });

  it('underflows a subnormal quotient', () => {
    // 2^-1074 / 3
    expectModes(
      (sf, rm) => sf.div64(MINSUB, THREE, rm),
      [
        [ZERO, UX],
        [ZERO, UX],
        [ZERO, UX],
        [MINSUB, UX],
        [ZERO, UX],
      ],
    );
  });
});

describe('sqrt64', () => {
  it('rounds sqrt(2) (0x3ff6a09e667f3bcd is above the true value)', () => {
    expectModes(
      (sf, rm) => sf.sqrt64(TWO, rm),
      [
        [0x3ff6a09e667f3bcdn, NX],
        [0x3ff6a09e667f3bccn, NX],
        [0x3ff6a09e667f3bccn, NX],
        [0x3ff6a09e667f3bcdn, NX],
        [0x3ff6a09e667f3bcdn, NX],
      ],
    );
  });

  it('is exact on squares, including subnormal ones', () => {
    expectModes((sf, rm) => sf.sqrt64(0x4022000000000000n, rm), same(THREE, 0));
    // sqrt(2^-1072) = 2^-536, from a subnormal
    expectModes((sf, rm) => sf.sqrt64(4n, rm), same(0x1e70000000000000n, 0));
  });

  it('rejects negative operands but keeps -0', () => {
    expectModes((sf, rm) => sf.sqrt64(NZERO, rm), same(NZERO, 0));
    expectModes((sf, rm) => sf.sqrt64(NMAX, rm), same(QNAN, NV));
  });
});

describe('fma64', () => {
  it('recovers the exact product error', () => {
    // (1 + 2^-52)^2 - (1 + 2^-51) = 2^-104
    expectModes((sf, rm) => sf.fmadd64(ONE + 1n, ONE + 1n, NONE + 2n, rm), same(0x3970000000000000n, 0));
    expectModes((sf, rm) => sf.fnmsub64(ONE + 1n, ONE + 1n, ONE + 2n, rm), same(0xb970000000000000n, 0));
  });

  it('raises NV for inf*0 + qNaN', () => {
    expectModes((sf, rm) => sf.fmadd64(ZERO, INF, QNAN, rm), same(QNAN, NV));
  });

  it('rounds a tiny cancellation residue', () => {
    // 2^-1074 * 0.5 + (-0): the exact result is +2^-1075.
    expectModes(
      (sf, rm) => sf.fmadd64(MINSUB, HALF, NZERO, rm),
      [
        [ZERO, UX],
        [ZERO, UX],
        [ZERO, UX],
        [MINSUB, UX],
        [MINSUB, UX],
      ],
    );
  });
});

describe('min64 / max64 / compares / classify64', () => {
  it('follows the 2.2 minimumNumber/maximumNumber rules', () => {
    expect(withFlags((sf) => sf.min64(ZERO, NZERO))).toEqual([NZERO, 0]);
    expect(withFlags((sf) => sf.max64(NZERO, ZERO))).toEqual([ZERO, 0]);
    expect(withFlags((sf) => sf.min64(QNAN, NONE))).toEqual([NONE, 0]);
    expect(withFlags((sf) => sf.max64(SNAN, NONE))).toEqual([NONE, NV]);
    expect(withFlags((sf) => sf.max64(0xfff8000000000001n, SNAN))).toEqual([QNAN, NV]);
  });

  it('compares', () => {
    expect(withFlags((sf) => sf.eq64(NZERO, ZERO))).toEqual([true, 0]);
    expect(withFlags((sf) => sf.eq64(QNAN, ONE))).toEqual([false, 0]);
    expect(withFlags((sf) => sf.eq64(SNAN, ONE))).toEqual([false, NV]);
    expect(withFlags((sf) => sf.lt64(QNAN, ONE))).toEqual([false, NV]);
    expect(withFlags((sf) => sf.le64(NMAX, NONE))).toEqual([true, 0]);
    expect(withFlags((sf) => sf.lt64(MINSUB, ZERO))).toEqual([false, 0]);
  });

  it('classifies', () => {
    const cases: [bigint, number][] = [
      [NINF, FClass.NEG_INF],
      [NMAX, FClass.NEG_NORMAL],
      [MAXSUB | SIGN, FClass.NEG_SUBNORMAL],
      [NZERO, FClass.NEG_ZERO],
      [ZERO, FClass.POS_ZERO],
      [MINSUB, FClass.POS_SUBNORMAL],
      [MINNORM, FClass.POS_NORMAL],
      [INF, FClass.POS_INF],
      [SNAN, FClass.SNAN],
      [0xfff7ffffffffffffn, FClass.SNAN],
      [QNAN, FClass.QNAN],
      [0xffffffffffffffffn, FClass.QNAN],
    ];
    for (const [x, c] of cases)
      expect([hex64(x), withFlags((sf) => sf.classify64(x))]).toEqual([hex64(x), [c, 0]]);
  });
});
