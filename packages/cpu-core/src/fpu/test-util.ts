/** Helpers shared by the fpu tests (not exported from the package). */
import { SoftFloat } from './softfloat.js';

const buf = new ArrayBuffer(8);
const f32v = new Float32Array(buf, 0, 1);
const u32v = new Uint32Array(buf, 0, 1);
const f64v = new Float64Array(buf);
const u64v = new BigUint64Array(buf);

/** The binary32 pattern of a JS number (rounded to nearest). */
export function f32(x: number): number {
  f32v[0] = x;
  return u32v[0]!;
}

/** The binary64 pattern of a JS number. */
export function f64(x: number): bigint {
  f64v[0] = x;
  return u64v[0]!;
}

/** The JS value of a binary32 pattern. */
export function v32(bits: number): number {
  u32v[0] = bits;
  return f32v[0]!;
}

/** The JS value of a binary64 pattern. */
export function v64(bits: bigint): number {
  u64v[0] = bits;
  return f64v[0]!;
}

/** Runs `op` on a fresh unit and returns [result, flags]. */
export function withFlags<T>(op: (sf: SoftFloat) => T): [T, number] {
  const sf = new SoftFloat();
  const r = op(sf);
  return [r, sf.flags];
}

export const hex32 = (x: number): string => `0x${(x >>> 0).toString(16).padStart(8, '0')}`;
export const hex64 = (x: bigint): string => `0x${BigInt.asUintN(64, x).toString(16).padStart(16, '0')}`;
