import { describe, expect, it } from 'vitest';
import { decodeInstruction, decodeTransformed, extendLoad, isPageWalkPseudo } from './decode.js';
import { translateVs } from './vs-walk.js';

/** I-type load: funct3, rd, rs1, imm. */
const load = (f3: number, rd: number, rs1 = 10, imm = 0) =>
  ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x03;
/** S-type store. */
const store = (f3: number, rs2: number, rs1 = 10, imm = 0) =>
  (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | 0x23;
/** htinst for a 32-bit load/store: rs1 and the offset cleared (the transformation of the spec). */
const transform = (inst: number) => BigInt((inst & 0x01f0_7fff & ~(0xfff << 20)) >>> 0) | BigInt(inst & 0x7f);

describe('MMIO decode from htinst', () => {
  it('decodes every integer load width and signedness', () => {
    const cases = [
      [0, 1, true],
      [1, 2, true],
      [2, 4, true],
      [3, 8, false],
      [4, 1, false],
      [5, 2, false],
      [6, 4, false],
    ] as const;
    for (const [f3, size, signed] of cases) {
      const t = BigInt((load(f3, 15) & ~(0x1f << 15) & 0xfffff) >>> 0);
      expect(decodeTransformed(t)).toEqual({ store: false, size, signed, reg: 15, length: 4 });
    }
  });

  it('decodes stores and their source register', () => {
    for (const [f3, size] of [
      [0, 1],
      [1, 2],
      [2, 4],
      [3, 8],
    ] as const) {
      const t = BigInt((store(f3, 9, 0) & ~0xfe000f80) >>> 0);
      expect(decodeTransformed(t)).toEqual({ store: true, size, signed: false, reg: 9, length: 4 });
    }
  });

  it('a transformed compressed instruction has bit 1 clear and length 2', () => {
    // c.lw a5, 0(a0) -> lw a5, 0(x0) with bit 1 cleared.
    const t = BigInt(load(2, 15, 0) & ~2);
    expect(decodeTransformed(t)).toEqual({ store: false, size: 4, signed: true, reg: 15, length: 2 });
  });

  it('refuses pseudoinstructions, bits above 31, FP, atomics and non-memory values', () => {
    for (const v of [0x3000n, 0x3020n, 0x2000n, 0x2020n]) {
      expect(isPageWalkPseudo(v)).toBe(true);
      expect(decodeTransformed(v)).toBeUndefined();
    }
    expect(isPageWalkPseudo(BigInt(load(3, 5, 0)))).toBe(false);
    expect(decodeTransformed((1n << 32n) | BigInt(load(2, 5, 0)))).toBeUndefined();
    expect(decodeTransformed(BigInt((load(3, 5, 0) & ~0x7f) | 0x07))).toBeUndefined(); // FLD
    expect(decodeTransformed(0x0000_302fn)).toBeUndefined(); // AMO
    expect(decodeTransformed(BigInt(load(7, 5, 0)))).toBeUndefined(); // funct3 7
    expect(decodeTransformed(BigInt(store(4, 5, 0)))).toBeUndefined();
  });
});

describe('MMIO decode from the instruction', () => {
  it('decodes 32-bit loads and stores with offsets', () => {
    expect(decodeInstruction(load(4, 11, 12, -4))).toEqual({
      store: false,
      size: 1,
      signed: false,
      reg: 11,
      length: 4,
    });
    expect(decodeInstruction(store(2, 13, 12, 0x7f))).toEqual({
      store: true,
      size: 4,
      signed: false,
      reg: 13,
      length: 4,
    });
    // A transformed value and the instruction it came from decode alike.
    expect(decodeTransformed(transform(load(2, 7, 3, 8)))).toEqual(decodeInstruction(load(2, 7, 3, 8)));
  });

  it('decodes the compressed loads and stores', () => {
    // c.lw a5, 0(a0): 010 uimm rs1' uimm rd' 00
    expect(decodeInstruction(0x411c)).toEqual({ store: false, size: 4, signed: true, reg: 15, length: 2 });
    // c.ld a4, 8(a0)
    expect(decodeInstruction(0x6518)).toEqual({ store: false, size: 8, signed: false, reg: 14, length: 2 });
    // c.sw a5, 0(a0)
    expect(decodeInstruction(0xc11c)).toEqual({ store: true, size: 4, signed: false, reg: 15, length: 2 });
    // c.sd a5, 8(a0)
    expect(decodeInstruction(0xe51c)).toEqual({ store: true, size: 8, signed: false, reg: 15, length: 2 });
    // c.lwsp a0, 0(sp); c.swsp a1, 0(sp)
    expect(decodeInstruction(0x4502)).toEqual({ store: false, size: 4, signed: true, reg: 10, length: 2 });
    expect(decodeInstruction(0xc02e)).toEqual({ store: true, size: 4, signed: false, reg: 11, length: 2 });
    // c.addi: not a memory access
    expect(decodeInstruction(0x0505)).toBeUndefined();
    // c.fld
    expect(decodeInstruction(0x2108)).toBeUndefined();
  });

  it('extends load results as the instruction says', () => {
    const lb = decodeInstruction(load(0, 1))!;
    const lbu = decodeInstruction(load(4, 1))!;
    const lw = decodeInstruction(load(2, 1))!;
    const ld = decodeInstruction(load(3, 1))!;
    expect(extendLoad(0x80n, lb)).toBe(0xffff_ffff_ffff_ff80n);
    expect(extendLoad(0x80n, lbu)).toBe(0x80n);
    expect(extendLoad(0x8000_0000n, lw)).toBe(0xffff_ffff_8000_0000n);
    expect(extendLoad(0x1234_5678_9abc_def0n, ld)).toBe(0x1234_5678_9abc_def0n);
  });
});

describe('VS-stage walk (fetching the trapping instruction)', () => {
  const mem = new Map<bigint, bigint>();
  const read = (a: bigint) => mem.get(a);
  const root = 0x8010_0000n;
  const l1 = 0x8010_1000n;
  const l0 = 0x8010_2000n;
  // VA 0xffff_ffff_c000_0000 -> gigapage at 0x8000_0000 (root[511]); VA 0x20_0000 -> l1 -> l0 -> 0x8050_0000.
  mem.set(root + 511n * 8n, ((0x8000_0000n >> 12n) << 10n) | 0xcfn);
  mem.set(root + 0n, ((l1 >> 12n) << 10n) | 1n);
  mem.set(l1 + 1n * 8n, ((l0 >> 12n) << 10n) | 1n);
  mem.set(l0 + 0n, ((0x8050_0000n >> 12n) << 10n) | 0xcbn);
  const satp = (8n << 60n) | (root >> 12n);

  it('bare mode is the identity', () => {
    expect(translateVs(0n, 0x8020_0000n, read)).toBe(0x8020_0000n);
  });
  it('walks Sv39 through superpages and 4 KiB pages', () => {
    expect(translateVs(satp, 0xffff_ffff_c000_1234n, read)).toBe(0x8000_1234n);
    expect(translateVs(satp, 0x20_0abcn, read)).toBe(0x8050_0abcn);
  });
  it('refuses unmapped, non-canonical and unreadable addresses', () => {
    expect(translateVs(satp, 0x40_0000n, read)).toBeUndefined();
    expect(translateVs(satp, 0x0000_8000_0000_0000n, read)).toBeUndefined();
    expect(translateVs((8n << 60n) | 0x9_0000n, 0x1000n, () => undefined)).toBeUndefined();
    expect(translateVs(5n << 60n, 0x1000n, read)).toBeUndefined();
  });
});
