/**
 * The hart-facing soft-float unit for the F and D extensions.
 *
 * Values are raw bit patterns: binary32 as a number holding the unsigned 32-bit pattern,
 * binary64 as a bigint holding the unsigned 64-bit pattern. Every operation ORs the
 * exception flags it raises into `flags` (the hart copies them into fflags) and returns
 * RISC-V results: NaN results are always the canonical NaN, tininess is detected after
 * rounding, and conversions saturate as in the spec's table.
 *
 * Rounding-mode arguments are the resolved static modes 0..4 of `RoundingMode`.
 */
import { CANONICAL_NAN_64, FFlags, FmaOp } from './constants.js';
import * as core from './core.js';
import { F32, F64 } from './core.js';
import * as fast from './fast.js';
import { bitsToF32, bitsToF64, f64ToBits, SLOW } from './fast.js';

function b32(a: number): bigint {
  return BigInt(a >>> 0);
}

function b64(a: bigint): bigint {
  return BigInt.asUintN(64, a);
}

const I53_MIN = -(2n ** 53n);
const I53_MAX = 2n ** 53n;

function isNaN32(a: number): boolean {
  return (a & 0x7fffffff) > 0x7f800000;
}

/**
 * Fast paths (`fast.ts`) handle the common cases on JS doubles and hand everything else
 * (NaN operands, results near the overflow or underflow thresholds, exact zeros in RDN, a
 * few undecidable fma cases) to the BigInt reference engine (`core.ts`).
 */
export class SoftFloat {
  /** Accrued exception flags (`FFlags` bits); operations only ever OR into it. */
  flags = 0;

  // ---------------------------------------------------------------- binary32

  add32(a: number, b: number, rm: number): number {
    const r = fast.add32(this, bitsToF32(a), bitsToF32(b), rm);
    return r !== SLOW ? r : Number(core.add(F32, b32(a), b32(b), false, rm, this));
  }

  sub32(a: number, b: number, rm: number): number {
    const r = fast.add32(this, bitsToF32(a), -bitsToF32(b), rm);
    return r !== SLOW ? r : Number(core.add(F32, b32(a), b32(b), true, rm, this));
  }

  mul32(a: number, b: number, rm: number): number {
    const r = fast.mul32(this, bitsToF32(a), bitsToF32(b), rm);
    return r !== SLOW ? r : Number(core.mul(F32, b32(a), b32(b), rm, this));
  }

  div32(a: number, b: number, rm: number): number {
    const r = fast.div32(this, bitsToF32(a), bitsToF32(b), rm);
    return r !== SLOW ? r : Number(core.div(F32, b32(a), b32(b), rm, this));
  }

  sqrt32(a: number, rm: number): number {
    const r = fast.sqrt32(this, bitsToF32(a), rm);
    return r !== SLOW ? r : Number(core.sqrt(F32, b32(a), rm, this));
  }

  /** Fused multiply-add; `op` selects the RISC-V variant (`FmaOp`, default FMADD). */
  fma32(a: number, b: number, c: number, rm: number, op: number = FmaOp.MADD): number {
    let x = bitsToF32(a);
    let z = bitsToF32(c);
    if (op === FmaOp.NMSUB || op === FmaOp.NMADD) x = -x;
    if (op === FmaOp.MSUB || op === FmaOp.NMADD) z = -z;
    const r = fast.fma32(this, x, bitsToF32(b), z, rm);
    return r !== SLOW ? r : Number(core.fma(F32, b32(a), b32(b), b32(c), op, rm, this));
  }

  /** FMADD.S: (a*b)+c. */
  fmadd32(a: number, b: number, c: number, rm: number): number {
    return this.fma32(a, b, c, rm, FmaOp.MADD);
  }

  /** FMSUB.S: (a*b)-c. */
  fmsub32(a: number, b: number, c: number, rm: number): number {
    return this.fma32(a, b, c, rm, FmaOp.MSUB);
  }

  /** FNMSUB.S: -(a*b)+c. */
  fnmsub32(a: number, b: number, c: number, rm: number): number {
    return this.fma32(a, b, c, rm, FmaOp.NMSUB);
  }

  /** FNMADD.S: -(a*b)-c. */
  fnmadd32(a: number, b: number, c: number, rm: number): number {
    return this.fma32(a, b, c, rm, FmaOp.NMADD);
  }

  /** FMIN.S: IEEE 754-2019 minimumNumber, -0 < +0; returns an operand's pattern unchanged. */
  min32(a: number, b: number): number {
    if (isNaN32(a) || isNaN32(b)) return Number(core.minMax(F32, b32(a), b32(b), false, this));
    const x = bitsToF32(a);
    const y = bitsToF32(b);
    if (x !== y) return (x < y ? a : b) >>> 0;
    return (a & 0x80000000 ? a : b) >>> 0;
  }

  /** FMAX.S: IEEE 754-2019 maximumNumber, -0 < +0; returns an operand's pattern unchanged. */
  max32(a: number, b: number): number {
    if (isNaN32(a) || isNaN32(b)) return Number(core.minMax(F32, b32(a), b32(b), true, this));
    const x = bitsToF32(a);
    const y = bitsToF32(b);
    if (x !== y) return (x > y ? a : b) >>> 0;
    return (a & 0x80000000 ? b : a) >>> 0;
  }

  /** FEQ.S (quiet comparison). */
  eq32(a: number, b: number): boolean {
    if (isNaN32(a) || isNaN32(b)) return core.eq(F32, b32(a), b32(b), this);
    return bitsToF32(a) === bitsToF32(b);
  }

  /** FLT.S (signalling comparison). */
  lt32(a: number, b: number): boolean {
    if (isNaN32(a) || isNaN32(b)) return core.less(F32, b32(a), b32(b), false, this);
    return bitsToF32(a) < bitsToF32(b);
  }

  /** FLE.S (signalling comparison). */
  le32(a: number, b: number): boolean {
    if (isNaN32(a) || isNaN32(b)) return core.less(F32, b32(a), b32(b), true, this);
    return bitsToF32(a) <= bitsToF32(b);
  }

  /** FCLASS.S: the 10-bit class mask (`FClass`). */
  classify32(a: number): number {
    const neg = (a & 0x80000000) !== 0;
    const e = (a >>> 23) & 0xff;
    const m = a & 0x7fffff;
    if (e === 0xff) {
      if (m === 0) return neg ? 1 << 0 : 1 << 7;
      return m & 0x400000 ? 1 << 9 : 1 << 8;
    }
    if (e === 0) {
      if (m === 0) return neg ? 1 << 3 : 1 << 4;
      return neg ? 1 << 2 : 1 << 5;
    }
    return neg ? 1 << 1 : 1 << 6;
  }

  /** FCVT.W.S: signed int32 result. */
  f32ToI32(a: number, rm: number): number {
    return fast.toInt32Range(this, bitsToF32(a), rm, -0x80000000, 0x7fffffff) | 0;
  }

  /**
   * FCVT.WU.S. Returned, like the W conversions, as the int32 whose sign extension the
   * instruction writes to rd (0xffffffff comes back as -1); `>>> 0` gives the unsigned value.
   */
  f32ToU32(a: number, rm: number): number {
    return fast.toInt32Range(this, bitsToF32(a), rm, 0, 0xffffffff) | 0;
  }

  /** FCVT.L.S: signed 64-bit result. */
  f32ToI64(a: number, rm: number): bigint {
    return fast.toInt64(this, bitsToF32(a), rm, true);
  }

  /** FCVT.LU.S: unsigned 64-bit result (0..2^64-1). */
  f32ToU64(a: number, rm: number): bigint {
    return fast.toInt64(this, bitsToF32(a), rm, false);
  }

  /** FCVT.S.W: `v` is read as int32. */
  i32ToF32(v: number, rm: number): number {
    return fast.intToF32(this, v | 0, rm);
  }

  /** FCVT.S.WU: `v` is read as uint32. */
  u32ToF32(v: number, rm: number): number {
    return fast.intToF32(this, v >>> 0, rm);
  }

  /** FCVT.S.L: `v` is read as int64. */
  i64ToF32(v: bigint, rm: number): number {
    if (v >= I53_MIN && v <= I53_MAX) return fast.intToF32(this, Number(v), rm);
    return Number(core.fromInt(F32, BigInt.asIntN(64, v), rm, this));
  }

  /** FCVT.S.LU: `v` is read as uint64. */
  u64ToF32(v: bigint, rm: number): number {
    if (v >= 0n && v <= I53_MAX) return fast.intToF32(this, Number(v), rm);
    return Number(core.fromInt(F32, BigInt.asUintN(64, v), rm, this));
  }

  /** FCVT.D.S: exact; NaNs become the canonical NaN (NV for a signalling one). */
  f32ToF64(a: number): bigint {
    if (isNaN32(a)) {
      if ((a & 0x400000) === 0) this.flags |= FFlags.NV;
      return CANONICAL_NAN_64;
    }
    return f64ToBits(bitsToF32(a));
  }

  // ---------------------------------------------------------------- binary64

  add64(a: bigint, b: bigint, rm: number): bigint {
    return fast.add64(this, a, b, false, rm) ?? core.add(F64, b64(a), b64(b), false, rm, this);
  }

  sub64(a: bigint, b: bigint, rm: number): bigint {
    return fast.add64(this, a, b, true, rm) ?? core.add(F64, b64(a), b64(b), true, rm, this);
  }

  mul64(a: bigint, b: bigint, rm: number): bigint {
    return fast.mul64(this, a, b, rm) ?? core.mul(F64, b64(a), b64(b), rm, this);
  }

  div64(a: bigint, b: bigint, rm: number): bigint {
    return fast.div64(this, a, b, rm) ?? core.div(F64, b64(a), b64(b), rm, this);
  }

  sqrt64(a: bigint, rm: number): bigint {
    return fast.sqrt64(this, a, rm) ?? core.sqrt(F64, b64(a), rm, this);
  }

  /** Fused multiply-add; `op` selects the RISC-V variant (`FmaOp`, default FMADD). */
  fma64(a: bigint, b: bigint, c: bigint, rm: number, op: number = FmaOp.MADD): bigint {
    let x = bitsToF64(a);
    let z = bitsToF64(c);
    if (op === FmaOp.NMSUB || op === FmaOp.NMADD) x = -x;
    if (op === FmaOp.MSUB || op === FmaOp.NMADD) z = -z;
    return fast.fma64(this, x, bitsToF64(b), z, rm) ?? core.fma(F64, b64(a), b64(b), b64(c), op, rm, this);
  }

  /** FMADD.D: (a*b)+c. */
  fmadd64(a: bigint, b: bigint, c: bigint, rm: number): bigint {
    return this.fma64(a, b, c, rm, FmaOp.MADD);
  }

  /** FMSUB.D: (a*b)-c. */
  fmsub64(a: bigint, b: bigint, c: bigint, rm: number): bigint {
    return this.fma64(a, b, c, rm, FmaOp.MSUB);
  }

  /** FNMSUB.D: -(a*b)+c. */
  fnmsub64(a: bigint, b: bigint, c: bigint, rm: number): bigint {
    return this.fma64(a, b, c, rm, FmaOp.NMSUB);
  }

  /** FNMADD.D: -(a*b)-c. */
  fnmadd64(a: bigint, b: bigint, c: bigint, rm: number): bigint {
    return this.fma64(a, b, c, rm, FmaOp.NMADD);
  }

  /** FMIN.D: IEEE 754-2019 minimumNumber, -0 < +0; returns an operand's pattern unchanged. */
  min64(a: bigint, b: bigint): bigint {
    const x = bitsToF64(a);
    const y = bitsToF64(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return core.minMax(F64, b64(a), b64(b), false, this);
    if (x !== y) return x < y ? a : b;
    return x === 0 && 1 / x < 0 ? a : b;
  }

  /** FMAX.D: IEEE 754-2019 maximumNumber, -0 < +0; returns an operand's pattern unchanged. */
  max64(a: bigint, b: bigint): bigint {
    const x = bitsToF64(a);
    const y = bitsToF64(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return core.minMax(F64, b64(a), b64(b), true, this);
    if (x !== y) return x > y ? a : b;
    return x === 0 && 1 / x < 0 ? b : a;
  }

  /** FEQ.D (quiet comparison). */
  eq64(a: bigint, b: bigint): boolean {
    const x = bitsToF64(a);
    const y = bitsToF64(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return core.eq(F64, b64(a), b64(b), this);
    return x === y;
  }

  /** FLT.D (signalling comparison). */
  lt64(a: bigint, b: bigint): boolean {
    const x = bitsToF64(a);
    const y = bitsToF64(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return core.less(F64, b64(a), b64(b), false, this);
    return x < y;
  }

  /** FLE.D (signalling comparison). */
  le64(a: bigint, b: bigint): boolean {
    const x = bitsToF64(a);
    const y = bitsToF64(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return core.less(F64, b64(a), b64(b), true, this);
    return x <= y;
  }

  /** FCLASS.D: the 10-bit class mask (`FClass`). */
  classify64(a: bigint): number {
    const x = bitsToF64(a);
    if (Number.isNaN(x)) return core.classify(F64, b64(a));
    if (x === Infinity) return 1 << 7;
    if (x === -Infinity) return 1 << 0;
    if (x === 0) return 1 / x < 0 ? 1 << 3 : 1 << 4;
    const ax = Math.abs(x);
    if (ax < 2.2250738585072014e-308) return x < 0 ? 1 << 2 : 1 << 5;
    return x < 0 ? 1 << 1 : 1 << 6;
  }

  /** FCVT.W.D: signed int32 result. */
  f64ToI32(a: bigint, rm: number): number {
    return fast.toInt32Range(this, bitsToF64(a), rm, -0x80000000, 0x7fffffff) | 0;
  }

  /** FCVT.WU.D, returned as the int32 the instruction sign-extends into rd (see `f32ToU32`). */
  f64ToU32(a: bigint, rm: number): number {
    return fast.toInt32Range(this, bitsToF64(a), rm, 0, 0xffffffff) | 0;
  }

  /** FCVT.L.D: signed 64-bit result. */
  f64ToI64(a: bigint, rm: number): bigint {
    return fast.toInt64(this, bitsToF64(a), rm, true);
  }

  /** FCVT.LU.D: unsigned 64-bit result (0..2^64-1). */
  f64ToU64(a: bigint, rm: number): bigint {
    return fast.toInt64(this, bitsToF64(a), rm, false);
  }

  /** FCVT.D.W: exact. */
  i32ToF64(v: number, _rm?: number): bigint {
    return f64ToBits(v | 0);
  }

  /** FCVT.D.WU: exact. */
  u32ToF64(v: number, _rm?: number): bigint {
    return f64ToBits(v >>> 0);
  }

  /** FCVT.D.L: `v` is read as int64. */
  i64ToF64(v: bigint, rm: number): bigint {
    if (v >= I53_MIN && v <= I53_MAX) return f64ToBits(Number(v));
    return core.fromInt(F64, BigInt.asIntN(64, v), rm, this);
  }

  /** FCVT.D.LU: `v` is read as uint64. */
  u64ToF64(v: bigint, rm: number): bigint {
    if (v >= 0n && v <= I53_MAX) return f64ToBits(Number(v));
    return core.fromInt(F64, BigInt.asUintN(64, v), rm, this);
  }

  /** FCVT.S.D: rounds by `rm`; NaNs become the canonical NaN (NV for a signalling one). */
  f64ToF32(a: bigint, rm: number): number {
    const x = bitsToF64(a);
    if (x === 0) return 1 / x < 0 ? 0x80000000 : 0;
    const r = fast.round32(this, x, 0, rm);
    return r !== SLOW ? r : Number(core.convert(F64, F32, b64(a), rm, this));
  }
}
