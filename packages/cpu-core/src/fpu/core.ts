/**
 * The reference engine: IEEE 754 binary32/binary64 arithmetic on bit patterns with exact
 * integer (BigInt) significands, one generic implementation for both formats.
 *
 * Every finite nonzero operand is unpacked to `sig * 2^exp` (sig an integer). Operations
 * form the exact result, or for division and square root a result carrying at least p+2
 * significant bits plus a sticky bit, and hand it to `roundPack`, the single place where
 * rounding, overflow, underflow (tininess after rounding) and the inexact flag are decided.
 * The structure follows Berkeley SoftFloat's (special cases first, then one
 * round-and-pack), but the code is written from the IEEE 754 and RISC-V specs.
 *
 * This path is the correctness baseline; `softfloat.ts` adds double-based fast paths for
 * the common cases and falls back to these functions for everything else.
 */
import { FFlags, FmaOp, RoundingMode } from './constants.js';

/** Anything with an accrued `flags` word (the `SoftFloat` instance). */
export interface FlagSink {
  flags: number;
}

/** Parameters of a binary interchange format. */
export interface Format {
  /** Precision p: significand bits including the hidden bit (24, 53). */
  readonly p: number;
  /** Stored fraction bits, p - 1. */
  readonly fracBits: number;
  readonly fracBitsN: bigint;
  readonly bias: number;
  /** Exponent of the smallest normal number, 1 - bias. */
  readonly emin: number;
  /** The all-ones biased exponent (infinities and NaNs). */
  readonly expAllOnes: number;
  readonly expAllOnesN: bigint;
  readonly fracMask: bigint;
  /** 2^(p-1): the hidden bit. */
  readonly hidden: bigint;
  readonly signBit: bigint;
  readonly quietBit: bigint;
  /** +infinity. */
  readonly inf: bigint;
  /** Largest finite magnitude. */
  readonly maxFinite: bigint;
  readonly defaultNaN: bigint;
}

function makeFormat(expBits: number, p: number): Format {
  const fracBits = p - 1;
  const bias = 2 ** (expBits - 1) - 1;
  const expAllOnes = 2 ** expBits - 1;
  const fb = BigInt(fracBits);
  const inf = BigInt(expAllOnes) << fb;
  return {
    p,
    fracBits,
    fracBitsN: fb,
    bias,
    emin: 1 - bias,
    expAllOnes,
    expAllOnesN: BigInt(expAllOnes),
    fracMask: (1n << fb) - 1n,
    hidden: 1n << fb,
    signBit: 1n << BigInt(expBits + fracBits),
    quietBit: 1n << (fb - 1n),
    inf,
    maxFinite: inf - 1n,
    defaultNaN: inf | (1n << (fb - 1n)),
  };
}

export const F32: Format = makeFormat(8, 24);
export const F64: Format = makeFormat(11, 53);

const { NX, UF, OF, DZ, NV } = FFlags;
const { RNE, RDN, RUP, RMM } = RoundingMode;

/** Operand classes. */
export const ZERO = 0;
export const FINITE = 1;
export const INF = 2;
export const QNAN = 3;
export const SNAN = 4;

/** An unpacked operand. For FINITE, the magnitude is `sig * 2^exp` with sig > 0. */
export interface Unpacked {
  sign: boolean;
  cls: number;
  exp: number;
  sig: bigint;
}

export function unpack(f: Format, x: bigint): Unpacked {
  const sign = (x & f.signBit) !== 0n;
  const e = Number((x >> f.fracBitsN) & f.expAllOnesN);
  const frac = x & f.fracMask;
  if (e === f.expAllOnes) {
    if (frac === 0n) return { sign, cls: INF, exp: 0, sig: 0n };
    return { sign, cls: (frac & f.quietBit) !== 0n ? QNAN : SNAN, exp: 0, sig: frac };
  }
  if (e === 0) {
    if (frac === 0n) return { sign, cls: ZERO, exp: 0, sig: 0n };
    return { sign, cls: FINITE, exp: f.emin - f.fracBits, sig: frac };
  }
  return { sign, cls: FINITE, exp: e - f.bias - f.fracBits, sig: frac | f.hidden };
}

export function isNaNPattern(f: Format, x: bigint): boolean {
  return (x & ~f.signBit) > f.inf;
}

export function isSignalingNaNPattern(f: Format, x: bigint): boolean {
  return isNaNPattern(f, x) && (x & f.quietBit) === 0n;
}

/** Number of significant bits of a non-negative bigint (0 for 0). */
export function bitLen(x: bigint): number {
  if (x <= 0xffffffffn) return 32 - Math.clz32(Number(x));
  if (x <= 0x1fffffffffffffn) return 64 - Math.clz32(Math.floor(Number(x) / 4294967296));
  const s = x.toString(16);
  return (s.length - 1) * 4 + 32 - Math.clz32(Number.parseInt(s[0]!, 16));
}

/**
 * Whether a truncated, inexact magnitude must be incremented by one unit in the last place.
 * `cmpHalf` is the sign of (discarded part - half an ulp); `odd` is the truncated lsb.
 */
export function roundsUp(rm: number, sign: boolean, odd: boolean, cmpHalf: number): boolean {
  switch (rm) {
    case RNE:
      return cmpHalf > 0 || (cmpHalf === 0 && odd);
    case RMM:
      return cmpHalf >= 0;
    case RDN:
      return sign;
    case RUP:
      return !sign;
    default:
      return false;
  }
}

/** The pattern an overflow produces: infinity, or the largest finite number for the modes rounding toward zero. */
export function overflowResult(f: Format, sign: boolean, rm: number): bigint {
  const toInf = rm === RNE || rm === RMM || (rm === RUP && !sign) || (rm === RDN && sign);
  return (sign ? f.signBit : 0n) | (toInf ? f.inf : f.maxFinite);
}

/**
 * Rounds `(-1)^sign * (sig * 2^exp + s)` to format `f`, where `s` is 0 if `sticky` is false
 * and otherwise some value strictly between 0 and 2^exp. Callers passing `sticky` must supply
 * at least p+2 significant bits in `sig`, so the sticky part lies below the round bit.
 * `sig` must be positive. Raises NX, UF (tiny after rounding and inexact) and OF.
 */
export function roundPack(
  f: Format,
  sign: boolean,
  exp: number,
  sig: bigint,
  sticky: boolean,
  rm: number,
  st: FlagSink,
): bigint {
  const n = bitLen(sig);
  // Exponent of the leading bit: the value lies in [2^e, 2^(e+1)).
  const e = exp + n - 1;
  let lsb = Math.max(e, f.emin) - f.fracBits;
  const shift = lsb - exp;
  let q: bigint;
  let inexact = false;
  if (shift <= 0) {
    q = shift === 0 ? sig : sig << BigInt(-shift);
  } else {
    const s = BigInt(shift);
    q = sig >> s;
    const rem = sig & ((1n << s) - 1n);
    if (rem !== 0n || sticky) {
      inexact = true;
      const half = 1n << (s - 1n);
      const cmp = rem > half ? 1 : rem < half ? -1 : sticky ? 1 : 0;
      if (roundsUp(rm, sign, (q & 1n) === 1n, cmp)) q += 1n;
    }
  }
  if (q === f.hidden << 1n) {
    q = f.hidden;
    lsb += 1;
  }
  const biased = q >= f.hidden ? lsb + f.fracBits + f.bias : 0;
  if (biased >= f.expAllOnes) {
    st.flags |= OF | NX;
    return overflowResult(f, sign, rm);
  }
  if (inexact) {
    st.flags |= e < f.emin && tinyAfterRounding(f, sign, e, exp, sig, sticky, rm) ? NX | UF : NX;
  }
  const s = sign ? f.signBit : 0n;
  if (biased === 0) return s | q;
  return s | (BigInt(biased) << f.fracBitsN) | (q - f.hidden);
}

/**
 * Tininess after rounding (RISC-V): whether the value, rounded to p bits as if the exponent
 * range were unbounded, is below 2^emin. Only called with e < emin.
 */
function tinyAfterRounding(
  f: Format,
  sign: boolean,
  e: number,
  exp: number,
  sig: bigint,
  sticky: boolean,
  rm: number,
): boolean {
  if (e < f.emin - 1) return true;
  // e == emin - 1: not tiny only if rounding to p bits carries up to 2^emin.
  const shift = e - f.fracBits - exp;
  if (shift <= 0) return true;
  const s = BigInt(shift);
  let q = sig >> s;
  const rem = sig & ((1n << s) - 1n);
  if (rem === 0n && !sticky) return true;
  const half = 1n << (s - 1n);
  const cmp = rem > half ? 1 : rem < half ? -1 : sticky ? 1 : 0;
  if (roundsUp(rm, sign, (q & 1n) === 1n, cmp)) q += 1n;
  return q !== f.hidden << 1n;
}

function zeroOf(f: Format, sign: boolean): bigint {
  return sign ? f.signBit : 0n;
}

function infOf(f: Format, sign: boolean): bigint {
  return sign ? f.signBit | f.inf : f.inf;
}

/** The sign of an exact zero sum of two nonzero or opposite-signed terms (IEEE 754 6.3). */
function exactZeroSum(f: Format, rm: number): bigint {
  return rm === RDN ? f.signBit : 0n;
}

/** Canonical NaN result; NV if any of the given classes is a signalling NaN. */
function nanResult(f: Format, st: FlagSink, c1: number, c2: number, c3: number): bigint {
  if (c1 === SNAN || c2 === SNAN || c3 === SNAN) st.flags |= NV;
  return f.defaultNaN;
}

function invalid(f: Format, st: FlagSink): bigint {
  st.flags |= NV;
  return f.defaultNaN;
}

/**
 * Adds two finite nonzero values `(-1)^sa * ma * 2^ea` and `(-1)^sb * mb * 2^eb` with one
 * rounding. When one term lies entirely below the other's (widened) lowest bit, it is
 * replaced by a single sticky bit, which rounds identically.
 */
export function addFinite(
  f: Format,
  sa: boolean,
  ea: number,
  ma: bigint,
  sb: boolean,
  eb: number,
  mb: bigint,
  rm: number,
  st: FlagSink,
): bigint {
  let la = bitLen(ma);
  let lb = bitLen(mb);
  if (ea + la < eb + lb) {
    const ts = sa;
    sa = sb;
    sb = ts;
    const te = ea;
    ea = eb;
    eb = te;
    const tm = ma;
    ma = mb;
    mb = tm;
    const tl = la;
    la = lb;
    lb = tl;
  }
  // Give the larger term p+3 bits, so the rounding position is above its lowest bit + 1.
  const widen = f.p + 3 - la;
  if (widen > 0) {
    ma <<= BigInt(widen);
    ea -= widen;
  }
  if (eb + lb <= ea) {
    // |b| < 2^ea: every such b rounds the same as a sticky bit at 2^(ea-1).
    mb = 1n;
    eb = ea - 1;
  }
  const m = Math.min(ea, eb);
  const x = ea === m ? ma : ma << BigInt(ea - m);
  const y = eb === m ? mb : mb << BigInt(eb - m);
  if (sa === sb) return roundPack(f, sa, m, x + y, false, rm, st);
  let d = x - y;
  if (d === 0n) return exactZeroSum(f, rm);
  let sign = sa;
  if (d < 0n) {
    d = -d;
    sign = sb;
  }
  return roundPack(f, sign, m, d, false, rm, st);
}

/** a + b, or a - b when `negB`. */
export function add(f: Format, a: bigint, b: bigint, negB: boolean, rm: number, st: FlagSink): bigint {
  const A = unpack(f, a);
  const B = unpack(f, b);
  if (A.cls >= QNAN || B.cls >= QNAN) return nanResult(f, st, A.cls, B.cls, ZERO);
  const sb = B.sign !== negB;
  if (A.cls === INF) {
    if (B.cls === INF && sb !== A.sign) return invalid(f, st);
    return a;
  }
  if (B.cls === INF) return infOf(f, sb);
  if (A.cls === ZERO) {
    if (B.cls === ZERO) return A.sign === sb ? zeroOf(f, sb) : exactZeroSum(f, rm);
    return sb ? b | f.signBit : b & ~f.signBit;
  }
  if (B.cls === ZERO) return a;
  return addFinite(f, A.sign, A.exp, A.sig, sb, B.exp, B.sig, rm, st);
}

export function mul(f: Format, a: bigint, b: bigint, rm: number, st: FlagSink): bigint {
  const A = unpack(f, a);
  const B = unpack(f, b);
  if (A.cls >= QNAN || B.cls >= QNAN) return nanResult(f, st, A.cls, B.cls, ZERO);
  const sign = A.sign !== B.sign;
  if (A.cls === INF || B.cls === INF) {
    if (A.cls === ZERO || B.cls === ZERO) return invalid(f, st);
    return infOf(f, sign);
  }
  if (A.cls === ZERO || B.cls === ZERO) return zeroOf(f, sign);
  return roundPack(f, sign, A.exp + B.exp, A.sig * B.sig, false, rm, st);
}

export function div(f: Format, a: bigint, b: bigint, rm: number, st: FlagSink): bigint {
  const A = unpack(f, a);
  const B = unpack(f, b);
  if (A.cls >= QNAN || B.cls >= QNAN) return nanResult(f, st, A.cls, B.cls, ZERO);
  const sign = A.sign !== B.sign;
  if (A.cls === INF) return B.cls === INF ? invalid(f, st) : infOf(f, sign);
  if (B.cls === INF) return zeroOf(f, sign);
  if (B.cls === ZERO) {
    if (A.cls === ZERO) return invalid(f, st);
    st.flags |= DZ;
    return infOf(f, sign);
  }
  if (A.cls === ZERO) return zeroOf(f, sign);
  // Scale the dividend so the integer quotient has at least p+2 bits; the remainder is sticky.
  const k = f.p + 2 + bitLen(B.sig) - bitLen(A.sig);
  const n = A.sig << BigInt(k);
  const q = n / B.sig;
  return roundPack(f, sign, A.exp - B.exp - k, q, q * B.sig !== n, rm, st);
}

/** floor(sqrt(n)) for n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  if (x === 0n) x = 1n;
  for (let i = 0; i < 4; i++) {
    const y = (x + n / x) >> 1n;
    if (y === x) break;
    x = y;
  }
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

export function sqrt(f: Format, a: bigint, rm: number, st: FlagSink): bigint {
  const A = unpack(f, a);
  if (A.cls >= QNAN) return nanResult(f, st, A.cls, ZERO, ZERO);
  if (A.cls === ZERO) return a;
  if (A.sign) return invalid(f, st);
  if (A.cls === INF) return a;
  // sig * 2^exp = (sig << k) * 2^(exp - k) with exp - k even and sig << k of 2(p+2)+ bits.
  let k = 2 * (f.p + 2) - bitLen(A.sig);
  if (k < 0) k = 0;
  if (((A.exp - k) & 1) !== 0) k += 1;
  const n = A.sig << BigInt(k);
  const r = isqrt(n);
  return roundPack(f, false, (A.exp - k) / 2, r, r * r !== n, rm, st);
}

/** Fused multiply-add in its four RISC-V forms, one rounding. */
export function fma(
  f: Format,
  a: bigint,
  b: bigint,
  c: bigint,
  op: number,
  rm: number,
  st: FlagSink,
): bigint {
  const A = unpack(f, a);
  const B = unpack(f, b);
  const C = unpack(f, c);
  // RISC-V: inf * 0 is invalid even when the addend is a quiet NaN.
  if ((A.cls === INF && B.cls === ZERO) || (A.cls === ZERO && B.cls === INF)) return invalid(f, st);
  if (A.cls >= QNAN || B.cls >= QNAN || C.cls >= QNAN) return nanResult(f, st, A.cls, B.cls, C.cls);
  const negProd = op === FmaOp.NMSUB || op === FmaOp.NMADD;
  const negAddend = op === FmaOp.MSUB || op === FmaOp.NMADD;
  const ps = (A.sign !== B.sign) !== negProd;
  const cs = C.sign !== negAddend;
  if (A.cls === INF || B.cls === INF) {
    if (C.cls === INF && cs !== ps) return invalid(f, st);
    return infOf(f, ps);
  }
  if (C.cls === INF) return infOf(f, cs);
  if (A.cls === ZERO || B.cls === ZERO) {
    if (C.cls === ZERO) return ps === cs ? zeroOf(f, ps) : exactZeroSum(f, rm);
    return cs ? c | f.signBit : c & ~f.signBit;
  }
  const pe = A.exp + B.exp;
  const pm = A.sig * B.sig;
  if (C.cls === ZERO) return roundPack(f, ps, pe, pm, false, rm, st);
  return addFinite(f, ps, pe, pm, cs, C.exp, C.sig, rm, st);
}

/**
 * -1, 0 or 1 as a <, =, > b for two non-NaN patterns. With `zeroSigned`, -0 < +0
 * (FMIN/FMAX); otherwise the zeros compare equal.
 */
export function compare(f: Format, a: bigint, b: bigint, zeroSigned: boolean): number {
  const sa = (a & f.signBit) !== 0n;
  const sb = (b & f.signBit) !== 0n;
  const ma = a & ~f.signBit;
  const mb = b & ~f.signBit;
  if (sa !== sb) {
    if (!zeroSigned && ma === 0n && mb === 0n) return 0;
    return sa ? -1 : 1;
  }
  const c = ma < mb ? -1 : ma > mb ? 1 : 0;
  return sa ? -c : c;
}

/** FMIN (`wantMax` false) / FMAX: IEEE 754-2019 minimumNumber / maximumNumber. */
export function minMax(f: Format, a: bigint, b: bigint, wantMax: boolean, st: FlagSink): bigint {
  const an = isNaNPattern(f, a);
  const bn = isNaNPattern(f, b);
  if (an || bn) {
    if (isSignalingNaNPattern(f, a) || isSignalingNaNPattern(f, b)) st.flags |= NV;
    if (an && bn) return f.defaultNaN;
    return an ? b : a;
  }
  const c = compare(f, a, b, true);
  return (wantMax ? c >= 0 : c <= 0) ? a : b;
}

/** FEQ (quiet): NV only for signalling NaNs. */
export function eq(f: Format, a: bigint, b: bigint, st: FlagSink): boolean {
  if (isNaNPattern(f, a) || isNaNPattern(f, b)) {
    if (isSignalingNaNPattern(f, a) || isSignalingNaNPattern(f, b)) st.flags |= NV;
    return false;
  }
  return compare(f, a, b, false) === 0;
}

/** FLT (`orEqual` false) / FLE: signalling comparisons, NV for any NaN. */
export function less(f: Format, a: bigint, b: bigint, orEqual: boolean, st: FlagSink): boolean {
  if (isNaNPattern(f, a) || isNaNPattern(f, b)) {
    st.flags |= NV;
    return false;
  }
  const c = compare(f, a, b, false);
  return orEqual ? c <= 0 : c < 0;
}

/** FCLASS: the 10-bit class mask. */
export function classify(f: Format, a: bigint): number {
  const A = unpack(f, a);
  const neg = A.sign;
  switch (A.cls) {
    case INF:
      return neg ? 1 << 0 : 1 << 7;
    case ZERO:
      return neg ? 1 << 3 : 1 << 4;
    case FINITE:
      if ((a & (f.expAllOnesN << f.fracBitsN)) === 0n) return neg ? 1 << 2 : 1 << 5;
      return neg ? 1 << 1 : 1 << 6;
    case SNAN:
      return 1 << 8;
    default:
      return 1 << 9;
  }
}

/**
 * Float to integer with rounding mode `rm`: the rounded value if it lies in [min, max],
 * else NV and saturation as in the spec's table (NaN and +inf give max, -inf gives min).
 * NX when the in-range result differs from the operand.
 */
export function toInt(f: Format, a: bigint, rm: number, min: bigint, max: bigint, st: FlagSink): bigint {
  const A = unpack(f, a);
  if (A.cls >= QNAN) {
    st.flags |= NV;
    return max;
  }
  if (A.cls === INF) {
    st.flags |= NV;
    return A.sign ? min : max;
  }
  if (A.cls === ZERO) return 0n;
  const limitBits = bitLen(max) + 1;
  let mag: bigint;
  let inexact = false;
  if (A.exp >= 0) {
    if (A.exp + bitLen(A.sig) > limitBits) {
      st.flags |= NV;
      return A.sign ? min : max;
    }
    mag = A.sig << BigInt(A.exp);
  } else {
    const shift = -A.exp;
    let cmp: number;
    if (shift > bitLen(A.sig) + 1) {
      mag = 0n;
      cmp = -1;
      inexact = true;
    } else {
      const s = BigInt(shift);
      mag = A.sig >> s;
      const rem = A.sig & ((1n << s) - 1n);
      const half = 1n << (s - 1n);
      inexact = rem !== 0n;
      cmp = rem > half ? 1 : rem < half ? -1 : 0;
    }
    if (inexact && roundsUp(rm, A.sign, (mag & 1n) === 1n, cmp)) mag += 1n;
  }
  const v = A.sign ? -mag : mag;
  if (v > max || v < min) {
    st.flags |= NV;
    return A.sign ? min : max;
  }
  if (inexact) st.flags |= NX;
  return v;
}

/** Integer (any width, as a signed bigint value) to float with rounding mode `rm`. */
export function fromInt(f: Format, v: bigint, rm: number, st: FlagSink): bigint {
  if (v === 0n) return 0n;
  const sign = v < 0n;
  return roundPack(f, sign, 0, sign ? -v : v, false, rm, st);
}

/** Converts between formats (FCVT.S.D / FCVT.D.S); NaNs become the target's canonical NaN. */
export function convert(from: Format, to: Format, a: bigint, rm: number, st: FlagSink): bigint {
  const A = unpack(from, a);
  if (A.cls >= QNAN) return nanResult(to, st, A.cls, ZERO, ZERO);
  if (A.cls === INF) return infOf(to, A.sign);
  if (A.cls === ZERO) return zeroOf(to, A.sign);
  return roundPack(to, A.sign, A.exp, A.sig, false, rm, st);
}
