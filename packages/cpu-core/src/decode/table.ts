/**
 * The one decode table (STYLE.md 5): every instruction hvkit knows, as
 * `{ name, mask, match, format }`. It drives the decoder, the disassembler and the
 * overlap test. Compressed entries name the base instruction they expand to (`exec`)
 * and how their fields are scattered (`cfmt`), following the RVC chapter's tables.
 *
 * Sources: unpriv/rv-32-64g.adoc (opcode map), unpriv/c-st-ext.adoc (RVC),
 * priv/machine.adoc and supervisor.adoc (MRET, SRET, WFI, SFENCE.VMA), priv/hypervisor.adoc
 * ("Hypervisor Virtual-Machine Load and Store Instructions", "Hypervisor Memory-Management Fence
 * Instructions").
 */

/** How a 32-bit instruction's operands are laid out. */
export type Format =
  | 'R' // rd, rs1, rs2
  | 'R4' // rd, rs1, rs2, rs3, rm (fused multiply-add)
  | 'RF' // rd, rs1, rs2 with rm (FP arithmetic)
  | 'R1F' // rd, rs1 with rm (FP unary: sqrt, conversions)
  | 'R1' // rd, rs1 (FP moves and classify, no rm)
  | 'I' // rd, rs1, imm[11:0]
  | 'IL' // load: rd, imm(rs1)
  | 'S' // store: rs2, imm(rs1)
  | 'B' // rs1, rs2, pc-relative imm
  | 'U' // rd, imm[31:12]
  | 'J' // rd, pc-relative imm
  | 'SH6' // rd, rs1, shamt[5:0]
  | 'SH5' // rd, rs1, shamt[4:0]
  | 'CSR' // rd, csr, rs1
  | 'CSRI' // rd, csr, uimm[4:0]
  | 'AMO' // rd, rs2, (rs1)
  | 'LR' // rd, (rs1)
  | 'FENCE' // pred, succ (printed bare)
  | 'SFENCE' // rs1, rs2
  | 'HSV' // rs2, (rs1)
  | 'NONE';

/**
 * How a compressed instruction's fields map onto the base instruction it expands to.
 * `r'` is a 3-bit register field naming x8..x15.
 */
export type CFormat =
  | 'CIW_ADDI4SPN' // rd' = addi4spn nzuimm(sp)
  | 'CL_W' // rd' <- w[rs1' + uimm]
  | 'CL_D'
  | 'CS_W' // w[rs1' + uimm] <- rs2'
  | 'CS_D'
  | 'CI' // rd = rd op simm6
  | 'CI_LI' // rd = x0 + simm6
  | 'CI_LUI'
  | 'CI_ADDI16SP'
  | 'CI_SLLI'
  | 'CI_LWSP'
  | 'CI_LDSP'
  | 'CSS_SWSP'
  | 'CSS_SDSP'
  | 'CB_SHIFT' // rd' = rd' op shamt6
  | 'CB_ANDI'
  | 'CA' // rd' = rd' op rs2'
  | 'CJ' // jal x0
  | 'CB_BRANCH' // rs1' ==/!= x0
  | 'CR_JR' // jalr x0, 0(rs1)
  | 'CR_JALR' // jalr x1, 0(rs1)
  | 'CR_MV' // add rd, x0, rs2
  | 'CR_ADD' // add rd, rd, rs2
  | 'C_NONE';

/** One row of the table. */
export interface Encoding {
  /** Assembler mnemonic, lower case as in the spec. */
  readonly name: string;
  /** Bits that identify the instruction. */
  readonly mask: number;
  /** Their required value. */
  readonly match: number;
  /** Extension that defines it (`I`, `M`, `A`, `C`, `Zicsr`, `Zifencei`, `Priv`, `F`, `D`). */
  readonly ext: string;
  /** Operand layout of a 32-bit instruction. */
  readonly format?: Format;
  /** For compressed instructions: the base instruction executed. */
  readonly exec?: string;
  /** For compressed instructions: where the fields come from. */
  readonly cfmt?: CFormat;
}

const rows: Encoding[] = [];
function op32(ext: string, format: Format, list: [string, number, number][]): void {
  for (const [name, mask, match] of list) rows.push({ name, mask: mask | 0, match: match | 0, format, ext });
}
function op16(list: [string, number, number, string, CFormat][]): void {
  for (const [name, mask, match, exec, cfmt] of list) {
    rows.push({ name, mask, match, exec, cfmt, ext: 'C' });
  }
}

const OPC = 0x7f; // opcode only
const F3 = 0x707f; // opcode + funct3
const F7 = 0xfe00707f; // opcode + funct3 + funct7
const F6 = 0xfc00707f; // RV64 shifts by 6-bit shamt
const AMO = 0xf800707f; // opcode + funct3 + funct5
const LRM = 0xf9f0707f; // LR also needs rs2 = 0
const ALL = 0xffffffff;

op32('I', 'U', [
  ['lui', OPC, 0x37],
  ['auipc', OPC, 0x17],
]);
op32('I', 'J', [['jal', OPC, 0x6f]]);
op32('I', 'I', [['jalr', F3, 0x67]]);
op32('I', 'B', [
  ['beq', F3, 0x63],
  ['bne', F3, 0x1063],
  ['blt', F3, 0x4063],
  ['bge', F3, 0x5063],
  ['bltu', F3, 0x6063],
  ['bgeu', F3, 0x7063],
]);
op32('I', 'IL', [
  ['lb', F3, 0x03],
  ['lh', F3, 0x1003],
  ['lw', F3, 0x2003],
  ['ld', F3, 0x3003],
  ['lbu', F3, 0x4003],
  ['lhu', F3, 0x5003],
  ['lwu', F3, 0x6003],
]);
op32('I', 'S', [
  ['sb', F3, 0x23],
  ['sh', F3, 0x1023],
  ['sw', F3, 0x2023],
  ['sd', F3, 0x3023],
]);
op32('I', 'I', [
  ['addi', F3, 0x13],
  ['slti', F3, 0x2013],
  ['sltiu', F3, 0x3013],
  ['xori', F3, 0x4013],
  ['ori', F3, 0x6013],
  ['andi', F3, 0x7013],
  ['addiw', F3, 0x1b],
]);
op32('I', 'SH6', [
  ['slli', F6, 0x1013],
  ['srli', F6, 0x5013],
  ['srai', F6, 0x40005013],
]);
op32('I', 'SH5', [
  ['slliw', F7, 0x101b],
  ['srliw', F7, 0x501b],
  ['sraiw', F7, 0x4000501b],
]);
op32('I', 'R', [
  ['add', F7, 0x33],
  ['sub', F7, 0x40000033],
  ['sll', F7, 0x1033],
  ['slt', F7, 0x2033],
  ['sltu', F7, 0x3033],
  ['xor', F7, 0x4033],
  ['srl', F7, 0x5033],
  ['sra', F7, 0x40005033],
  ['or', F7, 0x6033],
  ['and', F7, 0x7033],
  ['addw', F7, 0x3b],
  ['subw', F7, 0x4000003b],
  ['sllw', F7, 0x103b],
  ['srlw', F7, 0x503b],
  ['sraw', F7, 0x4000503b],
]);
// FENCE covers FENCE.TSO and PAUSE (Zihintpause): all are ordering no-ops here.
op32('I', 'FENCE', [['fence', F3, 0x0f]]);
op32('I', 'NONE', [
  ['ecall', ALL, 0x73],
  ['ebreak', ALL, 0x100073],
]);
op32('Zifencei', 'NONE', [['fence.i', F3, 0x100f]]);
op32('M', 'R', [
  ['mul', F7, 0x2000033],
  ['mulh', F7, 0x2001033],
  ['mulhsu', F7, 0x2002033],
  ['mulhu', F7, 0x2003033],
  ['div', F7, 0x2004033],
  ['divu', F7, 0x2005033],
  ['rem', F7, 0x2006033],
  ['remu', F7, 0x2007033],
  ['mulw', F7, 0x200003b],
  ['divw', F7, 0x200403b],
  ['divuw', F7, 0x200503b],
  ['remw', F7, 0x200603b],
  ['remuw', F7, 0x200703b],
]);
for (const [w, f3] of [
  ['w', 0x2000],
  ['d', 0x3000],
] as const) {
  op32('A', 'LR', [[`lr.${w}`, LRM, 0x1000002f | f3]]);
  op32('A', 'AMO', [
    [`sc.${w}`, AMO, 0x1800002f | f3],
    [`amoswap.${w}`, AMO, 0x0800002f | f3],
    [`amoadd.${w}`, AMO, 0x0000002f | f3],
    [`amoxor.${w}`, AMO, 0x2000002f | f3],
    [`amoand.${w}`, AMO, 0x6000002f | f3],
    [`amoor.${w}`, AMO, 0x4000002f | f3],
    [`amomin.${w}`, AMO, 0x8000002f | f3],
    [`amomax.${w}`, AMO, 0xa000002f | f3],
    [`amominu.${w}`, AMO, 0xc000002f | f3],
    [`amomaxu.${w}`, AMO, 0xe000002f | f3],
  ]);
}
op32('Zicsr', 'CSR', [
  ['csrrw', F3, 0x1073],
  ['csrrs', F3, 0x2073],
  ['csrrc', F3, 0x3073],
]);
op32('Zicsr', 'CSRI', [
  ['csrrwi', F3, 0x5073],
  ['csrrsi', F3, 0x6073],
  ['csrrci', F3, 0x7073],
]);
op32('Priv', 'NONE', [
  ['sret', ALL, 0x10200073],
  ['mret', ALL, 0x30200073],
  ['wfi', ALL, 0x10500073],
]);
op32('Priv', 'SFENCE', [['sfence.vma', 0xfe007fff, 0x12000073]]);

// H: SYSTEM opcode, funct3 4 for HLV/HLVX (rs2 field selects the variant) and HSV.
const HLV = 0xfff0707f; // funct7, rs2 (variant) and funct3 fixed
const HSV = 0xfe007fff; // funct7, funct3 and rd = 0 fixed
op32('H', 'LR', [
  ['hlv.b', HLV, 0x60004073],
  ['hlv.bu', HLV, 0x60104073],
  ['hlv.h', HLV, 0x64004073],
  ['hlv.hu', HLV, 0x64104073],
  ['hlvx.hu', HLV, 0x64304073],
  ['hlv.w', HLV, 0x68004073],
  ['hlv.wu', HLV, 0x68104073],
  ['hlvx.wu', HLV, 0x68304073],
  ['hlv.d', HLV, 0x6c004073],
]);
op32('H', 'HSV', [
  ['hsv.b', HSV, 0x62004073],
  ['hsv.h', HSV, 0x66004073],
  ['hsv.w', HSV, 0x6a004073],
  ['hsv.d', HSV, 0x6e004073],
]);
op32('H', 'SFENCE', [
  ['hfence.vvma', HSV, 0x22000073],
  ['hfence.gvma', HSV, 0x62000073],
]);

// F and D (unpriv/f-st-ext.adoc, d-st-ext.adoc). funct7 = funct5 << 2 | fmt (0 = S, 1 = D).
const FRM = 0xfe00007f; // rm free
const FF3 = 0xfe00707f; // funct3 fixed
const FRS2 = 0xfff0007f; // rs2 fixed, rm free
const FRS2F3 = 0xfff0707f; // rs2 and funct3 fixed
for (const [t, fmt] of [
  ['s', 0],
  ['d', 1],
] as const) {
  const ext = t === 's' ? 'F' : 'D';
  const f7 = (funct5: number) => ((funct5 << 2) | fmt) << 25;
  op32(ext, 'IL', [[t === 's' ? 'flw' : 'fld', F3, t === 's' ? 0x2007 : 0x3007]]);
  op32(ext, 'S', [[t === 's' ? 'fsw' : 'fsd', F3, t === 's' ? 0x2027 : 0x3027]]);
  op32(ext, 'R4', [
    [`fmadd.${t}`, 0x0600007f, 0x43 | (fmt << 25)],
    [`fmsub.${t}`, 0x0600007f, 0x47 | (fmt << 25)],
    [`fnmsub.${t}`, 0x0600007f, 0x4b | (fmt << 25)],
    [`fnmadd.${t}`, 0x0600007f, 0x4f | (fmt << 25)],
  ]);
  op32(ext, 'RF', [
    [`fadd.${t}`, FRM, 0x53 | f7(0x00)],
    [`fsub.${t}`, FRM, 0x53 | f7(0x01)],
    [`fmul.${t}`, FRM, 0x53 | f7(0x02)],
    [`fdiv.${t}`, FRM, 0x53 | f7(0x03)],
  ]);
  op32(ext, 'R', [
    [`fsgnj.${t}`, FF3, 0x53 | f7(0x04)],
    [`fsgnjn.${t}`, FF3, 0x53 | f7(0x04) | 0x1000],
    [`fsgnjx.${t}`, FF3, 0x53 | f7(0x04) | 0x2000],
    [`fmin.${t}`, FF3, 0x53 | f7(0x05)],
    [`fmax.${t}`, FF3, 0x53 | f7(0x05) | 0x1000],
    [`feq.${t}`, FF3, 0x53 | f7(0x14) | 0x2000],
    [`flt.${t}`, FF3, 0x53 | f7(0x14) | 0x1000],
    [`fle.${t}`, FF3, 0x53 | f7(0x14)],
  ]);
  op32(ext, 'R1F', [
    [`fsqrt.${t}`, FRS2, 0x53 | f7(0x0b)],
    [`fcvt.w.${t}`, FRS2, 0x53 | f7(0x18)],
    [`fcvt.wu.${t}`, FRS2, 0x53 | f7(0x18) | (1 << 20)],
    [`fcvt.l.${t}`, FRS2, 0x53 | f7(0x18) | (2 << 20)],
    [`fcvt.lu.${t}`, FRS2, 0x53 | f7(0x18) | (3 << 20)],
    [`fcvt.${t}.w`, FRS2, 0x53 | f7(0x1a)],
    [`fcvt.${t}.wu`, FRS2, 0x53 | f7(0x1a) | (1 << 20)],
    [`fcvt.${t}.l`, FRS2, 0x53 | f7(0x1a) | (2 << 20)],
    [`fcvt.${t}.lu`, FRS2, 0x53 | f7(0x1a) | (3 << 20)],
  ]);
  op32(ext, 'R1', [
    [t === 's' ? 'fmv.x.w' : 'fmv.x.d', FRS2F3, 0x53 | f7(0x1c)],
    [`fclass.${t}`, FRS2F3, 0x53 | f7(0x1c) | 0x1000],
    [t === 's' ? 'fmv.w.x' : 'fmv.d.x', FRS2F3, 0x53 | f7(0x1e)],
  ]);
}
op32('D', 'R1F', [
  ['fcvt.s.d', FRS2, 0x53 | (0x20 << 25) | (1 << 20)],
  ['fcvt.d.s', FRS2, 0x53 | (0x21 << 25)],
]);

// RVC, RV64 view. Reserved encodings inside a row (nzimm = 0, rd = 0 where the spec
// reserves it) are rejected by the decoder's field checks, not by extra rows.
op16([
  ['c.addi4spn', 0xe003, 0x0000, 'addi', 'CIW_ADDI4SPN'],
  ['c.fld', 0xe003, 0x2000, 'fld', 'CL_D'],
  ['c.lw', 0xe003, 0x4000, 'lw', 'CL_W'],
  ['c.ld', 0xe003, 0x6000, 'ld', 'CL_D'],
  ['c.fsd', 0xe003, 0xa000, 'fsd', 'CS_D'],
  ['c.sw', 0xe003, 0xc000, 'sw', 'CS_W'],
  ['c.sd', 0xe003, 0xe000, 'sd', 'CS_D'],
  ['c.addi', 0xe003, 0x0001, 'addi', 'CI'],
  ['c.addiw', 0xe003, 0x2001, 'addiw', 'CI'],
  ['c.li', 0xe003, 0x4001, 'addi', 'CI_LI'],
  ['c.addi16sp', 0xef83, 0x6101, 'addi', 'CI_ADDI16SP'],
  ['c.lui', 0xe003, 0x6001, 'lui', 'CI_LUI'],
  ['c.srli', 0xec03, 0x8001, 'srli', 'CB_SHIFT'],
  ['c.srai', 0xec03, 0x8401, 'srai', 'CB_SHIFT'],
  ['c.andi', 0xec03, 0x8801, 'andi', 'CB_ANDI'],
  ['c.sub', 0xfc63, 0x8c01, 'sub', 'CA'],
  ['c.xor', 0xfc63, 0x8c21, 'xor', 'CA'],
  ['c.or', 0xfc63, 0x8c41, 'or', 'CA'],
  ['c.and', 0xfc63, 0x8c61, 'and', 'CA'],
  ['c.subw', 0xfc63, 0x9c01, 'subw', 'CA'],
  ['c.addw', 0xfc63, 0x9c21, 'addw', 'CA'],
  ['c.j', 0xe003, 0xa001, 'jal', 'CJ'],
  ['c.beqz', 0xe003, 0xc001, 'beq', 'CB_BRANCH'],
  ['c.bnez', 0xe003, 0xe001, 'bne', 'CB_BRANCH'],
  ['c.slli', 0xe003, 0x0002, 'slli', 'CI_SLLI'],
  ['c.fldsp', 0xe003, 0x2002, 'fld', 'CI_LDSP'],
  ['c.lwsp', 0xe003, 0x4002, 'lw', 'CI_LWSP'],
  ['c.ldsp', 0xe003, 0x6002, 'ld', 'CI_LDSP'],
  ['c.jr', 0xf07f, 0x8002, 'jalr', 'CR_JR'],
  ['c.mv', 0xf003, 0x8002, 'add', 'CR_MV'],
  ['c.ebreak', 0xffff, 0x9002, 'ebreak', 'C_NONE'],
  ['c.jalr', 0xf07f, 0x9002, 'jalr', 'CR_JALR'],
  ['c.add', 0xf003, 0x9002, 'add', 'CR_ADD'],
  ['c.fsdsp', 0xe003, 0xa002, 'fsd', 'CSS_SDSP'],
  ['c.swsp', 0xe003, 0xc002, 'sw', 'CSS_SWSP'],
  ['c.sdsp', 0xe003, 0xe002, 'sd', 'CSS_SDSP'],
]);

/** Every encoding hvkit decodes. */
export const ENCODINGS: readonly Encoding[] = rows;

/**
 * Pairs that overlap on purpose; the decoder takes the row with more mask bits.
 * (The RVC chapter carves c.addi16sp out of c.lui, c.jr out of c.mv, and c.ebreak
 * and c.jalr out of c.add.)
 */
export const INTENDED_OVERLAPS: readonly (readonly [string, string])[] = [
  ['c.addi16sp', 'c.lui'],
  ['c.jr', 'c.mv'],
  ['c.ebreak', 'c.jalr'],
  ['c.ebreak', 'c.add'],
  ['c.jalr', 'c.add'],
];
