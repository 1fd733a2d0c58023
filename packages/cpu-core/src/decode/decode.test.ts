import { describe, expect, it } from 'vitest';
import { decode, newDecoded } from './decoder.js';
import { disassemble } from './disasm.js';
import { ENCODINGS, INTENDED_OVERLAPS } from './table.js';

const d = newDecoded();
const nameOf = (inst: number) => {
  const row = decode(inst, d);
  return row < 0 ? null : ENCODINGS[row]!.name;
};

describe('decode table', () => {
  it('has no overlapping encodings except the ones listed on purpose', () => {
    const allowed = new Set(INTENDED_OVERLAPS.map(([a, b]) => `${a}|${b}`));
    const bad: string[] = [];
    ENCODINGS.forEach((a, i) => {
      ENCODINGS.forEach((b, j) => {
        if (j <= i || !!a.cfmt !== !!b.cfmt) return;
        const common = a.mask & b.mask;
        if (((a.match ^ b.match) & common) !== 0) return; // some fixed bit differs
        if (!allowed.has(`${a.name}|${b.name}`) && !allowed.has(`${b.name}|${a.name}`))
          bad.push(`${a.name} / ${b.name}`);
      });
    });
    expect(bad).toEqual([]);
  });
  it('every intended overlap is a strict refinement, so the more specific row wins', () => {
    for (const [a, b] of INTENDED_OVERLAPS) {
      const ea = ENCODINGS.find((e) => e.name === a)!;
      const eb = ENCODINGS.find((e) => e.name === b)!;
      expect((ea.mask & eb.mask) >>> 0).toBe(eb.mask >>> 0);
      expect((ea.mask & ~eb.mask) >>> 0).not.toBe(0);
    }
  });
  it('every row decodes its own match value to itself or a listed refinement', () => {
    for (const e of ENCODINGS) {
      const got = nameOf(e.match | (e.cfmt ? 0 : 3));
      const refined = INTENDED_OVERLAPS.some(([a, b]) => b === e.name && a === got);
      if (got !== null) expect(got === e.name || refined).toBe(true);
    }
  });
  it('match values fit their masks', () => {
    for (const e of ENCODINGS) expect((e.match & ~e.mask) >>> 0).toBe(0);
  });
});

// Expected values from GNU as/objdump (riscv64-unknown-elf binutils 2.40, -M no-aliases).
const compressed: [number, string, number, number, number, number][] = [
  // hex, name, rd, rs1, rs2, imm
  [0x0808, 'c.addi4spn', 10, 2, 0, 16],
  [0x1fe4, 'c.addi4spn', 9, 2, 0, 1020],
  [0x2588, 'c.fld', 10, 11, 10, 8],
  [0x41c8, 'c.lw', 10, 11, 10, 4],
  [0x5fe0, 'c.lw', 8, 15, 8, 124],
  [0x7de8, 'c.ld', 10, 11, 10, 248],
  [0xaa0c, 'c.fsd', 11, 12, 11, 16],
  [0xc1a8, 'c.sw', 10, 11, 10, 64],
  [0xe490, 'c.sd', 12, 9, 12, 8],
  [0x0001, 'c.addi', 0, 0, 0, 0],
  [0x1501, 'c.addi', 10, 10, 0, -32],
  [0x0ffd, 'c.addi', 31, 31, 0, 31],
  [0x357d, 'c.addiw', 10, 10, 0, -1],
  [0x5781, 'c.li', 15, 0, 0, -32],
  [0x40fd, 'c.li', 1, 0, 0, 31],
  [0x7101, 'c.addi16sp', 2, 2, 0, -512],
  [0x617d, 'c.addi16sp', 2, 2, 0, 496],
  [0x6505, 'c.lui', 10, 0, 0, 0x1000],
  [0x7281, 'c.lui', 5, 0, 0, -0x20000],
  [0x8105, 'c.srli', 10, 10, 0, 1],
  [0x90fd, 'c.srli', 9, 9, 0, 63],
  [0x9581, 'c.srai', 11, 11, 0, 32],
  [0x9a7d, 'c.andi', 12, 12, 0, -1],
  [0x8d0d, 'c.sub', 10, 10, 11, 0],
  [0x8c25, 'c.xor', 8, 8, 9, 0],
  [0x8f5d, 'c.or', 14, 14, 15, 0],
  [0x8ef1, 'c.and', 13, 13, 12, 0],
  [0x9d0d, 'c.subw', 10, 10, 11, 0],
  [0x9fa1, 'c.addw', 15, 15, 8, 0],
  [0xaffd, 'c.j', 0, 0, 0, 2046],
  [0xb001, 'c.j', 0, 0, 0, -2048],
  [0xcd7d, 'c.beqz', 0, 10, 0, 254],
  [0xf081, 'c.bnez', 0, 9, 0, -256],
  [0x157e, 'c.slli', 10, 10, 0, 63],
  [0x0306, 'c.slli', 6, 6, 0, 1],
  [0x357e, 'c.fldsp', 10, 2, 0, 504],
  [0x50fe, 'c.lwsp', 1, 2, 0, 252],
  [0x797e, 'c.ldsp', 18, 2, 0, 504],
  [0x8082, 'c.jr', 0, 1, 0, 0],
  [0x852e, 'c.mv', 10, 0, 11, 0],
  [0x9002, 'c.ebreak', 0, 0, 0, 0],
  [0x9282, 'c.jalr', 1, 5, 0, 0],
  [0x952e, 'c.add', 10, 10, 11, 0],
  [0xbfaa, 'c.fsdsp', 0, 2, 10, 504],
  [0xdffe, 'c.swsp', 0, 2, 31, 252],
  [0xff86, 'c.sdsp', 0, 2, 1, 504],
];

describe('compressed instructions', () => {
  it.each(compressed)('0x%s decodes as %s', (hex, name, rd, rs1, rs2, imm) => {
    expect(nameOf(hex)).toBe(name);
    expect(d.len).toBe(2);
    expect({ rs1: d.rs1, imm: d.imm }).toEqual({ rs1, imm });
    if (!/^c\.(s[wd]|fsd)/.test(name)) expect(d.rd).toBe(rd);
    if (rs2 !== 0) expect(d.rs2).toBe(rs2);
  });
  it.each([
    [0x0000, 'the all-zero parcel'],
    [0x0004, 'c.addi4spn with nzuimm = 0'],
    [0x4002, 'c.lwsp with rd = 0'],
    [0x6002, 'c.ldsp with rd = 0'],
    [0x8002, 'c.jr with rs1 = 0'],
    [0x6501, 'c.lui with nzimm = 0'],
    [0x6101, 'c.addi16sp with nzimm = 0'],
    [0x2001, 'c.addiw with rd = 0'],
    [0x9c41, 'reserved CA encoding (funct2 = 10, bit 12 = 1)'],
    [0x9c61, 'reserved CA encoding (funct2 = 11, bit 12 = 1)'],
    [0x8000, 'quadrant 0, funct3 = 100'],
  ])('0x%s (%s) is illegal', (hex) => {
    expect(nameOf(hex)).toBeNull();
  });
});

describe('32-bit instructions', () => {
  it.each([
    [0x00150513, 'addi a0, a0, 1'],
    [0x80000537, 'lui a0, 0x80000'],
    [0xfffff297, 'auipc t0, 0xfffff'],
    [0xff813403, 'ld s0, -8(sp)'],
    [0x00113423, 'sd ra, 8(sp)'],
    [0x03f51513, 'slli a0, a0, 63'],
    [0x41f5551b, 'sraiw a0, a0, 31'],
    [0x40c5853b, 'subw a0, a1, a2'],
    [0x02c5a533, 'mulhsu a0, a1, a2'],
    [0x027372bb, 'remuw t0, t1, t2'],
    [0x1405b52f, 'lr.d a0, (a1)'],
    [0x1ab5262f, 'sc.w a2, a1, (a0)'],
    [0xe6b6352f, 'amomaxu.d a0, a1, (a2)'],
    [0x340312f3, 'csrrw t0, mscratch, t1'],
    [0x30046073, 'csrrsi zero, mstatus, 8'],
    [0x7c05b573, 'csrrc a0, 0x7c0, a1'],
    [0x0330000f, 'fence'],
    [0x0000100f, 'fence.i'],
    [0x00000073, 'ecall'],
    [0x00100073, 'ebreak'],
    [0x30200073, 'mret'],
    [0x10200073, 'sret'],
    [0x10500073, 'wfi'],
    [0x12b50073, 'sfence.vma a0, a1'],
  ])('0x%s is %s', (hex, text) => {
    expect(disassemble(hex)).toBe(text);
  });
  it('renders branch and jump targets from pc', () => {
    expect(disassemble(0x001000ef, 0x80000000)).toBe('jal ra, 0x80000800');
    expect(disassemble(0x80b57063, 0x80001000)).toBe('bgeu a0, a1, 0x80000000');
    expect(disassemble(0xaffd, 0x3a)).toBe('c.j 0x838');
    expect(disassemble(0xcd7d, 0x100)).toBe('c.beqz a0, 0x1fe');
    expect(disassemble(0x9282)).toBe('c.jalr t0');
  });
  it('unknown encodings render as .insn', () => {
    expect(disassemble(0xffffffff)).toBe('.insn 0xffffffff');
    expect(disassemble(0x0000)).toBe('.insn 0x0000');
  });
  it('reserved bits in LR (rs2 != 0) and unknown SYSTEM functions are illegal', () => {
    expect(nameOf(0x1405b52f | (1 << 20))).toBeNull();
    expect(nameOf(0x70200073)).toBeNull();
  });
});
