/*
 * What a guest's load or store to an emulated device does, decoded from htinst (the
 * transformed instruction of priv spec "Transformed Instruction or Pseudoinstruction
 * for mtinst or htinst") or, when the hart wrote 0 there, from the instruction itself
 * fetched from guest memory. Only integer loads and stores are emulated: an FP, atomic
 * or unknown access to a device window gets an access fault, as on a bus that does
 * not take it.
 */
import { decode, ENCODINGS, newDecoded } from '@hvkit/cpu-core';

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

/** Integer loads by base mnemonic: bytes and sign extension. */
const LOADS: Readonly<Record<string, readonly [1 | 2 | 4 | 8, boolean]>> = {
  lb: [1, true],
  lh: [2, true],
  lw: [4, true],
  ld: [8, false],
  lbu: [1, false],
  lhu: [2, false],
  lwu: [4, false],
};
/** Integer stores by base mnemonic: bytes. */
const STORES: Readonly<Record<string, 1 | 2 | 4 | 8>> = { sb: 1, sh: 2, sw: 4, sd: 8 };

const scratch = newDecoded();

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
  // A transformed compressed instruction is its 32-bit form with bit 1 clear.
  const access = decodeInstruction(v | 2);
  return access === undefined ? undefined : { ...access, length: (v & 2) !== 0 ? 4 : 2 };
}

/**
 * True for the special pseudoinstructions of guest-page faults taken by the
 * VS-stage page walk itself (0x3000 read, 0x3020 write; RV32's 0x2000, 0x2020).
 */
export function isPageWalkPseudo(htinst: bigint): boolean {
  return htinst === 0x3000n || htinst === 0x3020n || htinst === 0x2000n || htinst === 0x2020n;
}

/**
 * Decodes the trapping instruction itself (16 or 32 bits, as fetched), through
 * cpu-core's decode table: compressed forms map to the base load or store they run.
 */
export function decodeInstruction(inst: number): MemAccess | undefined {
  const row = decode(inst, scratch);
  if (row < 0) return undefined;
  const e = ENCODINGS[row]!;
  const name = e.exec ?? e.name;
  const length = scratch.len === 2 ? 2 : 4;
  const load = LOADS[name];
  if (load !== undefined) return { store: false, size: load[0], signed: load[1], reg: scratch.rd, length };
  const store = STORES[name];
  if (store !== undefined) return { store: true, size: store, signed: false, reg: scratch.rs2, length };
  return undefined;
}

/** The value a load writes to rd: `raw` (unsigned, `size` bytes) extended to 64 bits. */
export function extendLoad(raw: bigint, access: MemAccess): bigint {
  const bits = BigInt(access.size * 8);
  return access.signed
    ? BigInt.asUintN(64, BigInt.asIntN(Number(bits), raw))
    : BigInt.asUintN(Number(bits), raw);
}
