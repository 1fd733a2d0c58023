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
    memory?: { buffer: ArrayBuffer };
    reserveScratch?: (n: number) => number | undefined;
  };
  /** With `wasm`, RAM is a WebAssembly.Memory with scratch after it, as the JIT tier needs. */
  constructor(wasm: boolean) {
    if (!wasm || WasmMemory === undefined) {
      this.ram = { base: BASE as GuestPhysAddr, size: SIZE, bytes: new Uint8Array(SIZE) };
      return;
    }
    const memory = new WasmMemory({ initial: SIZE / 65536 + 1, maximum: SIZE / 65536 + 1 });
    let next = SIZE;
    this.ram = {
      base: BASE as GuestPhysAddr,
      size: SIZE,
      bytes: new Uint8Array(memory.buffer, 0, SIZE),
      memory,
      reserveScratch: (n) => {
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
        set(0x200); // offset +4: taken or not, the next instruction runs
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
 * Runs every instruction once on a throwaway hart (idempotent; a few milliseconds), then
 * again on one that compiles every page at once: the JIT tier's paths in the run loop
 * (entering compiled code, TLB fills, misses) and the compiler get their feedback too.
 */
export function warmUp(
  create: (
    bus: PhysicalBus,
    tr: Translator,
    jit: boolean,
  ) => {
    run(n: number): unknown;
    setX(i: number, v: bigint): void;
    writeCsr(csr: number, lo: number, hi: number): boolean;
    requestExit(): void;
    pc: number;
  },
): void {
  if (warmedUp) return;
  warmedUp = true;
  // The JIT pass first: its run-loop paths then have feedback before V8 first optimizes run().
  if (WasmMemory !== undefined) warmOnce(create, true);
  warmOnce(create, false);
}

function warmOnce(create: Parameters<typeof warmUp>[0], jit: boolean): void {
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
  const hart = create(bus, new IdentityTranslator(BASE, BASE + SIZE), jit);
  hart.writeCsr(0x305, HANDLER, 0); // mtvec
  hart.writeCsr(0x300, 1 << 13, 0); // mstatus.FS = Initial
  hart.setX(6, BigInt(DATA));
  hart.setX(7, 3n);
  hart.pc = BASE;
  // Several passes, so loops and calls see their common types before V8 optimizes.
  hart.run((words.length + 8) * 20);
  // What the stream leaves out, each of which deoptimized run() in a Linux boot when
  // it first ran there: a requested exit, SRET from M and from S, and WFI.
  hart.requestExit();
  hart.run(8);
  const w = WARM_TAIL - BASE;
  const tail = [0x10200073, 0x10500073, 0x0000006f, 0x10200073, 0x0000006f]; // sret; wfi; j .; sret; j .
  for (const [i, word] of tail.entries()) view.setUint32(w + i * 4, word, true);
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
}
