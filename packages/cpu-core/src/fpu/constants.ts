/**
 * Rounding modes as encoded in the RISC-V `rm` field and in `frm` (unprivileged spec,
 * "Rounding mode encoding"). The FPU only takes the static modes 0..4: the hart resolves
 * DYN (7) through `frm` and raises illegal-instruction for the reserved encodings itself.
 */
export const RoundingMode = { RNE: 0, RTZ: 1, RDN: 2, RUP: 3, RMM: 4 } as const;
export type RoundingMode = (typeof RoundingMode)[keyof typeof RoundingMode];

/** Accrued exception flag bits, laid out as in `fflags` (fcsr bits 4..0). */
export const FFlags = { NX: 1, UF: 2, OF: 4, DZ: 8, NV: 16 } as const;
export type FFlags = (typeof FFlags)[keyof typeof FFlags];

/**
 * The four fused multiply-add variants, numbered like bits [3:2] of their major opcodes
 * (FMADD 1000011, FMSUB 1000111, FNMSUB 1001011, FNMADD 1001111), so a decoder can pass
 * `(opcode >> 2) & 3`.
 *  - MADD:   (a*b)+c
 *  - MSUB:   (a*b)-c
 *  - NMSUB: -(a*b)+c
 *  - NMADD: -(a*b)-c
 */
export const FmaOp = { MADD: 0, MSUB: 1, NMSUB: 2, NMADD: 3 } as const;
export type FmaOp = (typeof FmaOp)[keyof typeof FmaOp];

/** The canonical NaN of binary32 (unprivileged spec, F chapter). */
export const CANONICAL_NAN_32 = 0x7fc00000;
/** The canonical NaN of binary64 (unprivileged spec, D chapter). */
export const CANONICAL_NAN_64 = 0x7ff8000000000000n;

/** FCLASS result bits. Exactly one is set for any input. */
export const FClass = {
  NEG_INF: 1 << 0,
  NEG_NORMAL: 1 << 1,
  NEG_SUBNORMAL: 1 << 2,
  NEG_ZERO: 1 << 3,
  POS_ZERO: 1 << 4,
  POS_SUBNORMAL: 1 << 5,
  POS_NORMAL: 1 << 6,
  POS_INF: 1 << 7,
  SNAN: 1 << 8,
  QNAN: 1 << 9,
} as const;
