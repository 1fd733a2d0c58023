/*
 * The QEMU `virt` board assembled from hvkit's parts, and the loop that runs it.
 *
 * What a hostile guest can do to the board: end its own run (finisher, HTIF, SBI
 * SRST), keep its harts busy until the run's timeout, or sleep in WFI (the board then
 * sleeps too, until the next timer deadline, an interrupt from a host backend or host
 * input, and never spins). Under native firmware it can also make SBI calls (see
 * native-sbi.ts) and start or stop its own secondary harts. It cannot make the board
 * allocate per instruction or per slice: the run loop reuses its state and allocates
 * only when it yields to the event loop or ends.
 */
import { CAUSE, type JitHotness, RiscvHart } from '@hvkit/cpu-core';
import {
  Bus,
  CLINT_MTIMECMP_OFFSET,
  Clint,
  GoldfishRtc,
  Ns16550a,
  Plic,
  Ram,
  SifiveTest,
  VirtioBlk,
  VirtioConsole,
  type VirtioDevice,
  VirtioMmio,
  VirtioNet,
  VirtioRng,
} from '@hvkit/devices';
import {
  type BlockBackend,
  type CharBackend,
  type Clock,
  hex,
  type IrqLine,
  type MmioDevice,
  type NetBackend,
  type PowerControl,
  SECTOR_SIZE,
} from '@hvkit/interfaces';
import { Mmu } from '@hvkit/mmu';
import { type SbiEvents, SbiFirmware, type SystemResetReason, type SystemResetType } from '@hvkit/sbi';
import type { BootImage } from '../elf/image.js';
import { copyImage } from '../elf/image.js';
import { ConfigError, ImageError } from '../errors.js';
import {
  type BiosOption,
  type BootMode,
  enterMachine,
  enterSupervisor,
  imageSpans,
  type KernelFormat,
  placeDtb,
  placeInitrd,
  resolveImages,
  type Span,
} from './boot.js';
import { type InstructionCounter, isSkippable, RealTimeClock } from './clock.js';
import { virtDeviceTree } from './device-tree.js';
import { HTIF_EXIT, HTIF_IDLE, HTIF_PUTCHAR, HTIF_UNSUPPORTED, Htif } from './htif.js';
import {
  VIRT_CLINT_BASE,
  VIRT_DEFAULT_MEMORY,
  VIRT_DRAM_BASE,
  VIRT_MAX_HARTS,
  VIRT_MAX_MEMORY,
  VIRT_MEMORY_GRANULE,
  VIRT_PLIC_BASE,
  VIRT_RTC_BASE,
  VIRT_RTC_IRQ,
  VIRT_TEST_BASE,
  VIRT_UART0_BASE,
  VIRT_UART0_IRQ,
  VIRT_VIRTIO_BASE,
  VIRT_VIRTIO_COUNT,
  VIRT_VIRTIO_IRQ,
  VIRT_VIRTIO_SIZE,
} from './memory-map.js';
import { VirtSbiPlatform } from './native-sbi.js';

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
const TWO32 = 0x1_0000_0000;

/** How a run ended. */
export type RunOutcome =
  /**
   * The guest powered off: finisher (0x5555 -> 0, 0x3333 | code << 16 -> code), HTIF
   * exit, or SBI system_reset shutdown under native firmware (reason none -> 0,
   * failure -> 1). `code` 0 is a pass.
   */
  | { readonly kind: 'shutdown'; readonly code: number; readonly source: 'finisher' | 'htif' | 'sbi' }
  /** The guest asked for a reset (finisher 0x7777, SBI cold or warm reboot); the caller decides whether to boot again. */
  | { readonly kind: 'reset' }
  /** `timeoutMs` passed first. */
  | { readonly kind: 'timeout' }
  /** `stop()` was called (the user quit). */
  | { readonly kind: 'stopped' }
  /**
   * The guest asked for something the board cannot do (an HTIF syscall), or broke in a
   * way it cannot recover from (a trap into M-mode under native firmware); `message` is one line.
   */
  | { readonly kind: 'error'; readonly message: string };

/** Counters of one machine's runs, for traces and benchmarks. */
export interface RunStats {
  /** Instructions retired by all harts together. */
  readonly instructions: number;
  /** Host time spent inside `run`, in ms. */
  readonly wallMs: number;
  /** Host time spent asleep while every hart waited in WFI, in ms. */
  readonly sleptMs: number;
  /** Times the loop yielded to the event loop. */
  readonly yields: number;
}

/**
 * Optional observers (STYLE.md 8): every member may be left out, and the run loop
 * calls none of them per slice, so an unused observer costs nothing.
 */
export interface MachineEvents {
  /** The kernel image was placed in RAM; `machine.boot` says where everything else went. */
  loaded?(image: BootImage): void;
  /** Every hart is waiting in WFI and the board sleeps up to `ms` (Infinity: until input). */
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
  /** The kernel: the bytes of an ELF, a RISC-V Linux Image or a raw binary (see `kernelFormat`), or a parsed image. */
  readonly kernel: Uint8Array | BootImage;
  /**
   * How to read `kernel` bytes: `elf` (default), `image` (a RISC-V Linux Image: loaded at
   * DRAM base + text_offset), `raw` (loaded at DRAM base under `bios: 'none'`, else at
   * 0x8020_0000), or `auto` (ELF magic, else the Image magic, else raw, as QEMU decides).
   */
  readonly kernelFormat?: KernelFormat;
  /**
   * Firmware: `none` (the kernel runs in M-mode from its entry), `native` (SBI served in
   * TypeScript, the kernel starts in S-mode), or the bytes of real firmware such as
   * OpenSBI's fw_jump.bin (loaded at DRAM base, every hart starts there in M-mode).
   * Default: `none` for a kernel that starts at DRAM base (an ELF linked at
   * 0x8000_0000, a raw binary), `native` otherwise (a Linux Image, a higher ELF).
   */
  readonly bios?: BiosOption;
  /** RAM size in bytes (a multiple of 4 KiB, at most 4 GiB); default 128 MiB. */
  readonly memorySize?: number;
  /** Number of harts, 1 to 8 (interleaved on this thread); default 1. */
  readonly harts?: number;
  /** Host side of UART0 (and of the HTIF and SBI consoles); default: output dropped, no input. */
  readonly uart?: CharBackend;
  /** Disks: one virtio-blk each, in virtio slots from slot 7 down (the first is Linux's /dev/vda). */
  readonly disks?: readonly BlockBackend[];
  /** Network interfaces: one virtio-net each, in the slots after the disks (the first is eth0). */
  readonly nets?: readonly NetBackend[];
  /** A virtio-rng entropy device, in the slot after the network interfaces. */
  readonly rng?: boolean;
  /** A virtio-console on this backend (Linux's hvc0), in the slot after the rng. */
  readonly console?: CharBackend;
  /** An initrd (initramfs) placed in RAM as QEMU does and named in /chosen. */
  readonly initrd?: Uint8Array;
  /** Kernel command line (/chosen/bootargs). */
  readonly bootargs?: string;
  /** Bytes for /chosen/rng-seed (QEMU passes 32 random bytes); none by default, so runs stay reproducible. */
  readonly rngSeed?: Uint8Array;
  /** Time source for the CLINT; default real time at 10 MHz. A `SkippableClock` makes idle time free. */
  readonly clock?: Clock;
  /** Wall clock for the Goldfish RTC, in ns since the Unix epoch; default the host's `Date.now()`. */
  readonly wallClock?: () => bigint;
  /** Instructions per slice between board housekeeping; default 100,000. */
  readonly sliceInstructions?: number;
  /** cpu-core's compiling tier (hot guest pages to WebAssembly); default on unless HVKIT_JIT=0. */
  readonly jit?: boolean | JitHotness;
  /** Observers for traces. */
  readonly events?: MachineEvents;
  /** Observers of the native SBI firmware (calls served, unhandled traps); only used with `bios: 'native'`. */
  readonly sbiEvents?: SbiEvents;
  /**
   * Every hart's HS-level trap hook (`HartOptions.hsTrapHook` of the H extension): how
   * a type-1 hypervisor, native HS-mode software, is told of each trap into HS-mode.
   */
  readonly hsTrapHook?: (hart: RiscvHart, cause: number, interrupt: boolean) => boolean;
}

/** Options of `VirtMachine.run`. */
export interface RunOptions {
  /** Give up after this many ms of host time (the outcome is then `timeout`). */
  readonly timeoutMs?: number;
}

/** Where a board put what it boots, and how its harts start. */
export interface BootLayout {
  /** `none`: kernel in M-mode; `native`: SBI in TypeScript, kernel in S-mode; `firmware`: real firmware in M-mode. */
  readonly mode: BootMode;
  /** Where the boot hart starts: the firmware's entry under `firmware`, else the kernel's. */
  readonly entry: number;
  /** The kernel's entry point. */
  readonly kernelEntry: number;
  /** The firmware image, under `firmware`. */
  readonly firmware: BootImage | undefined;
  /** Guest-physical address of the device tree blob (a1 of every hart). */
  readonly dtbAddress: number;
  /** The device tree blob as placed in RAM. */
  readonly dtb: Uint8Array;
  /** Where the initrd is, end exclusive, if there is one. */
  readonly initrd: { readonly start: number; readonly end: number } | undefined;
  /** VirtIO DeviceID in each slot (index = slot, 0 = empty): 2 blk, 1 net, 4 rng, 3 console. */
  readonly virtioSlots: readonly number[];
}

const NULL_BACKEND: CharBackend = { write() {}, read: () => -1 };
/** The host's wall clock in ns since the epoch (ms resolution). */
const hostWallClock = (): bigint => BigInt(Date.now()) * 1_000_000n;
const TIMEOUT: RunOutcome = { kind: 'timeout' };
const RESET: RunOutcome = { kind: 'reset' };
const STOPPED: RunOutcome = { kind: 'stopped' };
/** Exception names for messages: `illegal_instruction`, `load_page_fault`, ... */
const CAUSE_NAMES = new Map<number, string>(
  Object.entries(CAUSE).map(([name, n]): [number, string] => [n, name.toLowerCase()]),
);

/**
 * The finisher as QEMU's sifive_test accepts it: 16- and 32-bit writes (OpenSBI's
 * sifive_test driver writes the status with a 16-bit `writew`). @hvkit/devices'
 * `SifiveTest` takes 32-bit writes only, so a 16-bit write at offset 0 is passed on as
 * the 32-bit value it zero-extends to.
 */
export function halfwordFinisher(test: SifiveTest): MmioDevice {
  return {
    name: test.name,
    size: test.size,
    read: (offset, size) => test.read(offset, size),
    write: (offset, size, value) => test.write(offset, size === 2 && offset === 0 ? 4 : size, value),
  };
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
 * The QEMU `virt` board: RAM at 0x8000_0000, SiFive test at 0x10_0000, RTC at
 * 0x10_1000, CLINT at 0x200_0000, PLIC at 0xc00_0000, NS16550A UART0 at 0x1000_0000,
 * eight virtio-mmio slots from 0x1000_1000, 1 to 8 RV64 harts, a generated device
 * tree in RAM, and the firmware chosen by `bios`. Every hart starts with a0 = hartid
 * and a1 = the device tree's address. When the kernel defines `tohost`, HTIF exit and
 * console commands are served too.
 */
export class VirtMachine {
  /** The loaded kernel image. */
  readonly image: BootImage;
  /** Where the firmware, kernel, initrd and device tree went, and the boot mode. */
  readonly boot: BootLayout;
  /** Guest RAM. */
  readonly ram: Ram;
  /** The physical bus. */
  readonly bus: Bus;
  /** Hart 0. */
  readonly hart: RiscvHart;
  /** Every hart, index = hart id. */
  readonly harts: readonly RiscvHart[];
  /** The CLINT (software and timer interrupts, one MSIP/MTIP pair per hart). */
  readonly clint: Clint;
  /** UART0 (PLIC source 10). */
  readonly uart: Ns16550a;
  /** The PLIC: context 2h drives hart h's MEIP, context 2h + 1 its SEIP. */
  readonly plic: Plic;
  /** The Goldfish RTC (PLIC source 11). */
  readonly rtc: GoldfishRtc;
  /** The eight virtio-mmio slots (index = slot; slot i at 0x1000_1000 + 0x1000 i, PLIC source i + 1). */
  readonly virtio: readonly VirtioMmio[];
  /** The CLINT's time source. */
  readonly clock: Clock;
  /** The native SBI platform (timers, HSM states), under `bios: 'native'`. */
  readonly sbi: VirtSbiPlatform | undefined;

  private readonly backend: CharBackend;
  private readonly wallClock: () => bigint;
  private readonly events: MachineEvents;
  private readonly htif: Htif | null;
  private readonly tohost: number;
  private readonly slice: number;
  /** 1 while a hart takes part in the run loop (0: stopped under native SBI's HSM). */
  private readonly running: Uint8Array;
  private outcome: RunOutcome | null = null;
  private runningLoop = false;
  /** Index of the hart inside `hart.run` (-1 between slices). */
  private current = -1;
  private wake: (() => void) | null = null;
  private wallMs = -0; // -0: a double field from the start (see RiscvHart.fetchPBase)
  private sleptMs = -0;
  private yields = 0;

  /** Builds the board and loads the images; throws `ImageError` / `ConfigError` on bad input. */
  constructor(options: VirtMachineOptions) {
    const memorySize = options.memorySize ?? VIRT_DEFAULT_MEMORY;
    checkMemorySize(memorySize);
    const hartCount = options.harts ?? 1;
    if (!Number.isInteger(hartCount) || hartCount < 1 || hartCount > VIRT_MAX_HARTS) {
      throw new ConfigError(`the virt board runs 1 to ${VIRT_MAX_HARTS} harts, not ${hartCount}`);
    }
    const slice = options.sliceInstructions ?? DEFAULT_SLICE;
    if (!Number.isSafeInteger(slice) || slice <= 0) throw new ConfigError(`slice must be a positive integer`);
    this.slice = slice;
    this.events = options.events ?? {};
    this.backend = options.uart ?? NULL_BACKEND;

    const disks = options.disks ?? [];
    const nets = options.nets ?? [];
    const virtioCount =
      disks.length + nets.length + (options.rng === true ? 1 : 0) + (options.console ? 1 : 0);
    if (virtioCount > VIRT_VIRTIO_COUNT) {
      throw new ConfigError(
        `${virtioCount} virtio devices asked for, but the board has ${VIRT_VIRTIO_COUNT} slots`,
      );
    }
    disks.forEach((disk, i) => {
      if (!Number.isSafeInteger(disk.sizeBytes) || disk.sizeBytes < 0 || disk.sizeBytes % SECTOR_SIZE !== 0) {
        throw new ConfigError(`disk ${i}: size ${disk.sizeBytes} is not a whole number of 512-byte sectors`);
      }
    });
    nets.forEach((net, i) => {
      if (net.mac !== undefined && net.mac.length !== 6) {
        throw new ConfigError(`network interface ${i}: MAC address has ${net.mac.length} bytes, not 6`);
      }
    });

    // Place everything and check it fits before allocating RAM.
    const { mode, kernel, firmware } = resolveImages(
      options.kernel,
      options.kernelFormat ?? 'elf',
      options.bios,
      memorySize,
    );
    this.image = kernel;
    const tohost = this.htifAddress('tohost', memorySize);
    const fromhost = tohost < 0 ? -1 : this.htifAddress('fromhost', memorySize);
    const used: Span[] = [
      ...imageSpans(kernel, 'kernel'),
      ...(firmware ? imageSpans(firmware, 'firmware') : []),
    ];
    const initrdBytes = options.initrd;
    const initrd =
      initrdBytes === undefined ? undefined : placeInitrd(initrdBytes.length, kernel.entry, memorySize, used);
    if (initrd !== undefined) used.push(initrd);
    const dtb = virtDeviceTree({
      memorySize,
      harts: hartCount,
      ...(options.bootargs === undefined ? {} : { bootargs: options.bootargs }),
      ...(initrd === undefined ? {} : { initrd }),
      ...(options.rngSeed === undefined ? {} : { rngSeed: options.rngSeed }),
    }).build();
    const dtbAddress = placeDtb(dtb.length, memorySize, used);

    try {
      this.ram = new Ram(VIRT_DRAM_BASE, memorySize);
    } catch (error) {
      // The sizes Ram refuses were refused above; what is left is the host running out.
      throw new ConfigError(`cannot allocate ${memorySize} bytes of guest RAM (${(error as Error).message})`);
    }
    const bytes = this.ram.bytes;
    if (firmware !== undefined) copyImage(firmware, bytes, VIRT_DRAM_BASE);
    copyImage(kernel, bytes, VIRT_DRAM_BASE);
    if (initrd !== undefined && initrdBytes !== undefined)
      bytes.set(initrdBytes, initrd.start - VIRT_DRAM_BASE);
    bytes.set(dtb, dtbAddress - VIRT_DRAM_BASE);
    this.bus = new Bus(this.ram);

    const power: PowerControl = {
      shutdown: (code) => this.finish({ kind: 'shutdown', code, source: 'finisher' }),
      reset: () => this.finish(RESET),
    };
    this.bus.attach(VIRT_TEST_BASE, halfwordFinisher(new SifiveTest({ power })));

    this.running = new Uint8Array(hartCount).fill(mode === 'native' ? 0 : 1);
    const machine = this;
    const sbi =
      mode === 'native'
        ? new VirtSbiPlatform(
            {
              get harts() {
                return machine.harts;
              },
              ram: this.ram,
              console: this.backend,
              mtime: () => this.clint.mtime(),
              ipiSent: (id) => this.ipiSent(id),
              startHart: (id, pc, opaque) => this.startHart(id, pc, opaque),
              stopHart: (id) => this.stopHart(id),
              systemReset: (type, reason) => this.systemReset(type, reason),
              unhandledTrap: (id, cause, pc) => this.unhandledTrap(id, cause, pc),
            },
            hartCount,
            [0],
          )
        : undefined;
    const firmwareHook =
      sbi === undefined ? undefined : new SbiFirmware(sbi, { events: options.sbiEvents ?? {} });
    const instruction = this.events.instruction;
    const entry = firmware?.entry ?? kernel.entry;
    // The interpreter's warm-up with this board's translator class (a no-op after the first board).
    RiscvHart.warmUp({ translator: (bus) => new Mmu(bus) });
    const harts: RiscvHart[] = [];
    for (let h = 0; h < hartCount; h++) {
      harts.push(
        new RiscvHart({
          hartId: h,
          bus: this.bus,
          translator: new Mmu(this.bus),
          resetPc: entry,
          ...(options.jit === undefined ? {} : { jit: options.jit }),
          // The `time` CSR reads the CLINT's mtime, as on QEMU virt (created below, read only while running).
          readTime: () => this.clint.mtime(),
          ...(firmwareHook === undefined
            ? {}
            : { machineTrapHook: (hart: RiscvHart, cause: number) => firmwareHook.handleTrap(hart, cause) }),
          ...(instruction === undefined ? {} : { trace: instruction }),
          ...(options.hsTrapHook === undefined ? {} : { hsTrapHook: options.hsTrapHook }),
        }),
      );
    }
    this.harts = harts;
    this.hart = harts[0]!;
    this.sbi = sbi;

    this.clock = options.clock ?? new RealTimeClock();
    // A line into a hart also wakes a sleeping board: interrupts from host backends
    // (a network frame, console input) arrive while every hart waits in WFI.
    const hartLine = (hart: RiscvHart, bit: number): IrqLine => ({
      set: (level) => {
        hart.setPending(bit, level);
        if (level) this.wakeUp();
      },
    });
    this.clint = new Clint({
      harts: hartCount,
      clock: this.clock,
      msip: harts.map((hart) => ({
        set: (level: boolean) => {
          hart.setPending(MIP_MSIP, level);
          if (level) this.ipiSent(hart.hartId);
        },
      })),
      mtip: harts.map((hart) => hartLine(hart, MIP_MTIP)),
    });
    this.bus.attach(VIRT_CLINT_BASE, this.clint);

    this.plic = new Plic({
      harts: hartCount,
      contextIrqs: harts.flatMap((hart) => [hartLine(hart, MIP_MEIP), hartLine(hart, MIP_SEIP)]),
    });
    this.bus.attach(VIRT_PLIC_BASE, this.plic);

    this.uart = new Ns16550a({ backend: this.backend, irq: this.plic.source(VIRT_UART0_IRQ) });
    this.bus.attach(VIRT_UART0_BASE, this.uart);

    this.wallClock = options.wallClock ?? hostWallClock;
    this.rtc = new GoldfishRtc({ now: this.wallClock, irq: this.plic.source(VIRT_RTC_IRQ) });
    this.bus.attach(VIRT_RTC_BASE, this.rtc);

    // Devices are made only now that nothing can fail: they register with their backends.
    const devices: VirtioDevice[] = [
      ...disks.map((backend) => new VirtioBlk({ backend })),
      ...nets.map((backend) => new VirtioNet({ backend })),
      ...(options.rng === true ? [new VirtioRng()] : []),
      ...(options.console === undefined ? [] : [new VirtioConsole({ backend: options.console })]),
    ];
    // As QEMU: the first device goes to the highest slot, which Linux probes first.
    const slots: VirtioMmio[] = [];
    const slotIds: number[] = [];
    for (let slot = 0; slot < VIRT_VIRTIO_COUNT; slot++) {
      const device = devices[VIRT_VIRTIO_COUNT - 1 - slot];
      const mmio = new VirtioMmio({
        ram: this.ram,
        irq: this.plic.source(VIRT_VIRTIO_IRQ + slot),
        name: `virtio${slot}`,
        ...(device === undefined ? {} : { device }),
      });
      this.bus.attach(VIRT_VIRTIO_BASE + slot * VIRT_VIRTIO_SIZE, mmio);
      slots.push(mmio);
      slotIds.push(device?.deviceId ?? 0);
    }
    this.virtio = slots;

    const clock = this.clock as Clock & { attach?: (source: InstructionCounter) => void };
    clock.attach?.({
      get instret() {
        return machine.instructions();
      },
    });

    this.boot = {
      mode,
      entry,
      kernelEntry: kernel.entry,
      firmware,
      dtbAddress,
      dtb,
      initrd: initrd === undefined ? undefined : { start: initrd.start, end: initrd.end },
      virtioSlots: slotIds,
    };
    if (mode === 'native') {
      enterSupervisor(this.hart, kernel.entry, BigInt(dtbAddress), true);
      this.running[0] = 1;
    } else {
      for (const hart of harts) enterMachine(hart, entry, dtbAddress);
    }

    this.tohost = tohost;
    this.htif = tohost < 0 ? null : new Htif(this.ram, tohost, fromhost, this.backend);
    this.backend.onReadable?.(() => this.wakeUp());
    options.console?.onReadable?.(() => this.wakeUp());
    this.events.loaded?.(this.image);
  }

  /** Ends the current (or next) run with outcome `stopped`, e.g. when the user quits. */
  stop(): void {
    this.finish(STOPPED);
  }

  /** Counters of the runs so far. */
  stats(): RunStats {
    return {
      instructions: this.instructions(),
      // + 0: the fields start as -0 (a double representation), which callers should not see.
      wallMs: this.wallMs + 0,
      sleptMs: this.sleptMs + 0,
      yields: this.yields,
    };
  }

  /** True while hart `id` takes part in the run (false: stopped under native SBI, waiting for hart_start). */
  isHartRunning(id: number): boolean {
    return this.running[id] === 1;
  }

  /**
   * Runs the board until the guest powers off, asks for a reset, fails an HTIF
   * request, `stop()` is called or `timeoutMs` passes. A finished machine returns its
   * outcome again; it cannot be resumed.
   *
   * Harts are interleaved: each round runs every started hart for one slice, in hart
   * order; a hart waiting in WFI returns at once. When every hart waits, the board
   * sleeps until the earliest timer deadline or host input.
   */
  async run(options: RunOptions = {}): Promise<RunOutcome> {
    if (this.runningLoop) throw new Error('VirtMachine.run is already in progress');
    this.runningLoop = true;
    const start = performance.now();
    const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : start + options.timeoutMs;
    const harts = this.harts;
    const count = harts.length;
    const running = this.running;
    const clint = this.clint;
    const rtc = this.rtc;
    const clock = this.clock;
    const htif = this.htif;
    const sbi = this.sbi;
    let budget = this.slice;
    let lastYield = start;
    // Instructions per clock tick, measured over the last round: lets the next round
    // end close to the next timer deadline, since timers are only checked between rounds.
    let rate = 0;
    try {
      while (this.outcome === null) {
        const updatedAt = clock.now();
        clint.update();
        rtc.update();
        if (sbi !== undefined) sbi.pollTimers(clint.mtime());
        const before = this.instructions();
        let busy = false;
        let active = 0;
        for (let h = 0; h < count; h++) {
          if (running[h] === 0) continue;
          active++;
          const hart = harts[h]!;
          this.current = h;
          const reason = hart.run(budget);
          this.current = -1;
          // Another hart runs next and its stores do not clear this hart's reservation.
          if (count > 1) hart.clearReservation();
          if (reason !== 'wfi') busy = true;
          if (this.outcome !== null) break;
        }
        const after = clock.now();
        const ticks = after - updatedAt;
        if (ticks > 0) rate = (this.instructions() - before) / ticks;
        budget = this.slice;
        const next = this.nextDeadlineAfter(after);
        if (Number.isFinite(next) && rate > 0) {
          const until = Math.ceil(((next - after) * rate) / Math.max(active, 1));
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
        // A skipped or cut-short idle did not reach the event loop: it still has to yield
        // now and then, or an idle guest on a skippable clock would starve host input.
        if (!busy && (await this.idle(updatedAt, deadline))) {
          lastYield = performance.now();
        } else if (now - lastYield >= YIELD_INTERVAL_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          this.yields++;
          lastYield = performance.now();
        }
      }
    } finally {
      this.runningLoop = false;
      this.wallMs += performance.now() - start;
    }
    const outcome = this.outcome;
    this.events.stopped?.(outcome, this.stats());
    return outcome;
  }

  /** Instructions retired by all harts. */
  private instructions(): number {
    let n = 0;
    const harts = this.harts;
    for (let h = 0; h < harts.length; h++) n += harts[h]!.instret;
    return n;
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
   * Every hart waits in WFI: sleep until the next timer deadline, host input, an
   * interrupt from a backend, stop() or the run's deadline, whichever is first; never spin.
   */
  private async idle(updatedAt: number, deadline: number): Promise<boolean> {
    const clock = this.clock;
    this.clint.update();
    this.sbi?.pollTimers(this.clint.mtime());
    // A hart that ran later in the round may have sent an interrupt to one that was already waiting.
    for (let h = 0; h < this.harts.length; h++) {
      if (this.running[h] === 0) continue;
      const hart = this.harts[h]!;
      hart.updateTimer();
      if (hart.interruptPending) return false;
    }
    const next = this.nextDeadlineAfter(updatedAt);
    const now = clock.now();
    // A deadline at or before the last update had already raised its interrupt while
    // the harts ran, and they still chose to wait: that timer cannot wake them. A
    // deadline that passed during the round has just raised its interrupt: run again.
    let ticks = Number.POSITIVE_INFINITY;
    if (Number.isFinite(next)) {
      if (next <= now) return false;
      ticks = next - now;
    }
    if (Number.isFinite(ticks) && isSkippable(clock)) {
      clock.advanceTo(next);
      return false;
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
        return false;
      }
      if (alarmMs < ms) ms = alarmMs;
      finite = true;
    }
    if (ms <= 0) return false;
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
    return true;
  }

  /**
   * The earliest timer deadline after `after`, in `clock.now()` ticks, over the running
   * harts: CLINT mtimecmp, Sstc stimecmp and native SBI timers (all three count in
   * mtime, so each is shifted by mtime - clock); Infinity when none is armed.
   */
  private nextDeadlineAfter(after: number): number {
    const clint = this.clint;
    const shift = clint.mtime() - this.clock.now();
    const timers = this.sbi?.timers;
    let best = Number.POSITIVE_INFINITY;
    for (let h = 0; h < this.harts.length; h++) {
      if (this.running[h] === 0) continue;
      const lo = clint.read(CLINT_MTIMECMP_OFFSET + 8 * h, 4);
      const hi = clint.read(CLINT_MTIMECMP_OFFSET + 8 * h + 4, 4);
      if (lo !== 0xffff_ffff || hi !== 0xffff_ffff) {
        const t = hi * TWO32 + lo - shift;
        if (t > after && t < best) best = t;
      }
      const sstc = this.harts[h]!.timerDeadline() - shift;
      if (sstc > after && sstc < best) best = sstc;
      if (timers !== undefined) {
        const sbi = timers[h]! - shift;
        if (sbi > after && sbi < best) best = sbi;
      }
    }
    return best;
  }

  /**
   * An IPI was sent to hart `target` (CLINT MSIP, SBI send_ipi). The sender usually
   * spins until the target answers (a TLB shootdown in OpenSBI, a cross-call in Linux),
   * so its slice ends here and the target gets to run within this round or the next,
   * instead of after a whole slice of spinning. Wakes a sleeping board too.
   */
  private ipiSent(target: number): void {
    const current = this.current;
    if (current >= 0 && current !== target) this.harts[current]!.requestExit();
    this.wakeUp();
  }

  /** Wakes a sleeping run loop (host input arrived, a backend raised an interrupt, or stop()). */
  private wakeUp(): void {
    const wake = this.wake;
    if (wake !== null) wake();
  }

  /** Records how the run ends (first reason wins) and gets the harts out of `run`. */
  private finish(outcome: RunOutcome): void {
    if (this.outcome !== null) return;
    this.outcome = outcome;
    for (const hart of this.harts) hart.requestExit();
    this.wakeUp();
  }

  /** HSM hart_start under native SBI: S-mode at `pc`, a0 = id, a1 = opaque. */
  private startHart(id: number, pc: number, opaque: bigint): void {
    enterSupervisor(this.harts[id]!, pc, opaque, true);
    this.running[id] = 1;
  }

  /** HSM hart_stop under native SBI: the hart leaves the run loop until started again. */
  private stopHart(id: number): void {
    this.running[id] = 0;
    this.harts[id]!.requestExit();
  }

  /** SBI system_reset: shutdown ends the run (reason failure as code 1), reboots ask for a reset. */
  private systemReset(type: SystemResetType, reason: SystemResetReason): void {
    if (type === 'shutdown')
      this.finish({ kind: 'shutdown', code: reason === 'failure' ? 1 : 0, source: 'sbi' });
    else this.finish(RESET);
  }

  /** A trap reached M-mode under native firmware, where no code runs: end the run saying so. */
  private unhandledTrap(id: number, cause: number, pc: number): void {
    const name = CAUSE_NAMES.get(cause) ?? `cause ${cause}`;
    this.finish({
      kind: 'error',
      message: `hart ${id}: ${name} at pc ${hex(pc)} trapped into M-mode, where native firmware runs no code`,
    });
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
