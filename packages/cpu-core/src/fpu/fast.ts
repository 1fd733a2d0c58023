/**
 * Fast paths on JS doubles, used when they provably give the same result and flags as the
 * BigInt reference engine (`core.ts`); every function here returns `SLOW` (or `undefined`
 * for the bigint-valued ones) when it cannot decide, and the caller then runs the engine.
 *
 * The idea: a JS operation yields the round-to-nearest-even result r. An error-free
 * transformation gives the exact error X - r (or its sign): TwoSum for addition, Dekker's
 * TwoProduct for multiplication (JS has no fma), and the exactly representable remainders
 * x - q*y and x - s*s for division and square root. From r, the sign of X - r, and whether
 * X is exactly halfway between r and a neighbour, every rounding mode follows: the result
 * is r or the next number toward or away from zero, and NX is "X != r". The paths only
 * accept results that are normal and well inside the range, so UF and OF cannot occur
 * (their boundaries are left to the engine), and operands in a range where the
 * transformations are exact (no intermediate overflow or underflow).
 *
 * binary32 runs on doubles as well: binary32 values and products are exact doubles, and
 * rounding a double-precision +, -, *, /, sqrt of binary32 operands to binary32 equals
 * rounding the exact value directly (double rounding is innocuous for p' >= 2p + 2). Sums
 * with a third term (fma) are handled by checking whether the double lands exactly on a
 * binary32 midpoint.
 */
import { FFlags, RoundingMode } from './constants.js';

const { NX, NV } = FFlags;
const { RNE, RTZ, RDN, RUP, RMM } = RoundingMode;

export interface Sink {
  flags: number;
}

/** Returned by the binary32 fast paths when the engine must decide. */
export const SLOW = -1;

// Scratch views over one 8-byte buffer.
const buf = new ArrayBuffer(8);
const F64 = new Float64Array(buf);
const U64 = new BigUint64Array(buf);
const U32 = new Uint32Array(buf);
const F32 = new Float32Array(buf, 0, 1);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE ? 0 : 1;
const HI = LITTLE ? 1 : 0;

/** POW2[i] = 2^(i - 1100), exact down to 2^-1074. */
const POW2 = new Float64Array(2200);
{
  let v = 1;
  for (let i = 1100; i < 2200; i++, v *= 2) POW2[i] = v;
  v = 1;
  for (let i = 1100; i >= 0; i--, v /= 2) POW2[i] = v;
}
function pow2(e: number): number {
  return POW2[e + 1100]!;
}

const MAX32 = 3.4028234663852886e38;
const MIN_FAST32 = 2 ** -125;
const MAX64 = Number.MAX_VALUE;
const MIN_FAST64 = 2 ** -1020;
/** Operand range in which Dekker's TwoProduct is exact. */
const PROD_LO = 2 ** -480;
const PROD_HI = 2 ** 480;
const SPLIT = 134217729; // 2^27 + 1
const SUM_HI = 2 ** 1020;
const TWO53 = 2 ** 53;
const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;

export function bitsToF64(a: bigint): number {
  U64[0] = a;
  return F64[0]!;
}

export function f64ToBits(x: number): bigint {
  F64[0] = x;
  return U64[0]!;
}

export function bitsToF32(a: number): number {
  U32[0] = a;
  return F32[0]!;
}

export function f32ToBits(x: number): number {
  F32[0] = x;
  return U32[0]!;
}

/** a*b - RN(a*b), exactly (Dekker/Veltkamp). Operands must lie in [PROD_LO, PROD_HI]. */
function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

function inProdRange(x: number): boolean {
  const a = Math.abs(x);
  return a >= PROD_LO && a <= PROD_HI;
}

// ------------------------------------------------------------------------- binary64

/**
 * Half the distance from normal r to its neighbour on the side of `dir` (sign of the
 * direction), i.e. the distance from r to the midpoint there.
 */
function halfGap64(r: number, dir: number): number {
  F64[0] = r;
  const hi = U32[HI]!;
  const e = ((hi >>> 20) & 0x7ff) - 1023;
  const towardZero = dir > 0 !== r > 0;
  if (towardZero && (hi & 0xfffff) === 0 && U32[LO] === 0) return pow2(e - 54);
  return pow2(e - 53);
}

/**
 * Packs r = RN(X) given `err` with the sign of X - r (0 iff exact) and `tie` (X exactly
 * halfway between r and its neighbour). r must be normal, at least MIN_FAST64 and below
 * MAX64 in magnitude, so the neighbours are normal and finite.
 */
function finish64(sf: Sink, r: number, err: number, tie: boolean, rm: number): bigint {
  F64[0] = r;
  if (err === 0) return U64[0]!;
  sf.flags |= NX;
  if (rm !== RNE) {
    // +1: step the magnitude up (away from zero); -1: down; 0: keep r.
    const away = err > 0 === r > 0;
    let step = 0;
    switch (rm) {
      case RTZ:
        if (!away) step = -1;
        break;
      case RDN:
        if (err < 0) step = r > 0 ? -1 : 1;
        break;
      case RUP:
        if (err > 0) step = r > 0 ? 1 : -1;
        break;
      case RMM:
        if (tie && away) step = 1;
        break;
    }
    if (step > 0) {
      if (U32[LO] === 0xffffffff) {
        U32[LO] = 0;
        U32[HI] = U32[HI]! + 1;
      } else U32[LO] = U32[LO]! + 1;
    } else if (step < 0) {
      if (U32[LO] === 0) {
        U32[LO] = 0xffffffff;
        U32[HI] = U32[HI]! - 1;
      } else U32[LO] = U32[LO]! - 1;
    }
  }
  return U64[0]!;
}

function okResult64(r: number): boolean {
  const a = Math.abs(r);
  return a >= MIN_FAST64 && a < MAX64;
}

export function add64(sf: Sink, a: bigint, b: bigint, negB: boolean, rm: number): bigint | undefined {
  const x = bitsToF64(a);
  let y = bitsToF64(b);
  if (negB) y = -y;
  const s = x + y;
  // The operand bound keeps TwoSum's intermediate differences from overflowing.
  if (okResult64(s) && Math.abs(x) < SUM_HI && Math.abs(y) < SUM_HI) {
    const bb = s - x;
    const err = x - (s - bb) + (y - bb);
    return finish64(sf, s, err, rm === RMM && err !== 0 && Math.abs(err) === halfGap64(s, err), rm);
  }
  // An exact zero sum of finite operands; RDN's sign rule is left to the engine.
  if (s === 0 && rm !== RDN) return f64ToBits(s);
  return undefined;
}

export function mul64(sf: Sink, a: bigint, b: bigint, rm: number): bigint | undefined {
  const x = bitsToF64(a);
  const y = bitsToF64(b);
  const p = x * y;
  if (inProdRange(x) && inProdRange(y)) {
    const err = twoProdErr(x, y, p);
    return finish64(sf, p, err, rm === RMM && err !== 0 && Math.abs(err) === halfGap64(p, err), rm);
  }
  // 0 * finite: an exact signed zero (a product that merely underflows is not).
  if ((x === 0 || y === 0) && Math.abs(x) < Infinity && Math.abs(y) < Infinity) return f64ToBits(p);
  return undefined;
}

export function div64(sf: Sink, a: bigint, b: bigint, rm: number): bigint | undefined {
  const x = bitsToF64(a);
  const y = bitsToF64(b);
  const q = x / y;
  if (inProdRange(q) && inProdRange(y)) {
    // The remainder x - q*y is exactly representable; x - p is exact (Sterbenz).
    const p = q * y;
    const rem = x - p - twoProdErr(q, y, p);
    // A quotient is never exactly halfway between two floats, so no ties.
    return finish64(sf, q, y > 0 ? rem : -rem, false, rm);
  }
  if (x === 0 && y !== 0 && Math.abs(y) < Infinity) return f64ToBits(q);
  return undefined;
}

export function sqrt64(sf: Sink, a: bigint, rm: number): bigint | undefined {
  const x = bitsToF64(a);
  if (x >= PROD_LO * PROD_LO && x <= PROD_HI * PROD_HI) {
    const r = Math.sqrt(x);
    const p = r * r;
    // A square root is never exactly halfway between two floats either.
    return finish64(sf, r, x - p - twoProdErr(r, r, p), false, rm);
  }
  if (x === 0 || x === Infinity) return a;
  return undefined;
}

/** x*y + z with one rounding; the caller has applied the variant's negations. */
export function fma64(sf: Sink, x: number, y: number, z: number, rm: number): bigint | undefined {
  if (inProdRange(x) && inProdRange(y) && Math.abs(z) <= 2 ** 1000) {
    // X = x*y + z = p + e + z = s + t + e = s + u + v = r + w + v, all steps exact.
    const p = x * y;
    const e = twoProdErr(x, y, p);
    const s = p + z;
    let bb = s - p;
    const t = p - (s - bb) + (z - bb);
    const u = t + e;
    bb = u - t;
    const v = t - (u - bb) + (e - bb);
    const r = s + u;
    bb = r - s;
    const w = s - (r - bb) + (u - bb);
    if (!okResult64(r)) return undefined;
    if (v === 0) {
      // X = r + w exactly, and r = RN(r + w).
      return finish64(sf, r, w, rm === RMM && w !== 0 && Math.abs(w) === halfGap64(r, w), rm);
    }
    // |X - r| = |w + v| < the smaller half-gap: r = RN(X), not a tie, sign from w + v.
    if (Math.abs(w) + Math.abs(v) < halfGap64(r, -r)) return finish64(sf, r, w + v, false, rm);
    return undefined;
  }
  // 0 * finite + nonzero finite z: exactly z.
  if (
    (x === 0 || y === 0) &&
    Math.abs(x) < Infinity &&
    Math.abs(y) < Infinity &&
    z !== 0 &&
    Math.abs(z) < Infinity
  ) {
    return f64ToBits(z);
  }
  return undefined;
}

// ------------------------------------------------------------------------- binary32

/** Half the gap from the binary32 value r (pattern `bits`) to its neighbour on side `dir`. */
function halfGap32(r: number, bits: number, dir: number): number {
  const e = ((bits >>> 23) & 0xff) - 127;
  const towardZero = dir > 0 !== r > 0;
  if (towardZero && (bits & 0x7fffff) === 0) return pow2(e - 25);
  return pow2(e - 24);
}

/**
 * Rounds X = s + err (exactly; s a double, |err| <= half an ulp of s) to binary32.
 * Returns the pattern, or SLOW when the result is not comfortably normal.
 */
export function round32(sf: Sink, s: number, err: number, rm: number): number {
  let r = Math.fround(s);
  let a = Math.abs(r);
  if (!(a >= MIN_FAST32 && a < MAX32)) return SLOW;
  let bits = f32ToBits(r);
  const h = s - r; // exact
  let tie = false;
  if (h !== 0 && Math.abs(h) === halfGap32(r, bits, h)) {
    // s is a binary32 midpoint; fround chose the even side.
    if (err === 0) tie = true;
    else if (err > 0 === h > 0) {
      // X lies past the midpoint: the other neighbour is nearest.
      r += 2 * h;
      a = Math.abs(r);
      if (!(a >= MIN_FAST32 && a < MAX32)) return SLOW;
      bits = f32ToBits(r);
    }
  }
  const d = s - r + err; // sign of X - r
  if (d === 0) return bits;
  sf.flags |= NX;
  if (rm === RNE) return bits;
  const away = d > 0 === r > 0;
  switch (rm) {
    case RTZ:
      return away ? bits : bits - 1;
    case RDN:
      return d < 0 ? (r > 0 ? bits - 1 : bits + 1) : bits;
    case RUP:
      return d > 0 ? (r > 0 ? bits + 1 : bits - 1) : bits;
    default:
      return tie && away ? bits + 1 : bits;
  }
}

/** Packs a correctly rounded binary32 quotient or root r with the sign `d` of X - r. */
function finishNoTie32(sf: Sink, r: number, d: number, rm: number): number {
  const bits = f32ToBits(r);
  if (d === 0) return bits;
  sf.flags |= NX;
  if (rm === RNE || rm === RMM) return bits;
  const away = d > 0 === r > 0;
  switch (rm) {
    case RTZ:
      return away ? bits : bits - 1;
    case RDN:
      return d < 0 ? (r > 0 ? bits - 1 : bits + 1) : bits;
    default:
      return d > 0 ? (r > 0 ? bits + 1 : bits - 1) : bits;
  }
}

export function add32(sf: Sink, x: number, y: number, rm: number): number {
  const s = x + y;
  // An exact zero sum of finite operands; RDN's sign rule is left to the engine.
  if (s === 0) return rm !== RDN ? f32ToBits(s) : SLOW;
  const bb = s - x;
  const err = x - (s - bb) + (y - bb);
  return Number.isNaN(err) ? SLOW : round32(sf, s, err, rm);
}

export function mul32(sf: Sink, x: number, y: number, rm: number): number {
  const p = x * y; // exact
  if (p === 0) return Math.abs(x) < Infinity && Math.abs(y) < Infinity ? f32ToBits(p) : SLOW;
  return round32(sf, p, 0, rm);
}

export function div32(sf: Sink, x: number, y: number, rm: number): number {
  const r = Math.fround(x / y);
  const a = Math.abs(r);
  if (a >= MIN_FAST32 && a < MAX32) {
    const rem = x - r * y; // exact
    return finishNoTie32(sf, r, y > 0 ? rem : -rem, rm);
  }
  if (x === 0 && y !== 0 && Math.abs(y) < Infinity) return f32ToBits(r);
  return SLOW;
}

export function sqrt32(sf: Sink, x: number, rm: number): number {
  if (x > 0 && x < Infinity) {
    const r = Math.fround(Math.sqrt(x));
    return finishNoTie32(sf, r, x - r * r, rm);
  }
  return SLOW;
}

/** x*y + z with one rounding; the caller has applied the variant's negations. */
export function fma32(sf: Sink, x: number, y: number, z: number, rm: number): number {
  const p = x * y; // exact
  const s = p + z;
  if (s === 0 || !Number.isFinite(s)) return SLOW;
  const bb = s - p;
  return round32(sf, s, p - (s - bb) + (z - bb), rm);
}

// ------------------------------------------------------------------------- conversions

/** Rounds a non-NaN double to an integral double by `rm`. */
export function roundIntegral(x: number, rm: number): number {
  switch (rm) {
    case RTZ:
      return Math.trunc(x);
    case RDN:
      return Math.floor(x);
    case RUP:
      return Math.ceil(x);
    default: {
      // Round the magnitude: |x| - floor(|x|) is exact, unlike x - floor(x) for x in (-1, 0).
      const ax = Math.abs(x);
      if (!(ax < TWO53)) return x;
      const f = Math.floor(ax);
      const d = ax - f;
      const m = d > 0.5 || (d === 0.5 && (rm === RMM || f % 2 !== 0)) ? f + 1 : f;
      return x < 0 ? -m : m;
    }
  }
}

/** Float (as a double) to an integer in [lo, hi] (both within 2^53), saturating. */
export function toInt32Range(sf: Sink, x: number, rm: number, lo: number, hi: number): number {
  if (Number.isNaN(x)) {
    sf.flags |= NV;
    return hi;
  }
  const r = roundIntegral(x, rm);
  if (r < lo || r > hi) {
    sf.flags |= NV;
    return x < 0 ? lo : hi;
  }
  if (r !== x) sf.flags |= NX;
  return r;
}

/** Float (as a double) to a 64-bit integer, signed or unsigned, saturating. */
export function toInt64(sf: Sink, x: number, rm: number, signed: boolean): bigint {
  if (Number.isNaN(x)) {
    sf.flags |= NV;
    return signed ? 0x7fffffffffffffffn : 0xffffffffffffffffn;
  }
  const r = roundIntegral(x, rm);
  if (signed ? r >= TWO63 || r < -TWO63 : r >= TWO64 || r < 0) {
    sf.flags |= NV;
    if (x < 0) return signed ? -0x8000000000000000n : 0n;
    return signed ? 0x7fffffffffffffffn : 0xffffffffffffffffn;
  }
  if (r !== x) sf.flags |= NX;
  return BigInt(r);
}

/** Integer (exact as a double, |v| <= 2^53) to binary32. */
export function intToF32(sf: Sink, v: number, rm: number): number {
  return v === 0 ? 0 : round32(sf, v, 0, rm);
}
