import { CSR_NAMES } from '../csr-names.js';
import { decode, newDecoded } from './decoder.js';
import { ENCODINGS } from './table.js';

/** ABI names of x0..x31 (psABI). */
export const XREG_NAMES = [
  'zero',
  'ra',
  'sp',
  'gp',
  'tp',
  't0',
  't1',
  't2',
  's0',
  's1',
  'a0',
  'a1',
  'a2',
  'a3',
  'a4',
  'a5',
  'a6',
  'a7',
  's2',
  's3',
  's4',
  's5',
  's6',
  's7',
  's8',
  's9',
  's10',
  's11',
  't3',
  't4',
  't5',
  't6',
] as const;

/** ABI names of f0..f31. */
export const FREG_NAMES = [
  'ft0',
  'ft1',
  'ft2',
  'ft3',
  'ft4',
  'ft5',
  'ft6',
  'ft7',
  'fs0',
  'fs1',
  'fa0',
  'fa1',
  'fa2',
  'fa3',
  'fa4',
  'fa5',
  'fa6',
  'fa7',
  'fs2',
  'fs3',
  'fs4',
  'fs5',
  'fs6',
  'fs7',
  'fs8',
  'fs9',
  'fs10',
  'fs11',
  'ft8',
  'ft9',
  'ft10',
  'ft11',
] as const;

const scratch = newDecoded();
const x = (r: number) => XREG_NAMES[r] ?? `x${r}`;
const f = (r: number) => FREG_NAMES[r] ?? `f${r}`;
const csrName = (n: number) => CSR_NAMES.get(n) ?? `0x${n.toString(16).padStart(3, '0')}`;

/**
 * Renders one instruction as assembly. `pc` (a number) turns relative branch and
 * jump offsets into absolute targets. Unknown encodings render as `.insn 0x...`.
 */
export function disassemble(inst: number, pc?: number): string {
  const row = decode(inst, scratch);
  const len = (inst & 3) === 3 ? 8 : 4;
  if (row < 0) return `.insn 0x${(inst >>> 0).toString(16).padStart(len, '0')}`;
  const e = ENCODINGS[row]!;
  const d = scratch;
  const target = (off: number) => (pc === undefined ? `${off}` : `0x${(pc + off).toString(16)}`);
  // Compressed rows print with their own name and the expanded operands.
  const fmt = e.format ?? cFormatAsBase(e.cfmt);
  // FP rows name f registers except where the spec says the operand is an x register.
  const fpMem = /^(c\.)?f(l|s)[wd](sp)?$/.test(e.name);
  const isF = e.ext === 'F' || e.ext === 'D' || fpMem;
  const rd = isF && !/^f(mv\.x\.|class|eq|lt|le|cvt\.(w|wu|l|lu)\.)/.test(e.name) ? f(d.rd) : x(d.rd);
  const rs1 = isF && !fpMem && !/^f(mv\.[wd]\.x|cvt\.[sd]\.(w|wu|l|lu))$/.test(e.name) ? f(d.rs1) : x(d.rs1);
  const rs2 = isF ? f(d.rs2) : x(d.rs2);
  switch (e.cfmt) {
    case 'CJ':
      return `${e.name} ${target(d.imm)}`;
    case 'CB_BRANCH':
      return `${e.name} ${x(d.rs1)}, ${target(d.imm)}`;
    case 'CR_JR':
    case 'CR_JALR':
      return `${e.name} ${x(d.rs1)}`;
    default:
      break;
  }
  switch (fmt) {
    case 'R':
    case 'RF':
      return `${e.name} ${rd}, ${rs1}, ${rs2}`;
    case 'R4':
      return `${e.name} ${rd}, ${rs1}, ${rs2}, ${f(d.rs3)}`;
    case 'R1':
    case 'R1F':
      return `${e.name} ${rd}, ${rs1}`;
    case 'I':
      return `${e.name} ${rd}, ${rs1}, ${d.imm}`;
    case 'IL':
      return `${e.name} ${rd}, ${d.imm}(${x(d.rs1)})`;
    case 'S':
      return `${e.name} ${rs2}, ${d.imm}(${x(d.rs1)})`;
    case 'B':
      return `${e.name} ${x(d.rs1)}, ${x(d.rs2)}, ${target(d.imm)}`;
    case 'U':
      return `${e.name} ${rd}, 0x${((d.imm >>> 12) & 0xfffff).toString(16)}`;
    case 'J':
      return `${e.name} ${rd}, ${target(d.imm)}`;
    case 'SH6':
    case 'SH5':
      return `${e.name} ${rd}, ${rs1}, ${d.imm}`;
    case 'CSR':
      return `${e.name} ${rd}, ${csrName(d.imm)}, ${rs1}`;
    case 'CSRI':
      return `${e.name} ${rd}, ${csrName(d.imm)}, ${d.rs1}`;
    case 'AMO':
      return `${e.name} ${rd}, ${rs2}, (${x(d.rs1)})`;
    case 'LR':
      return `${e.name} ${rd}, (${x(d.rs1)})`;
    case 'SFENCE':
      return `${e.name} ${rs1}, ${rs2}`;
    case 'HSV':
      return `${e.name} ${rs2}, (${x(d.rs1)})`;
    default:
      return e.name;
  }
}

function cFormatAsBase(c: string | undefined): string {
  switch (c) {
    case 'CL_W':
    case 'CL_D':
    case 'CI_LWSP':
    case 'CI_LDSP':
      return 'IL';
    case 'CS_W':
    case 'CS_D':
    case 'CSS_SWSP':
    case 'CSS_SDSP':
      return 'S';
    case 'CI':
    case 'CI_LI':
    case 'CIW_ADDI4SPN':
    case 'CI_ADDI16SP':
    case 'CB_ANDI':
      return 'I';
    case 'CI_LUI':
      return 'U';
    case 'CI_SLLI':
    case 'CB_SHIFT':
      return 'SH6';
    case 'CA':
    case 'CR_MV':
    case 'CR_ADD':
      return 'R';
    case 'CJ':
      return 'J';
    case 'CB_BRANCH':
      return 'B';
    case 'CR_JR':
    case 'CR_JALR':
      return 'IL';
    default:
      return 'NONE';
  }
}
