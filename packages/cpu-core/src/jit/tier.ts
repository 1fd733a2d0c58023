/*
 * The compiling tier's per-hart bookkeeping: where the hart state lives in the RAM's
 * wasm memory, the JIT TLBs, and which physical pages have compiled code.
 *
 * Hotness: a page is compiled after it was entered `enterHot` times from another page,
 * or when it is the current page at the start of `tickHot` run() slices (slice starts
 * sample where time goes, and catch a loop that never leaves its page). Entries seen later that the function lacks are added
 * as roots (entries from other pages, and targets of computed jumps inside the page)
 * and the page is recompiled, each time after twice as many misses.
 */
import {
  type CompiledPage,
  compilePage,
  FETCH_CACHE,
  JTLB_SIZE,
  LAYOUT,
  type MissFn,
  PAGE,
  type PageSource,
} from './compile.js';
import { buildHub, type HubFn, type HubTable } from './hub.js';
import type { WasmMemoryLike } from './wasm.js';

/** What the tier needs from RAM (the devices package's `Ram` provides both). */
export interface JitRam {
  readonly bytes: Uint8Array;
  readonly memory?: WasmMemoryLike;
  reserveScratch?(bytes: number): number | undefined;
}

/** When a page is compiled (tests use 1 and 1 to compile everything on first sight). */
export interface JitHotness {
  /** Entries into the page from elsewhere; default 1024. */
  readonly enterHot?: number;
  /** run() slices that start inside the page; default 3. */
  readonly tickHot?: number;
  /** Share of host time (since the tier was created) it may spend compiling; default 0.02. */
  readonly compileShare?: number;
}

/**
 * Compile time allowed before the share applies. 0: measured on the Linux boot (cold,
 * 5 runs each) 60 ms gave ~1.0 s to the prompt, 0 ~0.82 s, no tier ~0.71 s, and the
 * full bench geomean did not drop (hot loops sit in a few pages that compile first).
 */
const COMPILE_GRACE_MS = 0;
/** Misses before a recompile; doubles with each recompile of the page (bounded compile work). */
const MISS_RECOMPILE = 16;
const MAX_RECOMPILES = 12;
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
  /** Set by compiled code when a computed jump in the page hit no entry (see LAYOUT.miss). */
  readonly miss: Int32Array;
  /** Enters compiled page `index` and chains through compiled pages (hub.ts). */
  readonly dispatch: HubFn;
  private readonly table: HubTable;
  /** The fetch cache as the hub reads it: f64 tag at [i * 2], i32 page index at word [i * 4 + 2]. */
  private readonly fcTag: Float64Array;
  private readonly fcIndex: Int32Array;
  /** The JIT TLBs as i32 words: [tagLo, tagHi, delta, pad] per entry. */
  private readonly ld: Int32Array;
  private readonly st: Int32Array;
  private readonly fns: (CompiledPage | undefined)[];
  private readonly heat: Uint32Array;
  private readonly ticks: Uint8Array;
  private readonly misses: Uint32Array;
  private readonly recompiles: Uint8Array;
  private readonly roots: (Set<number> | undefined)[];
  /**
   * Compiled pages whose decoded page was invalidated (a store into the page, a FENCE.I):
   * kept with a copy of their bytes and revived at the next entry if the instructions
   * they compiled are unchanged (Linux stores next to code and fences often).
   */
  private readonly stale: Uint8Array;
  private readonly snapshots: (Uint8Array | undefined)[];
  private readonly enterHot: number;
  private readonly tickHot: number;
  private readonly compileShare: number;
  private readonly created: number;
  /** Pages compiled so far (including recompiles). */
  compiles = 0;
  /** Host time spent compiling, in ms (-0: a double field from the start, see RiscvHart.fetchPBase). */
  compileMs = -0;

  private constructor(
    private readonly memory: WasmMemoryLike,
    private readonly state: number,
    pages: number,
    private readonly ram: Uint8Array,
    hot: JitHotness,
    private readonly missFn: MissFn,
  ) {
    this.enterHot = hot.enterHot ?? 1024;
    this.tickHot = hot.tickHot ?? 3;
    this.compileShare = hot.compileShare ?? 0.02;
    this.created = performance.now();
    const buf = memory.buffer;
    this.xl = new Int32Array(buf, state + LAYOUT.xl, 33);
    this.xh = new Int32Array(buf, state + LAYOUT.xh, 33);
    this.pcOut = new Float64Array(buf, state + LAYOUT.pcOut, 1);
    this.miss = new Int32Array(buf, state + LAYOUT.miss, 1);
    this.ld = new Int32Array(buf, state + LAYOUT.ldTlb, JTLB_SIZE * 4);
    this.st = new Int32Array(buf, state + LAYOUT.stTlb, JTLB_SIZE * 4);
    this.fcTag = new Float64Array(buf, state + LAYOUT.fc, FETCH_CACHE * 2);
    this.fcIndex = new Int32Array(buf, state + LAYOUT.fc, FETCH_CACHE * 4);
    this.fcTag.fill(Number.NaN);
    const hub = buildHub(memory, isShared(memory), state, pages);
    this.dispatch = hub.dispatch;
    this.table = hub.table;
    this.fns = new Array(pages).fill(undefined);
    this.heat = new Uint32Array(pages);
    this.ticks = new Uint8Array(pages);
    this.misses = new Uint32Array(pages);
    this.recompiles = new Uint8Array(pages);
    this.roots = new Array(pages).fill(undefined);
    this.stale = new Uint8Array(pages);
    this.snapshots = new Array(pages).fill(undefined);
    this.clearTlbs();
  }

  /** A tier over `ram`, or undefined when the RAM is not a wasm memory with room for hart state. */
  static create(ram: JitRam, pages: number, hot: JitHotness, miss: MissFn): JitTier | undefined {
    if (ram.memory === undefined || ram.reserveScratch === undefined) return undefined;
    const state = ram.reserveScratch(LAYOUT.size);
    if (state === undefined) return undefined;
    return new JitTier(ram.memory, state, pages, ram.bytes, hot, miss);
  }

  /** Caches a uniform RAM page for compiled loads: tag = virtual page base, delta = RAM offset - va. */
  fillLd(vbase: number, off: number): void {
    fill(this.ld, vbase, off);
  }

  /** As fillLd for stores; the hart never passes pages holding decoded code. */
  fillSt(vbase: number, off: number): void {
    fill(this.st, vbase, off);
  }

  /** Mirrors fetch cache entry `i`: virtual page `vbase` runs compiled page `fn` (undefined: none). */
  setFetch(i: number, vbase: number, fn: CompiledPage | undefined): void {
    if (fn === undefined) {
      this.fcTag[i * 2] = Number.NaN;
      return;
    }
    this.fcTag[i * 2] = vbase;
    this.fcIndex[i * 4 + 2] = fn.index;
  }

  clearFetch(): void {
    this.fcTag.fill(Number.NaN);
  }

  clearTlbs(): void {
    this.ld.fill(-1);
    this.st.fill(-1);
  }

  /** A page became code: no compiled store may hit it without the interpreter's invalidation. */
  clearStores(): void {
    this.st.fill(-1);
  }

  /** Marks the compiled code of RAM page `idx` stale (its bytes may have changed); true if it was live. */
  drop(idx: number): boolean {
    if (this.fns[idx] === undefined || this.stale[idx] === 1) return false;
    this.stale[idx] = 1;
    return true;
  }

  /** Live compiled code of page `idx`, if any. */
  get(idx: number): CompiledPage | undefined {
    return this.stale[idx] === 1 ? undefined : this.fns[idx];
  }

  /** Revives stale code whose instruction bytes are unchanged, or forgets it. */
  private revalidate(idx: number): CompiledPage | undefined {
    const fn = this.fns[idx]!;
    const snap = this.snapshots[idx]!;
    const ram = this.ram;
    const base = idx * PAGE;
    const spans = fn.spans;
    for (let s = 0; s < spans.length; s += 2) {
      const o = spans[s]!;
      const end = o + spans[s + 1]!;
      for (let b = o; b < end; b++) {
        if (ram[base + b] !== snap[b]) {
          this.fns[idx] = undefined;
          this.snapshots[idx] = undefined;
          this.stale[idx] = 0;
          this.heat[idx] = 0;
          this.ticks[idx] = 0;
          this.misses[idx] = 0;
          this.recompiles[idx] = 0;
          this.roots[idx] = undefined;
          return undefined;
        }
      }
    }
    this.stale[idx] = 0;
    return fn;
  }

  /** The hart entered page `idx` at `off` from elsewhere; returns the (maybe new) compiled code. */
  enter(idx: number, off: number, src: PageSource): CompiledPage | undefined {
    let fn = this.fns[idx];
    if (fn !== undefined && this.stale[idx] === 1) fn = this.revalidate(idx);
    if (fn !== undefined) {
      if (fn.entry[off >> 1] === 1 || this.recompiles[idx]! >= MAX_RECOMPILES) return fn;
      this.addRoot(idx, off);
      if (++this.misses[idx]! < MISS_RECOMPILE << this.recompiles[idx]!) return fn;
      return this.recompile(idx, src, fn);
    }
    // Roots only from the last stretch before compiling: page changes are frequent, Set adds are not free.
    const heat = ++this.heat[idx]!;
    if (heat < this.enterHot) {
      if (heat >= this.enterHot - 64) this.addRoot(idx, off);
      return undefined;
    }
    this.addRoot(idx, off);
    if (!this.mayCompile()) {
      this.heat[idx] = this.enterHot >> 1;
      return undefined;
    }
    return this.compile(idx, src);
  }

  /** Compiled code of page `idx` jumped (jalr) to `off` in the page, which was no entry. */
  missed(idx: number, off: number, src: PageSource): CompiledPage | undefined {
    const fn = this.fns[idx];
    if (fn === undefined || this.stale[idx] === 1 || this.recompiles[idx]! >= MAX_RECOMPILES) return fn;
    this.addRoot(idx, off);
    if (++this.misses[idx]! < MISS_RECOMPILE << this.recompiles[idx]!) return fn;
    return this.recompile(idx, src, fn);
  }

  private recompile(idx: number, src: PageSource, fn: CompiledPage): CompiledPage | undefined {
    this.misses[idx] = 0;
    if (!this.mayCompile()) return fn;
    this.recompiles[idx]!++;
    return this.compile(idx, src);
  }

  /**
   * Compile-time budget: a share of the time since the tier was created (plus
   * COMPILE_GRACE_MS). Keeps short runs that touch much code once (a Linux boot) from paying
   * more for compiling than they gain; hot loops still compile within milliseconds.
   */
  private mayCompile(): boolean {
    return this.compileMs <= COMPILE_GRACE_MS + this.compileShare * (performance.now() - this.created);
  }

  /** Start of a run() slice with the hart in page `idx` at `off`. */
  tick(idx: number, off: number, src: PageSource): CompiledPage | undefined {
    if (this.fns[idx] !== undefined) return this.enter(idx, off, src);
    this.addRoot(idx, off);
    if (++this.ticks[idx]! < this.tickHot) return undefined;
    if (!this.mayCompile()) {
      this.ticks[idx] = this.tickHot - 1;
      return undefined;
    }
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
    const t0 = performance.now();
    const fn = compilePage(idx, src, roots, this.memory, isShared(this.memory), this.state, this.missFn);
    this.table.set(idx, fn.run);
    this.compiles++;
    this.compileMs += performance.now() - t0;
    this.fns[idx] = fn;
    this.stale[idx] = 0;
    this.snapshots[idx] = this.ram.slice(idx * PAGE, idx * PAGE + PAGE);
    return fn;
  }
}

const TWO32 = 4294967296;

function isShared(memory: WasmMemoryLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

function fill(t: Int32Array, vbase: number, off: number): void {
  // The index compiled code computes: bits 12 and up of the low word of the address.
  const i = ((vbase | 0) >>> 12) & (JTLB_SIZE - 1);
  t[i * 4] = vbase | 0;
  t[i * 4 + 1] = Math.floor(vbase / TWO32) | 0;
  t[i * 4 + 2] = (off - vbase) | 0;
}
