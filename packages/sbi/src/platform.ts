/*
 * What the firmware needs from a hart and from the board. Both are structural so
 * that @hvkit/sbi depends on nothing but @hvkit/interfaces: cpu-core's RiscvHart
 * satisfies SbiHart as it is, and a type-1 hypervisor's vCPU can too.
 */
import type { SBI_HSM_STATE } from './constants.js';

/**
 * The part of a hart an SBI call touches: the argument and result registers and pc.
 * XLEN is 64: each register is a low/high pair of 32-bit halves.
 */
export interface SbiHart {
  /** mhartid of the calling hart (the hart id SBI calls talk about). */
  readonly hartId: number;
  /** Low 32 bits of x0-x31 (index 10 is a0, 17 is a7). */
  readonly xl: Int32Array;
  /** High 32 bits of x0-x31. */
  readonly xh: Int32Array;
  /** Program counter; at an ECALL trap it addresses the ECALL, the firmware adds 4. */
  pc: number;
}

/** An HSM hart state (SBI HSM, table "HSM Hart States"); the key of `SBI_HSM_STATE`. */
export type HsmState = keyof typeof SBI_HSM_STATE;

/** SRST reset types the firmware passes on (reset_type 0, 1, 2). */
export type SystemResetType = 'shutdown' | 'cold-reboot' | 'warm-reboot';

/** SRST reset reasons the firmware passes on (reset_reason 0, 1). */
export type SystemResetReason = 'none' | 'failure';

/**
 * What the board provides to the firmware. Every call is synchronous: the firmware
 * serves an SBI call inside the hart's trap hook and writes a0/a1 before returning.
 * Hart ids are numbers the firmware has already checked with `hartExists`; addresses
 * and lengths are guest values the firmware has already range-checked (below 2^53),
 * but the board still decides what is accessible.
 */
export interface SbiPlatform {
  /** One more than the highest hart id; the harts are the ids in [0, hartCount) for which `hartExists` holds. */
  readonly hartCount: number;
  /** True when `hartId` is a hart the supervisor may name (enabled and assigned to it). */
  hartExists(hartId: number): boolean;

  /**
   * TIME: program that hart's supervisor timer to fire when time >= `stimeValue`
   * (unsigned 64-bit, absolute; 2^64 - 1 means never) and clear its pending STIP,
   * as the spec requires when the new deadline is in the future.
   */
  setTimer(hartId: number, stimeValue: bigint): void;

  /** IPI: make a supervisor software interrupt pending on that hart (`setSoftwarePending(IRQ.SSIP, true)`). */
  sendIpi(hartId: number): void;
  /** Legacy clear_ipi: clear SSIP on that hart; return whether it was pending. */
  clearIpi(hartId: number): boolean;

  /** RFENCE: that hart must see instruction-memory writes (drop its decoded-instruction cache); immediate on a single-threaded board. */
  remoteFenceI(hartId: number): void;
  /**
   * RFENCE: flush that hart's address translations for [start, start + size), for
   * one ASID when `asid` is given, for all ASIDs otherwise. A whole-address-space
   * flush always arrives as start 0, size `SBI_RFENCE_SIZE_ALL` (2^64 - 1).
   */
  remoteSfenceVma(hartId: number, start: bigint, size: bigint, asid?: number): void;

  /**
   * HSM: start a hart in state `stopped`: S-mode at `startAddr`, a0 = hart id,
   * a1 = `opaque` (unsigned 64-bit), satp = 0, sstatus.SIE = 0, and report it as
   * `start-pending` or `started` from then on. The firmware has checked the state
   * and that `startAddr` is even and readable (`readPhys(startAddr, 2)`).
   */
  hartStart(hartId: number, startAddr: bigint, opaque: bigint): void;
  /**
   * HSM: stop the calling hart (it asked to): it runs no more guest instructions
   * and reports `stopped` (or `stop-pending` until then). Called after the firmware
   * has written a0/a1 and stepped pc past the ECALL, so the board may reuse the hart.
   */
  hartStop(hartId: number): void;
  /** HSM: the current state of that hart (hart_get_status, and which harts an IPI or fence may target). */
  hartState(hartId: number): HsmState;
  /**
   * HSM: optional retentive suspend (suspend_type 0): park the calling hart like WFI
   * until an interrupt is pending, reporting `suspended` meanwhile. Called after a0 = 0
   * and pc are written, so resuming just continues the hart. Without it the suspend
   * returns at once, which the spec allows (any interrupt or event may end it).
   */
  hartSuspend?(hartId: number): void;

  /**
   * SRST (and legacy shutdown): power off or reset the whole machine. Called after
   * a0/a1 and pc are written; the board stops running guest instructions.
   */
  systemReset(type: SystemResetType, reason: SystemResetReason): void;

  /** DBCN and legacy putchar: send bytes to the console. `bytes` may be a view into guest RAM or firmware scratch: copy what you keep. */
  consoleWrite(bytes: Uint8Array): void;
  /** DBCN and legacy getchar: take at most `max` waiting input bytes without blocking (empty when none). */
  consoleRead(max: number): Uint8Array;

  /**
   * The bytes of guest-physical [addr, addr + len) if the supervisor may access all of
   * them (guest RAM), else undefined. The firmware also uses it as the accessibility
   * check of buffers it will write and of HSM start addresses, so return a view
   * (subarray) of RAM rather than a copy, and agree with `writePhys`.
   */
  readPhys(addr: bigint, len: number): Uint8Array | undefined;
  /** Copies `data` to guest-physical `addr`; all or nothing; false when any byte is not writable guest RAM. */
  writePhys(addr: bigint, data: Uint8Array): boolean;

  /**
   * A trap reached M-mode that native firmware does not serve (anything but an ECALL
   * from S-mode: a fault in M-mode, an exception the board did not delegate). The
   * hart then enters M-mode where no firmware code runs: the guest is broken; report it.
   */
  onUnhandledTrap(hartId: number, cause: number, pc: number): void;
}
