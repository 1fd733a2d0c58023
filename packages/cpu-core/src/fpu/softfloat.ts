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
import { FmaOp } from './constants.js';
import * as core from './core.js';
import { F32, F64 } from './core.js';

const I32_MIN = -(2n ** 31n);
const I32_MAX = 2n ** 31n - 1n;
const U32_MAX = 2n ** 32n - 1n;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

function b32(a: number): bigint {
  return BigInt(a >>> 0);
}

function b64(a: bigint): bigint {
  return BigInt.asUintN(64, a);
}

export class SoftFloat {
  /** Accrued exception flags (`FFlags` bits); operations only ever OR into it. */
  flags = 0;

  // ---------------------------------------------------------------- binary32

  add32(a: number, b: number, rm: number): number {
    return Number(core.add(F32, b32(a), b32(b), false, rm, this));
  }

  sub32(a: number, b: number, rm: number): number {
    return Number(core.add(F32, b32(a), b32(b), true, rm, this));
  }

  mul32(a: number, b: number, rm: number): number {
    return Number(core.mul(F32, b32(a), b32(b), rm, this));
  }

  div32(a: number, b: number, rm: number): number {
    return Number(core.div(F32, b32(a), b32(b), rm, this));
  }

  sqrt32(a: number, rm: number): number {
    return Number(core.sqrt(F32, b32(a), rm, this));
  }

  /** Fused multiply-add; `op` selects the RISC-V variant (`FmaOp`, default FMADD). */
  fma32(a: number, b: number, c: number, rm: number, op: number = FmaOp.MADD): number {
    return Number(core.fma(F32, b32(a), b32(b), b32(c), op, rm, this));
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

  min32(a: number, b: number): number {
    return Number(core.minMax(F32, b32(a), b32(b), false, this));
  }

  max32(a: number, b: number): number {
    return Number(core.minMax(F32, b32(a), b32(b), true, this));
  }

  /** FEQ.S (quiet comparison). */
  eq32(a: number, b: number): boolean {
    return core.eq(F32, b32(a), b32(b), this);
  }

  /** FLT.S (signalling comparison). */
  lt32(a: number, b: number): boolean {
    return core.less(F32, b32(a), b32(b), false, this);
  }

  /** FLE.S (signalling comparison). */
  le32(a: number, b: number): boolean {
    return core.less(F32, b32(a), b32(b), true, this);
  }

  /** FCLASS.S: the 10-bit class mask (`FClass`). */
  classify32(a: number): number {
    return core.classify(F32, b32(a));
  }

  /** FCVT.W.S: signed int32 result. */
  f32ToI32(a: number, rm: number): number {
    return Number(core.toInt(F32, b32(a), rm, I32_MIN, I32_MAX, this));
  }

  /**
   * FCVT.WU.S. Returned, like the W conversions, as the int32 whose sign extension the
   * instruction writes to rd (0xffffffff comes back as -1); `>>> 0` gives the unsigned value.
   */
  f32ToU32(a: number, rm: number): number {
    return Number(core.toInt(F32, b32(a), rm, 0n, U32_MAX, this)) | 0;
  }

  /** FCVT.L.S: signed 64-bit result. */
  f32ToI64(a: number, rm: number): bigint {
    return core.toInt(F32, b32(a), rm, I64_MIN, I64_MAX, this);
  }

  /** FCVT.LU.S: unsigned 64-bit result (0..2^64-1). */
  f32ToU64(a: number, rm: number): bigint {
    return core.toInt(F32, b32(a), rm, 0n, U64_MAX, this);
  }

  /** FCVT.S.W: `v` is read as int32. */
  i32ToF32(v: number, rm: number): number {
    return Number(core.fromInt(F32, BigInt(v | 0), rm, this));
  }

  /** FCVT.S.WU: `v` is read as uint32. */
  u32ToF32(v: number, rm: number): number {
    return Number(core.fromInt(F32, BigInt(v >>> 0), rm, this));
  }

  /** FCVT.S.L: `v` is read as int64. */
  i64ToF32(v: bigint, rm: number): number {
    return Number(core.fromInt(F32, BigInt.asIntN(64, v), rm, this));
  }

  /** FCVT.S.LU: `v` is read as uint64. */
  u64ToF32(v: bigint, rm: number): number {
    return Number(core.fromInt(F32, BigInt.asUintN(64, v), rm, this));
  }

  /** FCVT.D.S: exact; NaNs become the canonical NaN (NV for a signalling one). */
  f32ToF64(a: number): bigint {
    return core.convert(F32, F64, b32(a), 0, this);
  }

  // ---------------------------------------------------------------- binary64

  add64(a: bigint, b: bigint, rm: number): bigint {
    return core.add(F64, b64(a), b64(b), false, rm, this);
  }

  sub64(a: bigint, b: bigint, rm: number): bigint {
    return core.add(F64, b64(a), b64(b), true, rm, this);
  }

  mul64(a: bigint, b: bigint, rm: number): bigint {
    return core.mul(F64, b64(a), b64(b), rm, this);
  }

  div64(a: bigint, b: bigint, rm: number): bigint {
    return core.div(F64, b64(a), b64(b), rm, this);
  }

  sqrt64(a: bigint, rm: number): bigint {
    return core.sqrt(F64, b64(a), rm, this);
  }

  /** Fused multiply-add; `op` selects the RISC-V variant (`FmaOp`, default FMADD). */
  fma64(a: bigint, b: bigint, c: bigint, rm: number, op: number = FmaOp.MADD): bigint {
    return core.fma(F64, b64(a), b64(b), b64(c), op, rm, this);
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

  min64(a: bigint, b: bigint): bigint {
    return core.minMax(F64, b64(a), b64(b), false, this);
  }

  max64(a: bigint, b: bigint): bigint {
    return core.minMax(F64, b64(a), b64(b), true, this);
  }

  /** FEQ.D (quiet comparison). */
  eq64(a: bigint, b: bigint): boolean {
    return core.eq(F64, b64(a), b64(b), this);
  }

  /** FLT.D (signalling comparison). */
  lt64(a: bigint, b: bigint): boolean {
    return core.less(F64, b64(a), b64(b), false, this);
  }

  /** FLE.D (signalling comparison). */
  le64(a: bigint, b: bigint): boolean {
    return core.less(F64, b64(a), b64(b), true, this);
  }

  /** FCLASS.D: the 10-bit class mask (`FClass`). */
  classify64(a: bigint): number {
    return core.classify(F64, b64(a));
  }

  /** FCVT.W.D: signed int32 result. */
  f64ToI32(a: bigint, rm: number): number {
    return Number(core.toInt(F64, b64(a), rm, I32_MIN, I32_MAX, this));
  }

  /** FCVT.WU.D, returned as the int32 the instruction sign-extends into rd (see `f32ToU32`). */
  f64ToU32(a: bigint, rm: number): number {
    return Number(core.toInt(F64, b64(a), rm, 0n, U32_MAX, this)) | 0;
  }

  /** FCVT.L.D: signed 64-bit result. */
  f64ToI64(a: bigint, rm: number): bigint {
    return core.toInt(F64, b64(a), rm, I64_MIN, I64_MAX, this);
  }

  /** FCVT.LU.D: unsigned 64-bit result (0..2^64-1). */
  f64ToU64(a: bigint, rm: number): bigint {
    return core.toInt(F64, b64(a), rm, 0n, U64_MAX, this);
  }

  /** FCVT.D.W: exact. */
  i32ToF64(v: number, rm: number): bigint {
    return core.fromInt(F64, BigInt(v | 0), rm, this);
  }

  /** FCVT.D.WU: exact. */
  u32ToF64(v: number, rm: number): bigint {
    return core.fromInt(F64, BigInt(v >>> 0), rm, this);
  }

  /** FCVT.D.L: `v` is read as int64. */
  i64ToF64(v: bigint, rm: number): bigint {
    return core.fromInt(F64, BigInt.asIntN(64, v), rm, this);
  }

  /** FCVT.D.LU: `v` is read as uint64. */
  u64ToF64(v: bigint, rm: number): bigint {
    return core.fromInt(F64, BigInt.asUintN(64, v), rm, this);
  }

  /** FCVT.S.D: rounds by `rm`; NaNs become the canonical NaN (NV for a signalling one). */
  f64ToF32(a: bigint, rm: number): number {
    return Number(core.convert(F64, F32, b64(a), rm, this));
  }
}
