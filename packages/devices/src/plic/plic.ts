/*
 * PLIC as on QEMU's virt board (RISC-V PLIC spec; QEMU hw/intc/sifive_plic.c):
 * 96 sources (1..95 usable), priorities 0..7, two contexts per hart (2h is the
 * hart's M-mode external interrupt, 2h+1 its S-mode one), level-triggered
 * gateways.
 *
 * What a hostile guest can do: mask, unmask and reprioritise any source for any
 * context of its board, claim interrupts meant for another context (and so steal
 * them), and complete sources it never claimed (which only re-arms a gateway;
 * completion of a source not enabled for the context is ignored, as the spec
 * says). A type-1 hypervisor must therefore not pass the PLIC through to
 * untrusted guests. Every access costs at most one pass over 3 words per
 * context; holes, reserved registers and non-32-bit accesses read 0 and are
 * ignored.
 */
import type { AccessSize, IrqLine, MmioDevice, SnapshotState, Snapshottable } from '@hvkit/interfaces';

/** Length of the PLIC window on virt. */
export const PLIC_WINDOW_SIZE = 0x60_0000;
/** Number of interrupt sources on virt, including the reserved source 0. */
export const PLIC_NUM_SOURCES = 96;
/** Highest priority value (priorities are 3-bit WARL fields; 0 means never interrupt). */
export const PLIC_MAX_PRIORITY = 7;
/** Offset of the source priority registers, 4 bytes per source (PLIC spec "Interrupt Priorities"). */
export const PLIC_PRIORITY_OFFSET = 0x00_0000;
/** Offset of the pending bits, one bit per source (PLIC spec "Interrupt Pending Bits"). */
export const PLIC_PENDING_OFFSET = 0x00_1000;
/** Offset of context 0's enable bits; each context's block is 0x80 bytes (PLIC spec "Interrupt Enables"). */
export const PLIC_ENABLE_OFFSET = 0x00_2000;
/** Stride between two contexts' enable blocks. */
export const PLIC_ENABLE_STRIDE = 0x80;
/** Offset of context 0's priority threshold; each context's block is 0x1000 bytes (PLIC spec "Priority Thresholds"). */
export const PLIC_CONTEXT_OFFSET = 0x20_0000;
/** Stride between two contexts' threshold/claim blocks. */
export const PLIC_CONTEXT_STRIDE = 0x1000;
/** Offset of the claim/complete register inside a context block. */
export const PLIC_CLAIM_OFFSET = 4;

const WORDS = PLIC_NUM_SOURCES / 32;
/** Most contexts the virt window has room for: (0x600000 - 0x200000) / 0x1000. */
const MAX_CONTEXTS = (PLIC_WINDOW_SIZE - PLIC_CONTEXT_OFFSET) / PLIC_CONTEXT_STRIDE;

/** Construction options of `Plic`. */
export interface PlicOptions {
  /** Number of harts; the PLIC has 2 contexts per hart. */
  readonly harts: number;
  /** One line per context (2h: hart h's MEIP, 2h+1: its SEIP). */
  readonly contextIrqs: readonly IrqLine[];
  /** Name used in bus messages; defaults to `plic`. */
  readonly name?: string;
}

/** Saved state of a `Plic` (plain data; bitmaps as 32-bit words, source n in word n >> 5, bit n & 31). */
export interface PlicState extends SnapshotState {
  readonly kind: 'plic';
  readonly version: 1;
  /** Priority of each source, index = source id. */
  readonly priority: readonly number[];
  /** Source line levels as last driven. */
  readonly level: readonly number[];
  /** Sources claimed and not yet completed. */
  readonly claimed: readonly number[];
  /** Enable bitmap of each context, 3 words per context. */
  readonly enable: readonly number[];
  /** Priority threshold of each context. */
  readonly threshold: readonly number[];
}

/** The virt board's platform-level interrupt controller. */
export class Plic implements MmioDevice, Snapshottable<PlicState> {
  /** Name used in bus messages. */
  readonly name: string;
  /** Register window length (0x600000). */
  readonly size = PLIC_WINDOW_SIZE;
  /** Number of contexts (2 per hart). */
  readonly contexts: number;

  private readonly contextIrqs: readonly IrqLine[];
  private readonly priority = new Uint8Array(PLIC_NUM_SOURCES);
  private readonly level = new Uint32Array(WORDS);
  private readonly claimed = new Uint32Array(WORDS);
  private readonly enable: Uint32Array;
  private readonly threshold: Uint8Array;
  private readonly contextLevel: Uint8Array;
  private readonly lines: IrqLine[] = [];

  /** Creates a PLIC with everything masked: priorities 0, enables clear, thresholds 0. */
  constructor(options: PlicOptions) {
    const { harts } = options;
    if (!Number.isInteger(harts) || harts < 1 || harts * 2 > MAX_CONTEXTS) {
      throw new RangeError(`plic: harts must be 1..${MAX_CONTEXTS / 2}, got ${harts}`);
    }
    if (options.contextIrqs.length !== harts * 2) {
      throw new RangeError(
        `plic: need one line per context (${harts * 2} for ${harts} harts), got ${options.contextIrqs.length}`,
      );
    }
    this.name = options.name ?? 'plic';
    this.contexts = harts * 2;
    this.contextIrqs = options.contextIrqs;
    this.enable = new Uint32Array(this.contexts * WORDS);
    this.threshold = new Uint8Array(this.contexts);
    this.contextLevel = new Uint8Array(this.contexts);
    for (let src = 0; src < PLIC_NUM_SOURCES; src++) {
      this.lines.push({ set: (high) => this.setSource(src, high) });
    }
    this.update(true);
  }

  /** The level-triggered line that source `n` (1..95) drives; the same object on every call. */
  source(n: number): IrqLine {
    if (!Number.isInteger(n) || n < 1 || n >= PLIC_NUM_SOURCES) {
      throw new RangeError(`plic: source ${n} does not exist (1..${PLIC_NUM_SOURCES - 1})`);
    }
    return this.lines[n]!;
  }

  /** True when source `n` is pending: its line is high and it is not in service. */
  isPending(n: number): boolean {
    if (!Number.isInteger(n) || n < 1 || n >= PLIC_NUM_SOURCES) return false;
    return (this.level[n >>> 5]! & ~this.claimed[n >>> 5]! & (1 << (n & 31))) !== 0;
  }

  /** Reads a 32-bit register: priority, pending word, enable word, threshold or claim. */
  read(offset: number, size: AccessSize): number {
    if (size !== 4 || offset & 3) return 0;
    if (offset < PLIC_PENDING_OFFSET) {
      const src = offset >>> 2;
      return src < PLIC_NUM_SOURCES ? this.priority[src]! : 0;
    }
    if (offset < PLIC_ENABLE_OFFSET) {
      const word = (offset - PLIC_PENDING_OFFSET) >>> 2;
      return word < WORDS ? (this.level[word]! & ~this.claimed[word]!) >>> 0 : 0;
    }
    if (offset < PLIC_CONTEXT_OFFSET) {
      const ctx = ((offset - PLIC_ENABLE_OFFSET) / PLIC_ENABLE_STRIDE) | 0;
      const word = ((offset - PLIC_ENABLE_OFFSET) % PLIC_ENABLE_STRIDE) >>> 2;
      return ctx < this.contexts && word < WORDS ? this.enable[ctx * WORDS + word]! : 0;
    }
    const ctx = ((offset - PLIC_CONTEXT_OFFSET) / PLIC_CONTEXT_STRIDE) | 0;
    if (ctx >= this.contexts) return 0;
    const reg = (offset - PLIC_CONTEXT_OFFSET) % PLIC_CONTEXT_STRIDE;
    if (reg === 0) return this.threshold[ctx]!;
    if (reg === PLIC_CLAIM_OFFSET) return this.claim(ctx);
    return 0;
  }

  /** Writes a 32-bit register; writes to read-only, reserved or absent registers are ignored. */
  write(offset: number, size: AccessSize, value: number): void {
    if (size !== 4 || offset & 3) return;
    if (offset < PLIC_PENDING_OFFSET) {
      const src = offset >>> 2;
      if (src === 0 || src >= PLIC_NUM_SOURCES) return;
      this.priority[src] = value & PLIC_MAX_PRIORITY;
      this.update(false);
      return;
    }
    if (offset < PLIC_ENABLE_OFFSET) return; // pending bits are read-only
    if (offset < PLIC_CONTEXT_OFFSET) {
      const ctx = ((offset - PLIC_ENABLE_OFFSET) / PLIC_ENABLE_STRIDE) | 0;
      const word = ((offset - PLIC_ENABLE_OFFSET) % PLIC_ENABLE_STRIDE) >>> 2;
      if (ctx >= this.contexts || word >= WORDS) return;
      // Source 0 does not exist: its enable bit is hardwired to 0.
      this.enable[ctx * WORDS + word] = word === 0 ? value & ~1 : value;
      this.update(false);
      return;
    }
    const ctx = ((offset - PLIC_CONTEXT_OFFSET) / PLIC_CONTEXT_STRIDE) | 0;
    if (ctx >= this.contexts) return;
    const reg = (offset - PLIC_CONTEXT_OFFSET) % PLIC_CONTEXT_STRIDE;
    if (reg === 0) {
      this.threshold[ctx] = value & PLIC_MAX_PRIORITY;
      this.update(false);
    } else if (reg === PLIC_CLAIM_OFFSET) {
      this.complete(ctx, value >>> 0);
    }
  }

  /** Returns the PLIC's state as plain data. */
  save(): PlicState {
    return {
      kind: 'plic',
      version: 1,
      priority: Array.from(this.priority),
      level: Array.from(this.level),
      claimed: Array.from(this.claimed),
      enable: Array.from(this.enable),
      threshold: Array.from(this.threshold),
    };
  }

  /** Puts the PLIC back into `state` and re-drives every context line. */
  restore(state: PlicState): void {
    if (state.kind !== 'plic' || state.version !== 1) {
      throw new Error(`${this.name}: cannot restore ${state.kind} state version ${state.version}`);
    }
    if (
      state.priority.length !== PLIC_NUM_SOURCES ||
      state.level.length !== WORDS ||
      state.claimed.length !== WORDS ||
      state.enable.length !== this.contexts * WORDS ||
      state.threshold.length !== this.contexts
    ) {
      throw new Error(`${this.name}: saved state does not match ${this.contexts} contexts and 96 sources`);
    }
    state.priority.forEach((p, i) => {
      this.priority[i] = i === 0 ? 0 : p & PLIC_MAX_PRIORITY;
    });
    this.level.set(state.level);
    this.claimed.set(state.claimed);
    this.enable.set(state.enable);
    for (let ctx = 0; ctx < this.contexts; ctx++) this.enable[ctx * WORDS] = this.enable[ctx * WORDS]! & ~1;
    state.threshold.forEach((t, i) => {
      this.threshold[i] = t & PLIC_MAX_PRIORITY;
    });
    this.level[0] = this.level[0]! & ~1;
    this.update(true);
  }

  private setSource(src: number, high: boolean): void {
    const word = src >>> 5;
    const bit = 1 << (src & 31);
    const old = this.level[word]!;
    const next = high ? old | bit : old & ~bit;
    if (next === old) return;
    this.level[word] = next;
    this.update(false);
  }

  /**
   * The best source for `ctx`: pending, enabled, priority above `floor`; highest
   * priority wins, the lowest id breaks ties (PLIC spec). 0 when there is none.
   */
  private best(ctx: number, floor: number): number {
    let bestId = 0;
    let bestPriority = floor;
    const base = ctx * WORDS;
    for (let w = 0; w < WORDS; w++) {
      let bits = this.level[w]! & ~this.claimed[w]! & this.enable[base + w]!;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const src = w * 32 + b;
        const p = this.priority[src]!;
        if (p > bestPriority) {
          bestPriority = p;
          bestId = src;
        }
      }
    }
    return bestId;
  }

  /** Claims the best pending source for `ctx` (the threshold does not apply to claims, priority 0 never wins). */
  private claim(ctx: number): number {
    const src = this.best(ctx, 0);
    if (src !== 0) {
      this.claimed[src >>> 5] = this.claimed[src >>> 5]! | (1 << (src & 31));
      this.update(false);
    }
    return src;
  }

  /** Completes `src` for `ctx`: its gateway may forward again; ignored unless `src` is enabled for `ctx`. */
  private complete(ctx: number, src: number): void {
    if (src === 0 || src >= PLIC_NUM_SOURCES) return;
    const word = src >>> 5;
    const bit = 1 << (src & 31);
    if (!(this.enable[ctx * WORDS + word]! & bit)) return;
    this.claimed[word] = this.claimed[word]! & ~bit;
    this.update(false);
  }

  /** Drives each context line: some pending enabled source has priority above the threshold. */
  private update(force: boolean): void {
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      const level = this.best(ctx, this.threshold[ctx]!) !== 0 ? 1 : 0;
      if (force || level !== this.contextLevel[ctx]) {
        this.contextLevel[ctx] = level;
        this.contextIrqs[ctx]!.set(level === 1);
      }
    }
  }
}
