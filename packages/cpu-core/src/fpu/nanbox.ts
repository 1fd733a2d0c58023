import { CANONICAL_NAN_32 } from './constants.js';

const BOX = 0xffffffff00000000n;

/** NaN-boxes a binary32 pattern into a 64-bit f register value (upper 32 bits all ones). */
export function nanBox32(a: number): bigint {
  return BOX | BigInt(a >>> 0);
}

/**
 * Reads a binary32 operand from a 64-bit f register value: the low 32 bits if the value is
 * properly NaN-boxed, otherwise the canonical NaN (D chapter, "NaN Boxing of Narrower Values").
 */
export function unbox32(reg: bigint): number {
  return (reg & BOX) === BOX ? Number(reg & 0xffffffffn) : CANONICAL_NAN_32;
}
