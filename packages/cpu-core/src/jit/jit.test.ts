// The compiling tier against the interpreter: the same program on two harts, one with
// every page compiled on first sight and one interpreting, must leave the same
// registers, pc, instret and memory after every slice.
import {
  type AccessSize,
  BUS_FAULT,
  type GuestPhysAddr,
  type PhysicalBus,
  type Privilege,
  TRANSLATE_PAGE_FAULT,
} from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { CAUSE, IRQ, RiscvHart } from '../hart.js';
import { asm, RAM_BASE } from '../testing/board.js';
import { IdentityTranslator } from '../warmup.js';
import { Bytes, Code, encodeModule, instantiate, O, T, validateModule } from './wasm.js';

const WA = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => { buffer: ArrayBuffer } } })
  .WebAssembly;

const RAM_SIZE = 1 << 20;
const DATA = RAM_BASE + 0x8000;
const HANDLER = RAM_BASE + 0x4000;
const FAULT_PAGE = RAM_BASE + 0x20000;

/** RAM in a WebAssembly.Memory with host scratch after it, as devices' Ram provides. */
class WasmBus implements PhysicalBus {
  readonly ram;
  constructor() {
    const pages = RAM_SIZE / 65536 + 1;
    const memory = new WA.Memory({ initial: pages, maximum: pages });
    let next = RAM_SIZE;
    this.ram = {
      base: RAM_BASE as GuestPhysAddr,
      size: RAM_SIZE,
      bytes: new Uint8Array(memory.buffer, 0, RAM_SIZE),
      memory,
      reserveScratch: (n: number) => {
        const at = next;
        next += n;
        return at;
      },
    };
  }
  read(_addr: GuestPhysAddr, _size: AccessSize): number {
    return BUS_FAULT;
  }
  write(): boolean {
    return false;
  }
}

/** Identity mapping, with a load/store page fault on FAULT_PAGE. */
class FaultingTranslator extends IdentityTranslator {
  override translate(va: number, access: number, priv: Privilege): number {
    if (va >= FAULT_PAGE && va < FAULT_PAGE + 4096 && access !== 2) return TRANSLATE_PAGE_FAULT;
    return super.translate(va, access, priv);
  }
}

/** xorshift32: reproducible random numbers. */
function rng(seed: number) {
  let s = seed | 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  return {
    next,
    int: (n: number) => next() % n,
    u64: () => (BigInt(next()) << 32n) | BigInt(next()),
  };
}
type Rng = ReturnType<typeof rng>;

const SPECIAL = [
  0n,
  1n,
  -1n,
  2n,
  -(1n << 63n),
  (1n << 63n) - 1n,
  0x8000_0000n,
  0xffff_ffffn,
  -0x8000_0000n,
  7n,
];
const value = (r: Rng) => (r.int(3) === 0 ? SPECIAL[r.int(SPECIAL.length)]! : BigInt.asIntN(64, r.u64()));

type Word = number | { c: number };

function makeHart(
  program: Word[],
  jit: boolean,
  translator = new IdentityTranslator(),
  hot: { enterHot: number; tickHot: number } = { enterHot: 1, tickHot: 1 },
) {
  const bus = new WasmBus();
  const view = new DataView(bus.ram.bytes.buffer, 0, RAM_SIZE);
  let off = 0;
  for (const w of program) {
    if (typeof w === 'number') {
      view.setUint32(off, w >>> 0, true);
      off += 4;
    } else {
      view.setUint16(off, w.c, true);
      off += 2;
    }
  }
  const hart = new RiscvHart({
    hartId: 0,
    bus,
    translator,
    jit: jit ? { ...hot, compileShare: Number.POSITIVE_INFINITY } : false,
  });
  return { hart, bus, view };
}

type Pair = ReturnType<typeof pair>;

/** Two harts on the same program and memory image: `a` compiles, `b` interprets. */
function pair(program: Word[], setup: (h: ReturnType<typeof makeHart>) => void = () => {}, faulting = false) {
  const a = makeHart(program, true, faulting ? new FaultingTranslator() : undefined);
  const b = makeHart(program, false, faulting ? new FaultingTranslator() : undefined);
  setup(a);
  setup(b);
  return { a, b };
}

function expectSame(p: Pair, memory = false): void {
  const { a, b } = p;
  for (let r = 1; r < 32; r++) expect(a.hart.getX(r), `x${r}`).toBe(b.hart.getX(r));
  expect(a.hart.pc).toBe(b.hart.pc);
  expect(a.hart.instret).toBe(b.hart.instret);
  if (memory) expect(Buffer.compare(a.bus.ram.bytes, b.bus.ram.bytes)).toBe(0);
}

/** Runs both harts through the same slices, comparing after each; returns the hart pair. */
function runBoth(p: Pair, slices: number[], memory = false): Pair {
  for (const n of slices) {
    expect(p.a.hart.run(n)).toBe(p.b.hart.run(n));
    expectSame(p, memory);
  }
  expect(p.a.hart.jitStats!.compiles).toBeGreaterThan(0);
  expect(p.b.hart.jitStats).toBeUndefined();
  return p;
}

const slices = (r: Rng, count: number, max: number) => Array.from({ length: count }, () => 1 + r.int(max));

// Register-register, register-immediate and shift encoders: (rd, rs1, rs2 | imm).
type Enc = (rd: number, rs1: number, x: number, r: Rng) => number;
const R =
  (f7: number, f3: number): Enc =>
  (rd, rs1, rs2) =>
    asm.op(f7, f3, rd, rs1, rs2);
const RW =
  (f7: number, f3: number): Enc =>
  (rd, rs1, rs2) =>
    asm.op32(f7, f3, rd, rs1, rs2);
const I =
  (f3: number): Enc =>
  (rd, rs1, _x, r) =>
    asm.opimm(f3, rd, rs1, r.int(4096) - 2048);
const SH =
  (f3: number, f6: number): Enc =>
  (rd, rs1, _x, r) =>
    asm.shift(f3, f6, rd, rs1, r.int(64));
const SHW =
  (f3: number, f7: number): Enc =>
  (rd, rs1, _x, r) =>
    asm.shiftw(f3, f7, rd, rs1, r.int(32));
const OPS: Record<string, Enc> = {
  add: R(0, 0),
  sub: R(0x20, 0),
  sll: R(0, 1),
  slt: R(0, 2),
  sltu: R(0, 3),
  xor: R(0, 4),
  srl: R(0, 5),
  sra: R(0x20, 5),
  or: R(0, 6),
  and: R(0, 7),
  mul: R(1, 0),
  mulh: R(1, 1),
  mulhsu: R(1, 2),
  mulhu: R(1, 3),
  div: R(1, 4),
  divu: R(1, 5),
  rem: R(1, 6),
  remu: R(1, 7),
  addw: RW(0, 0),
  subw: RW(0x20, 0),
  sllw: RW(0, 1),
  srlw: RW(0, 5),
  sraw: RW(0x20, 5),
  mulw: RW(1, 0),
  divw: RW(1, 4),
  divuw: RW(1, 5),
  remw: RW(1, 6),
  remuw: RW(1, 7),
  addi: I(0),
  slti: I(2),
  sltiu: I(3),
  xori: I(4),
  ori: I(6),
  andi: I(7),
  addiw: (rd, rs1, _x, r) => asm.addiw(rd, rs1, r.int(4096) - 2048),
  slli: SH(1, 0),
  srli: SH(5, 0),
  srai: SH(5, 0x10),
  slliw: SHW(1, 0),
  srliw: SHW(5, 0),
  sraiw: SHW(5, 0x20),
  lui: (rd, _rs1, _x, r) => asm.lui(rd, r.int(1 << 20)),
  auipc: (rd, _rs1, _x, r) => asm.auipc(rd, r.int(1 << 20)),
};

/** A loop of `body` run x31 times, then a self-loop. */
function loop(body: number[]): number[] {
  const back = -(body.length + 1) * 4;
  return [...body, asm.addi(31, 31, -1), asm.bne(31, 0, back), asm.jal(0, 0)];
}

describe('wasm emitter', () => {
  it('encodes LEB128 like the spec examples', () => {
    expect([...new Bytes().u32(624485).toArray()]).toEqual([0xe5, 0x8e, 0x26]);
    expect([...new Bytes().s32(-123456).toArray()]).toEqual([0xc0, 0xbb, 0x78]);
    expect([...new Bytes().s64(-1n).toArray()]).toEqual([0x7f]);
    expect([...new Bytes().s64(63n).toArray()]).toEqual([0x3f]);
    expect([...new Bytes().s64(64n).toArray()]).toEqual([0xc0, 0x00]);
    expect(new Bytes().s64(-(1n << 63n)).length).toBe(10);
  });

  it('builds valid modules that compute with i64, control flow and memory', () => {
    const c = new Code();
    // loop: acc += i; i--; while i != 0; store acc at 8, load it back.
    c.i64(10).set(1);
    c.loop();
    c.get(0).get(1).op(O.i64_add).set(0);
    c.get(1).i64(1).op(O.i64_sub).tee(1).op(O.i64_eqz).op(O.i32_eqz).brIf(0);
    c.end();
    c.i32(0).get(0).mem(O.i64_store, 3, 8);
    c.i32(8).mem(O.i64_load, 3, 0).i64(55).op(O.i64_eq);
    c.block().block().i32(1).brTable([0, 1], 0).end().end();
    const bytes = encodeModule({
      memory: { module: 'env', name: 'mem', shared: false },
      funcs: [{ params: [], results: [T.i32], locals: [T.i64, T.i64], body: c, export: 'f' }],
    });
    expect(validateModule(bytes)).toBe(true);
    const mem = new WA.Memory({ initial: 1, maximum: 1 });
    const f = instantiate(bytes, { env: { mem } }).f as () => number;
    expect(f()).toBe(1);
    expect(new DataView(mem.buffer).getBigInt64(8, true)).toBe(55n);
  });
});

describe('compiled instructions vs the interpreter', () => {
  it.each(Object.keys(OPS))('%s on random registers', (name) => {
    const r = rng(name.length * 7919 + name.charCodeAt(0));
    for (let round = 0; round < 3; round++) {
      const body = Array.from({ length: 12 }, () => OPS[name]!(1 + r.int(10), r.int(11), r.int(11), r));
      const regs = Array.from({ length: 11 }, () => value(r));
      const p = pair(loop(body), ({ hart }) => {
        for (const [i, v] of regs.entries()) hart.setX(i, v);
        hart.setX(31, 40n);
      });
      runBoth(p, slices(r, 30, 60));
    }
  });

  it('loads and stores of every width, aligned and misaligned, compare memory too', () => {
    const r = rng(42);
    const loads = [0, 1, 2, 3, 4, 5, 6]; // lb lh lw ld lbu lhu lwu
    const sizes = [1, 2, 4, 8, 1, 2, 4];
    for (let round = 0; round < 6; round++) {
      const body: number[] = [];
      for (let i = 0; i < 24; i++) {
        const kind = r.int(3);
        const f3 = r.int(7);
        const size = kind === 1 ? [1, 2, 4, 8][f3 & 3]! : sizes[f3]!;
        let off = r.int(2000);
        if (r.int(8) !== 0) off -= off % size; // mostly aligned
        if (kind === 0) body.push(asm.load(loads[f3]!, 1 + r.int(4), 5, off));
        else if (kind === 1) body.push(asm.store(f3 & 3, r.int(5), 5, off));
        else body.push(OPS[['add', 'xor', 'slli', 'addi'][r.int(4)]!]!(1 + r.int(4), r.int(5), r.int(5), r));
      }
      const regs = Array.from({ length: 5 }, () => value(r));
      const fill = Array.from({ length: 4096 }, () => r.int(256));
      const p = pair(loop(body), ({ hart, view }) => {
        for (const [i, v] of regs.entries()) hart.setX(i, v);
        hart.setX(5, BigInt(DATA));
        hart.setX(31, 30n);
        for (const [i, b] of fill.entries()) view.setUint8(DATA - RAM_BASE + i, b);
      });
      runBoth(p, slices(r, 25, 80), true);
    }
  });

  it('compressed code', () => {
    // c.addi x8, 1 ; c.add x9, x8 ; c.slli x9, 3 ; c.mv x10, x9 ; addi x31,-1 ; bne ; j .
    const cAddi = (rd: number, imm: number) => ({
      c: 0x0001 | ((imm & 0x1f) << 2) | (rd << 7) | (((imm >> 5) & 1) << 12),
    });
    const cAdd = (rd: number, rs2: number) => ({ c: 0x9002 | (rs2 << 2) | (rd << 7) });
    const cSlli = (rd: number, sh: number) => ({
      c: 0x0002 | ((sh & 0x1f) << 2) | (rd << 7) | (((sh >> 5) & 1) << 12),
    });
    const cMv = (rd: number, rs2: number) => ({ c: 0x8002 | (rs2 << 2) | (rd << 7) });
    const program: Word[] = [cAddi(8, 1), cAdd(9, 8), cSlli(9, 3), cMv(10, 9), asm.addi(31, 31, -1)];
    program.push(asm.bne(31, 0, -12), asm.jal(0, 0));
    const p = pair(program, ({ hart }) => hart.setX(31, 1000n));
    runBoth(p, [3, 7, 100, 1, 1, 500, 2000, 3000, 5000]);
    expect(p.a.hart.getX(8)).toBe(1000n);
  });

  it('calls and returns inside the page (jal/jalr) and jumps off it', () => {
    // main: x31 iterations of: jal ra, f ; add x11, x11, x10 ; then jump to 0x1000 (next page) which loops too.
    const program: number[] = [
      asm.jal(1, 24), // 0: call f at 24
      asm.op(0, 0, 11, 11, 10), // 4
      asm.addi(31, 31, -1), // 8
      asm.bne(31, 0, -12), // 12
      asm.jal(0, 0x1000 - 16), // 16: to the next page
      0x0000_0013, // 20: nop
      asm.addi(10, 10, 3), // 24: f
      asm.jalr(0, 1, 0), // 28: ret
    ];
    while (program.length < 1024) program.push(0x0000_0013);
    program.push(asm.addi(12, 12, 1), asm.jal(0, -4));
    const p = pair(program, ({ hart }) => hart.setX(31, 200n));
    runBoth(p, [5, 50, 333, 1000, 77, 4000]);
    expect(p.a.hart.getX(11)).toBe(p.b.hart.getX(11));
  });
});

/** Identity, except that once satp holds Sv39, virtual page 0x2000 maps to physical 0x3000. */
class RemapTranslator extends IdentityTranslator {
  swapped = false;
  override translate(va: number, access: number, priv: Privilege): number {
    const page = RAM_BASE + 0x2000;
    if (this.swapped && va >= page && va < page + 4096) return super.translate(va + 0x1000, access, priv);
    return super.translate(va, access, priv);
  }
  override configure(_lo?: number, satpHi = 0): void {
    this.swapped = satpHi >>> 28 === 8;
  }
}

describe('calls between compiled pages', () => {
  it('see a callee page remapped by satp, then a callee patched before fence.i, within one slice', () => {
    // 40 calls of f at 0x2000 (x10 += 1); csrw satp remaps that page to the f at 0x3000
    // (x10 += 1000): 40 calls; a store patches that f to x10 += 7, fence.i: 40 calls.
    const program: number[] = [
      asm.jal(1, 0x2000), // 0: call f
      asm.addi(31, 31, -1), // 4
      asm.bne(31, 0, -8), // 8
      asm.addi(30, 30, 1), // 12: phase += 1
      asm.addi(31, 0, 40), // 16
      asm.addi(29, 0, 1), // 20
      asm.bne(30, 29, 12), // 24: phase 1 only:
      asm.csr(1, 0, 0x180, 5), // 28: csrw satp, x5
      asm.jal(0, -32), // 32: back to 0
      asm.addi(29, 0, 2), // 36
      asm.bne(30, 29, 16), // 40: phase 2 only:
      asm.store(2, 7, 6, 0), // 44: sw x7, 0(x6): patch the f at 0x3000
      0x0000_100f, // 48: fence.i
      asm.jal(0, -52), // 52: back to 0
      asm.jal(0, 0), // 56: done
    ];
    while (program.length < 0xc02) program.push(0x0000_0013);
    program[0x800] = asm.addi(10, 10, 1); // 0x2000: f
    program[0x801] = asm.jalr(0, 1, 0);
    program[0xc00] = asm.addi(10, 10, 1000); // 0x3000: the other f
    program[0xc01] = asm.jalr(0, 1, 0);
    const mk = (jit: boolean) => makeHart(program, jit, new RemapTranslator());
    const p = { a: mk(true), b: mk(false) };
    for (const h of [p.a, p.b]) {
      h.hart.setX(31, 40n);
      h.hart.setX(5, (8n << 60n) | 1n);
      h.hart.setX(6, BigInt(RAM_BASE + 0x3000));
      h.hart.setX(7, BigInt(asm.addi(10, 10, 7)));
    }
    runBoth(p, [100_000]);
    expect(p.a.hart.getX(10)).toBe(40n + 40n * 1000n + 40n * 7n);
  });
  it('chained pages: slices of every length end alike, and computed jumps into a callee miss its entries', () => {
    // Page 0 calls g at 0x2000 and, through jalr, h at 0x3000 + 4 * (i mod 3): three
    // landing offsets, of which the compiled callee knows only those seen before.
    const program: number[] = [
      asm.jal(1, 0x2000), // 0: call g
      asm.addi(28, 28, 1), // 4: i += 1
      asm.addi(27, 0, 3), // 8
      asm.op(1, 6, 26, 28, 27), // 12: rem: x26 = i mod 3
      asm.addi(27, 0, 2), // 16
      asm.op(0, 1, 26, 26, 27), // 20: sll: x26 *= 4
      asm.op(0, 0, 26, 26, 6), // 24: add: + h
      asm.jalr(1, 26, 0), // 28: call h + x26
      asm.addi(31, 31, -1), // 32
      asm.bne(31, 0, -36), // 36: loop to 0
      asm.jal(0, 0), // 40: done
    ];
    while (program.length < 0xc04) program.push(0x0000_0013);
    program[0x800] = asm.addi(10, 10, 1); // 0x2000: g
    program[0x801] = asm.jalr(0, 1, 0);
    program[0xc00] = asm.addi(11, 11, 1); // 0x3000: h; entered at +0, +4 or +8
    program[0xc01] = asm.addi(11, 11, 10);
    program[0xc02] = asm.addi(11, 11, 100);
    program[0xc03] = asm.jalr(0, 1, 0);
    const setup = (h: ReturnType<typeof makeHart>) => {
      h.hart.setX(31, 300n);
      h.hart.setX(6, BigInt(RAM_BASE + 0x3000));
    };
    const slices: number[] = [];
    for (let n = 1; n <= 60; n++) slices.push(n);
    slices.push(100_000);
    const p = runBoth(pair(program, setup), slices);
    expect(p.a.hart.getX(10)).toBe(300n);
    // Compiled on a later entry, found through the fetch cache rather than a translation.
    const late = {
      a: makeHart(program, true, undefined, { enterHot: 3, tickHot: 100 }),
      b: makeHart(program, false),
    };
    setup(late.a);
    setup(late.b);
    runBoth(late, [100_000]);
    expect(late.a.hart.getX(10)).toBe(300n);
    expect(p.a.hart.getX(11)).toBe(100n * 111n + 100n * 110n + 100n * 100n);
  });
});

describe('exits from compiled code', () => {
  it('a load page fault in the middle of a block leaves the interpreter state exactly', () => {
    // mtvec = HANDLER; loop: x2 += x1; ld x1, 0(x5); x3 += 1; x5 += 2048; j loop.
    // Walking up by 2 KiB reaches FAULT_PAGE; the handler saves mepc, mcause, mtval.
    const program: number[] = [
      asm.csr(1, 0, 0x305, 6), // csrw mtvec, x6
      asm.op(0, 0, 2, 2, 1),
      asm.load(3, 1, 5, 0),
      asm.addi(3, 3, 1),
      asm.addi(5, 5, 2047),
      asm.addi(5, 5, 1),
      asm.jal(0, -20),
    ];
    while (program.length < 0x1000) program.push(0x0000_0013);
    // HANDLER (page 4): csrr x20, mepc; csrr x21, mcause; csrr x22, mtval; j .
    program[0x1000] = asm.csr(2, 20, 0x341, 0);
    program[0x1001] = asm.csr(2, 21, 0x342, 0);
    program[0x1002] = asm.csr(2, 22, 0x343, 0);
    program[0x1003] = asm.jal(0, 0);
    const p = pair(
      program,
      ({ hart }) => {
        hart.setX(5, BigInt(DATA));
        hart.setX(6, BigInt(HANDLER));
      },
      true,
    );
    runBoth(p, [10, 100, 1000, 1000]);
    expect(p.a.hart.getX(21)).toBe(BigInt(CAUSE.LOAD_PAGE_FAULT));
    expect(p.a.hart.getX(22)).toBe(BigInt(FAULT_PAGE));
    expect(p.a.hart.getX(20)).toBe(BigInt(RAM_BASE + 8));
  });

  it('self-modifying code: a store into the running page, then fence.i', () => {
    // loop: addi x10, x10, 1 (patched after 50 iterations to addi x10, x10, 100).
    const patched = asm.addi(10, 10, 100);
    const program: number[] = [
      asm.addi(10, 10, 1), // 0: the patched instruction
      asm.addi(31, 31, -1), // 4
      asm.bne(31, 0, -8), // 8
      asm.store(2, 7, 6, 0), // 12: sw x7, 0(x6) -> overwrite instruction 0
      0x0000_100f, // 16: fence.i
      asm.addi(31, 0, 50), // 20
      asm.addi(30, 30, 1), // 24
      asm.bne(30, 29, -28), // 28: back to 0 until x30 == x29
      asm.jal(0, 0), // 32
    ];
    const p = pair(program, ({ hart }) => {
      hart.setX(31, 50n);
      hart.setX(6, BigInt(RAM_BASE));
      hart.setX(7, BigInt(patched));
      hart.setX(29, 3n);
    });
    runBoth(p, [17, 40, 1000, 1000], true);
    // 50 iterations of +1, then two rounds of 50 iterations of +100.
    expect(p.a.hart.getX(10)).toBe(50n + 2n * 50n * 100n);
  });

  it('fence.i picks up code changed behind the hart (another hart or DMA wrote it)', () => {
    const program: number[] = [
      asm.addi(10, 10, 1),
      asm.addi(31, 31, -1),
      asm.bne(31, 0, -8),
      0x0000_100f, // fence.i
      asm.addi(31, 0, 20),
      asm.jal(0, -20),
    ];
    const p = pair(program, ({ hart }) => hart.setX(31, 20n));
    runBoth(p, [30, 30]);
    for (const h of [p.a, p.b]) h.view.setUint32(0, asm.addi(10, 10, 7), true);
    runBoth(p, [200, 200, 15]);
    expect(p.a.hart.getX(10)).toBeGreaterThan(100n);
  });

  it('budget: slices end at exactly the same instruction, one by one too', () => {
    const body = [asm.addi(1, 1, 1), asm.op(0, 0, 2, 2, 1), asm.op(0, 4, 3, 3, 2), asm.addi(4, 4, -1)];
    const p = pair(loop(body), ({ hart }) => hart.setX(31, 1n << 40n));
    runBoth(p, [1, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 1, 1, 1000, 1, 7]);
  });

  it('an interrupt raised between slices is taken at the same instruction', () => {
    // mtvec = HANDLER; mie.MTIE; mstatus.MIE; then a compiled loop.
    const program: number[] = [
      asm.csr(1, 0, 0x305, 6), // csrw mtvec, x6
      asm.csr(1, 0, 0x304, 7), // csrw mie, x7
      asm.csr(2, 0, 0x300, 8), // csrs mstatus, x8
      asm.addi(1, 1, 1),
      asm.op(0, 0, 2, 2, 1),
      asm.jal(0, -8),
    ];
    while (program.length < 0x1000) program.push(0x0000_0013);
    program[0x1000] = asm.csr(2, 21, 0x342, 0); // csrr x21, mcause
    program[0x1001] = asm.csr(2, 20, 0x341, 0); // csrr x20, mepc
    program[0x1002] = asm.jal(0, 0);
    const p = pair(program, ({ hart }) => {
      hart.setX(6, BigInt(HANDLER));
      hart.setX(7, BigInt(1 << IRQ.MTIP));
      hart.setX(8, 8n);
    });
    runBoth(p, [5, 100, 1000, 37]);
    p.a.hart.setPending(IRQ.MTIP, true);
    p.b.hart.setPending(IRQ.MTIP, true);
    runBoth(p, [1, 10, 100]);
    expect(p.a.hart.getX(21)).toBe(-(1n << 63n) + BigInt(IRQ.MTIP));
  });
});
