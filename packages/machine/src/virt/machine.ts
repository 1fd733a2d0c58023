/*
 * The QEMU `virt` board assembled from hvkit's parts, and the loop that runs it.
 *
 * What a hostile guest can do to the board: end its own run (finisher, HTIF), keep
 * its hart busy until the run's timeout, or sleep in WFI (the board then sleeps too,
 * until the next timer deadline or host input, and never spins). It cannot make the
 * board allocate per instruction or per slice: the run loop reuses its state and
 * allocates only when it yields to the event loop or ends.
 */
import { RiscvHart } from '@hvkit/cpu-core';
import { Bus, Clint, GoldfishRtc, Ns16550a, Plic, Ram, SifiveTest } from '@hvkit/devices';
import { type CharBackend, type Clock, hex, type IrqLine, type PowerControl } from '@hvkit/interfaces';
import { Mmu } from '@hvkit/mmu';
import { parseElf } from '../elf/elf.js';
import { type BootImage, checkImageFits, copyImage, rawImage } from '../elf/image.js';
import { ConfigError, ImageError } from '../errors.js';
import { type InstructionCounter, isSkippable, RealTimeClock } from './clock.js';
import { HTIF_EXIT, HTIF_IDLE, HTIF_PUTCHAR, HTIF_UNSUPPORTED, Htif } from './htif.js';
import {
  VIRT_CLINT_BASE,
  VIRT_DEFAULT_MEMORY,
  VIRT_DRAM_BASE,
  VIRT_MAX_MEMORY,
  VIRT_MEMORY_GRANULE,
  VIRT_PLIC_BASE,
  VIRT_RTC_BASE,
  VIRT_RTC_IRQ,
  VIRT_TEST_BASE,
  VIRT_UART0_BASE,
  VIRT_UART0_IRQ,
} from './memory-map.js';

/** mip bit of the machine software interrupt (priv spec "Machine Interrupt Registers"). */
const MIP_MSIP = 3;
/** mip bit of the machine timer interrupt. */
const MIP_MTIP = 7;
/** mip bit of the supervisor external interrupt. */
const MIP_SEIP = 9;
/** mip bit of the machine external interrupt. */
const MIP_MEIP = 11;

/** Instructions per `hart.run` call between board housekeeping (CLINT, HTIF, deadline). */
export const DEFAULT_SLICE = 100_000;
/** Shortest slice the board cuts for an approaching timer deadline. */
const MIN_SLICE = 1_000;
/** Slice used right after an HTIF console write, whose guest spins until tohost is cleared. */
const HTIF_SLICE = 2_000;
/** Longest the loop runs without yielding to the event loop (host input, output flushes, signals). */
const YIELD_INTERVAL_MS = 4;
/** Longest single host timer (setTimeout clamps larger delays to 1 ms). */
const MAX_SLEEP_MS = 2 ** 31 - 1;

/** How a run ended. */
export type RunOutcome =
  /** The guest powered off: finisher (0x5555 -> 0, 0x3333 | code << 16 -> code) or HTIF exit. `code` 0 is a pass. */
  | { readonly kind: 'shutdown'; readonly code: number; readonly source: 'finisher' | 'htif' }
  /** The guest asked for a reset (finisher 0x7777); the caller decides whether to boot again. */
  | { readonly kind: 'reset' }
  /** `timeoutMs` passed first. */
  | { readonly kind: 'timeout' }
  /** `stop()` was called (the user quit). */
  | { readonly kind: 'stopped' }
  /** The guest asked for something the board cannot do (an HTIF syscall); `message` is one line. */
  | { readonly kind: 'error'; readonly message: string };

/** Counters of one machine's runs, for traces and benchmarks. */
export interface RunStats {
  /** Instructions retired by hart 0. */
  readonly instructions: number;
  /** Host time spent inside `run`, in ms. */
  readonly wallMs: number;
  /** Host time spent asleep while the hart waited in WFI, in ms. */
  readonly sleptMs: number;
  /** Times the loop yielded to the event loop. */
  readonly yields: number;
}

/**
 * Optional observers (STYLE.md 8): every member may be left out, and the run loop
 * calls none of them per slice, so an unused observer costs nothing.
 */
export interface MachineEvents {
  /** The kernel image was placed in RAM and the hart will start at `entry`. */
  loaded?(image: BootImage): void;
  /** The hart is waiting in WFI and the board sleeps up to `ms` (Infinity: until input). */
  idle?(ms: number): void;
  /**
   * Every instruction before it executes, disassembled (slow: only pass it to trace).
   * `pc` is the signed 64-bit value as a number, `inst` the raw 16- or 32-bit encoding.
   */
  instruction?(pc: number, inst: number, text: string): void;
  /** The guest used HTIF: `exit`, `putchar` or `unsupported`. */
  htif?(kind: 'exit' | 'putchar' | 'unsupported', tohostAddress: number): void;
  /** A run ended. */
  stopped?(outcome: RunOutcome, stats: RunStats): void;
}

/** Options of `new VirtMachine`. */
export interface VirtMachineOptions {
  /** The kernel: the bytes of an ELF (or of a raw binary with `kernelFormat: 'raw'`), or an already parsed image. */
  readonly kernel: Uint8Array | BootImage;
  /** How to read `kernel` bytes: `elf` (default) or `raw` (loaded at DRAM base and entered there). */
  readonly kernelFormat?: 'elf' | 'raw';
  /** Firmware: only `none` for now (start the kernel directly in M-mode, as QEMU `-bios none`). */
  readonly bios?: 'none';
  /** RAM size in bytes (a multiple of 4 KiB, at most 4 GiB); default 128 MiB. */
  readonly memorySize?: number;
  /** Number of harts; only 1 for now. */
  readonly harts?: number;
  /** Host side of UART0 (and of the HTIF console); default: output dropped, no input. */
  readonly uart?: CharBackend;
  /** Time source for the CLINT; default real time at 10 MHz. A `SkippableClock` makes idle time free. */
  readonly clock?: Clock;
  /** Wall clock for the Goldfish RTC, in ns since the Unix epoch; default the host's `Date.now()`. */
  readonly wallClock?: () => bigint;
  /** Instructions per slice between board housekeeping; default 100,000. */
  readonly sliceInstructions?: number;
  /** Observers for traces. */
  readonly events?: MachineEvents;
}

/** Options of `VirtMachine.run`. */
export interface RunOptions {
  /** Give up after this many ms of host time (the outcome is then `timeout`). */
  readonly timeoutMs?: number;
}

const NULL_BACKEND: CharBackend = { write() {}, read: () => -1 };
/** The host's wall clock in ns since the epoch (ms resolution). */
const hostWallClock = (): bigint => BigInt(Date.now()) * 1_000_000n;
const TIMEOUT: RunOutcome = { kind: 'timeout' };
const RESET: RunOutcome = { kind: 'reset' };
const STOPPED: RunOutcome = { kind: 'stopped' };

/** Reads the kernel option into a `BootImage`. */
function loadKernel(options: VirtMachineOptions): BootImage {
  const { kernel } = options;
  if (!(kernel instanceof Uint8Array)) return kernel;
  return options.kernelFormat === 'raw' ? rawImage(kernel, VIRT_DRAM_BASE) : parseElf(kernel);
}

/** Checks the memory size option; one-line `ConfigError`s. */
function checkMemorySize(size: number): void {
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new ConfigError(`memory size must be a positive whole number of bytes, got ${size}`);
  }
  if (size % VIRT_MEMORY_GRANULE !== 0)
    throw new ConfigError(`memory size ${size} is not a multiple of 4 KiB`);
  if (size > VIRT_MAX_MEMORY)
    throw new ConfigError(`memory size ${size} is more than the 4 GiB hvkit supports`);
}

/**
 * The QEMU `virt` board: RAM at 0x8000_0000, SiFive test at 0x10_0000, CLINT at
 * 0x200_0000, NS16550A UART0 at 0x1000_0000, one RV64 hart started in M-mode at the
 * kernel's entry with a0 = hartid and a1 = 0 (no device tree yet). When the kernel
 * defines `tohost`, HTIF exit and console commands are served too.
 */
export class VirtMachine {
  /** The loaded kernel image. */
  readonly image: BootImage;
  /** Guest RAM. */
  readonly ram: Ram;
  /** The physical bus. */
  readonly bus: Bus;
  /** Hart 0. */
  readonly hart: RiscvHart;
  /** The CLINT (software and timer interrupts). */
  readonly clint: Clint;
  /** UART0 (PLIC source 10). */
  readonly uart: Ns16550a;
  /** The PLIC: context 0 drives hart 0's MEIP, context 1 its SEIP. */
  readonly plic: Plic;
  /** The Goldfish RTC (PLIC source 11). */
  readonly rtc: GoldfishRtc;
  /** The CLINT's time source. */
  readonly clock: Clock;

  private readonly backend: CharBackend;
  private readonly wallClock: () => bigint;
  private readonly events: MachineEvents;
  private readonly htif: Htif | null;
  private readonly tohost: number;
  private readonly slice: number;
  private outcome: RunOutcome | null = null;
  private running = false;
  private wake: (() => void) | null = null;
  private wallMs = 0;
  private sleptMs = 0;
  private yields = 0;

  /** Builds the board and loads the kernel; throws `ImageError` / `ConfigError` on bad input. */
  constructor(options: VirtMachineOptions) {
    const memorySize = options.memorySize ?? VIRT_DEFAULT_MEMORY;
    checkMemorySize(memorySize);
    const harts = options.harts ?? 1;
    if (harts !== 1) throw new ConfigError(`the virt board runs 1 hart for now, not ${harts}`);
    if (options.bios !== undefined && options.bios !== 'none') {
      throw new ConfigError(`bios '${String(options.bios)}' is not supported yet (only 'none')`);
    }
    const slice = options.sliceInstructions ?? DEFAULT_SLICE;
    if (!Number.isSafeInteger(slice) || slice <= 0) throw new ConfigError(`slice must be a positive integer`);
    this.slice = slice;
    this.events = options.events ?? {};
    this.backend = options.uart ?? NULL_BACKEND;

    // Parse and place-check the image before allocating RAM for it.
    this.image = loadKernel(options);
    checkImageFits(this.image, VIRT_DRAM_BASE, memorySize);
    const tohost = this.htifAddress('tohost', memorySize);
    const fromhost = tohost < 0 ? -1 : this.htifAddress('fromhost', memorySize);

    try {
      this.ram = new Ram(VIRT_DRAM_BASE, memorySize);
    } catch (error) {
      // The sizes Ram refuses were refused above; what is left is the host running out.
      throw new ConfigError(`cannot allocate ${memorySize} bytes of guest RAM (${(error as Error).message})`);
    }
    copyImage(this.image, this.ram.bytes, VIRT_DRAM_BASE);
    this.bus = new Bus(this.ram);

    const power: PowerControl = {
      shutdown: (code) => this.finish({ kind: 'shutdown', code, source: 'finisher' }),
      reset: () => this.finish(RESET),
    };
    this.bus.attach(VIRT_TEST_BASE, new SifiveTest({ power }));

    const instruction = this.events.instruction;
    this.hart = new RiscvHart({
      hartId: 0,
      bus: this.bus,
      translator: new Mmu(this.bus),
      resetPc: this.image.entry,
      // The `time` CSR reads the CLINT's mtime, as on QEMU virt (created below, read only while running).
      readTime: () => this.clint.mtime(),
      ...(instruction === undefined ? {} : { trace: instruction }),
    });
    this.hart.setX(10, 0n); // a0 = hartid
    this.hart.setX(11, 0n); // a1 = DTB address: none yet

    this.clock = options.clock ?? new RealTimeClock();
    const hartLine = (bit: number): IrqLine => ({ set: (level) => this.hart.setPending(bit, level) });
    this.clint = new Clint({
      harts: 1,
      clock: this.clock,
      msip: [hartLine(MIP_MSIP)],
      mtip: [hartLine(MIP_MTIP)],
    });
    this.bus.attach(VIRT_CLINT_BASE, this.clint);

    this.plic = new Plic({ harts: 1, contextIrqs: [hartLine(MIP_MEIP), hartLine(MIP_SEIP)] });
    this.bus.attach(VIRT_PLIC_BASE, this.plic);

    this.uart = new Ns16550a({ backend: this.backend, irq: this.plic.source(VIRT_UART0_IRQ) });
    this.bus.attach(VIRT_UART0_BASE, this.uart);

    this.wallClock = options.wallClock ?? hostWallClock;
    this.rtc = new GoldfishRtc({ now: this.wallClock, irq: this.plic.source(VIRT_RTC_IRQ) });
    this.bus.attach(VIRT_RTC_BASE, this.rtc);

    const clock = this.clock as Clock & { attach?: (source: InstructionCounter) => void };
    clock.attach?.(this.hart);

    this.tohost = tohost;
    this.htif = tohost < 0 ? null : new Htif(this.ram, tohost, fromhost, this.backend);
    this.backend.onReadable?.(() => this.wakeUp());
    this.events.loaded?.(this.image);
  }

  /** Ends the current (or next) run with outcome `stopped`, e.g. when the user quits. */
  stop(): void {
    this.finish(STOPPED);
  }

  /** Counters of the runs so far. */
  stats(): RunStats {
    return {
      instructions: this.hart.instret,
      wallMs: this.wallMs,
      sleptMs: this.sleptMs,
      yields: this.yields,
    };
  }

  /**
   * Runs the board until the guest powers off, asks for a reset, fails an HTIF
   * request, `stop()` is called or `timeoutMs` passes. A finished machine returns its
   * outcome again; it cannot be resumed.
   */
  async run(options: RunOptions = {}): Promise<RunOutcome> {
    if (this.running) throw new Error('VirtMachine.run is already in progress');
    this.running = true;
    const start = performance.now();
    const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : start + options.timeoutMs;
    const hart = this.hart;
    const clint = this.clint;
    const rtc = this.rtc;
    const clock = this.clock;
    const htif = this.htif;
    let budget = this.slice;
    let lastYield = start;
    // Instructions per clock tick, measured over the last slice: lets the next slice
    // end close to the next timer deadline, since the CLINT only updates between slices.
    let rate = 0;
    try {
      while (this.outcome === null) {
        const updatedAt = clock.now();
        clint.update();
        rtc.update();
        const before = hart.instret;
        const reason = hart.run(budget);
        const after = clock.now();
        const ticks = after - updatedAt;
        if (ticks > 0) rate = (hart.instret - before) / ticks;
        budget = this.slice;
        const next = this.nextDeadline();
        if (next > after && rate > 0) {
          const until = Math.ceil((next - after) * rate);
          if (until < budget) budget = Math.max(until, MIN_SLICE);
        }
        if (htif !== null) {
          const request = htif.poll();
          if (request !== HTIF_IDLE) budget = this.serveHtif(request, budget);
        }
        if (this.outcome !== null) break;
        const now = performance.now();
        if (now >= deadline) {
          this.outcome = TIMEOUT;
          break;
        }
        if (reason === 'wfi') {
          await this.idle(updatedAt, deadline);
          lastYield = performance.now();
        } else if (now - lastYield >= YIELD_INTERVAL_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          this.yields++;
          lastYield = performance.now();
        }
      }
    } finally {
      this.running = false;
      this.wallMs += performance.now() - start;
    }
    const outcome = this.outcome;
    this.events.stopped?.(outcome, this.stats());
    return outcome;
  }

  /** Acts on an HTIF request; returns the budget for the next slice. */
  private serveHtif(request: number, budget: number): number {
    const htif = this.htif!;
    if (request === HTIF_EXIT) {
      this.events.htif?.('exit', this.tohost);
      this.finish({ kind: 'shutdown', code: htif.exitCode, source: 'htif' });
    } else if (request === HTIF_UNSUPPORTED) {
      this.events.htif?.('unsupported', this.tohost);
      this.finish({ kind: 'error', message: htif.error });
    } else if (request === HTIF_PUTCHAR) {
      this.events.htif?.('putchar', this.tohost);
      // The guest spins until tohost is cleared; a short slice gets it going again sooner.
      return Math.min(budget, HTIF_SLICE);
    }
    return budget;
  }

  /**
   * The hart waits in WFI: sleep until the next CLINT deadline, host input, stop()
   * or the run's deadline, whichever is first; never spin.
   */
  private async idle(updatedAt: number, deadline: number): Promise<void> {
    const clock = this.clock;
    this.clint.update();
    const next = this.nextDeadline();
    const now = clock.now();
    // A deadline at or before the last update had already raised MTIP while the hart
    // ran, and the hart still chose to wait: the timer cannot wake it. A deadline that
    // passed during the slice has just raised MTIP: run again at once.
    let ticks = Number.POSITIVE_INFINITY;
    if (next > updatedAt && Number.isFinite(next)) {
      if (next <= now) return;
      ticks = next - now;
    }
    if (Number.isFinite(ticks) && isSkippable(clock)) {
      clock.advanceTo(next);
      return;
    }
    let ms = Math.min((ticks * 1000) / clock.frequency, deadline - performance.now(), MAX_SLEEP_MS);
    // An armed RTC alarm (wall-clock time) can end the wait too; once it has fired it
    // disarms, so a masked alarm cannot turn the sleep into a spin either.
    const alarm = this.rtc.alarmDeadline();
    let finite = Number.isFinite(ticks) || Number.isFinite(deadline);
    if (alarm !== undefined) {
      const alarmMs = Number(alarm - this.wallClock()) / 1e6;
      if (alarmMs <= 0) {
        this.rtc.update();
        return;
      }
      if (alarmMs < ms) ms = alarmMs;
      finite = true;
    }
    if (ms <= 0) return;
    this.events.idle?.(finite ? ms : Number.POSITIVE_INFINITY);
    const sleptFrom = performance.now();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, Math.ceil(ms)));
      this.wake = done;
    });
    this.sleptMs += performance.now() - sleptFrom;
  }

  /**
   * The next timer deadline in `clock.now()` ticks: the earliest CLINT mtimecmp or the
   * hart's Sstc stimecmp (which counts in mtime, so it is shifted by mtime - clock).
   */
  private nextDeadline(): number {
    const clint = this.clint.nextDeadline();
    const sstc = this.hart.timerDeadline();
    if (sstc === Number.POSITIVE_INFINITY) return clint;
    const ticks = sstc - (this.clint.mtime() - this.clock.now());
    return Math.min(ticks, clint);
  }

  /** Wakes a sleeping run loop (host input arrived, or stop()). */
  private wakeUp(): void {
    const wake = this.wake;
    if (wake !== null) wake();
  }

  /** Records how the run ends (first reason wins) and gets the hart out of `run`. */
  private finish(outcome: RunOutcome): void {
    if (this.outcome !== null) return;
    this.outcome = outcome;
    this.hart.requestExit();
    this.wakeUp();
  }

  /** The checked guest-physical address of HTIF symbol `name`, or -1 when the image has none. */
  private htifAddress(name: 'tohost' | 'fromhost', memorySize: number): number {
    const symbol = this.image.symbol(name);
    if (symbol === undefined) return -1;
    const paddr = this.image.physicalAddress(symbol.value) ?? Number(symbol.value);
    if (paddr % 8 !== 0 || paddr < VIRT_DRAM_BASE || paddr + 8 > VIRT_DRAM_BASE + memorySize) {
      throw new ImageError(`${name} at ${hex(symbol.value)} is not an aligned 8-byte word in RAM`);
    }
    return paddr;
  }
}
