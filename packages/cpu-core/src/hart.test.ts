import { describe, expect, it } from 'vitest';
import { CAUSE, IRQ } from './hart.js';
import { asm, hartWith, RAM_BASE } from './testing/board.js';

const M64 = (1n << 64n) - 1n;
const s64 = (v: bigint) => BigInt.asIntN(64, v);

/** Runs one instruction with x1 = a, x2 = b and returns x3 (the instruction's rd must be 3). */
function alu(inst: number, a: bigint, b = 0n): bigint {
  const { hart } = hartWith([inst]);
  hart.setX(1, a);
  hart.setX(2, b);
  expect(hart.run(1)).toBe('budget');
  return hart.getX(3);
}

const OP = (f7: number, f3: number) => asm.op(f7, f3, 3, 1, 2);
const OPW = (f7: number, f3: number) => asm.op32(f7, f3, 3, 1, 2);

describe('RV64I arithmetic', () => {
  it('add/sub wrap at 64 bits and carry across the halves', () => {
    expect(alu(OP(0, 0), 0xffff_ffffn, 1n)).toBe(0x1_0000_0000n);
    expect(alu(OP(0, 0), s64(M64), 1n)).toBe(0n);
    expect(alu(OP(0x20, 0), 0n, 1n)).toBe(-1n);
    expect(alu(OP(0x20, 0), 0x1_0000_0000n, 1n)).toBe(0xffff_ffffn);
    expect(alu(OP(0x20, 0), -(1n << 63n), 1n)).toBe((1n << 63n) - 1n);
  });
  it('addi sign-extends its 12-bit immediate', () => {
    expect(alu(asm.addi(3, 1, -1), 0n)).toBe(-1n);
    expect(alu(asm.addi(3, 1, 2047), 1n)).toBe(2048n);
    expect(alu(asm.addi(3, 1, -2048), 0x8000_0000n)).toBe(0x7fff_f800n);
    expect(alu(asm.addi(3, 1, 1), 0xffff_ffffn)).toBe(0x1_0000_0000n);
  });
  it('slt/sltu/slti/sltiu compare signed and unsigned', () => {
    expect(alu(OP(0, 2), -1n, 0n)).toBe(1n);
    expect(alu(OP(0, 3), -1n, 0n)).toBe(0n);
    expect(alu(OP(0, 3), 0n, -1n)).toBe(1n);
    expect(alu(OP(0, 2), 0x1_0000_0000n, 0xffff_ffffn)).toBe(0n);
    expect(alu(asm.opimm(2, 3, 1, -1), -2n)).toBe(1n);
    // sltiu's immediate is sign-extended, then compared unsigned: x < 2^64-1
    expect(alu(asm.opimm(3, 3, 1, -1), 5n)).toBe(1n);
    expect(alu(asm.opimm(3, 3, 1, 1), 0n)).toBe(1n); // seqz
  });
  it('logic ops work on both halves and sign-extended immediates', () => {
    expect(alu(OP(0, 4), 0xff00_ff00_ff00_ff00n - (1n << 64n), 0x0ff0n)).toBe(s64(0xff00_ff00_ff00_f0f0n));
    expect(alu(OP(0, 6), 0x1_0000_0000n, 1n)).toBe(0x1_0000_0001n);
    expect(alu(OP(0, 7), -1n, 0x8000_0000_0000n)).toBe(0x8000_0000_0000n);
    expect(alu(asm.opimm(4, 3, 1, -1), 0n)).toBe(-1n); // not
    expect(alu(asm.opimm(7, 3, 1, -16), 0x1_0000_00ffn)).toBe(0x1_0000_00f0n);
    expect(alu(asm.opimm(6, 3, 1, 0x7ff), 0x1_0000_0000n)).toBe(0x1_0000_07ffn);
  });
  it('shifts use 6 bits of shamt and shift across the halves', () => {
    expect(alu(OP(0, 1), 1n, 63n)).toBe(-(1n << 63n));
    expect(alu(OP(0, 1), 1n, 64n + 32n)).toBe(1n << 32n);
    expect(alu(OP(0, 5), -(1n << 63n), 63n)).toBe(1n);
    expect(alu(OP(0x20, 5), -(1n << 63n), 63n)).toBe(-1n);
    expect(alu(OP(0x20, 5), 0x8000_0000n, 31n)).toBe(1n);
    expect(alu(OP(0, 5), 0x1_8000_0000n, 4n)).toBe(0x1800_0000n);
    expect(alu(asm.shift(1, 0, 3, 1, 63), 3n)).toBe(-(1n << 63n));
    expect(alu(asm.shift(5, 0, 3, 1, 32), -1n)).toBe(0xffff_ffffn);
    expect(alu(asm.shift(5, 0x10, 3, 1, 33), -(1n << 40n))).toBe(-(1n << 7n));
    expect(alu(asm.shift(1, 0, 3, 1, 0), 42n)).toBe(42n);
  });
  it('W forms compute 32 bits and sign-extend', () => {
    expect(alu(OPW(0, 0), 0x7fff_ffffn, 1n)).toBe(-0x8000_0000n);
    expect(alu(OPW(0x20, 0), 0n, 1n)).toBe(-1n);
    expect(alu(asm.addiw(3, 1, 0), 0x1_ffff_ffffn)).toBe(-1n); // sext.w
    expect(alu(OPW(0, 1), 1n, 31n)).toBe(-0x8000_0000n);
    expect(alu(OPW(0, 1), 1n, 32n + 31n)).toBe(-0x8000_0000n); // only 5 bits used
    expect(alu(OPW(0, 5), 0x8000_0000n, 31n)).toBe(1n);
    expect(alu(OPW(0, 5), 0x8000_0000n, 0n)).toBe(-0x8000_0000n); // srlw by 0 still sign-extends
    expect(alu(OPW(0x20, 5), 0x8000_0000n, 4n)).toBe(-0x0800_0000n);
    expect(alu(asm.shiftw(1, 0, 3, 1, 31), 1n)).toBe(-0x8000_0000n);
    expect(alu(asm.shiftw(5, 0, 3, 1, 1), -1n)).toBe(0x7fff_ffffn);
    expect(alu(asm.shiftw(5, 0x20, 3, 1, 31), 0x8000_0000n)).toBe(-1n);
  });
  it('lui and auipc', () => {
    const { hart } = hartWith([asm.lui(3, 0x80000), asm.auipc(4, 0xfffff), asm.auipc(5, 1)]);
    hart.run(3);
    expect(hart.getX(3)).toBe(-0x8000_0000n);
    expect(hart.getX(4)).toBe(BigInt(RAM_BASE + 4 - 0x1000));
    expect(hart.getX(5)).toBe(BigInt(RAM_BASE + 8 + 0x1000));
  });
  it('writes to x0 are discarded', () => {
    const { hart } = hartWith([asm.addi(0, 0, 5), asm.addi(3, 0, 0)]);
    hart.run(2);
    expect(hart.getX(0)).toBe(0n);
    expect(hart.getX(3)).toBe(0n);
  });
});

describe('RV64M', () => {
  const mul = (f3: number, a: bigint, b: bigint) => alu(OP(1, f3), a, b);
  const mulw = (f3: number, a: bigint, b: bigint) => alu(OPW(1, f3), a, b);
  it('mul keeps the low 64 bits', () => {
    expect(mul(0, 0xffff_ffffn, 0xffff_ffffn)).toBe(s64(0xffff_fffe_0000_0001n));
    expect(mul(0, -1n, -1n)).toBe(1n);
    expect(mul(0, 0x1234_5678_9abc_def0n, 0x0fed_cba9_8765_4321n)).toBe(
      s64((0x1234_5678_9abc_def0n * 0x0fed_cba9_8765_4321n) & M64),
    );
  });
  it('mulh, mulhu, mulhsu give the high 64 bits', () => {
    const cases: [bigint, bigint][] = [
      [-1n, -1n],
      [-(1n << 63n), -(1n << 63n)],
      [-(1n << 63n), (1n << 63n) - 1n],
      [0x1234_5678_9abc_def0n, -0x0fed_cba9_8765_4321n],
      [3n, -7n],
    ];
    for (const [a, b] of cases) {
      const ua = a & M64;
      const ub = b & M64;
      expect(mul(1, a, b)).toBe(s64((a * b) >> 64n));
      expect(mul(3, a, b)).toBe(s64((ua * ub) >> 64n));
      expect(mul(2, a, b)).toBe(s64((a * ub) >> 64n));
    }
  });
  it('division by zero and overflow give the spec results', () => {
    expect(mul(4, 7n, 0n)).toBe(-1n);
    expect(mul(5, 7n, 0n)).toBe(-1n);
    expect(mul(6, 7n, 0n)).toBe(7n);
    expect(mul(7, -7n, 0n)).toBe(-7n);
    expect(mul(4, -(1n << 63n), -1n)).toBe(-(1n << 63n));
    expect(mul(6, -(1n << 63n), -1n)).toBe(0n);
    expect(mul(4, -7n, 2n)).toBe(-3n); // rounds toward zero
    expect(mul(6, -7n, 2n)).toBe(-1n); // remainder takes the dividend's sign
    expect(mul(5, -1n, 2n)).toBe((1n << 63n) - 1n);
    expect(mul(7, -1n, 10n)).toBe(5n);
    expect(mul(4, 0x10_0000_0000n, 3n)).toBe(0x10_0000_0000n / 3n);
    expect(mul(4, -(1n << 63n), 0x1_0000_0001n)).toBe(-(1n << 63n) / 0x1_0000_0001n);
  });
  it('W forms: 32-bit results sign-extended, divide-by-zero and overflow', () => {
    expect(mulw(0, 0x1_0000_0002n, 0x8000_0000n)).toBe(0n);
    expect(mulw(0, 0x4000_0000n, 2n)).toBe(-0x8000_0000n);
    expect(mulw(4, -0x8000_0000n, -1n)).toBe(-0x8000_0000n);
    expect(mulw(6, -0x8000_0000n, -1n)).toBe(0n);
    expect(mulw(4, 5n, 0n)).toBe(-1n);
    expect(mulw(5, 5n, 0n)).toBe(-1n);
    expect(mulw(6, 5n, 0n)).toBe(5n);
    expect(mulw(7, -5n, 0n)).toBe(-5n);
    expect(mulw(5, -1n, 2n)).toBe(0x7fff_ffffn);
    expect(mulw(7, 0xffff_fff0n, 0xffn)).toBe(BigInt((0xffff_fff0 >>> 0) % 0xff));
  });
});

describe('control transfer', () => {
  it('jal and jalr link pc+4 and jalr clears bit 0', () => {
    const { hart } = hartWith([asm.jal(1, 8), 0, asm.jalr(5, 6, 1)]);
    hart.setX(6, BigInt(RAM_BASE + 0x100));
    hart.run(2);
    expect(hart.getX(1)).toBe(BigInt(RAM_BASE + 4));
    expect(hart.getX(5)).toBe(BigInt(RAM_BASE + 12));
    expect(hart.pc).toBe(RAM_BASE + 0x100);
  });
  it('jalr with rd = rs1 uses the old value', () => {
    const { hart } = hartWith([asm.jalr(1, 1, 0)]);
    hart.setX(1, BigInt(RAM_BASE + 0x40));
    hart.run(1);
    expect(hart.pc).toBe(RAM_BASE + 0x40);
    expect(hart.getX(1)).toBe(BigInt(RAM_BASE + 4));
  });
  it('branches compare signed and unsigned', () => {
    const taken = (inst: number, a: bigint, b: bigint) => {
      const { hart } = hartWith([inst]);
      hart.setX(1, a);
      hart.setX(2, b);
      hart.run(1);
      return hart.pc === RAM_BASE + 16;
    };
    expect(taken(asm.beq(1, 2, 16), 0x1_0000_0000n, 0n)).toBe(false);
    expect(taken(asm.beq(1, 2, 16), -1n, -1n)).toBe(true);
    expect(taken(asm.bne(1, 2, 16), 0x1_0000_0000n, 0n)).toBe(true);
    expect(taken(asm.blt(1, 2, 16), -1n, 0n)).toBe(true);
    expect(taken(asm.bltu(1, 2, 16), -1n, 0n)).toBe(false);
    expect(taken(asm.bge(1, 2, 16), 0n, 0n)).toBe(true);
    expect(taken(asm.bgeu(1, 2, 16), 0x1_0000_0000n, 0xffff_ffffn)).toBe(true);
    expect(taken(asm.bge(1, 2, 16), -(1n << 63n), (1n << 63n) - 1n)).toBe(false);
  });
  it('a backward branch loops', () => {
    // x1 = 10; loop: x1 -= 1; bne x1, x0, loop
    const { hart } = hartWith([asm.addi(1, 0, 10), asm.addi(1, 1, -1), asm.bne(1, 0, -4)]);
    hart.run(21);
    expect(hart.getX(1)).toBe(0n);
    expect(hart.pc).toBe(RAM_BASE + 12);
    expect(hart.instret).toBe(21);
  });
});

describe('loads and stores', () => {
  it('every width, sign and zero extension', () => {
    const prog = [
      asm.store(3, 2, 1, 0), // sd x2, 0(x1)
      asm.load(0, 3, 1, 7), // lb
      asm.load(4, 4, 1, 7), // lbu
      asm.load(1, 5, 1, 6), // lh
      asm.load(5, 6, 1, 6), // lhu
      asm.load(2, 7, 1, 4), // lw
      asm.load(6, 8, 1, 4), // lwu
      asm.load(3, 9, 1, 0), // ld
    ];
    const { hart } = hartWith(prog);
    hart.setX(1, BigInt(RAM_BASE + 0x1000));
    hart.setX(2, s64(0x8081_8283_8485_8687n));
    hart.run(prog.length);
    expect(hart.getX(3)).toBe(-128n);
    expect(hart.getX(4)).toBe(0x80n);
    expect(hart.getX(5)).toBe(BigInt.asIntN(16, 0x8081n));
    expect(hart.getX(6)).toBe(0x8081n);
    expect(hart.getX(7)).toBe(BigInt.asIntN(32, 0x8081_8283n));
    expect(hart.getX(8)).toBe(0x8081_8283n);
    expect(hart.getX(9)).toBe(s64(0x8081_8283_8485_8687n));
  });
  it('sb/sh/sw store only their width, little-endian', () => {
    const { hart, view } = hartWith([asm.store(0, 2, 1, 0), asm.store(1, 2, 1, 4), asm.store(2, 2, 1, 8)]);
    hart.setX(1, BigInt(RAM_BASE + 0x1000));
    hart.setX(2, 0x1122_3344_5566_7788n);
    hart.run(3);
    expect(view.getBigUint64(0x1000, true)).toBe(0x7788_0000_0088n);
    expect(view.getUint32(0x1008, true)).toBe(0x5566_7788);
    expect(view.getUint32(0x100c, true)).toBe(0);
  });
  it('misaligned loads and stores are handled in hardware, also across pages', () => {
    const { hart, view } = hartWith([asm.store(3, 2, 1, 0), asm.load(3, 3, 1, 0), asm.load(2, 4, 1, 1)]);
    hart.setX(1, BigInt(RAM_BASE + 0x1ffd)); // crosses into the next page
    hart.setX(2, 0x0102_0304_0506_0708n);
    hart.run(3);
    expect(view.getBigUint64(0x1ffd, true)).toBe(0x0102_0304_0506_0708n);
    expect(hart.getX(3)).toBe(0x0102_0304_0506_0708n);
    expect(hart.getX(4)).toBe(0x0405_0607n);
  });
  it('a load from an unmapped address is a load access fault with mtval = address', () => {
    const { hart } = hartWith([asm.load(3, 3, 1, 8)]);
    hart.setX(1, 0x100n);
    hart.run(1);
    expect(hart.readCsrBig(0x342)).toBe(BigInt(CAUSE.LOAD_ACCESS));
    expect(hart.readCsrBig(0x343)).toBe(0x108n);
    expect(hart.readCsrBig(0x341)).toBe(BigInt(RAM_BASE));
    expect(hart.instret).toBe(0);
  });
  it('a store to an unmapped address is a store access fault', () => {
    const { hart } = hartWith([asm.store(2, 2, 1, 0)]);
    hart.setX(1, 0x4n);
    hart.run(1);
    expect(hart.readCsrBig(0x342)).toBe(BigInt(CAUSE.STORE_ACCESS));
    expect(hart.readCsrBig(0x343)).toBe(4n);
  });
  it('device windows see 4-byte accesses; 8-byte ones are split', () => {
    const { hart, bus } = hartWith([asm.load(2, 3, 1, 0), asm.store(3, 2, 1, 0)]);
    hart.setX(1, 0x1000_0000n);
    hart.setX(2, 0x1111_2222_3333_4444n);
    hart.run(2);
    expect(hart.getX(3)).toBe(0x1234_5678n);
    expect(bus.mmioWrites).toEqual([
      [0x1000_0000, 4, 0x3333_4444],
      [0x1000_0004, 4, 0x1111_2222],
    ]);
  });
  it('a store into already-decoded code is seen by the next fetch (self-modifying code)', () => {
    // slot 0: addi x3, x0, 1 (executed once, so decoded); slot 1: sw x2, 0(x1) rewrites slot 0.
    const { hart } = hartWith([asm.addi(3, 0, 1), asm.store(2, 2, 1, 0)]);
    hart.run(1);
    expect(hart.getX(3)).toBe(1n);
    hart.setX(1, BigInt(RAM_BASE));
    hart.setX(2, BigInt(asm.addi(3, 0, 2)));
    hart.run(1); // the store
    hart.pc = RAM_BASE;
    hart.run(1);
    expect(hart.getX(3)).toBe(2n);
  });
  it('a store into the upper half of a decoded instruction is seen; decoded neighbours stay right', () => {
    // 0: addi x3, x0, 1; 4: addi x4, x0, 1; 8: sh x2, 6(x1) rewrites the upper half of slot 4
    // (its immediate) only; 12: addi x5, x0, 1.
    const prog = [asm.addi(3, 0, 1), asm.addi(4, 0, 1), asm.store(1, 2, 1, 6), asm.addi(5, 0, 1)];
    const { hart } = hartWith(prog);
    hart.run(2);
    hart.setX(1, BigInt(RAM_BASE));
    hart.setX(2, BigInt(asm.addi(4, 0, 0x7f) >>> 16));
    hart.setX(3, 0n);
    hart.setX(4, 0n);
    hart.pc = RAM_BASE + 8;
    hart.run(2); // the store, then slot 12
    hart.pc = RAM_BASE;
    hart.run(2);
    expect(hart.getX(3)).toBe(1n);
    expect(hart.getX(4)).toBe(0x7fn);
    expect(hart.getX(5)).toBe(1n);
  });
});

describe('atomics', () => {
  const A = (f5: number, f3: number) => asm.amo(f5, f3, 3, 1, 2);
  function amo(inst: number, mem: bigint, src: bigint, dbl: boolean) {
    const { hart, view } = hartWith([inst]);
    hart.setX(1, BigInt(RAM_BASE + 0x800));
    hart.setX(2, src);
    if (dbl) view.setBigUint64(0x800, mem & M64, true);
    else view.setUint32(0x800, Number(mem & 0xffff_ffffn), true);
    hart.run(1);
    const now = dbl ? s64(view.getBigUint64(0x800, true)) : BigInt(view.getInt32(0x800, true));
    return [hart.getX(3), now];
  }
  it('every .d AMO returns the old value and stores the result', () => {
    expect(amo(A(0x01, 3), 5n, 9n, true)).toEqual([5n, 9n]);
    expect(amo(A(0x00, 3), -1n, 1n, true)).toEqual([-1n, 0n]);
    expect(amo(A(0x04, 3), 0xf0n, 0xffn, true)).toEqual([0xf0n, 0x0fn]);
    expect(amo(A(0x0c, 3), 0xf0n, 0x3cn, true)).toEqual([0xf0n, 0x30n]);
    expect(amo(A(0x08, 3), 0xf0n, 0x0fn, true)).toEqual([0xf0n, 0xffn]);
    expect(amo(A(0x10, 3), -1n, 1n, true)).toEqual([-1n, -1n]);
    expect(amo(A(0x14, 3), -1n, 1n, true)).toEqual([-1n, 1n]);
    expect(amo(A(0x18, 3), -1n, 1n, true)).toEqual([-1n, 1n]);
    expect(amo(A(0x1c, 3), -1n, 1n, true)).toEqual([-1n, -1n]);
  });
  it('.w AMOs sign-extend the loaded word and compare 32-bit values', () => {
    expect(amo(A(0x00, 2), 0x7fff_ffffn, 1n, false)).toEqual([0x7fff_ffffn, -0x8000_0000n]);
    expect(amo(A(0x10, 2), 0x8000_0000n, 0x1_0000_0000n, false)).toEqual([-0x8000_0000n, -0x8000_0000n]);
    expect(amo(A(0x18, 2), 0x8000_0000n, 1n, false)).toEqual([-0x8000_0000n, 1n]);
    expect(amo(A(0x1c, 2), 0x8000_0000n, 1n, false)).toEqual([-0x8000_0000n, -0x8000_0000n]);
  });
  it('sc succeeds after lr to the same address and fails otherwise', () => {
    const lr = asm.amo(0x02, 3, 4, 1, 0);
    const sc = (rd: number) => asm.amo(0x03, 3, rd, 1, 2);
    const { hart, view } = hartWith([sc(5), lr, sc(6), sc(7)]);
    hart.setX(1, BigInt(RAM_BASE + 0x800));
    hart.setX(2, 77n);
    view.setBigUint64(0x800, 11n, true);
    hart.run(4);
    expect(hart.getX(5)).toBe(1n); // no reservation yet
    expect(hart.getX(4)).toBe(11n);
    expect(hart.getX(6)).toBe(0n);
    expect(hart.getX(7)).toBe(1n); // reservation consumed
    expect(view.getBigUint64(0x800, true)).toBe(77n);
  });
  it('sc to a different address fails', () => {
    const { hart } = hartWith([asm.amo(0x02, 2, 4, 1, 0), asm.amo(0x03, 2, 5, 6, 2)]);
    hart.setX(1, BigInt(RAM_BASE + 0x800));
    hart.setX(6, BigInt(RAM_BASE + 0x808));
    hart.run(2);
    expect(hart.getX(5)).toBe(1n);
  });
  it('misaligned AMOs and LR trap with the address', () => {
    const { hart } = hartWith([A(0x00, 3)]);
    hart.setX(1, BigInt(RAM_BASE + 0x804));
    hart.run(1);
    expect(hart.readCsrBig(0x342)).toBe(BigInt(CAUSE.MISALIGNED_STORE));
    expect(hart.readCsrBig(0x343)).toBe(BigInt(RAM_BASE + 0x804));
    const lr = hartWith([asm.amo(0x02, 2, 4, 1, 0)]);
    lr.hart.setX(1, BigInt(RAM_BASE + 0x802));
    lr.hart.run(1);
    expect(lr.hart.readCsrBig(0x342)).toBe(BigInt(CAUSE.MISALIGNED_LOAD));
  });
  it('AMOs to device windows are access faults', () => {
    const { hart } = hartWith([A(0x00, 2)]);
    hart.setX(1, 0x1000_0000n);
    hart.run(1);
    expect(hart.readCsrBig(0x342)).toBe(BigInt(CAUSE.STORE_ACCESS));
  });
});

describe('traps, CSRs and privilege', () => {
  it('ecall from M traps to mtvec with mcause 11 and does not retire', () => {
    const { hart } = hartWith([asm.csr(1, 0, 0x305, 1), asm.ecall]);
    hart.setX(1, BigInt(RAM_BASE + 0x100));
    hart.run(2);
    expect(hart.pc).toBe(RAM_BASE + 0x100);
    expect(hart.readCsrBig(0x342)).toBe(11n);
    expect(hart.readCsrBig(0x341)).toBe(BigInt(RAM_BASE + 4));
    expect(hart.instret).toBe(1);
  });
  it('ebreak sets mtval to the pc; illegal instructions put their bits in mtval', () => {
    const { hart } = hartWith([asm.ebreak]);
    hart.run(1);
    expect(hart.readCsrBig(0x342)).toBe(3n);
    expect(hart.readCsrBig(0x343)).toBe(BigInt(RAM_BASE));
    const ill = hartWith([0xffff_ffff]);
    ill.hart.run(1);
    expect(ill.hart.readCsrBig(0x342)).toBe(2n);
    expect(ill.hart.readCsrBig(0x343)).toBe(0xffff_ffffn);
  });
  it('the all-zero parcel is illegal', () => {
    const { hart } = hartWith([0]);
    hart.run(1);
    expect(hart.readCsrBig(0x342)).toBe(2n);
    expect(hart.readCsrBig(0x343)).toBe(0n);
  });
  it('mret returns to mepc in MPP and restores MIE from MPIE', () => {
    // mepc = target; mstatus.MPP = U, MPIE = 1; mret; then ecall from U
    const { hart, view } = hartWith([asm.csr(1, 0, 0x341, 1), asm.csr(1, 0, 0x300, 2), asm.mret]);
    hart.setX(1, BigInt(RAM_BASE + 0x40));
    hart.setX(2, 0x80n); // MPIE
    view.setUint32(0x40, asm.ecall, true);
    hart.run(4);
    expect(hart.readCsrBig(0x342)).toBe(8n); // ecall from U
    const ms = hart.readCsrBig(0x300);
    expect(ms & 0x1800n).toBe(0n); // MPP = U
    expect(ms & 0x80n).toBe(0x80n); // MPIE = old MIE (1 after mret)
  });
  it('M-mode CSRs are illegal from U-mode and read-only CSRs cannot be written', () => {
    const { hart } = hartWith([asm.csr(2, 3, 0xf14, 0), asm.csr(1, 0, 0xf14, 1)]);
    hart.run(2);
    expect(hart.readCsrBig(0x342)).toBe(2n);
    expect(hart.readCsrBig(0x341)).toBe(BigInt(RAM_BASE + 4));
  });
  it('csrrs with x0 does not write, csrrc clears, immediates work', () => {
    const { hart } = hartWith([
      asm.csr(1, 0, 0x340, 1), // csrw mscratch, x1
      asm.csr(3, 3, 0x340, 2), // csrrc x3, mscratch, x2
      asm.csr(6, 4, 0x340, 0x10), // csrrsi x4, mscratch, 16
      asm.csr(2, 5, 0x340, 0), // csrr x5, mscratch
    ]);
    hart.setX(1, -1n);
    hart.setX(2, 0xffn);
    hart.run(4);
    expect(hart.getX(3)).toBe(-1n);
    expect(hart.getX(4)).toBe(-256n);
    expect(hart.getX(5)).toBe(-256n + 16n);
  });
  it('misa reports RV64 with I, M, A, C, S, U', () => {
    const { hart } = hartWith([]);
    const misa = hart.readCsrBig(0x301);
    expect(misa >> 62n).toBe(2n);
    for (const ext of 'IMACSU') expect((misa >> BigInt(ext.charCodeAt(0) - 65)) & 1n).toBe(1n);
  });
  it('an unsupported satp mode is ignored', () => {
    const { hart } = hartWith([asm.csr(1, 0, 0x180, 1), asm.csr(2, 3, 0x180, 0)]);
    hart.setX(1, 10n << 60n); // Sv57
    hart.run(2);
    expect(hart.getX(3)).toBe(0n);
  });
  it('cycle and instret count retired instructions; time reads the board clock', () => {
    const { hart } = hartWith([asm.addi(0, 0, 0), asm.csr(2, 3, 0xc02, 0), asm.csr(2, 4, 0xc01, 0)], {
      time: () => 12345,
    });
    hart.run(3);
    expect(hart.getX(3)).toBe(2n);
    expect(hart.getX(4)).toBe(12345n);
  });
  it('a timer interrupt is taken when enabled, and WFI wakes for it', () => {
    const { hart, view } = hartWith([
      asm.csr(1, 0, 0x305, 2), // mtvec
      asm.csr(1, 0, 0x304, 1), // mie = MTIE
      asm.csr(6, 0, 0x300, 8), // mstatus.MIE
      asm.wfi,
      asm.addi(5, 0, 1),
    ]);
    hart.setX(1, 1n << 7n);
    hart.setX(2, BigInt(RAM_BASE + 0x100));
    view.setUint32(0x100, asm.addi(6, 0, 1), true);
    expect(hart.run(10)).toBe('wfi');
    expect(hart.run(10)).toBe('wfi');
    hart.setPending(IRQ.MTIP, true);
    hart.run(1);
    expect(hart.readCsrBig(0x342)).toBe((1n << 63n) | 7n);
    expect(hart.readCsrBig(0x341)).toBe(BigInt(RAM_BASE + 16));
    expect(hart.pc).toBe(RAM_BASE + 0x104); // took the trap, then ran one handler instruction
  });
  it('interrupts delegated to S are not taken in M-mode', () => {
    const { hart } = hartWith([
      asm.csr(1, 0, 0x303, 1), // mideleg = STIP
      asm.csr(1, 0, 0x304, 1), // mie = STIE
      asm.csr(6, 0, 0x300, 8), // MIE
      asm.addi(0, 0, 0),
    ]);
    hart.setX(1, 1n << 5n);
    hart.setPending(IRQ.STIP, true);
    hart.run(4);
    expect(hart.pc).toBe(RAM_BASE + 16);
  });
  it('exceptions delegated with medeleg go to S-mode from U-mode', () => {
    const { hart, view } = hartWith([
      asm.csr(1, 0, 0x302, 1), // medeleg = ecall from U
      asm.csr(1, 0, 0x105, 2), // stvec
      asm.csr(1, 0, 0x341, 3), // mepc
      asm.mret, // MPP = U after reset
    ]);
    hart.setX(1, 1n << 8n);
    hart.setX(2, BigInt(RAM_BASE + 0x200));
    hart.setX(3, BigInt(RAM_BASE + 0x100));
    view.setUint32(0x100, asm.ecall, true);
    hart.run(5);
    expect(hart.priv).toBe(1);
    expect(hart.pc).toBe(RAM_BASE + 0x200);
    expect(hart.readCsrBig(0x142)).toBe(8n);
    expect(hart.readCsrBig(0x141)).toBe(BigInt(RAM_BASE + 0x100));
  });
  it('fence.i and fence retire as no-ops', () => {
    const { hart } = hartWith([asm.fence, asm.fencei]);
    hart.run(2);
    expect(hart.pc).toBe(RAM_BASE + 8);
  });
});

describe('run()', () => {
  it('stops on budget and on requestExit', () => {
    const { hart } = hartWith([asm.jal(0, 0)]);
    expect(hart.run(100)).toBe('budget');
    expect(hart.instret).toBe(100);
    hart.requestExit();
    expect(hart.run(100)).toBe('exit');
    expect(hart.instret).toBe(100);
  });
  it('a fetch from unmapped memory raises an instruction access fault', () => {
    const { hart } = hartWith([asm.jalr(0, 1, 0)]);
    hart.setX(1, 0x2000n);
    hart.run(2);
    expect(hart.readCsrBig(0x342)).toBe(1n);
    expect(hart.readCsrBig(0x343)).toBe(0x2000n);
  });
  it('jumping to a negative address traps instead of throwing', () => {
    const { hart } = hartWith([asm.jalr(0, 1, 0)]);
    hart.setX(1, -(1n << 63n));
    expect(() => hart.run(3)).not.toThrow();
    expect(hart.readCsrBig(0x342)).toBe(1n);
  });
});

describe('compressed execution', () => {
  it('advances pc by 2 and links pc+2', () => {
    // c.li a0, 5; c.addi a0, 1; c.jalr t0 (t0 = RAM+0x40); at 0x40: c.mv a1, a0
    const { hart, view } = hartWith([{ c: 0x4515 }, { c: 0x0505 }, { c: 0x9282 }]);
    view.setUint16(0x40, 0x85aa, true); // c.mv a1, a0
    hart.setX(5, BigInt(RAM_BASE + 0x40));
    hart.run(4);
    expect(hart.getX(10)).toBe(6n);
    expect(hart.getX(11)).toBe(6n);
    expect(hart.getX(1)).toBe(BigInt(RAM_BASE + 6));
    expect(hart.pc).toBe(RAM_BASE + 0x42);
  });
  it('c.ldsp/c.sdsp and c.lwsp sign-extend', () => {
    // c.sdsp ra, 8(sp); c.lwsp a5, 8(sp); c.ldsp s2, 8(sp)
    const { hart } = hartWith([{ c: 0xe406 }, { c: 0x47a2 }, { c: 0x6922 }]);
    hart.setX(2, BigInt(RAM_BASE + 0x800));
    hart.setX(1, -2n);
    hart.run(3);
    expect(hart.getX(15)).toBe(-2n);
    expect(hart.getX(18)).toBe(-2n);
  });
  it('a 32-bit instruction straddling two pages executes', () => {
    const { hart, view } = hartWith([]);
    view.setUint32(0xffe, 0x00150513, true); // addi a0, a0, 1 across 0x1000
    hart.pc = RAM_BASE + 0xffe;
    hart.setX(10, 41n);
    hart.run(1);
    expect(hart.getX(10)).toBe(42n);
    expect(hart.pc).toBe(RAM_BASE + 0x1002);
    expect(hart.instret).toBe(1);
  });
});

describe('F and D', () => {
  // Encodings from GNU as: fadd.s fa0,fa1,fa2 (dyn) = 0x00c5f553; fadd.d fa0,fa1,fa2 = 0x02c5f553
  const FADD_S = 0x00c5f553;
  const FADD_D = 0x02c5f553;
  const enableFs = asm.csr(2, 0, 0x300, 5); // csrs mstatus, x5 (x5 = FS initial)
  function fpHart(program: number[]) {
    const h = hartWith([enableFs, ...program]);
    h.hart.setX(5, 1n << 13n);
    return h;
  }
  it('is illegal while mstatus.FS is Off', () => {
    const { hart } = hartWith([FADD_S]);
    hart.run(1);
    expect(hart.readCsrBig(0x342)).toBe(2n);
  });
  it('fadd.s on NaN-boxed values; an improperly boxed operand reads as the canonical NaN', () => {
    const fmvwx = (fd: number, rs: number) => (0xf0000053 | (rs << 15) | (fd << 7)) >>> 0;
    const fmvxd = (rd: number, fs: number) => (0xe2000053 | (fs << 15) | (rd << 7)) >>> 0;
    const fmvdx = (fd: number, rs: number) => (0xf2000053 | (rs << 15) | (fd << 7)) >>> 0;
    const { hart } = fpHart([
      fmvwx(11, 1),
      fmvwx(12, 2),
      FADD_S,
      fmvxd(3, 10),
      fmvdx(12, 2),
      FADD_S,
      fmvxd(4, 10),
    ]);
    hart.setX(1, 0x3fc0_0000n); // 1.5f
    hart.setX(2, 0x4010_0000n); // 2.25f
    hart.run(8);
    expect(BigInt.asUintN(64, hart.getX(3))).toBe(0xffff_ffff_4070_0000n); // 3.75f, boxed
    expect(BigInt.asUintN(64, hart.getX(4))).toBe(0xffff_ffff_7fc0_0000n);
    expect(hart.readCsrBig(0x300) & 0x6000n).toBe(0x6000n); // FS Dirty
    expect(hart.readCsrBig(0x300) >> 63n).toBe(1n); // SD
  });
  it('fadd.d rounds with frm and accrues NX in fflags; reserved frm is illegal', () => {
    const fmvdx = (fd: number, rs: number) => (0xf2000053 | (rs << 15) | (fd << 7)) >>> 0;
    const fmvxd = (rd: number, fs: number) => (0xe2000053 | (fs << 15) | (rd << 7)) >>> 0;
    const csrwi = (csr: number, v: number) => asm.csr(5, 0, csr, v);
    const { hart } = fpHart([
      fmvdx(11, 1),
      fmvdx(12, 2),
      csrwi(0x002, 3), // frm = RUP
      FADD_D,
      fmvxd(3, 10),
      asm.csr(2, 4, 0x001, 0), // frrflags -> x4
      csrwi(0x002, 5), // reserved frm
      FADD_D,
    ]);
    hart.setX(1, 0x3ff0_0000_0000_0000n); // 1.0
    hart.setX(2, 0x3ca0_0000_0000_0000n); // 2^-53: exactly half an ulp of 1.0
    hart.run(9);
    expect(hart.getX(3)).toBe(0x3ff0_0000_0000_0001n);
    expect(hart.getX(4)).toBe(1n); // NX
    expect(hart.readCsrBig(0x342)).toBe(2n);
  });
});

describe('mtval of illegal instructions', () => {
  it('holds all 32 bits when bit 31 is set (csrw mhartid)', () => {
    const { hart } = hartWith([asm.csr(1, 0, 0xf14, 1)]);
    hart.setX(1, 5n);
    hart.run(1);
    expect(hart.readCsrBig(0x342)).toBe(2n);
    expect(hart.readCsrBig(0x343)).toBe(0xf1409073n);
  });
});

describe('native firmware hook, software-pending bits and Sstc', () => {
  it('an ecall from S-mode can be served by the machine trap hook', () => {
    const served: number[] = [];
    const { hart, view } = hartWith([asm.csr(1, 0, 0x341, 1), asm.csr(1, 0, 0x300, 2), asm.mret], {
      hook: (h, cause) => {
        served.push(cause);
        h.setX(10, 0n); // SBI_SUCCESS
        h.pc += 4;
        return true;
      },
    });
    view.setUint32(0x100, asm.ecall, true);
    hart.setX(1, BigInt(RAM_BASE + 0x100));
    hart.setX(2, 1n << 11n); // MPP = S
    hart.run(4);
    expect(served).toEqual([9]);
    expect(hart.priv).toBe(1);
    expect(hart.pc).toBe(RAM_BASE + 0x104);
  });
  it('setSoftwarePending raises SSIP that S-mode can clear through sip', () => {
    const { hart } = hartWith([asm.csr(3, 0, 0x144, 1), asm.csr(2, 3, 0x344, 0)]);
    hart.setSoftwarePending(IRQ.SSIP, true);
    expect(hart.mip & (1 << IRQ.SSIP)).not.toBe(0);
    hart.setX(1, 1n << 1n);
    hart.run(2);
    // M-mode csrc sip only touches delegated bits: mideleg is 0, so SSIP stays.
    expect(hart.getX(3) & 2n).toBe(2n);
  });
  it('Sstc raises STIP when time reaches stimecmp and mip.STIP becomes read-only', () => {
    let now = 100;
    const { hart } = hartWith(
      [
        asm.csr(1, 0, 0x30a, 1), // menvcfg = STCE
        asm.csr(1, 0, 0x14d, 2), // stimecmp = 150
        asm.csr(2, 3, 0x344, 0), // csrr x3, mip
        asm.addi(0, 0, 0),
        asm.csr(2, 4, 0x344, 0), // csrr x4, mip
      ],
      { time: () => now },
    );
    hart.setX(1, -(1n << 63n));
    hart.setX(2, 150n);
    expect(hart.run(3)).toBe('exit'); // a new stimecmp ends the slice after its write
    hart.run(1);
    expect(hart.getX(3) & 0x20n).toBe(0n);
    expect(hart.timerDeadline()).toBe(150);
    now = 150;
    hart.run(2);
    expect(hart.getX(4) & 0x20n).toBe(0x20n);
  });
});

describe('counter writes', () => {
  it('a write to minstret or mcycle replaces that instruction increment', () => {
    // csrwi minstret, 0; csrr x3, minstret; csrwi mcycle, 5; csrr x4, mcycle
    const { hart } = hartWith([
      asm.csr(5, 0, 0xb02, 0),
      asm.csr(2, 3, 0xb02, 0),
      asm.csr(5, 0, 0xb00, 5),
      asm.csr(2, 4, 0xb00, 0),
    ]);
    hart.run(4);
    expect(hart.getX(3)).toBe(0n);
    expect(hart.getX(4)).toBe(5n);
  });
});

describe('fence.i', () => {
  it('makes code written behind the hart (DMA, another hart) visible', () => {
    // slot 0: addi x3, x0, 1; slot 1: fence.i; slot 2: j slot 0 (jal x0, -8)
    const { hart, view } = hartWith([asm.addi(3, 0, 1), asm.fencei, asm.jal(0, -8)]);
    hart.run(1);
    expect(hart.getX(3)).toBe(1n);
    view.setUint32(0, asm.addi(3, 0, 7), true); // not through the hart: no eager invalidation
    hart.run(3); // fence.i, jump back, the new instruction
    expect(hart.getX(3)).toBe(7n);
  });
  it('without fence.i the decoded copy may still run (the cache is per page until fenced)', () => {
    const { hart, view } = hartWith([asm.addi(3, 0, 1), asm.jal(0, -4)]);
    hart.run(1);
    view.setUint32(0, asm.addi(3, 0, 7), true);
    hart.run(2);
    expect(hart.getX(3)).toBe(1n);
  });
});
