/**
 * Interpreter warm-up. `RiscvHart.run` is one large switch; V8 optimizes it once it is
 * hot, and every case that first executes after that point has no type feedback and
 * deoptimizes the whole function, which then runs unoptimized until V8 compiles it
 * again. A Linux boot met 14 such deopts. Running every instruction once on a private
 * hart, before any guest, gives every case its feedback up front.
 */
import {
  type AccessSize,
  BUS_FAULT,
  type GuestPhysAddr,
  type PhysicalBus,
  type Privilege,
  TRANSLATE_ACCESS_FAULT,
  type Translator,
} from '@hvkit/interfaces';
import { ENCODINGS } from './decode/table.js';

const BASE = 0x8000_0000;
const SIZE = 64 * 1024;
const DATA = BASE + 0x8000; // x6 points here: loads, stores, AMOs
const HANDLER = BASE + 0x7000; // mtvec: skip the trapping instruction
const WARM_TAIL = BASE + 0x6000; // sret to S-mode, then wfi
const ROOT = BASE + 0xc000; // Sv39 root page table
const PAGE = 4096;

/**
 * Identity translation of [lo, hi) with every access allowed, like Bare mode with PMP
 * off: the warm-up hart uses it, and so do cpu-core's tests.
 */
export class IdentityTranslator implements Translator {
  constructor(
    private readonly lo = 0,
    private readonly hi = 2 ** 53,
  ) {}
  translate(va: number, _access: number, _priv: Privilege): number {
    return va >= this.lo && va < this.hi ? va : TRANSLATE_ACCESS_FAULT;
  }
  lastPageUniform(): boolean {
    return true;
  }
  configure(): void {}
  flush(): void {}
  readPmpcfg(_i: number, out: Int32Array): void {
    out.fill(0);
  }
  writePmpcfg(): void {}
  readPmpaddr(_i: number, out: Int32Array): void {
    out.fill(0);
  }
  writePmpaddr(): void {}
}

/** What the warm-up needs of the WebAssembly API (absent in some hosts: then the JIT paths stay cold). */
const WasmMemory = (
  globalThis as {
    WebAssembly?: { Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer } };
  }
).WebAssembly?.Memory;

class WarmupBus implements PhysicalBus {
  readonly ram: {
    base: GuestPhysAddr;
    size: number;
    bytes: Uint8Array;
    memory: { buffer: ArrayBuffer } | undefined;
    reserveScratch: ((n: number) => number | undefined) | undefined;
  };
  /** With `wasm`, RAM is a WebAssembly.Memory with scratch after it, as the JIT tier needs. */
  constructor(wasm: boolean) {
    // One object shape for both kinds of hart (memory and reserveScratch undefined without wasm),
    // so the interpreting hart does not generalize the compiling harts' maps while V8 compiles.
    const memory =
      wasm && WasmMemory !== undefined
        ? new WasmMemory({ initial: SIZE / 65536 + 1, maximum: SIZE / 65536 + 1 })
        : undefined;
    let next = SIZE;
    this.ram = {
      base: BASE as GuestPhysAddr,
      size: SIZE,
      bytes: memory === undefined ? new Uint8Array(SIZE) : new Uint8Array(memory.buffer, 0, SIZE),
      memory,
      reserveScratch:
        memory === undefined
          ? undefined
          : (n) => {
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

const rd = (r: number) => r << 7;
const rs1 = (r: number) => r << 15;
const rs2 = (r: number) => r << 20;

/** One instance of every 32-bit row, with operands that keep the program running straight on. */
function program(): number[] {
  const words: number[] = [];
  for (const e of ENCODINGS) {
    if (e.cfmt) continue;
    if (e.name === 'mret' || e.name === 'sret' || e.name === 'wfi') continue; // control leaves the stream
    let w = e.match;
    const free = ~e.mask;
    const set = (bits: number) => {
      w |= bits & free;
    };
    switch (e.format) {
      case 'B':
        // Offset +4: taken or not, the next instruction runs. Three operand pairs
        // (x5 = x5, x7 = 3 > x0, x0 < x7) take every branch both ways, so both arms
        // of the interpreter's branch cases have feedback.
        words.push((w | (0x200 & free) | ((rs1(7) | rs2(0)) & free)) >>> 0);
        words.push((w | (0x200 & free) | ((rs1(0) | rs2(7)) & free)) >>> 0);
        set(0x200);
        set(rs1(5) | rs2(5));
        break;
      case 'J':
        set(rd(5) | (1 << 22)); // offset +4
        break;
      case 'CSR':
      case 'CSRI':
        set(rd(5) | rs1(7) | (0x340 << 20)); // mscratch
        break;
      default:
        if (e.name === 'jalr') {
          // auipc x9, 0; addi x9, x9, 12; jalr x5, 0(x9): jumps to the next instruction
          // First without a link: compiled code then meets a jump target it has no entry for.
          words.push(0x00000497, 0x00c48493, (e.match | rs1(9)) >>> 0);
          words.push(0x00000497, 0x00c48493);
          set(rd(5) | rs1(9));
          break;
        }
        // OP-IMM and OP-IMM-32 once more with imm = -1: the 32-bit halves then carry.
        if ((e.match & 0x77) === 0x13 && (free & (0xfff << 20)) === 0xfff << 20) {
          words.push((w | ((rd(5) | rs1(6) | (0xfff << 20)) & free)) >>> 0);
        }
        set(rd(5) | rs1(6) | rs2(7) | (5 << 27));
        break;
    }
    words.push(w >>> 0);
  }
  // A fault (load from an unmapped address) and an illegal instruction: the trap path.
  words.push(0x00053283, 0xffffffff);
  return words;
}

let warmedUp = false;

/**
 * Runs every instruction on throwaway harts (idempotent; a few milliseconds): one that
 * interprets, and two that compile every page at once, so the JIT tier's paths in the
 * run loop (entering compiled code, TLB fills, misses) and the compiler get feedback too.
 */
export function warmUp(
  create: (
    bus: PhysicalBus,
    tr: Translator,
    jit: boolean,
  ) => {
    run(n: number): unknown;
    setX(i: number, v: bigint): void;
    setPending(bit: number, level: boolean): void;
    setSoftwarePending(bit: number, level: boolean): void;
    writeCsr(csr: number, lo: number, hi: number): boolean;
    requestExit(): void;
    pc: number;
  },
  translator?: (bus: PhysicalBus) => Translator,
): void {
  if (warmedUp) return;
  warmedUp = true;
  // One pass per hart, and no more: each instruction once, both branch directions, the
  // exits. That gives run() its feedback; more passes only make more functions hot, and
  // their optimizing compiles queue behind run()'s on V8's one background thread (Linux
  // boot, cold: 20 loops ~1.04 s to the prompt, 3 loops ~1.2 s, 1 loop ~0.92 s, none
  // ~1.6 s). Two JIT harts: each has its own wasm dispatch function, and a call site in
  // run() that has seen only one of them deoptimizes when the board's hart calls its own.
  const harts = [prepare(create, false, translator)];
  if (WasmMemory !== undefined)
    harts.push(prepare(create, true, translator), prepare(create, true, translator));
  for (const h of harts) pass(h);
}

type WarmHart = ReturnType<Parameters<typeof warmUp>[0]>;

/** A hart on its own bus with the warm-up program loaded, at its start. */
function prepare(
  create: Parameters<typeof warmUp>[0],
  jit: boolean,
  translator: ((bus: PhysicalBus) => Translator) | undefined,
): { hart: WarmHart; words: number } {
  const bus = new WarmupBus(jit);
  const view = new DataView(bus.ram.bytes.buffer);
  const words = program();
  for (const [i, w] of words.entries()) view.setUint32(i * 4, w, true);
  // c.addi x5, 1 (len 2 path), then jump back to the start.
  view.setUint16(words.length * 4, 0x0285, true);
  const back = -(words.length * 4 + 2);
  const jal =
    ((((back >> 20) & 1) << 31) |
      (((back >> 1) & 0x3ff) << 21) |
      (((back >> 11) & 1) << 20) |
      (((back >> 12) & 0xff) << 12) |
      0x6f) >>>
    0;
  view.setUint32(words.length * 4 + 2, jal, true);
  // Trap handler: mepc += 4; mret.
  const h = HANDLER - BASE;
  const handler = [0x341022f3, 0x00428293, 0x34129073, 0x30200073];
  for (const [i, w] of handler.entries()) view.setUint32(h + i * 4, w, true);
  const tail = [0x10200073, 0x10500073, 0x0000006f, 0x10200073, 0x0000006f]; // sret; wfi; j .; sret; j .
  for (const [i, word] of tail.entries()) view.setUint32(WARM_TAIL - BASE + i * 4, word, true);
  // Sv39 root table: one 1 GiB leaf maps the RAM's gigapage onto itself (VPN[2] = 2).
  view.setUint32(ROOT - BASE + 2 * 8, ((BASE / PAGE) << 10) | 0xcf, true); // V R W X A D
  const hart = create(bus, translator?.(bus) ?? new IdentityTranslator(BASE, BASE + SIZE), jit);
  // Interrupt lines up and down (mstatus.MIE is off: nothing is taken). A field V8 has
  // seen hold one value is treated as a constant, and its first change (a guest's first
  // device interrupt) throws away the optimized code that read it.
  for (const bit of [1, 5, 9, 11]) {
    hart.setPending(bit, true);
    hart.setSoftwarePending(bit, true);
    hart.setPending(bit, false);
    hart.setSoftwarePending(bit, false);
  }
  return { hart, words: words.length };
}

/**
 * Once round the program with x7 = 3 and once with x7 = -1 (32-bit halves carry, branches
 * go the other way); then what the stream leaves out, each of which deoptimized run() in
 * a Linux boot when it first ran there: a requested exit, SRET from M and from S, and WFI;
 * then once more in S-mode under Sv39.
 */
function pass({ hart, words }: { hart: WarmHart; words: number }): void {
  hart.writeCsr(0x3b0, -1, 0x3fffff); // pmpaddr0: everything ...
  hart.writeCsr(0x3a0, 0x1f, 0); // ... NAPOT, RWX: S-mode may run
  hart.writeCsr(0x305, HANDLER, 0); // mtvec
  hart.writeCsr(0x300, 1 << 13, 0); // mstatus.FS = Initial
  hart.setX(6, BigInt(DATA));
  hart.setX(7, 3n);
  hart.pc = BASE;
  hart.run(words + 8);
  hart.setX(7, -1n);
  hart.run(words + 8);
  hart.requestExit();
  hart.run(8);
  const sretToS = (from: number, to: number) => {
    hart.writeCsr(0x141, to, 0); // sepc
    hart.writeCsr(0x300, (1 << 13) | (1 << 8), 0); // mstatus: FS, SPP = S
    hart.pc = from;
    hart.run(8);
  };
  sretToS(WARM_TAIL, WARM_TAIL + 4); // M -> S, then wfi waits
  hart.requestExit(); // ends the wait
  hart.run(1);
  sretToS(WARM_TAIL + 12, WARM_TAIL + 16); // S -> S
  // The program once more in S-mode under Sv39 (its M-only CSRs trap to the handler),
  // under two ASIDs: the TLB, the walk and an address space switch.
  for (const asid of [1, 2]) {
    hart.writeCsr(0x180, ROOT / PAGE, (8 << 28) | (asid << 12)); // satp: Sv39
    hart.setX(7, 3n);
    sretToS(WARM_TAIL, BASE);
    hart.run(words + 8);
  }
}
