/**
 * Differential test of the double-based fast paths (`fast.ts`, used by `SoftFloat`) against
 * the BigInt reference engine (`core.ts`, itself checked against RISC-V reference vectors):
 * every public operation, every rounding mode, on seeded random operands biased toward the
 * cases the fast paths must get right or hand over (ties and near-ties from sparse and
 * dense significands, cancellation, subnormal and overflow boundaries, special values).
 *
 * HVKIT_FPU_FUZZ=<n> raises the number of operands per operation (default 1500).
 */
import { describe, expect, it } from 'vitest';
import * as core from './core.js';
import { F32, F64, type Format } from './core.js';
import { FmaOp, SoftFloat } from './index.js';

const COUNT = Number(process.env.HVKIT_FPU_FUZZ ?? 1500);

/** xorshift128+ on two uint32 halves: deterministic, seedable. */
class Rng {
  private s0: number;
  private s1: number;
  constructor(seed: number) {
    this.s0 = seed | 1;
    this.s1 = (seed * 2654435761) | 0 || 7;
  }
  u32(): number {
    let x = this.s0;
    const y = this.s1;
    this.s0 = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    this.s1 = x;
    return (x + y) >>> 0;
  }
  below(n: number): number {
    return this.u32() % n;
  }
  range(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }
  bits(n: number): bigint {
    let v = 0n;
    for (let i = 0; i < n; i += 32) v = (v << 32n) | BigInt(this.u32());
    return v & ((1n << BigInt(n)) - 1n);
  }
}

function mk(f: Format, sign: boolean, e: number, frac: bigint): bigint {
  const ee = Math.max(0, Math.min(f.expAllOnes, e));
  return (sign ? f.signBit : 0n) | (BigInt(ee) << f.fracBitsN) | (frac & f.fracMask);
}

/** Significand patterns like TestFloat's: uniform, sparse, dense, runs, rounding-critical tails. */
function frac(r: Rng, f: Format): bigint {
  const n = f.fracBits;
  const m = f.fracMask;
  switch (r.below(7)) {
    case 0:
    case 1:
      return r.bits(n);
    case 2: {
      let v = 0n;
      for (let k = 1 + r.below(3); k > 0; k--) v |= 1n << BigInt(r.below(n));
      return v;
    }
    case 3: {
      let v = m;
      for (let k = 1 + r.below(3); k > 0; k--) v &= ~(1n << BigInt(r.below(n)));
      return v;
    }
    case 4: {
      const lo = r.below(n);
      const hi = lo + r.below(n - lo + 1);
      return ((1n << BigInt(hi)) - 1n) & ~((1n << BigInt(lo)) - 1n);
    }
    case 5: {
      const cut = r.below(n) + 1;
      const top = r.bits(n) & ~((1n << BigInt(cut)) - 1n);
      const half = 1n << BigInt(cut - 1);
      const tails = [half, half - 1n, half + 1n, 0n];
      return top | (tails[r.below(4)]! & m);
    }
    default:
      return r.below(2) ? BigInt(r.below(4)) : m - BigInt(r.below(4));
  }
}

function special(r: Rng, f: Format): bigint {
  const h = f.quietBit;
  const list = [
    0n,
    f.signBit,
    1n,
    f.fracMask,
    f.hidden,
    BigInt(f.bias) << f.fracBitsN,
    f.maxFinite,
    f.inf,
    f.defaultNaN,
    f.inf | 1n,
    f.inf | h | 0x55n,
    (BigInt(f.bias) << f.fracBitsN) | h,
  ];
  const v = list[r.below(list.length)]!;
  return r.below(2) && v !== f.defaultNaN ? v ^ f.signBit : v;
}

function value(r: Rng, f: Format): bigint {
  if (r.below(16) === 0) return special(r, f);
  if (r.below(10) === 0) return r.bits(f.fracBits + 1 + (f === F32 ? 8 : 11));
  const top = f.expAllOnes;
  let e: number;
  switch (r.below(12)) {
    case 0:
      e = 0;
      break;
    case 1:
      e = r.range(1, 3);
      break;
    case 2:
      e = top - 1 - r.below(3);
      break;
    case 3:
    case 4:
    case 5:
    case 6:
      e = f.bias - 8 + r.below(17);
      break;
    default:
      e = r.below(top);
  }
  return mk(f, r.below(2) === 1, e, frac(r, f));
}

function expOf(f: Format, x: bigint): number {
  return Number((x >> f.fracBitsN) & f.expAllOnesN);
}

/** A value with an exponent near x's (alignment, cancellation, ties). */
function near(r: Rng, f: Format, x: bigint): bigint {
  const p = f.p;
  let e = expOf(f, x) + r.range(-(p + 4), p + 4);
  if (r.below(3) === 0) e = expOf(f, x) + r.range(-2, 2);
  e = Math.min(e, f.expAllOnes - 1);
  let fr = frac(r, f);
  if (r.below(2)) fr = (x ^ r.bits(r.below(f.fracBits + 1))) & f.fracMask;
  return mk(f, r.below(2) === 1, e, fr);
}

type Case = {
  name: string;
  arity: 1 | 2 | 3;
  f: Format;
  run: (sf: SoftFloat, v: bigint[], rm: number) => unknown;
};

const n32 = (x: bigint): number => Number(x);
const fmaNames: [string, number][] = [
  ['fmadd', FmaOp.MADD],
  ['fmsub', FmaOp.MSUB],
  ['fnmsub', FmaOp.NMSUB],
  ['fnmadd', FmaOp.NMADD],
];

/** Each case pairs a SoftFloat method with the engine computing the same thing. */
function cases(): { fast: Case; ref: Case }[] {
  const out: { fast: Case; ref: Case }[] = [];
  const pair = (fast: Case, ref: Case['run']) => out.push({ fast, ref: { ...fast, run: ref } });
  const u = (v: bigint[], i: number): bigint => v[i] ?? 0n;
  for (const [f, w] of [
    [F32, '32'],
    [F64, '64'],
  ] as const) {
    const is32 = f === F32;
    const toF = (x: bigint): number | bigint => (is32 ? n32(x) : x);
    const call = (sf: SoftFloat, m: string, ...args: unknown[]): unknown =>
      (sf as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!.apply(sf, args);
    pair(
      {
        name: `add${w}`,
        arity: 2,
        f,
        run: (sf, v, rm) => call(sf, `add${w}`, toF(u(v, 0)), toF(u(v, 1)), rm),
      },
      (sf, v, rm) => toF(core.add(f, u(v, 0), u(v, 1), false, rm, sf)),
    );
    pair(
      {
        name: `sub${w}`,
        arity: 2,
        f,
        run: (sf, v, rm) => call(sf, `sub${w}`, toF(u(v, 0)), toF(u(v, 1)), rm),
      },
      (sf, v, rm) => toF(core.add(f, u(v, 0), u(v, 1), true, rm, sf)),
    );
    pair(
      {
        name: `mul${w}`,
        arity: 2,
        f,
        run: (sf, v, rm) => call(sf, `mul${w}`, toF(u(v, 0)), toF(u(v, 1)), rm),
      },
      (sf, v, rm) => toF(core.mul(f, u(v, 0), u(v, 1), rm, sf)),
    );
    pair(
      {
        name: `div${w}`,
        arity: 2,
        f,
        run: (sf, v, rm) => call(sf, `div${w}`, toF(u(v, 0)), toF(u(v, 1)), rm),
      },
      (sf, v, rm) => toF(core.div(f, u(v, 0), u(v, 1), rm, sf)),
    );
    pair(
      { name: `sqrt${w}`, arity: 1, f, run: (sf, v, rm) => call(sf, `sqrt${w}`, toF(u(v, 0)), rm) },
      (sf, v, rm) => toF(core.sqrt(f, u(v, 0), rm, sf)),
    );
    for (const [name, op] of fmaNames) {
      pair(
        {
          name: `${name}${w}`,
          arity: 3,
          f,
          run: (sf, v, rm) => call(sf, `${name}${w}`, toF(u(v, 0)), toF(u(v, 1)), toF(u(v, 2)), rm),
        },
        (sf, v, rm) => toF(core.fma(f, u(v, 0), u(v, 1), u(v, 2), op, rm, sf)),
      );
    }
    pair(
      { name: `min${w}`, arity: 2, f, run: (sf, v) => call(sf, `min${w}`, toF(u(v, 0)), toF(u(v, 1))) },
      (sf, v) => toF(core.minMax(f, u(v, 0), u(v, 1), false, sf)),
    );
    pair(
      { name: `max${w}`, arity: 2, f, run: (sf, v) => call(sf, `max${w}`, toF(u(v, 0)), toF(u(v, 1))) },
      (sf, v) => toF(core.minMax(f, u(v, 0), u(v, 1), true, sf)),
    );
    pair(
      { name: `eq${w}`, arity: 2, f, run: (sf, v) => call(sf, `eq${w}`, toF(u(v, 0)), toF(u(v, 1))) },
      (sf, v) => core.eq(f, u(v, 0), u(v, 1), sf),
    );
    pair(
      { name: `lt${w}`, arity: 2, f, run: (sf, v) => call(sf, `lt${w}`, toF(u(v, 0)), toF(u(v, 1))) },
      (sf, v) => core.less(f, u(v, 0), u(v, 1), false, sf),
    );
    pair(
      { name: `le${w}`, arity: 2, f, run: (sf, v) => call(sf, `le${w}`, toF(u(v, 0)), toF(u(v, 1))) },
      (sf, v) => core.less(f, u(v, 0), u(v, 1), true, sf),
    );
    pair(
      { name: `classify${w}`, arity: 1, f, run: (sf, v) => call(sf, `classify${w}`, toF(u(v, 0))) },
      (_sf, v) => core.classify(f, u(v, 0)),
    );
    const ints: [string, bigint, bigint, boolean][] = [
      ['I32', -(2n ** 31n), 2n ** 31n - 1n, true],
      ['U32', 0n, 2n ** 32n - 1n, true],
      ['I64', -(2n ** 63n), 2n ** 63n - 1n, false],
      ['U64', 0n, 2n ** 64n - 1n, false],
    ];
    for (const [it, lo, hi, narrow] of ints) {
      pair(
        {
          name: `f${w}To${it}`,
          arity: 1,
          f,
          run: (sf, v, rm) => {
            const r = call(sf, `f${w}To${it}`, toF(u(v, 0)), rm);
            return narrow ? BigInt(r as number) : r;
          },
        },
        (sf, v, rm) => {
          const r = core.toInt(f, u(v, 0), rm, lo, hi, sf);
          return narrow ? BigInt.asIntN(32, r) : r;
        },
      );
    }
    pair(
      {
        name: `f${w}Convert`,
        arity: 1,
        f,
        run: (sf, v, rm) => (is32 ? sf.f32ToF64(n32(u(v, 0))) : sf.f64ToF32(u(v, 0), rm)),
      },
      (sf, v, rm) =>
        is32 ? core.convert(F32, F64, u(v, 0), rm, sf) : n32(core.convert(F64, F32, u(v, 0), rm, sf)),
    );
  }
  return out;
}

function operands(r: Rng, c: Case): bigint[] {
  const f = c.f;
  const a = value(r, f);
  if (c.name.startsWith('f64Convert')) {
    // binary64 operands around the binary32 range and rounding point.
    const e = r.below(3) ? r.range(-155, -120) + 1023 : r.range(-130, 131) + 1023;
    let fr = frac(r, F64);
    if (r.below(2))
      fr = (fr & ~((1n << 29n) - 1n)) | [1n << 28n, (1n << 28n) - 1n, (1n << 28n) + 1n][r.below(3)]!;
    return [r.below(8) === 0 ? a : mk(F64, r.below(2) === 1, e, fr)];
  }
  if (/To[IU]/.test(c.name) && r.below(4)) {
    const width = c.name.endsWith('32') ? 32 : 64;
    return [mk(f, r.below(2) === 1, f.bias + r.range(-3, width + 1), frac(r, f))];
  }
  if (c.arity === 1) return [c.name.startsWith('sqrt') && r.below(4) ? a & ~f.signBit : a];
  const b = r.below(2) ? near(r, f, a) : value(r, f);
  if (c.arity === 2) return [a, b];
  let cc: bigint;
  const mode = r.below(4);
  if (mode === 0) cc = value(r, f);
  else if (mode === 1) cc = near(r, f, a);
  else {
    // c close to -(a*b): cancellation down to the product's low bits.
    const sf = new SoftFloat();
    const p = core.mul(f, a, b, r.below(5), sf);
    cc = (p + BigInt(r.range(-3, 3))) & (f.signBit | (f.signBit - 1n));
    if (r.below(4)) cc ^= f.signBit;
  }
  return [a, b, cc];
}

const fmtV = (f: Format, x: bigint): string => `0x${x.toString(16).padStart(f === F32 ? 8 : 16, '0')}`;

describe('fast paths agree with the reference engine', () => {
  let seed = 1;
  for (const { fast, ref } of cases()) {
    const s = seed++;
    it(fast.name, () => {
      const r = new Rng(0x9e3779b9 ^ (s * 7919));
      const bad: string[] = [];
      for (let i = 0; i < COUNT && bad.length < 10; i++) {
        const v = operands(r, fast);
        for (let rm = 0; rm < 5; rm++) {
          const s1 = new SoftFloat();
          const s2 = new SoftFloat();
          const got = fast.run(s1, v, rm);
          const want = ref.run(s2, v, rm);
          if (got !== want || s1.flags !== s2.flags) {
            bad.push(
              `${fast.name}(${v.map((x) => fmtV(fast.f, x)).join(', ')}) rm=${rm}: got ${String(got)}/${s1.flags} want ${String(want)}/${s2.flags}`,
            );
          }
        }
      }
      expect(bad).toEqual([]);
    });
  }
});

/** Few-bit significands with nearby exponents: exact ties and near-ties after one rounding. */
function sparse(r: Rng, f: Format, e: number): bigint {
  let fr = 0n;
  for (let k = r.below(4); k > 0; k--) fr |= 1n << BigInt(r.below(f.fracBits));
  if (r.below(3) === 0) fr = f.fracMask ^ fr;
  return mk(f, r.below(2) === 1, e, fr);
}

describe('fast paths on sparse significands (ties and near-ties)', () => {
  for (const f of [F32, F64]) {
    const w = f === F32 ? 32 : 64;
    const picks = cases().filter(
      ({ fast }) => fast.f === f && /^(add|sub|mul|fn?m(add|sub))/.test(fast.name),
    );
    for (const { fast, ref } of picks) {
      it(fast.name, () => {
        const r = new Rng(w * 31 + fast.name.length);
        const bad: string[] = [];
        for (let i = 0; i < COUNT && bad.length < 10; i++) {
          const ea = f.bias + r.range(-4, 4);
          const a = sparse(r, f, ea);
          const b = sparse(
            r,
            f,
            fast.arity === 3 ? f.bias + r.range(-4, 4) : ea + r.range(-(f.p + 2), f.p + 2),
          );
          const c = sparse(r, f, ea + r.range(-2 * f.p - 4, 4));
          const v = [a, b, c];
          for (let rm = 0; rm < 5; rm++) {
            const s1 = new SoftFloat();
            const s2 = new SoftFloat();
            const got = fast.run(s1, v, rm);
            const want = ref.run(s2, v, rm);
            if (got !== want || s1.flags !== s2.flags) {
              bad.push(
                `${fast.name}(${v.map((x) => fmtV(f, x)).join(', ')}) rm=${rm}: got ${String(got)}/${s1.flags} want ${String(want)}/${s2.flags}`,
              );
            }
          }
        }
        expect(bad).toEqual([]);
      });
    }
  }
});
