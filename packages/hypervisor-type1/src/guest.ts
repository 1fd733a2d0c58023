/*
 * One guest's virtual board: its RAM (a window of the board's RAM, seen at
 * guest-physical 0x8000_0000), the devices the hypervisor emulates for it (NS16550A
 * UART, PLIC, Goldfish RTC, SiFive test, eight virtio-mmio slots), its device tree,
 * its vCPUs' saved state, and the SBI platform its kernel calls.
 *
 * What a hostile guest can do here: program its own devices (each sees only its own
 * window and DMA only into this guest's RAM view: a descriptor outside it is refused
 * by @hvkit/devices), make SBI calls naming only its own vCPUs and its own RAM, print
 * as fast as it runs, and end itself. Nothing here holds a reference to another
 * guest or to the hypervisor's memory.
 */
import {
  GoldfishRtc,
  Ns16550a,
  PLIC_CLAIM_OFFSET,
  PLIC_CONTEXT_OFFSET,
  PLIC_CONTEXT_STRIDE,
  Plic,
  SifiveTest,
  VirtioBlk,
  VirtioMmio,
} from '@hvkit/devices';
import {
  type BlockBackend,
  type GuestPhysAddr,
  hex,
  type IrqLine,
  type MmioDevice,
  NO_IRQ,
  type RamRegion,
} from '@hvkit/interfaces';
import {
  type BootImage,
  copyImage,
  halfwordFinisher,
  imageSpans,
  placeDtb,
  placeInitrd,
  resolveImages,
  type Span,
  VIRT_DRAM_BASE,
  VIRT_ISA_EXTENSIONS,
  VIRT_PLIC_BASE,
  VIRT_PLIC_SIZE,
  VIRT_RTC_BASE,
  VIRT_RTC_IRQ,
  VIRT_RTC_SIZE,
  VIRT_TEST_BASE,
  VIRT_TEST_SIZE,
  VIRT_UART0_BASE,
  VIRT_UART0_IRQ,
  VIRT_UART0_SIZE,
  VIRT_VIRTIO_BASE,
  VIRT_VIRTIO_COUNT,
  VIRT_VIRTIO_IRQ,
  VIRT_VIRTIO_SIZE,
  virtDeviceTree,
} from '@hvkit/machine';
import {
  type HsmState,
  SbiFirmware,
  type SbiPlatform,
  type SystemResetReason,
  type SystemResetType,
} from '@hvkit/sbi';
import { GuestConsole } from './console.js';
import type { GuestPlan, PassthroughDevice } from './table.js';

/** `riscv,isa` of a vCPU: the board's harts less H (not offered to guests) and Sstc (guests use SBI timers). */
export const GUEST_ISA = 'rv64imafdc_zicsr_zifencei_zihintpause';
/** `riscv,isa-extensions` of a vCPU. */
export const GUEST_ISA_EXTENSIONS: readonly string[] = VIRT_ISA_EXTENSIONS.filter(
  (e) => e !== 'sstc' && e !== 'h',
);

/** What a guest is made of, resolved by the app (bytes and backends, never file names). */
export interface GuestImages {
  /** ELF, RISC-V Linux Image or raw binary; placed as QEMU's virt places it above firmware. */
  readonly kernel: Uint8Array;
  readonly initrd?: Uint8Array;
  /** One backend per `disks` entry of the table, in order. */
  readonly disks?: readonly BlockBackend[];
}

/** How a guest ended. */
export interface GuestExit {
  /** True for an SRST shutdown with no failure reason (or finisher pass). */
  readonly clean: boolean;
  /** One line: `shutdown`, `shutdown (failure)`, `finisher code 3`, `reboot asked (not supported)`, an error. */
  readonly reason: string;
}

/** An access the G-stage refused (outside the guest's RAM and devices). */
export interface BlockedAccess {
  readonly kind: 'load' | 'store' | 'fetch';
  /** Guest-physical address. */
  readonly gpa: number;
  /** Guest pc (virtual) of the instruction. */
  readonly pc: bigint;
}

/** The hypervisor's side of a guest's vCPUs, as the guest's SBI and devices need it. */
export interface VcpuControl {
  /** Sets or clears a VS interrupt bit (VSSIP/VSTIP/VSEIP) of vCPU `id` of `guest`, waking it if needed. */
  setVsip(guest: Guest, id: number, bit: number, level: boolean): void;
  /** vCPU `id`'s timer deadline (mtime ticks, Infinity = none); clears its VSTIP. */
  setTimer(guest: Guest, id: number, deadline: number): void;
  /** Starts stopped vCPU `id` at `pc` with a0 = id, a1 = opaque. */
  startVcpu(guest: Guest, id: number, pc: bigint, opaque: bigint): void;
  /** Stops the calling vCPU `id`. */
  stopVcpu(guest: Guest, id: number): void;
  /** Flushes vCPU `id`'s address translations (and instruction cache) wherever it runs. */
  fence(guest: Guest, id: number, kind: 'i' | 'vma'): void;
  /** The guest ended. */
  finish(guest: Guest, exit: GuestExit): void;
  /** The guest asked for a reset (SRST reboot, finisher reset): boot it again from its images. */
  reboot(guest: Guest): void;
  /** The guest completed a passed-through device's interrupt `source` on its PLIC. */
  completeForwarded(guest: Guest, source: number): void;
  /** Current time (mtime ticks). */
  now(): number;
}

/** A device window on the guest's bus. */
interface Window {
  readonly base: number;
  readonly size: number;
  readonly device: MmioDevice;
}

/** Saved architectural state of one vCPU while it is not on a hart. */
export class VcpuState {
  readonly xl = new Int32Array(33);
  readonly xh = new Int32Array(33);
  readonly fl = new Int32Array(32);
  readonly fh = new Int32Array(32);
  pc = 0n;
  /** sstatus.SPP at the trap: it ran in VS-mode (true) or VU-mode. */
  spp = true;
  fcsr = 0n;
  vsstatus = 0n;
  hie = 0n;
  vstvec = 0n;
  vsscratch = 0n;
  vsepc = 0n;
  vscause = 0n;
  vstval = 0n;
  vsatp = 0n;
  scounteren = 0n;
  senvcfg = 0n;
}

/** One virtual hart of a guest. */
export class Vcpu {
  /** `stopped` (HSM), `runnable` (on a hart or waiting for one), `waiting` (in WFI). */
  state: 'stopped' | 'runnable' | 'waiting' = 'stopped';
  /** The physical hart it is loaded on, or -1. */
  hart = -1;
  /** The hart it last ran on (affinity: no flush when it comes back). */
  lastHart = -1;
  /** VS interrupts the hypervisor holds pending for it (hvip bits) while it is not loaded. */
  hvip = 0;
  /** Timer deadline in mtime ticks; Infinity when none is armed. */
  timer = Number.POSITIVE_INFINITY;
  /** Its translations must be flushed before it runs again (a remote SFENCE.VMA while it was off its hart). */
  needsFlush = true;
  /** Weighted time it has run, for the time-sharing scheduler (ticks * 100 / share). */
  vruntime = 0;
  /** Ticks it has spent on a hart. */
  ran = 0;
  /** When it was last put on a hart (mtime ticks). */
  since = 0;
  readonly saved = new VcpuState();
  /** Physical harts it may run on: one when pinned, the guest's harts, or the pool. */
  allowed: ReadonlySet<number>;

  constructor(
    readonly guest: Guest,
    readonly id: number,
    allowed: ReadonlySet<number>,
  ) {
    this.allowed = allowed;
  }
}

/** Guest-physical window of each pass-through device (the same address as on the board). */
export const PASSTHROUGH_WINDOWS: Record<PassthroughDevice, { base: number; size: number; irq: number }> = {
  rtc: { base: VIRT_RTC_BASE, size: VIRT_RTC_SIZE, irq: VIRT_RTC_IRQ },
};

/** A guest and its virtual board. */
export class Guest {
  readonly name: string;
  /** The table's entry for it. */
  readonly plan: GuestPlan;
  /** VMID in hgatp (index + 1). */
  readonly vmid: number;
  /** Its RAM as the guest sees it: base 0x8000_0000, bytes = its window of the board's RAM. */
  readonly ram: RamRegion;
  readonly vcpus: Vcpu[] = [];
  readonly console: GuestConsole;
  readonly firmware: SbiFirmware;
  readonly uart: Ns16550a;
  readonly plic: Plic;
  readonly rtc: GoldfishRtc | undefined;
  readonly virtio: readonly VirtioMmio[];
  /** Where the boot vCPU starts and the device tree sits (guest-physical). */
  readonly entry: number;
  readonly dtbAddress: number;
  readonly image: BootImage;
  /** hgatp of its G-stage tables (set by the hypervisor that writes them). */
  hgatp = 0n;
  /** Board PLIC sources of its passed-through devices, forwarded to the same source of its own PLIC. */
  readonly forwarded: readonly number[];
  /** Times it was booted again. */
  reboots = 0;
  /** Accesses the G-stage refused. */
  blocked = 0;
  firstBlocked: BlockedAccess | undefined;
  exit: GuestExit | undefined;
  private readonly windows: Window[] = [];

  constructor(
    plan: GuestPlan,
    images: GuestImages,
    boardRam: RamRegion,
    control: VcpuControl,
    output: (byte: number) => void,
    allowed: (id: number) => ReadonlySet<number>,
    wallClock: () => bigint,
    /** The console of the guest this one reboots (its input queue carries over). */
    console?: GuestConsole,
  ) {
    this.name = plan.name;
    this.plan = plan;
    this.vmid = plan.index + 1;
    const offset = plan.hostBase - boardRam.base;
    if (offset < 0 || offset + plan.memory > boardRam.size) {
      throw new Error(`guest ${plan.name}: RAM [${hex(plan.hostBase)}, +${plan.memory}) is not on the board`);
    }
    const bytes = boardRam.bytes.subarray(offset, offset + plan.memory);
    bytes.fill(0);
    this.ram = { base: VIRT_DRAM_BASE as GuestPhysAddr, size: plan.memory, bytes };

    // Kernel, initrd and device tree go where QEMU's virt would put them under firmware.
    const { kernel } = resolveImages(images.kernel, 'auto', 'native', plan.memory);
    this.image = kernel;
    const used: Span[] = imageSpans(kernel, 'kernel');
    const initrd =
      images.initrd === undefined
        ? undefined
        : placeInitrd(images.initrd.length, kernel.entry, plan.memory, used);
    if (initrd !== undefined) used.push(initrd);
    const dtb = virtDeviceTree({
      memorySize: plan.memory,
      harts: plan.vcpus,
      isa: { string: GUEST_ISA, extensions: GUEST_ISA_EXTENSIONS },
      ...(plan.bootargs === undefined ? {} : { bootargs: plan.bootargs }),
      ...(initrd === undefined ? {} : { initrd }),
    }).build();
    this.dtbAddress = placeDtb(dtb.length, plan.memory, used);
    copyImage(kernel, bytes, VIRT_DRAM_BASE);
    if (initrd !== undefined && images.initrd !== undefined)
      bytes.set(images.initrd, initrd.start - VIRT_DRAM_BASE);
    bytes.set(dtb, this.dtbAddress - VIRT_DRAM_BASE);
    this.entry = kernel.entry;

    this.console = console ?? new GuestConsole(output);
    // The devices of a guest before a reboot must not take this one's input.
    this.console.clearListeners();
    // Context 2v is vCPU v's M-mode (nothing: guests have no M-mode), 2v + 1 its S-mode, which drives VSEIP.
    const lines: IrqLine[] = [];
    for (let v = 0; v < plan.vcpus; v++) {
      lines.push(NO_IRQ, { set: (level) => control.setVsip(this, v, 1 << 10, level) });
    }
    this.plic = new Plic({ harts: plan.vcpus, contextIrqs: lines, name: `${plan.name}.plic` });
    const plic = this.plic;
    // A completion of a passed-through device's source also completes it on the board's PLIC.
    this.attach(VIRT_PLIC_BASE, VIRT_PLIC_SIZE, {
      name: plic.name,
      size: plic.size,
      read: (o, size) => plic.read(o, size),
      write: (o, size, value) => {
        plic.write(o, size, value);
        if (
          o >= PLIC_CONTEXT_OFFSET &&
          o % PLIC_CONTEXT_STRIDE === PLIC_CLAIM_OFFSET &&
          this.forwarded.includes(value)
        ) {
          control.completeForwarded(this, value);
        }
      },
    });
    this.uart = new Ns16550a({
      backend: this.console,
      irq: this.plic.source(VIRT_UART0_IRQ),
      name: `${plan.name}.uart`,
    });
    this.attach(VIRT_UART0_BASE, VIRT_UART0_SIZE, this.uart);
    const test = new SifiveTest({
      power: {
        shutdown: (code) =>
          control.finish(this, {
            clean: code === 0,
            reason: code === 0 ? 'finisher pass' : `finisher code ${code}`,
          }),
        reset: () => control.reboot(this),
      },
      name: `${plan.name}.test`,
    });
    this.attach(VIRT_TEST_BASE, VIRT_TEST_SIZE, halfwordFinisher(test));
    this.forwarded = plan.passthrough.map((d) => PASSTHROUGH_WINDOWS[d].irq);
    if (plan.passthrough.includes('rtc')) {
      this.rtc = undefined;
    } else {
      this.rtc = new GoldfishRtc({
        now: wallClock,
        irq: this.plic.source(VIRT_RTC_IRQ),
        name: `${plan.name}.rtc`,
      });
      this.attach(VIRT_RTC_BASE, VIRT_RTC_SIZE, this.rtc);
    }
    const disks = images.disks ?? [];
    const slots: VirtioMmio[] = [];
    for (let slot = 0; slot < VIRT_VIRTIO_COUNT; slot++) {
      // As the virt board: the first disk in the highest slot, which Linux probes first.
      const backend = disks[VIRT_VIRTIO_COUNT - 1 - slot];
      const mmio = new VirtioMmio({
        ram: this.ram,
        irq: this.plic.source(VIRT_VIRTIO_IRQ + slot),
        name: `${plan.name}.virtio${slot}`,
        ...(backend === undefined ? {} : { device: new VirtioBlk({ backend }) }),
      });
      this.attach(VIRT_VIRTIO_BASE + slot * VIRT_VIRTIO_SIZE, VIRT_VIRTIO_SIZE, mmio);
      slots.push(mmio);
    }
    this.virtio = slots;

    for (let v = 0; v < plan.vcpus; v++) this.vcpus.push(new Vcpu(this, v, allowed(v)));
    this.firmware = new SbiFirmware(new GuestSbi(this, control));
  }

  /** True until the guest has ended. */
  get alive(): boolean {
    return this.exit === undefined;
  }

  /** The emulated device at guest-physical `gpa`, with the offset into its window. */
  deviceAt(gpa: number): { device: MmioDevice; offset: number } | undefined {
    for (const w of this.windows) {
      if (gpa >= w.base && gpa < w.base + w.size) return { device: w.device, offset: gpa - w.base };
    }
    return undefined;
  }

  /** Offset in `ram.bytes` of guest-physical [gpa, gpa + len), or -1 when any of it is outside the guest's RAM. */
  ramOffset(gpa: bigint, len: number): number {
    const base = BigInt(this.ram.base);
    if (len < 0 || gpa < base || gpa + BigInt(len) > base + BigInt(this.ram.size)) return -1;
    return Number(gpa - base);
  }

  /** Reads a 64-bit word of guest RAM (for the VS-stage walk), or undefined outside it. */
  readU64(gpa: bigint): bigint | undefined {
    const at = this.ramOffset(gpa, 8);
    if (at < 0 || at % 8 !== 0) return undefined;
    const b = this.ram.bytes;
    return new DataView(b.buffer, b.byteOffset + at, 8).getBigUint64(0, true);
  }

  /** Records a refused access. */
  recordBlocked(access: BlockedAccess): void {
    this.blocked++;
    this.firstBlocked ??= access;
  }

  private attach(base: number, size: number, device: MmioDevice): void {
    this.windows.push({ base, size, device });
  }
}

/** Largest number a timer deadline may be and still be compared exactly. */
const TWO53 = 2n ** 53n;

/** SBI for one guest: hart ids are its vCPU ids, addresses its guest-physical addresses. */
class GuestSbi implements SbiPlatform {
  readonly hartCount: number;
  private readonly input = new Uint8Array(256);

  constructor(
    private readonly guest: Guest,
    private readonly control: VcpuControl,
  ) {
    this.hartCount = guest.plan.vcpus;
  }

  hartExists(hartId: number): boolean {
    return hartId >= 0 && hartId < this.hartCount;
  }

  setTimer(hartId: number, stimeValue: bigint): void {
    this.control.setTimer(
      this.guest,
      hartId,
      stimeValue >= TWO53 ? Number.POSITIVE_INFINITY : Number(stimeValue),
    );
  }

  sendIpi(hartId: number): void {
    this.control.setVsip(this.guest, hartId, 1 << 2, true);
  }

  clearIpi(hartId: number): boolean {
    const v = this.guest.vcpus[hartId]!;
    const was = (v.hvip & (1 << 2)) !== 0;
    this.control.setVsip(this.guest, hartId, 1 << 2, false);
    return was;
  }

  remoteFenceI(hartId: number): void {
    this.control.fence(this.guest, hartId, 'i');
  }

  remoteSfenceVma(hartId: number): void {
    this.control.fence(this.guest, hartId, 'vma');
  }

  hartStart(hartId: number, startAddr: bigint, opaque: bigint): void {
    this.control.startVcpu(this.guest, hartId, startAddr, opaque);
  }

  hartStop(hartId: number): void {
    this.control.stopVcpu(this.guest, hartId);
  }

  hartState(hartId: number): HsmState {
    const v = this.guest.vcpus[hartId];
    return v === undefined || v.state === 'stopped' ? 'stopped' : 'started';
  }

  systemReset(type: SystemResetType, reason: SystemResetReason): void {
    if (type === 'shutdown') {
      this.control.finish(this.guest, {
        clean: reason === 'none',
        reason: reason === 'none' ? 'shutdown' : 'shutdown (failure)',
      });
    } else {
      this.control.reboot(this.guest);
    }
  }

  consoleWrite(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.guest.console.write(bytes[i]!);
  }

  consoleRead(max: number): Uint8Array {
    const limit = Math.min(max, this.input.length);
    let n = 0;
    while (n < limit) {
      const c = this.guest.console.read();
      if (c < 0) break;
      this.input[n++] = c;
    }
    return this.input.subarray(0, n);
  }

  readPhys(addr: bigint, len: number): Uint8Array | undefined {
    const at = this.guest.ramOffset(addr, len);
    return at < 0 ? undefined : this.guest.ram.bytes.subarray(at, at + len);
  }

  writePhys(addr: bigint, data: Uint8Array): boolean {
    const at = this.guest.ramOffset(addr, data.length);
    if (at < 0) return false;
    this.guest.ram.bytes.set(data, at);
    return true;
  }

  onUnhandledTrap(): void {
    // The hypervisor calls handleEcall only; no trap reaches here.
  }
}
