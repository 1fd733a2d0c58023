/*
 * The compiling tier's per-hart bookkeeping: where the hart state lives in the RAM's
 * wasm memory, the JIT TLBs, and which physical pages have compiled code.
 *
 * Hotness: a page is compiled after it was entered ENTER_HOT times from another page,
 * or when it is still the current page at the start of TICK_HOT run() slices (a loop
 * that never leaves its page). Entries seen later that the function lacks are added
 * as roots and the page is recompiled (a bounded number of times).
 */
import { type CompiledPage, compilePage, JTLB_SIZE, LAYOUT, type PageSource } from './compile.js';
import type { WasmMemoryLike } from './wasm.js';

/** What the tier needs from RAM (the devices package's `Ram` provides both). */
export interface JitRam {
  readonly memory?: WasmMemoryLike;
  reserveScratch?(bytes: number): number | undefined;
}

const ENTER_HOT = 16;
const TICK_HOT = 2;
const MISS_RECOMPILE = 8;
const MAX_RECOMPILES = 6;
const MAX_ROOTS = 128;

/** Default of `HartOptions.jit`: on, unless the environment says HVKIT_JIT=0 (for A/B runs). */
export function jitDefault(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.HVKIT_JIT !== '0';
}

export class JitTier {
  readonly xl: Int32Array;
  readonly xh: Int32Array;
  /** Where compiled code leaves the exit pc. */
  readonly pcOut: Float64Array;
  /** The JIT TLBs as i32 words: [tagLo, tagHi, delta, pad] per entry. */
  private readonly ld: Int32Array;
  private readonly st: Int32Array;
  private readonly fns: (CompiledPage | undefined)[];
  private readonly heat: Uint16Array;
  private readonly misses: Uint8Array;
  private readonly recompiles: Uint8Array;
  private readonly roots: (Set<number> | undefined)[];
  /** Pages compiled so far (including recompiles). */
  compiles = 0;

  private constructor(
    private readonly memory: WasmMemoryLike,
    private readonly state: number,
    pages: number,
  ) {
    const buf = memory.buffer;
    this.xl = new Int32Array(buf, state + LAYOUT.xl, 33);
    this.xh = new Int32Array(buf, state + LAYOUT.xh, 33);
    this.pcOut = new Float64Array(buf, state + LAYOUT.pcOut, 1);
    this.ld = new Int32Array(buf, state + LAYOUT.ldTlb, JTLB_SIZE * 4);
    this.st = new Int32Array(buf, state + LAYOUT.stTlb, JTLB_SIZE * 4);
    this.fns = new Array(pages).fill(undefined);
    this.heat = new Uint16Array(pages);
    this.misses = new Uint8Array(pages);
    this.recompiles = new Uint8Array(pages);
    this.roots = new Array(pages).fill(undefined);
    this.clearTlbs();
  }

  /** A tier over `ram`, or undefined when the RAM is not a wasm memory with room for hart state. */
  static create(ram: JitRam, pages: number): JitTier | undefined {
    if (ram.memory === undefined || ram.reserveScratch === undefined) return undefined;
    const state = ram.reserveScratch(LAYOUT.size);
    if (state === undefined) return undefined;
    return new JitTier(ram.memory, state, pages);
  }

  /** Caches a uniform RAM page for compiled loads: tag = virtual page base, delta = RAM offset - va. */
  fillLd(i: number, vbase: number, off: number): void {
    fill(this.ld, i, vbase, off);
  }

  /** As fillLd for stores; the hart never passes pages holding decoded code. */
  fillSt(i: number, vbase: number, off: number): void {
    fill(this.st, i, vbase, off);
  }

  clearTlbs(): void {
    this.ld.fill(-1);
    this.st.fill(-1);
  }

  /** A page became code: no compiled store may hit it without the interpreter's invalidation. */
  clearStores(): void {
    this.st.fill(-1);
  }

  /** Drops the compiled code of RAM page `idx` (its bytes changed or a FENCE.I made it stale). */
  drop(idx: number): boolean {
    const had = this.fns[idx] !== undefined;
    this.fns[idx] = undefined;
    this.heat[idx] = 0;
    this.misses[idx] = 0;
    this.recompiles[idx] = 0;
    this.roots[idx] = undefined;
    return had;
  }

  /** Compiled code of page `idx`, if any. */
  get(idx: number): CompiledPage | undefined {
    return this.fns[idx];
  }

  /** The hart entered page `idx` at `off` from elsewhere; returns the (maybe new) compiled code. */
  enter(idx: number, off: number, src: PageSource): CompiledPage | undefined {
    const fn = this.fns[idx];
    if (fn !== undefined) {
      if (fn.entry[off >> 1] === 1 || this.recompiles[idx]! >= MAX_RECOMPILES) return fn;
      this.addRoot(idx, off);
      if (++this.misses[idx]! < MISS_RECOMPILE) return fn;
      this.misses[idx] = 0;
      this.recompiles[idx]!++;
      return this.compile(idx, src);
    }
    this.addRoot(idx, off);
    if (++this.heat[idx]! < ENTER_HOT) return undefined;
    return this.compile(idx, src);
  }

  /** Start of a run() slice with the hart in page `idx` at `off`. */
  tick(idx: number, off: number, src: PageSource): CompiledPage | undefined {
    const fn = this.fns[idx];
    if (fn !== undefined) return this.enter(idx, off, src);
    this.addRoot(idx, off);
    this.heat[idx] = Math.min(this.heat[idx]! + Math.ceil(ENTER_HOT / TICK_HOT), 0xffff);
    if (this.heat[idx]! < ENTER_HOT) return undefined;
    return this.compile(idx, src);
  }

  private addRoot(idx: number, off: number): void {
    let set = this.roots[idx];
    if (set === undefined) {
      set = new Set();
      this.roots[idx] = set;
    }
    if (set.size < MAX_ROOTS) set.add(off);
  }

  private compile(idx: number, src: PageSource): CompiledPage | undefined {
    const roots = this.roots[idx] ?? new Set<number>();
    const shared = typeof SharedArrayBuffer !== 'undefined' && this.memory.buffer instanceof SharedArrayBuffer;
    const fn = compilePage(src, roots, this.memory, shared, this.state);
    this.compiles++;
    this.fns[idx] = fn;
    return fn;
  }
}

const TWO32 = 4294967296;

function fill(t: Int32Array, i: number, vbase: number, off: number): void {
  t[i * 4] = vbase | 0;
  t[i * 4 + 1] = Math.floor(vbase / TWO32) | 0;
  t[i * 4 + 2] = (off - vbase) | 0;
}
