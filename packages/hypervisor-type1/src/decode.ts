/*
 * What a guest's load or store to an emulated device does, decoded from htinst (the
 * transformed instruction of priv spec "Transformed Instruction or Pseudoinstruction
 * for mtinst or htinst") or, when the hart wrote 0 there, from the instruction itself
 * fetched from guest memory. Only integer loads and stores are emulated: an FP, atomic
 * or unknown access to a device window gets an access fault, as on a bus that does
 * not take it.
 */

/** One decoded device access. */
export interface MemAccess {
  /** True for a store. */
  readonly store: boolean;
  /** Bytes accessed. */
  readonly size: 1 | 2 | 4 | 8;
  /** Loads: sign-extend the result (LB, LH, LW). */
  readonly signed: boolean;
  /** rd of a load, rs2 of a store. */
  readonly reg: number;
  /** Length of the trapping instruction in bytes (sepc advances by it). */
  readonly length: 2 | 4;
}

const OPCODE_LOAD = 0x03;
const OPCODE_STORE = 0x23;
const SIZES = [1, 2, 4, 8] as const;

/** A 32-bit LB..LWU / SB..SD encoding. */
function decode32(inst: number, length: 2 | 4): MemAccess | undefined {
  const opcode = inst & 0x7f;
  const funct3 = (inst >>> 12) & 7;
  if (opcode === OPCODE_LOAD) {
    if (funct3 === 7) return undefined;
    return {
      store: false,
      size: SIZES[funct3 & 3]!,
      signed: funct3 < 4 && funct3 !== 3,
      reg: (inst >>> 7) & 31,
      length,
    };
  }
  if (opcode === OPCODE_STORE) {
    if (funct3 > 3) return undefined;
    return { store: true, size: SIZES[funct3]!, signed: false, reg: (inst >>> 20) & 31, length };
  }
  return undefined;
}

/**
 * Decodes a nonzero htinst. Bits 1:0 are 11 for a 32-bit instruction and 01 for a
 * compressed one (transformed to its 32-bit form); pseudoinstructions (bits 1:0 = 00,
 * implicit VS-stage page-table accesses) and anything with bits 63:32 set are not
 * device accesses and give undefined, as the spec asks software to check.
 */
export function decodeTransformed(htinst: bigint): MemAccess | undefined {
  if (htinst >> 32n !== 0n) return undefined;
  const v = Number(htinst);
  if ((v & 1) === 0) return undefined;
  return decode32(v | 2, (v & 2) !== 0 ? 4 : 2);
}

/**
 * True for the special pseudoinstructions of guest-page faults taken by the
 * VS-stage page walk itself (0x3000 read, 0x3020 write; RV32's 0x2000, 0x2020).
 */
export function isPageWalkPseudo(htinst: bigint): boolean {
  return htinst === 0x3000n || htinst === 0x3020n || htinst === 0x2000n || htinst === 0x2020n;
}

/** Decodes the trapping instruction itself (16 or 32 bits, as fetched). */
export function decodeInstruction(inst: number): MemAccess | undefined {
  if ((inst & 3) === 3) return decode32(inst, 4);
  const funct3 = (inst >>> 13) & 7;
  const rdPrime = ((inst >>> 2) & 7) + 8;
  if ((inst & 3) === 0) {
    // C.LW, C.LD, C.SW, C.SD (RV64).
    if (funct3 === 2) return { store: false, size: 4, signed: true, reg: rdPrime, length: 2 };
    if (funct3 === 3) return { store: false, size: 8, signed: false, reg: rdPrime, length: 2 };
    if (funct3 === 6) return { store: true, size: 4, signed: false, reg: rdPrime, length: 2 };
    if (funct3 === 7) return { store: true, size: 8, signed: false, reg: rdPrime, length: 2 };
    return undefined;
  }
  if ((inst & 3) === 2) {
    // C.LWSP, C.LDSP (rd != 0), C.SWSP, C.SDSP.
    const rd = (inst >>> 7) & 31;
    if (funct3 === 2 && rd !== 0) return { store: false, size: 4, signed: true, reg: rd, length: 2 };
    if (funct3 === 3 && rd !== 0) return { store: false, size: 8, signed: false, reg: rd, length: 2 };
    const rs2 = (inst >>> 2) & 31;
    if (funct3 === 6) return { store: true, size: 4, signed: false, reg: rs2, length: 2 };
    if (funct3 === 7) return { store: true, size: 8, signed: false, reg: rs2, length: 2 };
  }
  return undefined;
}

/** The value a load writes to rd: `raw` (unsigned, `size` bytes) extended to 64 bits. */
export function extendLoad(raw: bigint, access: MemAccess): bigint {
  const bits = BigInt(access.size * 8);
  return access.signed
    ? BigInt.asUintN(64, BigInt.asIntN(Number(bits), raw))
    : BigInt.asUintN(Number(bits), raw);
}
