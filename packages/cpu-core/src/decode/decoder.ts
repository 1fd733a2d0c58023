import { ENCODINGS, type Encoding } from './table.js';

/** Operands of one decoded instruction, filled in place by `decode` (no allocation per call). */
export interface Decoded {
  /** Index into ENCODINGS, or -1 for an illegal or reserved encoding. */
  row: number;
  /** Destination register number (0..31). */
  rd: number;
  rs1: number;
  rs2: number;
  rs3: number;
  /** Sign-extended immediate, shift amount, CSR number, or rounding mode holder. */
  imm: number;
  /** Instruction length in bytes: 2 or 4. */
  len: number;
}

/** A fresh Decoded record. */
export function newDecoded(): Decoded {
  return { row: -1, rd: 0, rs1: 0, rs2: 0, rs3: 0, imm: 0, len: 4 };
}

function popcount(v: number): number {
  let n = 0;
  for (let x = v >>> 0; x !== 0; x >>>= 1) n += x & 1;
  return n;
}

// Buckets: 32-bit rows by major opcode (bits 6:0); 16-bit rows by quadrant and funct3.
const bucket32: number[][] = Array.from({ length: 128 }, () => []);
const bucket16: number[][] = Array.from({ length: 32 }, () => []);
ENCODINGS.forEach((e, i) => {
  if (e.cfmt) {
    const k = (e.match & 3) | (((e.match >>> 13) & 7) << 2);
    bucket16[k]!.push(i);
  } else {
    bucket32[e.match & 0x7f]!.push(i);
  }
});
const byMaskBits = (a: number, b: number) => popcount(ENCODINGS[b]!.mask) - popcount(ENCODINGS[a]!.mask);
for (const b of bucket32) b.sort(byMaskBits);
for (const b of bucket16) b.sort(byMaskBits);

const bits = (v: number, hi: number, lo: number) => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);
const sext = (v: number, width: number) => (v << (32 - width)) >> (32 - width);

/**
 * Decodes one instruction. `inst` holds 32 bits for a standard instruction, or the
 * 16-bit parcel for a compressed one (low two bits != 11). Returns `out.row`.
 */
export function decode(inst: number, out: Decoded): number {
  out.rd = 0;
  out.rs1 = 0;
  out.rs2 = 0;
  out.rs3 = 0;
  out.imm = 0;
  out.row = -1;
  if ((inst & 3) === 3) {
    out.len = 4;
    const cands = bucket32[inst & 0x7f]!;
    for (const i of cands) {
      const e = ENCODINGS[i]!;
      if ((inst & e.mask) === e.match) {
        out.row = i;
        fields32(inst, e, out);
        return i;
      }
    }
    return -1;
  }
  out.len = 2;
  const c = inst & 0xffff;
  const cands = bucket16[(c & 3) | (((c >>> 13) & 7) << 2)]!;
  for (const i of cands) {
    const e = ENCODINGS[i]!;
    if ((c & e.mask) === e.match) {
      if (!fields16(c, e, out)) return -1;
      out.row = i;
      return i;
    }
  }
  return -1;
}

function fields32(inst: number, e: Encoding, out: Decoded): void {
  out.rd = bits(inst, 11, 7);
  out.rs1 = bits(inst, 19, 15);
  out.rs2 = bits(inst, 24, 20);
  out.rs3 = bits(inst, 31, 27);
  switch (e.format) {
    case 'I':
    case 'IL':
      out.imm = inst >> 20;
      break;
    case 'S':
      out.imm = ((inst >> 25) << 5) | bits(inst, 11, 7);
      break;
    case 'B':
      out.imm = sext(
        (bits(inst, 31, 31) << 12) |
          (bits(inst, 7, 7) << 11) |
          (bits(inst, 30, 25) << 5) |
          (bits(inst, 11, 8) << 1),
        13,
      );
      break;
    case 'U':
      out.imm = inst & 0xfffff000;
      break;
    case 'J':
      out.imm = sext(
        (bits(inst, 31, 31) << 20) |
          (bits(inst, 19, 12) << 12) |
          (bits(inst, 20, 20) << 11) |
          (bits(inst, 30, 21) << 1),
        21,
      );
      break;
    case 'SH6':
      out.imm = bits(inst, 25, 20);
      break;
    case 'SH5':
      out.imm = bits(inst, 24, 20);
      break;
    case 'CSR':
    case 'CSRI':
      out.imm = bits(inst, 31, 20);
      break;
    case 'R4':
    case 'RF':
    case 'R1F':
    case 'FENCE':
      out.imm = bits(inst, 14, 12); // rm, or fence's funct3
      break;
    default:
      break;
  }
}

/** Fills fields of a compressed instruction; false for a reserved encoding. */
function fields16(c: number, e: Encoding, out: Decoded): boolean {
  const rdFull = bits(c, 11, 7);
  const rs2Full = bits(c, 6, 2);
  const rdP = bits(c, 4, 2) + 8; // rd' / rs2' in CIW, CL, CS, CA
  const rs1P = bits(c, 9, 7) + 8; // rs1' / rd' in CL, CS, CA, CB
  const simm6 = sext((bits(c, 12, 12) << 5) | bits(c, 6, 2), 6);
  const uimm6 = (bits(c, 12, 12) << 5) | bits(c, 6, 2);
  switch (e.cfmt) {
    case 'CIW_ADDI4SPN':
      out.rd = rdP;
      out.rs1 = 2;
      out.imm = (bits(c, 12, 11) << 4) | (bits(c, 10, 7) << 6) | (bits(c, 6, 6) << 2) | (bits(c, 5, 5) << 3);
      return out.imm !== 0; // nzuimm = 0 is reserved (and 0x0000 is illegal)
    case 'CL_W':
    case 'CS_W':
      out.rd = rdP;
      out.rs2 = rdP;
      out.rs1 = rs1P;
      out.imm = (bits(c, 12, 10) << 3) | (bits(c, 6, 6) << 2) | (bits(c, 5, 5) << 6);
      return true;
    case 'CL_D':
    case 'CS_D':
      out.rd = rdP;
      out.rs2 = rdP;
      out.rs1 = rs1P;
      out.imm = (bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6);
      return true;
    case 'CI':
      out.rd = rdFull;
      out.rs1 = rdFull;
      out.imm = simm6;
      return !(e.name === 'c.addiw' && rdFull === 0);
    case 'CI_LI':
      out.rd = rdFull;
      out.rs1 = 0;
      out.imm = simm6;
      return true;
    case 'CI_LUI':
      out.rd = rdFull;
      out.imm = simm6 << 12;
      return simm6 !== 0;
    case 'CI_ADDI16SP':
      out.rd = 2;
      out.rs1 = 2;
      out.imm = sext(
        (bits(c, 12, 12) << 9) |
          (bits(c, 6, 6) << 4) |
          (bits(c, 5, 5) << 6) |
          (bits(c, 4, 3) << 7) |
          (bits(c, 2, 2) << 5),
        10,
      );
      return out.imm !== 0;
    case 'CI_SLLI':
      out.rd = rdFull;
      out.rs1 = rdFull;
      out.imm = uimm6;
      return true;
    case 'CI_LWSP':
      out.rd = rdFull;
      out.rs1 = 2;
      out.imm = (bits(c, 12, 12) << 5) | (bits(c, 6, 4) << 2) | (bits(c, 3, 2) << 6);
      return rdFull !== 0;
    case 'CI_LDSP':
      out.rd = rdFull;
      out.rs1 = 2;
      out.imm = (bits(c, 12, 12) << 5) | (bits(c, 6, 5) << 3) | (bits(c, 4, 2) << 6);
      return rdFull !== 0 || e.name === 'c.fldsp';
    case 'CSS_SWSP':
      out.rs1 = 2;
      out.rs2 = rs2Full;
      out.imm = (bits(c, 12, 9) << 2) | (bits(c, 8, 7) << 6);
      return true;
    case 'CSS_SDSP':
      out.rs1 = 2;
      out.rs2 = rs2Full;
      out.imm = (bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6);
      return true;
    case 'CB_SHIFT':
      out.rd = rs1P;
      out.rs1 = rs1P;
      out.imm = uimm6;
      return true;
    case 'CB_ANDI':
      out.rd = rs1P;
      out.rs1 = rs1P;
      out.imm = simm6;
      return true;
    case 'CA':
      out.rd = rs1P;
      out.rs1 = rs1P;
      out.rs2 = rdP;
      return true;
    case 'CJ':
      out.rd = 0;
      out.imm = sext(
        (bits(c, 12, 12) << 11) |
          (bits(c, 11, 11) << 4) |
          (bits(c, 10, 9) << 8) |
          (bits(c, 8, 8) << 10) |
          (bits(c, 7, 7) << 6) |
          (bits(c, 6, 6) << 7) |
          (bits(c, 5, 3) << 1) |
          (bits(c, 2, 2) << 5),
        12,
      );
      return true;
    case 'CB_BRANCH':
      out.rs1 = rs1P;
      out.rs2 = 0;
      out.imm = sext(
        (bits(c, 12, 12) << 8) |
          (bits(c, 11, 10) << 3) |
          (bits(c, 6, 5) << 6) |
          (bits(c, 4, 3) << 1) |
          (bits(c, 2, 2) << 5),
        9,
      );
      return true;
    case 'CR_JR':
      out.rd = 0;
      out.rs1 = rdFull;
      return rdFull !== 0;
    case 'CR_JALR':
      out.rd = 1;
      out.rs1 = rdFull;
      return true; // rs1 = 0 is c.ebreak, matched first
    case 'CR_MV':
      out.rd = rdFull;
      out.rs1 = 0;
      out.rs2 = rs2Full;
      return true; // rs2 = 0 is c.jr, matched first
    case 'CR_ADD':
      out.rd = rdFull;
      out.rs1 = rdFull;
      out.rs2 = rs2Full;
      return true;
    case 'C_NONE':
      return true;
    default:
      return false;
  }
}
