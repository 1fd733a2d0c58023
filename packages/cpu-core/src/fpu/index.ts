/**
 * IEEE 754 soft-float for the RISC-V F and D extensions: bit-exact results and exception
 * flags in all five rounding modes. See `softfloat.ts` for the value conventions.
 */
export { CANONICAL_NAN_32, CANONICAL_NAN_64, FClass, FFlags, FmaOp, RoundingMode } from './constants.js';
export { nanBox32, unbox32 } from './nanbox.js';
export { SoftFloat } from './softfloat.js';
