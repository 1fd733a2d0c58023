/*
 * The type-1 hypervisor: native HS-mode software on a virt board whose harts have
 * the H extension. The board (VirtMachine, with hvkit's native SBI as the M-mode
 * firmware below) reports every trap into HS-mode through `hsTrapHook`; the
 * hypervisor answers through the harts' CSRs and the board's RAM only:
 *
 *   - each guest's RAM is a window of board RAM, mapped at guest-physical 0x8000_0000
 *     by G-stage tables (Sv39x4) written into RAM the hypervisor reserves for itself;
 *   - ECALL from VS is SBI, served by @hvkit/sbi's firmware over the guest's vCPUs;
 *   - a guest-page fault in an emulated device window is a device access, decoded
 *     from htinst (or the instruction) and done on the guest's own device; anywhere
 *     else it is blocked and the guest gets the access fault an absent address gives;
 *   - WFI in VS traps (hstatus.VTW), so a waiting vCPU gives its hart back; vCPUs
 *     time-share harts by their weights, preempted by the hypervisor's own timer
 *     (the firmware's SBI timer of that hart); a hart with nothing to run waits in a
 *     WFI loop in hypervisor memory, so the board sleeps rather than spins.
 *
 * What a hostile guest can do: run on its own harts (or its share of the pool),
 * touch its own RAM and devices, and end itself; every other access is counted.
 */
import type { RiscvHart } from '@hvkit/cpu-core';
import {
  PLIC_CLAIM_OFFSET,
  PLIC_CONTEXT_OFFSET,
  PLIC_CONTEXT_STRIDE,
  PLIC_ENABLE_OFFSET,
  PLIC_ENABLE_STRIDE,
  PLIC_PRIORITY_OFFSET,
} from '@hvkit/devices';
import type { AccessSize, Clock } from '@hvkit/interfaces';
import { hex } from '@hvkit/interfaces';
import {
  ConfigError,
  ImageError,
  type RunOutcome,
  VIRT_DRAM_BASE,
  VIRT_KERNEL_BASE,
  VirtMachine,
} from '@hvkit/machine';
import type { SbiHart } from '@hvkit/sbi';
import {
  CAUSE_ECALL_VS,
  CAUSE_FETCH_ACCESS,
  CAUSE_FETCH_GUEST_PAGE_FAULT,
  CAUSE_ILLEGAL_INSTRUCTION,
  CAUSE_LOAD_ACCESS,
  CAUSE_LOAD_GUEST_PAGE_FAULT,
  CAUSE_STORE_ACCESS,
  CAUSE_STORE_GUEST_PAGE_FAULT,
  CAUSE_VIRTUAL_INSTRUCTION,
  CSR_FCSR,
  CSR_HCOUNTEREN,
  CSR_HEDELEG,
  CSR_HENVCFG,
  CSR_HGATP,
  CSR_HIDELEG,
  CSR_HIE,
  CSR_HSTATUS,
  CSR_HTIMEDELTA,
  CSR_HTINST,
  CSR_HTVAL,
  CSR_HVIP,
  CSR_MEDELEG,
  CSR_SCOUNTEREN,
  CSR_SENVCFG,
  CSR_SEPC,
  CSR_SIE,
  CSR_SSTATUS,
  CSR_STVAL,
  CSR_STVEC,
  CSR_VSATP,
  CSR_VSCAUSE,
  CSR_VSEPC,
  CSR_VSSCRATCH,
  CSR_VSSTATUS,
  CSR_VSTVAL,
  CSR_VSTVEC,
  HEDELEG_GUEST,
  HSTATUS_SPV,
  HSTATUS_VTW,
  INSN_WFI,
  IRQ_SEI,
  IRQ_SSI,
  IRQ_STI,
  MEDELEG_HYPERVISOR,
  MIP_VSTIP,
  SSTATUS_FS,
  SSTATUS_SIE,
  SSTATUS_SPIE,
  SSTATUS_SPP,
  VS_INTERRUPTS,
} from './csr.js';
import {
  decodeInstruction,
  decodeTransformed,
  extendLoad,
  isPageWalkPseudo,
  type MemAccess,
} from './decode.js';
import { GStageTables, PageAllocator, PERM_RW, PERM_RWX } from './gstage.js';
import {
  type BlockedAccess,
  Guest,
  type GuestExit,
  type GuestImages,
  PASSTHROUGH_WINDOWS,
  type Vcpu,
  type VcpuControl,
} from './guest.js';
import { type GuestPlan, type Plan, TableError } from './table.js';
import { translateVs } from './vs-walk.js';

/** Where the hypervisor's code (the idle loop) sits: where a raw kernel goes above firmware. */
export const HYPERVISOR_CODE = VIRT_KERNEL_BASE;
/** `wfi; j .-4`: what a hart with nothing to run executes, in HS-mode. */
const IDLE_LOOP = new Uint8Array(new Uint32Array([INSN_WFI, 0xffdff06f]).buffer);
/** Board timebase (mtime ticks per second). */
const TICKS_PER_MS = 10_000;
/** Default time slice of a vCPU that shares its hart. */
const DEFAULT_SLICE_MS = 10;
const NEVER = (1n << 64n) - 1n;
/**
 * Traps a hart serves before it ends its slice of the board's run loop. The board
 * sizes slices in instructions, but an instruction that traps (a device access, an
 * SBI call) costs far more host time than one that does not: a guest printing through
 * its UART could otherwise hold every other hart's timers back for tens of ms.
 */
const TRAPS_PER_SLICE = 64;

/** Observers; every member optional. */
export interface Type1Events {
  /** A guest ended. */
  guestExited?(guest: string, exit: GuestExit): void;
  /** The G-stage refused a guest access. */
  blocked?(guest: string, access: BlockedAccess): void;
  /** A guest asked for a reset and boots again. */
  guestRebooted?(guest: string): void;
}

/** Options of `new Type1Hypervisor`. */
export interface Type1Options {
  /** The checked table (`checkTable` / `parseTable`). */
  readonly plan: Plan;
  /** Each guest's kernel, initrd and disk backends, by guest name. */
  readonly images: Readonly<Record<string, GuestImages>>;
  /** Each byte a guest writes to its console (UART or SBI); default dropped. */
  readonly output?: (guest: string, byte: number) => void;
  readonly events?: Type1Events;
  /** The board's time source; default real time. */
  readonly clock?: Clock;
  /** Wall clock of the guests' RTCs in ns since the epoch; default the host's. */
  readonly wallClock?: () => bigint;
  /** Time slice of vCPUs that share a hart, in ms; default 10. */
  readonly sliceMs?: number;
}

/** What one guest did. */
export interface GuestReport {
  readonly name: string;
  /** How it ended; undefined when the run ended first. */
  readonly exit: GuestExit | undefined;
  /** Accesses the G-stage refused, and the first of them. */
  readonly blocked: number;
  readonly firstBlocked: BlockedAccess | undefined;
  /** Time its vCPUs spent on harts, in ms of board time (all vCPUs together, this boot). */
  readonly cpuMs: number;
  /** Times it was booted again (SRST reboot, finisher reset). */
  readonly reboots: number;
}

/** How a run ended. */
export interface PartitionOutcome {
  /** `done`: every guest ended; `timeout`; `stopped` (stop()); `error` (the hypervisor or board broke). */
  readonly kind: 'done' | 'timeout' | 'stopped' | 'error';
  /** For `error`: one line. */
  readonly message?: string;
  /** True when every guest shut down cleanly. */
  readonly clean: boolean;
  readonly guests: readonly GuestReport[];
}

/** Per physical hart. */
interface HartSlot {
  /** The vCPU loaded on it, or null while it idles in HS. */
  current: Vcpu | null;
  /** The vCPU whose translations its TLB may hold. */
  lastLoaded: Vcpu | null;
  /** When the current vCPU's slice ends (mtime ticks). */
  sliceEnd: number;
  /** The deadline its HS timer is armed for (NaN: unknown, re-arm). */
  armed: number;
  /** Traps served since it last ended a slice. */
  traps: number;
}

/** The bare-metal hypervisor on its board. */
export class Type1Hypervisor {
  /** The physical board. */
  readonly machine: VirtMachine;
  /** The guests, in table order (a rebooted guest is a new object in its place). */
  get guests(): readonly Guest[] {
    return this.list;
  }
  private readonly list: Guest[] = [];
  private readonly options: Type1Options;
  private readonly pages: PageAllocator;
  private readonly wallClock: () => bigint;
  private readonly byName = new Map<string, Guest>();
  /** Board PLIC sources of passed-through devices: owner, the hart whose S-context takes them, claim open. */
  private readonly routes = new Map<number, { guest: string; hart: number; claimed: boolean }>();
  private readonly slots: HartSlot[] = [];
  /** Harts no guest owns (grows when a guest with its own harts ends). */
  private readonly pool = new Set<number>();
  private readonly events: Type1Events;
  /** Time slice of vCPUs that share a hart, in ticks (equal for all: weights act through vruntime). */
  private readonly slice: number;
  /** The hart whose trap is being handled, or -1. */
  private inHook = -1;
  private booted = false;
  private fatal: string | undefined;
  /** The calling vCPU as the SBI firmware sees it (reused: no allocation per call). */
  private readonly sbiCall: { -readonly [K in keyof SbiHart]: SbiHart[K] } = {
    hartId: 0,
    xl: new Int32Array(0),
    xh: new Int32Array(0),
    pc: 0,
  };

  constructor(options: Type1Options) {
    const { plan } = options;
    this.events = options.events ?? {};
    this.slice = (options.sliceMs ?? DEFAULT_SLICE_MS) * TICKS_PER_MS;
    for (const g of plan.guests) {
      if (options.images[g.name] === undefined) throw new Error(`no images given for guest "${g.name}"`);
    }
    this.machine = new VirtMachine({
      kernel: IDLE_LOOP,
      kernelFormat: 'raw',
      bios: 'native',
      memorySize: plan.board.memory,
      harts: plan.board.harts,
      hsTrapHook: (hart, cause, interrupt) => this.onTrap(hart, cause, interrupt),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    for (const h of plan.pool) this.pool.add(h);
    for (let h = 0; h < plan.board.harts; h++) {
      this.slots.push({ current: null, lastLoaded: null, sliceEnd: 0, armed: Number.NaN, traps: 0 });
    }

    // Page tables live in the reservation below the code page.
    this.pages = new PageAllocator(this.machine.ram, VIRT_DRAM_BASE, HYPERVISOR_CODE);
    this.options = options;
    this.wallClock = options.wallClock ?? (() => BigInt(Date.now()) * 1_000_000n);
    for (const g of plan.guests) {
      const guest = this.buildGuest(g);
      this.list.push(guest);
      this.byName.set(g.name, guest);
    }
  }

  /**
   * Builds guest `g` on its window of board RAM, with its kernel, device tree and boot
   * vCPU ready; writes its G-stage tables the first time (a reboot keeps them).
   */
  private buildGuest(g: GuestPlan, before?: Guest): Guest {
    const own = new Set(g.harts);
    const allowed = (v: number): ReadonlySet<number> =>
      g.harts.length === 0 ? this.pool : g.vcpus === g.harts.length ? new Set([g.harts[v]!]) : own;
    const output = this.options.output;
    let guest: Guest;
    try {
      guest = new Guest(
        g,
        this.options.images[g.name]!,
        this.machine.ram,
        this.control,
        output === undefined ? () => {} : (b) => output(g.name, b),
        allowed,
        this.wallClock,
        before?.console,
      );
    } catch (error) {
      // A kernel the loader refuses, or no room for the initrd or device tree: one table line.
      const where =
        error instanceof ImageError ? 'kernel' : error instanceof ConfigError ? 'memory' : undefined;
      if (where === undefined) throw error;
      throw new TableError([`table: guests[${g.index}].${where}: ${(error as Error).message}`]);
    }
    if (before === undefined) {
      const tables = new GStageTables(this.machine.ram, this.pages);
      tables.map(VIRT_DRAM_BASE, g.hostBase, g.memory, PERM_RWX);
      for (const d of g.passthrough) {
        const w = PASSTHROUGH_WINDOWS[d];
        tables.map(w.base, w.base, w.size, PERM_RW);
      }
      guest.hgatp = tables.hgatp(guest.vmid);
    } else {
      guest.hgatp = before.hgatp;
      guest.reboots = before.reboots + 1;
      guest.blocked = before.blocked;
      guest.firstBlocked = before.firstBlocked;
    }
    // The boot vCPU starts at the kernel entry with a0 = 0, a1 = the device tree, as QEMU boots hart 0.
    const v0 = guest.vcpus[0]!;
    this.resetVcpu(v0, BigInt(guest.entry), BigInt(guest.dtbAddress));
    v0.state = 'runnable';
    return guest;
  }

  /** Queues console input for guest `name` (its UART and SBI console read it). */
  sendInput(name: string, bytes: Uint8Array): void {
    const guest = this.byName.get(name);
    if (guest === undefined) throw new Error(`no guest named "${name}"`);
    guest.console.send(bytes);
  }

  /** Ends the run (outcome `stopped`). */
  stop(): void {
    this.machine.stop();
  }

  /** Boots the hypervisor on every hart and runs until every guest has ended (or `timeoutMs`). */
  async run(options: { readonly timeoutMs?: number } = {}): Promise<PartitionOutcome> {
    if (!this.booted) this.boot();
    const outcome: RunOutcome = await this.machine.run(
      options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
    );
    const end = this.now();
    for (const slot of this.slots) if (slot.current !== null) this.charge(slot.current, end);
    const guests = this.guests.map(
      (g): GuestReport => ({
        name: g.name,
        exit: g.exit,
        blocked: g.blocked,
        firstBlocked: g.firstBlocked,
        cpuMs: g.vcpus.reduce((sum, v) => sum + v.ran, 0) / TICKS_PER_MS,
        reboots: g.reboots,
      }),
    );
    const clean = this.guests.every((g) => g.exit?.clean === true);
    if (this.fatal !== undefined) return { kind: 'error', message: this.fatal, clean: false, guests };
    switch (outcome.kind) {
      case 'shutdown':
        return { kind: 'done', clean, guests };
      case 'timeout':
        return { kind: 'timeout', clean: false, guests };
      case 'stopped':
        return { kind: 'stopped', clean: false, guests };
      case 'reset':
        return { kind: 'error', message: 'the board was reset', clean: false, guests };
      case 'error':
        return { kind: 'error', message: outcome.message, clean: false, guests };
    }
  }

  // ---- boot ----

  /** What the hypervisor's boot code does on each hart before the first guest instruction. */
  private boot(): void {
    this.booted = true;
    const sbi = this.machine.sbi!;
    // The idle loop is at HYPERVISOR_CODE already: the board loaded it as its kernel.
    this.machine.harts.forEach((hart, h) => {
      // Hart 0 runs already; the others are started through the firmware's HSM, as on hardware.
      if (h !== 0) sbi.hartStart(h, BigInt(HYPERVISOR_CODE), 0n);
      // The firmware's part, as OpenSBI does on a hart with H: the traps only a hypervisor can handle go to HS.
      hart.writeCsrBig(CSR_MEDELEG, hart.readCsrBig(CSR_MEDELEG) | MEDELEG_HYPERVISOR);
      hart.writeCsrBig(CSR_STVEC, BigInt(HYPERVISOR_CODE));
      hart.writeCsrBig(CSR_HEDELEG, BigInt(HEDELEG_GUEST));
      hart.writeCsrBig(CSR_HIDELEG, BigInt(VS_INTERRUPTS));
      hart.writeCsrBig(CSR_HCOUNTEREN, 0xffff_ffffn);
      hart.writeCsrBig(CSR_HTIMEDELTA, 0n);
      hart.writeCsrBig(CSR_HSTATUS, hart.readCsrBig(CSR_HSTATUS) | HSTATUS_VTW);
      hart.writeCsrBig(CSR_SIE, BigInt((1 << IRQ_SSI) | (1 << IRQ_STI)));
      hart.writeCsrBig(CSR_SSTATUS, hart.readCsrBig(CSR_SSTATUS) | SSTATUS_FS);
    });
    for (const guest of this.list) for (const source of guest.forwarded) this.routeSource(guest, source);
    this.machine.harts.forEach((hart, h) => {
      this.inHook = h;
      try {
        this.resume(hart);
      } finally {
        this.inHook = -1;
      }
    });
  }

  // ---- the trap hook ----

  private onTrap(hart: RiscvHart, cause: number, interrupt: boolean): boolean {
    const h = hart.hartId;
    const slot = this.slots[h]!;
    this.inHook = h;
    if (++slot.traps >= TRAPS_PER_SLICE) {
      slot.traps = 0;
      hart.requestExit();
    }
    try {
      if (interrupt) {
        if (cause === IRQ_STI) slot.armed = Number.NaN;
        else if (cause === IRQ_SSI) this.machine.sbi!.clearIpi(h);
        else if (cause === IRQ_SEI) this.forwardInterrupt(h);
        this.pollTimers();
      } else if (slot.current === null) {
        this.fail(`hart ${h}: exception ${cause} in the hypervisor at ${hex(hart.readCsrBig(CSR_SEPC))}`);
        return true;
      } else {
        this.exception(hart, slot.current, cause);
      }
      this.resume(hart);
    } catch (error) {
      this.contain(hart, error);
    } finally {
      this.inHook = -1;
    }
    return true;
  }

  /**
   * Something threw while serving a trap (a bug, or a device that could not take what
   * the guest gave it): the guest whose trap it was ends, the others go on. Only a
   * throw with no guest to blame, or a second one, stops the board.
   */
  private contain(hart: RiscvHart, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const v = this.slots[hart.hartId]!.current;
    if (v === null || !v.guest.alive) {
      this.fail(`hart ${hart.hartId}: ${message}`);
      return;
    }
    this.finish(v.guest, { clean: false, reason: `hypervisor error serving its trap: ${message}` });
    try {
      this.resume(hart);
    } catch (again) {
      this.fail(`hart ${hart.hartId}: ${again instanceof Error ? again.message : String(again)}`);
    }
  }

  private exception(hart: RiscvHart, v: Vcpu, cause: number): void {
    switch (cause) {
      case CAUSE_ECALL_VS:
        this.ecall(hart, v);
        return;
      case CAUSE_FETCH_GUEST_PAGE_FAULT:
      case CAUSE_LOAD_GUEST_PAGE_FAULT:
      case CAUSE_STORE_GUEST_PAGE_FAULT:
        this.guestPageFault(hart, v, cause);
        return;
      case CAUSE_VIRTUAL_INSTRUCTION:
        this.virtualInstruction(hart, v);
        return;
      default:
        this.finish(v.guest, {
          clean: false,
          reason: `unexpected trap (cause ${cause}) at pc ${hex(hart.readCsrBig(CSR_SEPC))}`,
        });
    }
  }

  /** SBI call from VS: served by the guest's firmware, a0/a1 written, sepc past the ECALL. */
  private ecall(hart: RiscvHart, v: Vcpu): void {
    const call = this.sbiCall;
    call.hartId = v.id;
    call.xl = hart.xl;
    call.xh = hart.xh;
    call.pc = Number(BigInt.asIntN(64, hart.readCsrBig(CSR_SEPC)));
    v.guest.firmware.handleEcall(call);
    if (v.guest.alive && v.hart === hart.hartId)
      hart.writeCsrBig(CSR_SEPC, BigInt.asUintN(64, BigInt(call.pc)));
  }

  private guestPageFault(hart: RiscvHart, v: Vcpu, cause: number): void {
    const guest = v.guest;
    const stval = hart.readCsrBig(CSR_STVAL);
    const htinst = hart.readCsrBig(CSR_HTINST);
    const gpa = Number((hart.readCsrBig(CSR_HTVAL) << 2n) | (stval & 3n));
    const kind =
      cause === CAUSE_FETCH_GUEST_PAGE_FAULT
        ? 'fetch'
        : cause === CAUSE_LOAD_GUEST_PAGE_FAULT
          ? 'load'
          : 'store';
    const fault =
      kind === 'fetch' ? CAUSE_FETCH_ACCESS : kind === 'load' ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS;
    const window = kind === 'fetch' || isPageWalkPseudo(htinst) ? undefined : guest.deviceAt(gpa);
    if (window === undefined) {
      const access: BlockedAccess = { kind, gpa, pc: hart.readCsrBig(CSR_SEPC) };
      guest.recordBlocked(access);
      this.events.blocked?.(guest.name, access);
      this.inject(hart, v, fault, stval);
      return;
    }
    const access = htinst !== 0n ? decodeTransformed(htinst) : this.fetchAccess(hart, v);
    const { device, offset } = window;
    if (
      access === undefined ||
      access.store !== (kind === 'store') ||
      offset % Math.min(access.size, 4) !== 0 ||
      offset + access.size > device.size
    ) {
      this.inject(hart, v, fault, stval);
      return;
    }
    this.deviceAccess(hart, access, device, offset);
    if (guest.alive && v.hart === hart.hartId) {
      hart.writeCsrBig(CSR_SEPC, hart.readCsrBig(CSR_SEPC) + BigInt(access.length));
    }
  }

  /** Does a decoded load or store on an emulated device (8-byte accesses as two 4-byte ones). */
  private deviceAccess(
    hart: RiscvHart,
    access: MemAccess,
    device: { read(o: number, s: AccessSize): number; write(o: number, s: AccessSize, v: number): void },
    offset: number,
  ): void {
    if (access.store) {
      const value = hart.getX(access.reg);
      if (access.size === 8) {
        device.write(offset, 4, Number(value & 0xffff_ffffn));
        device.write(offset + 4, 4, Number((value >> 32n) & 0xffff_ffffn));
      } else {
        device.write(offset, access.size, Number(value & ((1n << BigInt(access.size * 8)) - 1n)));
      }
      return;
    }
    const raw =
      access.size === 8
        ? BigInt(device.read(offset, 4) >>> 0) | (BigInt(device.read(offset + 4, 4) >>> 0) << 32n)
        : BigInt(device.read(offset, access.size) >>> 0);
    if (access.reg !== 0) hart.setX(access.reg, extendLoad(raw, access));
  }

  /** Decodes the trapping instruction from guest memory (htinst was 0). */
  private fetchAccess(hart: RiscvHart, v: Vcpu): MemAccess | undefined {
    const inst = this.fetchInstruction(hart, v);
    return inst === undefined ? undefined : decodeInstruction(inst);
  }

  /** The instruction at the guest's sepc, read through its VS-stage tables; undefined when unreadable. */
  private fetchInstruction(hart: RiscvHart, v: Vcpu): number | undefined {
    const guest = v.guest;
    const vsatp = hart.readCsrBig(CSR_VSATP);
    const pc = hart.readCsrBig(CSR_SEPC);
    const half = (va: bigint): number | undefined => {
      const gpa = translateVs(vsatp, va, (a) => guest.readU64(a));
      if (gpa === undefined) return undefined;
      const at = guest.ramOffset(gpa, 2);
      if (at < 0) return undefined;
      return guest.ram.bytes[at]! | (guest.ram.bytes[at + 1]! << 8);
    };
    const lo = half(pc);
    if (lo === undefined) return undefined;
    if ((lo & 3) !== 3) return lo;
    const hi = half(pc + 2n);
    return hi === undefined ? undefined : (lo | (hi << 16)) >>> 0;
  }

  private virtualInstruction(hart: RiscvHart, v: Vcpu): void {
    const stval = hart.readCsrBig(CSR_STVAL);
    const inst = stval !== 0n ? Number(stval & 0xffff_ffffn) : this.fetchInstruction(hart, v);
    if (inst === INSN_WFI) {
      hart.writeCsrBig(CSR_SEPC, hart.readCsrBig(CSR_SEPC) + 4n);
      const pending = Number(hart.readCsrBig(CSR_HVIP)) & Number(hart.readCsrBig(CSR_HIE)) & VS_INTERRUPTS;
      if (pending === 0) v.state = 'waiting';
      return;
    }
    // A CSR or instruction VS-mode may not use (stimecmp, H instructions, ...): illegal, as for a guest OS on hardware without it.
    this.inject(hart, v, CAUSE_ILLEGAL_INSTRUCTION, BigInt(inst ?? 0));
  }

  /**
   * Delivers exception `cause` to the guest kernel as hardware would (priv spec "Trap
   * Handling in VS-mode"): vsepc, vscause, vstval, vsstatus.SPP/SPIE/SIE, then its vstvec.
   */
  private inject(hart: RiscvHart, v: Vcpu, cause: number, tval: bigint): void {
    const pc = hart.readCsrBig(CSR_SEPC);
    const handler = hart.readCsrBig(CSR_VSTVEC) & ~3n;
    if (handler === 0n || (pc === handler && cause === CAUSE_FETCH_ACCESS)) {
      this.finish(v.guest, {
        clean: false,
        reason: `exception ${cause} (tval ${hex(tval)}) at pc ${hex(pc)} with no trap handler to take it`,
      });
      return;
    }
    const sstatus = hart.readCsrBig(CSR_SSTATUS);
    const fromVs = (sstatus & SSTATUS_SPP) !== 0n;
    let vsstatus = hart.readCsrBig(CSR_VSSTATUS);
    const sie = (vsstatus & SSTATUS_SIE) !== 0n;
    vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
    if (fromVs) vsstatus |= SSTATUS_SPP;
    if (sie) vsstatus |= SSTATUS_SPIE;
    hart.writeCsrBig(CSR_VSSTATUS, vsstatus);
    hart.writeCsrBig(CSR_VSEPC, pc);
    hart.writeCsrBig(CSR_VSCAUSE, BigInt(cause));
    hart.writeCsrBig(CSR_VSTVAL, tval);
    hart.writeCsrBig(CSR_SEPC, handler);
    hart.writeCsrBig(CSR_SSTATUS, sstatus | SSTATUS_SPP);
  }

  // ---- scheduling ----

  /** Leaves the hook: continue the current vCPU, switch to another, or idle; arms the hart's timer. */
  private resume(hart: RiscvHart): void {
    const h = hart.hartId;
    const slot = this.slots[h]!;
    const now = this.now();
    let cur = slot.current;
    let fresh = false;
    if (cur !== null) {
      if (!cur.guest.alive) {
        this.charge(cur, now);
        cur.hart = -1;
        slot.current = cur = null;
      } else if (cur.state !== 'runnable') {
        this.unload(hart, cur, now);
        cur = null;
      } else if (now >= slot.sliceEnd && this.waitingFor(h, cur)) {
        this.charge(cur, now);
        const next = this.pick(h);
        if (next !== cur) {
          this.unload(hart, cur, now);
          cur = null;
        } else {
          slot.sliceEnd = now + this.slice;
        }
      }
    }
    if (cur === null) {
      const next = this.pick(h);
      if (next !== undefined) {
        this.load(hart, next, now);
        slot.sliceEnd = now + this.slice;
        cur = next;
        fresh = true;
      }
    }
    this.armTimer(h, now);
    if (cur === null) {
      // Idle: back to the WFI loop in HS with interrupts on.
      hart.writeCsrBig(CSR_SEPC, BigInt(HYPERVISOR_CODE));
      hart.writeCsrBig(CSR_HSTATUS, hart.readCsrBig(CSR_HSTATUS) & ~HSTATUS_SPV);
      hart.writeCsrBig(CSR_SSTATUS, hart.readCsrBig(CSR_SSTATUS) | SSTATUS_SPP | SSTATUS_SPIE);
    } else if (fresh) {
      hart.writeCsrBig(CSR_SEPC, cur.saved.pc);
      hart.writeCsrBig(CSR_HSTATUS, hart.readCsrBig(CSR_HSTATUS) | HSTATUS_SPV);
      const sstatus = hart.readCsrBig(CSR_SSTATUS) & ~SSTATUS_SPP;
      hart.writeCsrBig(CSR_SSTATUS, sstatus | SSTATUS_SPIE | (cur.saved.spp ? SSTATUS_SPP : 0n));
    }
    hart.sret();
  }

  /** Adds the time `v` ran since `since`, weighted by its guest's share. */
  private charge(v: Vcpu, now: number): void {
    v.ran += now - v.since;
    v.vruntime += ((now - v.since) * 100) / v.guest.plan.cpuShare;
    v.since = now;
  }

  /** True when a runnable vCPU other than `cur` waits for hart `h`. */
  private waitingFor(h: number, cur: Vcpu | null): boolean {
    for (const g of this.guests) {
      if (!g.alive) continue;
      for (const v of g.vcpus) {
        if (v !== cur && v.state === 'runnable' && v.hart === -1 && v.allowed.has(h)) return true;
      }
    }
    return false;
  }

  /** The runnable vCPU hart `h` should run: least weighted run time, then the one already there. */
  private pick(h: number): Vcpu | undefined {
    let best: Vcpu | undefined;
    for (const g of this.guests) {
      if (!g.alive) continue;
      for (const v of g.vcpus) {
        if (v.state !== 'runnable' || (v.hart !== -1 && v.hart !== h) || !v.allowed.has(h)) continue;
        if (
          best === undefined ||
          v.vruntime < best.vruntime ||
          (v.vruntime === best.vruntime && (v.hart === h || v.lastHart === h))
        ) {
          best = v;
        }
      }
    }
    return best;
  }

  /** Arms hart `h`'s HS timer for the earliest thing it must wake for. */
  private armTimer(h: number, now: number): void {
    const slot = this.slots[h]!;
    const cur = slot.current;
    let deadline = Number.POSITIVE_INFINITY;
    if (cur !== null) {
      deadline = cur.timer;
      if (this.waitingFor(h, cur)) deadline = Math.min(deadline, slot.sliceEnd);
    }
    for (const g of this.guests) {
      if (!g.alive) continue;
      for (const v of g.vcpus) {
        if (v.hart === -1 && v.state !== 'stopped' && v.timer < deadline && v.allowed.has(h))
          deadline = v.timer;
      }
    }
    if (deadline === slot.armed) return;
    slot.armed = deadline;
    const at = deadline === Number.POSITIVE_INFINITY ? NEVER : BigInt(Math.max(Math.ceil(deadline), now));
    this.machine.sbi!.setTimer(h, at);
  }

  /** Raises VSTIP of every vCPU whose timer is due. */
  private pollTimers(): void {
    const now = this.now();
    for (const g of this.guests) {
      if (!g.alive) continue;
      for (const v of g.vcpus) {
        if (v.timer <= now) {
          v.timer = Number.POSITIVE_INFINITY;
          this.setVsip(v, MIP_VSTIP, true);
        }
      }
    }
  }

  /** Puts `v` on `hart`: registers, VS CSRs, its guest's G-stage. */
  private load(hart: RiscvHart, v: Vcpu, now: number): void {
    const slot = this.slots[hart.hartId]!;
    const s = v.saved;
    for (let i = 1; i < 32; i++) {
      hart.xl[i] = s.xl[i]!;
      hart.xh[i] = s.xh[i]!;
    }
    hart.fl.set(s.fl);
    hart.fh.set(s.fh);
    hart.writeCsrBig(CSR_FCSR, s.fcsr);
    hart.writeCsrBig(CSR_HGATP, v.guest.hgatp);
    hart.writeCsrBig(CSR_HENVCFG, 0n);
    hart.writeCsrBig(CSR_VSSTATUS, s.vsstatus);
    hart.writeCsrBig(CSR_HIE, s.hie);
    hart.writeCsrBig(CSR_VSTVEC, s.vstvec);
    hart.writeCsrBig(CSR_VSSCRATCH, s.vsscratch);
    hart.writeCsrBig(CSR_VSEPC, s.vsepc);
    hart.writeCsrBig(CSR_VSCAUSE, s.vscause);
    hart.writeCsrBig(CSR_VSTVAL, s.vstval);
    hart.writeCsrBig(CSR_VSATP, s.vsatp);
    hart.writeCsrBig(CSR_SCOUNTEREN, s.scounteren);
    hart.writeCsrBig(CSR_SENVCFG, s.senvcfg);
    hart.writeCsrBig(CSR_HVIP, BigInt(v.hvip));
    if (slot.lastLoaded !== v || v.needsFlush) {
      // Another vCPU's VS-stage translations (and, of another guest, G-stage) must not survive.
      hart.hfenceGvma();
      hart.fenceI();
      v.needsFlush = false;
    }
    hart.clearReservation();
    v.hart = hart.hartId;
    v.lastHart = hart.hartId;
    v.since = now;
    slot.current = v;
    slot.lastLoaded = v;
  }

  /** Takes `v` off `hart`, saving what it needs to continue elsewhere. */
  private unload(hart: RiscvHart, v: Vcpu, now: number): void {
    const s = v.saved;
    this.charge(v, now);
    s.pc = hart.readCsrBig(CSR_SEPC);
    s.spp = (hart.readCsrBig(CSR_SSTATUS) & SSTATUS_SPP) !== 0n;
    for (let i = 1; i < 32; i++) {
      s.xl[i] = hart.xl[i]!;
      s.xh[i] = hart.xh[i]!;
    }
    s.fl.set(hart.fl);
    s.fh.set(hart.fh);
    s.fcsr = hart.readCsrBig(CSR_FCSR);
    s.vsstatus = hart.readCsrBig(CSR_VSSTATUS);
    s.hie = hart.readCsrBig(CSR_HIE);
    s.vstvec = hart.readCsrBig(CSR_VSTVEC);
    s.vsscratch = hart.readCsrBig(CSR_VSSCRATCH);
    s.vsepc = hart.readCsrBig(CSR_VSEPC);
    s.vscause = hart.readCsrBig(CSR_VSCAUSE);
    s.vstval = hart.readCsrBig(CSR_VSTVAL);
    s.vsatp = hart.readCsrBig(CSR_VSATP);
    s.scounteren = hart.readCsrBig(CSR_SCOUNTEREN);
    s.senvcfg = hart.readCsrBig(CSR_SENVCFG);
    // VSSIP is the guest's to clear (sip.SSIP); the rest are ours.
    v.hvip = Number(hart.readCsrBig(CSR_HVIP)) & VS_INTERRUPTS;
    v.hart = -1;
    this.slots[hart.hartId]!.current = null;
  }

  /** Zeroes `v` and sets it up to start at `pc` with a0 = its id, a1 = `arg1`, in VS-mode with paging off. */
  private resetVcpu(v: Vcpu, pc: bigint, arg1: bigint): void {
    const s = v.saved;
    s.xl.fill(0);
    s.xh.fill(0);
    s.fl.fill(0);
    s.fh.fill(0);
    s.xl[10] = v.id;
    s.xl[11] = Number(arg1 & 0xffff_ffffn) | 0;
    s.xh[11] = Number((arg1 >> 32n) & 0xffff_ffffn) | 0;
    s.pc = pc;
    s.spp = true;
    s.fcsr = 0n;
    s.vsstatus = 0n;
    s.hie = 0n;
    s.vstvec = 0n;
    s.vsscratch = 0n;
    s.vsepc = 0n;
    s.vscause = 0n;
    s.vstval = 0n;
    s.vsatp = 0n;
    s.scounteren = 0n;
    s.senvcfg = 0n;
    v.hvip = 0;
    v.timer = Number.POSITIVE_INFINITY;
    v.needsFlush = true;
  }

  /** Hart `h` must look at its run queue again (a vCPU woke or its guest ended). */
  private kick(h: number): void {
    if (h !== this.inHook) this.machine.sbi!.sendIpi(h);
  }

  /** `v` became runnable: get an idle hart it may use to run it, or make a busy one reconsider. */
  private wake(v: Vcpu): void {
    let min = Number.POSITIVE_INFINITY;
    for (const g of this.guests) {
      if (!g.alive) continue;
      for (const o of g.vcpus) if (o !== v && o.state === 'runnable' && o.vruntime < min) min = o.vruntime;
    }
    // A vCPU that slept does not get to run for as long as it slept.
    if (Number.isFinite(min) && v.vruntime < min) v.vruntime = min;
    let busy = -1;
    for (const h of v.allowed) {
      if (this.slots[h]!.current === null) {
        this.kick(h);
        return;
      }
      if (busy < 0 || h === v.lastHart) busy = h;
    }
    if (busy >= 0) this.kick(busy);
  }

  /** Sets a VS interrupt bit of `v`, in its hart's hvip if it is loaded; a pending, enabled one wakes it from WFI. */
  private setVsip(v: Vcpu, bit: number, level: boolean): void {
    if (!v.guest.alive) return;
    v.hvip = level ? v.hvip | bit : v.hvip & ~bit;
    if (v.hart >= 0) {
      const hart = this.machine.harts[v.hart]!;
      const was = Number(hart.readCsrBig(CSR_HVIP));
      const now = level ? was | bit : was & ~bit;
      if (now !== was) hart.writeCsrBig(CSR_HVIP, BigInt(now));
      if (level && v.hart !== this.inHook) this.kick(v.hart);
      return;
    }
    if (level && v.state === 'waiting' && (v.hvip & Number(v.saved.hie)) !== 0) {
      v.state = 'runnable';
      this.wake(v);
    }
  }

  /** The guest ended: its vCPUs stop, its harts are freed for the pool, its RAM is scrubbed. */
  private finish(guest: Guest, exit: GuestExit): void {
    if (!guest.alive) return;
    guest.exit = exit;
    for (const v of guest.vcpus) {
      v.state = 'stopped';
      v.timer = Number.POSITIVE_INFINITY;
      if (v.hart >= 0) this.kick(v.hart);
    }
    for (const h of guest.plan.harts) {
      this.pool.add(h);
      // An idle hart that joins the pool may have pool vCPUs to run.
      if (this.slots[h]!.current === null) this.kick(h);
    }
    this.releaseForwarded(guest, true);
    // Nothing it left behind is readable by whoever gets its RAM next.
    guest.ram.bytes.fill(0);
    this.events.guestExited?.(guest.name, exit);
    if (this.guests.every((g) => !g.alive)) {
      const clean = this.guests.every((g) => g.exit?.clean === true);
      this.machine.sbi!.systemReset('shutdown', clean ? 'none' : 'failure');
    }
  }

  // ---- interrupts of passed-through devices ----

  /** The board PLIC's S-context register `reg` of hart `h`. */
  private static contextRegister(h: number, reg: number): number {
    return PLIC_CONTEXT_OFFSET + PLIC_CONTEXT_STRIDE * (2 * h + 1) + reg;
  }

  /**
   * Routes board PLIC `source` (a device passed through to `guest`) to the S-context of
   * one of the guest's harts (its first, or the pool's first) and enables SEI there.
   */
  private routeSource(guest: Guest, source: number): void {
    const h = guest.plan.harts[0] ?? this.pool.values().next().value ?? 0;
    const plic = this.machine.plic;
    const ctx = 2 * h + 1;
    plic.write(PLIC_PRIORITY_OFFSET + 4 * source, 4, 1);
    const enable = PLIC_ENABLE_OFFSET + PLIC_ENABLE_STRIDE * ctx + 4 * (source >>> 5);
    plic.write(enable, 4, plic.read(enable, 4) | (1 << (source & 31)));
    plic.write(Type1Hypervisor.contextRegister(h, 0), 4, 0);
    const hart = this.machine.harts[h]!;
    hart.writeCsrBig(CSR_SIE, hart.readCsrBig(CSR_SIE) | (1n << BigInt(IRQ_SEI)));
    this.routes.set(source, { guest: guest.name, hart: h, claimed: false });
  }

  /**
   * SEI on hart `h`: claim from the board's PLIC and raise the same source on the owning
   * guest's PLIC. The board's claim stays open until the guest completes it, so a level
   * that stays high interrupts once per completion, not in a storm.
   */
  private forwardInterrupt(h: number): void {
    const plic = this.machine.plic;
    const claim = Type1Hypervisor.contextRegister(h, PLIC_CLAIM_OFFSET);
    const source = plic.read(claim, 4);
    if (source === 0) return;
    const route = this.routes.get(source);
    const guest = route === undefined ? undefined : this.byName.get(route.guest);
    if (route === undefined || guest === undefined || !guest.alive) {
      plic.write(claim, 4, source);
      return;
    }
    route.claimed = true;
    guest.plic.source(source).set(true);
  }

  /** The guest completed `source`: lower it on its PLIC and complete the board's claim. */
  private completeForwarded(guest: Guest, source: number): void {
    const route = this.routes.get(source);
    if (route === undefined || route.guest !== guest.name || !route.claimed) return;
    route.claimed = false;
    guest.plic.source(source).set(false);
    this.machine.plic.write(Type1Hypervisor.contextRegister(route.hart, PLIC_CLAIM_OFFSET), 4, source);
  }

  /**
   * Completes the board claims a guest left open (it rebooted), and when it `ended`,
   * masks its sources too: a device nobody serves must not hold its hart in interrupts.
   */
  private releaseForwarded(guest: Guest, ended = false): void {
    const plic = this.machine.plic;
    for (const source of guest.forwarded) {
      const route = this.routes.get(source);
      if (route === undefined) continue;
      if (ended) {
        const enable = PLIC_ENABLE_OFFSET + PLIC_ENABLE_STRIDE * (2 * route.hart + 1) + 4 * (source >>> 5);
        plic.write(enable, 4, plic.read(enable, 4) & ~(1 << (source & 31)));
        this.routes.delete(source);
      }
      if (route.claimed) {
        route.claimed = false;
        plic.write(Type1Hypervisor.contextRegister(route.hart, PLIC_CLAIM_OFFSET), 4, source);
      }
    }
  }

  /**
   * The guest asked for a reset: its vCPUs stop where they are, and a new guest in its
   * place boots from the same images on the same RAM, tables and console.
   */
  private reboot(old: Guest): void {
    if (!old.alive) return;
    old.exit = { clean: false, reason: 'rebooted' };
    for (const v of old.vcpus) {
      v.state = 'stopped';
      v.timer = Number.POSITIVE_INFINITY;
      if (v.hart >= 0) this.kick(v.hart);
    }
    this.releaseForwarded(old);
    const fresh = this.buildGuest(old.plan, old);
    const at = this.list.indexOf(old);
    this.list[at] = fresh;
    this.byName.set(fresh.name, fresh);
    this.events.guestRebooted?.(fresh.name);
    this.wake(fresh.vcpus[0]!);
  }

  private fail(message: string): void {
    this.fatal ??= message;
    this.machine.stop();
  }

  private now(): number {
    return this.machine.clint.mtime();
  }

  /** The hypervisor's side of the guests' SBI and devices. */
  private readonly control: VcpuControl = {
    setVsip: (guest, id, bit, level) => {
      const v = guest.vcpus[id];
      if (v !== undefined) this.setVsip(v, bit, level);
    },
    setTimer: (guest, id, deadline) => {
      const v = guest.vcpus[id];
      if (v === undefined) return;
      v.timer = deadline;
      this.setVsip(v, MIP_VSTIP, false);
      if (deadline <= this.now()) {
        v.timer = Number.POSITIVE_INFINITY;
        this.setVsip(v, MIP_VSTIP, true);
      }
    },
    startVcpu: (guest, id, pc, opaque) => {
      const v = guest.vcpus[id];
      if (v === undefined || v.state !== 'stopped') return;
      this.resetVcpu(v, pc, opaque);
      v.state = 'runnable';
      this.wake(v);
    },
    stopVcpu: (guest, id) => {
      const v = guest.vcpus[id];
      if (v === undefined) return;
      v.state = 'stopped';
      v.timer = Number.POSITIVE_INFINITY;
    },
    fence: (guest, id, kind) => {
      const v = guest.vcpus[id];
      if (v === undefined) return;
      if (v.hart < 0) {
        v.needsFlush = true;
        return;
      }
      const hart = this.machine.harts[v.hart]!;
      // A guest's SFENCE.VMA fences its VS-stage (priv spec: HFENCE.VVMA for the hypervisor).
      if (kind === 'i') hart.fenceI();
      else hart.hfenceVvma();
    },
    finish: (guest, exit) => this.finish(guest, exit),
    reboot: (guest) => this.reboot(guest),
    completeForwarded: (guest, source) => this.completeForwarded(guest, source),
    now: () => this.now(),
  };
}
