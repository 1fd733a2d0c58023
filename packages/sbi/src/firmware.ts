/*
 * Native SBI firmware: serves ECALLs from S-mode in TypeScript instead of running
 * M-mode code (DESIGN.md "How one instruction travels": the machine trap hook).
 *
 * What a hostile supervisor can do: put any value in a0-a7. Every register is read
 * as the full 64-bit value the spec defines; EIDs and FIDs must be sign-extended
 * 32-bit values (anything else is SBI_ERR_NOT_SUPPORTED); hart ids and hart masks
 * are checked against the platform before anything happens (a bad mask changes no
 * hart); guest-physical buffers are checked for overflow and for lying below 2^53
 * before the platform sees them, and the platform refuses what is not guest RAM.
 * No register value makes the firmware throw, allocate more than the guest's own
 * buffer, or loop more than 64 times per mask word. A guest can print as fast as it
 * runs, and can send IPIs and fences to its own harts, which is what SBI is for.
 */
import { GUEST_PHYS_LIMIT } from '@hvkit/interfaces';
import {
  CAUSE_SUPERVISOR_ECALL,
  HVKIT_SBI_IMPL_ID,
  HVKIT_SBI_IMPL_VERSION,
  SBI_ERR_ALREADY_AVAILABLE,
  SBI_ERR_FAILED,
  SBI_ERR_INVALID_ADDRESS,
  SBI_ERR_INVALID_PARAM,
  SBI_ERR_NOT_SUPPORTED,
  SBI_EXT_0_1_CLEAR_IPI,
  SBI_EXT_0_1_CONSOLE_GETCHAR,
  SBI_EXT_0_1_CONSOLE_PUTCHAR,
  SBI_EXT_0_1_REMOTE_FENCE_I,
  SBI_EXT_0_1_REMOTE_SFENCE_VMA,
  SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID,
  SBI_EXT_0_1_SEND_IPI,
  SBI_EXT_0_1_SET_TIMER,
  SBI_EXT_0_1_SHUTDOWN,
  SBI_EXT_BASE,
  SBI_EXT_BASE_GET_IMP_ID,
  SBI_EXT_BASE_GET_IMP_VERSION,
  SBI_EXT_BASE_GET_MARCHID,
  SBI_EXT_BASE_GET_MIMPID,
  SBI_EXT_BASE_GET_MVENDORID,
  SBI_EXT_BASE_GET_SPEC_VERSION,
  SBI_EXT_BASE_PROBE_EXT,
  SBI_EXT_DBCN,
  SBI_EXT_DBCN_CONSOLE_READ,
  SBI_EXT_DBCN_CONSOLE_WRITE,
  SBI_EXT_DBCN_CONSOLE_WRITE_BYTE,
  SBI_EXT_HSM,
  SBI_EXT_HSM_HART_START,
  SBI_EXT_HSM_HART_STATUS,
  SBI_EXT_HSM_HART_STOP,
  SBI_EXT_HSM_HART_SUSPEND,
  SBI_EXT_IPI,
  SBI_EXT_IPI_SEND_IPI,
  SBI_EXT_RFENCE,
  SBI_EXT_RFENCE_REMOTE_FENCE_I,
  SBI_EXT_RFENCE_REMOTE_SFENCE_VMA,
  SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID,
  SBI_EXT_SRST,
  SBI_EXT_SRST_RESET,
  SBI_EXT_TIME,
  SBI_EXT_TIME_SET_TIMER,
  SBI_HART_MASK_BASE_ALL,
  SBI_HSM_STATE,
  SBI_HSM_SUSPEND_NON_RET_DEFAULT,
  SBI_HSM_SUSPEND_RET_DEFAULT,
  SBI_MAX_ASID,
  SBI_RFENCE_SIZE_ALL,
  SBI_SPEC_VERSION,
  SBI_SUCCESS,
} from './constants.js';
import { NO_SBI_EVENTS, type SbiEvents, type SbiExtensionName } from './events.js';
import type { SbiHart, SbiPlatform, SystemResetReason, SystemResetType } from './platform.js';

/** Options of `new SbiFirmware`. */
export interface SbiFirmwareOptions {
  /** Observers for traces (default: none). */
  readonly events?: SbiEvents;
}

// Argument and result registers (x10-x17).
const A0 = 10;
const A1 = 11;
const A2 = 12;
const A3 = 13;
const A4 = 14;
const A6 = 16;
const A7 = 17;

const PHYS_LIMIT = BigInt(GUEST_PHYS_LIMIT);
const TWO64 = 1n << 64n;
const TWO32 = 0x1_0000_0000;
const RESET_TYPES: readonly SystemResetType[] = ['shutdown', 'cold-reboot', 'warm-reboot'];
const RESET_REASONS: readonly SystemResetReason[] = ['none', 'failure'];

/** Register `i` as the unsigned 64-bit value SBI's `unsigned long` arguments are. */
function argU(hart: SbiHart, i: number): bigint {
  return (BigInt(hart.xh[i]! >>> 0) << 32n) | BigInt(hart.xl[i]! >>> 0);
}

/** True when register `i` holds a sign-extended 32-bit value (how EIDs and FIDs are passed). */
function isInt32(hart: SbiHart, i: number): boolean {
  return hart.xh[i] === hart.xl[i]! >> 31;
}

/** Writes `v` (an integer in [-2^31, 2^53)) to register `i`, sign-extended to 64 bits. */
function setReg(hart: SbiHart, i: number, v: number): void {
  hart.xl[i] = v | 0;
  hart.xh[i] = v < 0 ? -1 : Math.floor(v / TWO32) | 0;
}

/** True for the EIDs this firmware serves (what sbi_probe_extension answers 1 for). */
function implemented(eid: number): boolean {
  switch (eid) {
    case SBI_EXT_BASE:
    case SBI_EXT_TIME:
    case SBI_EXT_IPI:
    case SBI_EXT_RFENCE:
    case SBI_EXT_HSM:
    case SBI_EXT_SRST:
    case SBI_EXT_DBCN:
      return true;
    default:
      return eid >= SBI_EXT_0_1_SET_TIMER && eid <= SBI_EXT_0_1_SHUTDOWN;
  }
}

/**
 * SBI implemented natively for an hvkit board (or a hypervisor's guests): BASE,
 * TIME, IPI, RFENCE (FENCE.I and SFENCE.VMA), HSM, SRST, DBCN and the legacy
 * extensions 0x00-0x08, reporting SBI 2.0. XLEN is 64.
 *
 * Stateless apart from scratch space: everything that persists (timers, pending
 * bits, hart states, the console) belongs to the platform, so a snapshot of the
 * board needs nothing from here.
 */
export class SbiFirmware {
  private readonly platform: SbiPlatform;
  private readonly events: SbiEvents;
  /** a1 of the call being served. */
  private value = 0;
  /** Work to do after a0/a1/pc are written (calls that do not return: stop, suspend, reset). */
  private after: (() => void) | undefined = undefined;
  /** Harts named by the hart mask being resolved. */
  private readonly targets: number[] = [];
  /** The range of the RFENCE call being served, after normalization. */
  private rangeStart = 0n;
  private rangeSize = 0n;
  /** One byte for putchar and write_byte. */
  private readonly byte = new Uint8Array(1);

  /** Firmware serving calls through `platform`. */
  constructor(platform: SbiPlatform, options: SbiFirmwareOptions = {}) {
    this.platform = platform;
    this.events = options.events ?? NO_SBI_EVENTS;
  }

  /**
   * The board's `machineTrapHook`: serves an ECALL from S-mode (cause 9) and returns
   * true with a0/a1 written and pc past the ECALL. Any other cause is reported to
   * `platform.onUnhandledTrap` and returns false (the hart then enters M-mode).
   */
  handleTrap(hart: SbiHart, cause: number): boolean {
    if (cause === CAUSE_SUPERVISOR_ECALL) {
      this.handleEcall(hart);
      return true;
    }
    this.events.unhandledTrap?.(hart.hartId, cause, hart.pc);
    this.platform.onUnhandledTrap(hart.hartId, cause, hart.pc);
    return false;
  }

  /**
   * Serves the SBI call in `hart`'s registers (a7 = EID, a6 = FID, a0-a5 = arguments):
   * writes a0 = error and a1 = value (legacy calls: a0 only) and adds 4 to pc. For a
   * hypervisor serving a guest's ECALL, whatever the trap cause was.
   */
  handleEcall(hart: SbiHart): void {
    const xl = hart.xl;
    const eid = xl[A7]!;
    this.value = 0;
    this.after = undefined;
    let extension: SbiExtensionName;
    let fid = 0;
    let result: number;
    if (isInt32(hart, A7) && eid >= 0 && eid <= 0x0f) {
      // Legacy range: a6 is ignored, a1 preserved.
      extension = eid <= SBI_EXT_0_1_SHUTDOWN ? 'legacy' : 'unknown';
      result = this.legacy(hart, eid);
      setReg(hart, A0, result);
    } else {
      fid = xl[A6]!;
      // A FID with garbage in its upper half matches no function (all FIDs are >= 0).
      const f = isInt32(hart, A6) ? fid : -1;
      if (!isInt32(hart, A7)) {
        extension = 'unknown';
        result = SBI_ERR_NOT_SUPPORTED;
      } else {
        switch (eid) {
          case SBI_EXT_BASE:
            extension = 'base';
            result = this.base(hart, f);
            break;
          case SBI_EXT_TIME:
            extension = 'time';
            result = this.time(hart, f);
            break;
          case SBI_EXT_IPI:
            extension = 'ipi';
            result = this.ipi(hart, f);
            break;
          case SBI_EXT_RFENCE:
            extension = 'rfence';
            result = this.rfence(hart, f);
            break;
          case SBI_EXT_HSM:
            extension = 'hsm';
            result = this.hsm(hart, f);
            break;
          case SBI_EXT_SRST:
            extension = 'srst';
            result = this.srst(hart, f);
            break;
          case SBI_EXT_DBCN:
            extension = 'dbcn';
            result = this.dbcn(hart, f);
            break;
          default:
            extension = 'unknown';
            result = SBI_ERR_NOT_SUPPORTED;
        }
      }
      setReg(hart, A0, result);
      setReg(hart, A1, result === SBI_SUCCESS ? this.value : 0);
    }
    hart.pc += 4;
    this.events.call?.(hart.hartId, extension, eid, fid, result);
    this.runAfter();
  }

  /** Runs the deferred action of the call just served, if any. */
  private runAfter(): void {
    const after = this.after;
    if (after === undefined) return;
    this.after = undefined;
    after();
  }

  // ---- BASE (EID 0x10) ----

  private base(hart: SbiHart, fid: number): number {
    switch (fid) {
      case SBI_EXT_BASE_GET_SPEC_VERSION:
        this.value = SBI_SPEC_VERSION;
        return SBI_SUCCESS;
      case SBI_EXT_BASE_GET_IMP_ID:
        this.value = HVKIT_SBI_IMPL_ID;
        return SBI_SUCCESS;
      case SBI_EXT_BASE_GET_IMP_VERSION:
        this.value = HVKIT_SBI_IMPL_VERSION;
        return SBI_SUCCESS;
      case SBI_EXT_BASE_PROBE_EXT:
        this.value = isInt32(hart, A0) && implemented(hart.xl[A0]!) ? 1 : 0;
        return SBI_SUCCESS;
      case SBI_EXT_BASE_GET_MVENDORID:
      case SBI_EXT_BASE_GET_MARCHID:
      case SBI_EXT_BASE_GET_MIMPID:
        this.value = 0;
        return SBI_SUCCESS;
      default:
        return SBI_ERR_NOT_SUPPORTED;
    }
  }

  // ---- TIME ----

  private time(hart: SbiHart, fid: number): number {
    if (fid !== SBI_EXT_TIME_SET_TIMER) return SBI_ERR_NOT_SUPPORTED;
    this.platform.setTimer(hart.hartId, argU(hart, A0));
    return SBI_SUCCESS;
  }

  // ---- IPI ----

  private ipi(hart: SbiHart, fid: number): number {
    if (fid !== SBI_EXT_IPI_SEND_IPI) return SBI_ERR_NOT_SUPPORTED;
    const err = this.hartMask(hart);
    if (err !== SBI_SUCCESS) return err;
    for (const id of this.targets) this.platform.sendIpi(id);
    return SBI_SUCCESS;
  }

  // ---- RFENCE ----

  private rfence(hart: SbiHart, fid: number): number {
    switch (fid) {
      case SBI_EXT_RFENCE_REMOTE_FENCE_I:
        return this.fenceI(this.hartMask(hart));
      case SBI_EXT_RFENCE_REMOTE_SFENCE_VMA:
        return this.sfenceVma(this.hartMask(hart), argU(hart, A2), argU(hart, A3), undefined);
      case SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID:
        return this.sfenceVma(this.hartMask(hart), argU(hart, A2), argU(hart, A3), argU(hart, A4));
      default:
        // HFENCE.GVMA/VVMA (FIDs 3-6) are for harts with the H extension, and
        // their hypervisor; not provided yet.
        return SBI_ERR_NOT_SUPPORTED;
    }
  }

  /** Runs FENCE.I on the resolved targets, after the mask error `maskError`. */
  private fenceI(maskError: number): number {
    if (maskError !== SBI_SUCCESS) return maskError;
    for (const id of this.targets) this.platform.remoteFenceI(id);
    return SBI_SUCCESS;
  }

  /** Runs SFENCE.VMA on the resolved targets; `asid` undefined means all ASIDs. */
  private sfenceVma(maskError: number, start: bigint, size: bigint, asid: bigint | undefined): number {
    if (maskError !== SBI_SUCCESS) return maskError;
    const rangeError = this.fenceRange(start, size);
    if (rangeError !== SBI_SUCCESS) return rangeError;
    if (asid !== undefined && asid > BigInt(SBI_MAX_ASID)) return SBI_ERR_INVALID_PARAM;
    const p = this.platform;
    for (const id of this.targets) {
      if (asid === undefined) p.remoteSfenceVma(id, this.rangeStart, this.rangeSize);
      else p.remoteSfenceVma(id, this.rangeStart, this.rangeSize, Number(asid));
    }
    return SBI_SUCCESS;
  }

  /**
   * Normalizes an RFENCE range into rangeStart/rangeSize: (0, 0) and (any, 2^64 - 1)
   * both mean everything, handed on as (0, 2^64 - 1); a range running past 2^64 is
   * SBI_ERR_INVALID_ADDRESS.
   */
  private fenceRange(start: bigint, size: bigint): number {
    if ((start === 0n && size === 0n) || size === SBI_RFENCE_SIZE_ALL) {
      this.rangeStart = 0n;
      this.rangeSize = SBI_RFENCE_SIZE_ALL;
      return SBI_SUCCESS;
    }
    if (start + size > TWO64) return SBI_ERR_INVALID_ADDRESS;
    this.rangeStart = start;
    this.rangeSize = size;
    return SBI_SUCCESS;
  }

  // ---- Hart masks ----

  /** Resolves hart_mask (a0) and hart_mask_base (a1) into `targets`. */
  private hartMask(hart: SbiHart): number {
    this.targets.length = 0;
    const base = argU(hart, A1);
    if (base === SBI_HART_MASK_BASE_ALL) {
      this.allTargets();
      return SBI_SUCCESS;
    }
    return this.maskWord(hart.xl[A0]!, hart.xh[A0]!, base);
  }

  /** Every hart an IPI or fence may reach (hart_mask_base = -1, legacy NULL mask). */
  private allTargets(): void {
    const p = this.platform;
    for (let id = 0; id < p.hartCount; id++) {
      if (p.hartExists(id) && this.interruptible(id)) this.targets.push(id);
    }
  }

  /**
   * Appends the harts of one 64-bit mask word (low/high halves) starting at hart
   * `base` to `targets`; SBI_ERR_INVALID_PARAM when a set bit names a hart that does
   * not exist or is not available (stopped), in which case nothing must be done.
   * `base` itself need not be a hart unless bit 0 is set.
   */
  private maskWord(lo: number, hi: number, base: bigint): number {
    if (lo === 0 && hi === 0) return SBI_SUCCESS;
    const p = this.platform;
    if (base >= BigInt(p.hartCount)) return SBI_ERR_INVALID_PARAM;
    const first = Number(base);
    for (let i = 0; i < 64; i++) {
      const bit = i < 32 ? (lo >>> i) & 1 : (hi >>> (i - 32)) & 1;
      if (bit === 0) continue;
      const id = first + i;
      if (id >= p.hartCount || !p.hartExists(id) || !this.interruptible(id)) return SBI_ERR_INVALID_PARAM;
      this.targets.push(id);
    }
    return SBI_SUCCESS;
  }

  /**
   * Whether a hart is available to receive IPIs and fences: started or suspended
   * (OpenSBI's "interruptible" harts). A stopped hart runs no supervisor code, so
   * naming one is SBI_ERR_INVALID_PARAM, as in OpenSBI.
   */
  private interruptible(id: number): boolean {
    const s = this.platform.hartState(id);
    return s === 'started' || s === 'suspended' || s === 'resume-pending';
  }

  /** True when an `unsigned long` hart id names an existing hart. */
  private hartValid(id: bigint): boolean {
    return id < BigInt(this.platform.hartCount) && this.platform.hartExists(Number(id));
  }

  // ---- HSM ----

  private hsm(hart: SbiHart, fid: number): number {
    const p = this.platform;
    switch (fid) {
      case SBI_EXT_HSM_HART_START: {
        const target = argU(hart, A0);
        if (!this.hartValid(target)) return SBI_ERR_INVALID_PARAM;
        const startAddr = argU(hart, A1);
        if (
          startAddr + 2n > PHYS_LIMIT ||
          (startAddr & 1n) !== 0n ||
          p.readPhys(startAddr, 2) === undefined
        ) {
          return SBI_ERR_INVALID_ADDRESS;
        }
        const id = Number(target);
        const state = p.hartState(id);
        if (state === 'started') return SBI_ERR_ALREADY_AVAILABLE;
        // Start-pending, stop-pending or suspended: a hart in transition cannot be started (as OpenSBI).
        if (state !== 'stopped') return SBI_ERR_INVALID_PARAM;
        p.hartStart(id, startAddr, argU(hart, A2));
        return SBI_SUCCESS;
      }
      case SBI_EXT_HSM_HART_STOP: {
        const id = hart.hartId;
        if (p.hartState(id) !== 'started') return SBI_ERR_FAILED;
        this.after = () => p.hartStop(id);
        return SBI_SUCCESS;
      }
      case SBI_EXT_HSM_HART_STATUS: {
        const target = argU(hart, A0);
        if (!this.hartValid(target)) return SBI_ERR_INVALID_PARAM;
        this.value = SBI_HSM_STATE[p.hartState(Number(target))];
        return SBI_SUCCESS;
      }
      case SBI_EXT_HSM_HART_SUSPEND: {
        const type = hart.xl[A0]! >>> 0; // uint32_t: the upper half is not part of it
        if (type === SBI_HSM_SUSPEND_RET_DEFAULT) {
          const id = hart.hartId;
          if (p.hartSuspend !== undefined) this.after = () => p.hartSuspend?.(id);
          return SBI_SUCCESS;
        }
        // Default non-retentive suspend is a defined type this firmware cannot do
        // (it would have to save and lose S-mode state); all others are reserved or
        // platform types nobody defined.
        return type === SBI_HSM_SUSPEND_NON_RET_DEFAULT ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM;
      }
      default:
        return SBI_ERR_NOT_SUPPORTED;
    }
  }

  // ---- SRST ----

  private srst(hart: SbiHart, fid: number): number {
    if (fid !== SBI_EXT_SRST_RESET) return SBI_ERR_NOT_SUPPORTED;
    // Both parameters are uint32_t: only the low halves count.
    const type = RESET_TYPES[hart.xl[A0]! >>> 0];
    const reason = RESET_REASONS[hart.xl[A1]! >>> 0];
    // Reserved, vendor and implementation-specific values are all unimplemented here.
    if (type === undefined || reason === undefined) return SBI_ERR_INVALID_PARAM;
    this.after = () => this.platform.systemReset(type, reason);
    return SBI_SUCCESS;
  }

  // ---- DBCN ----

  private dbcn(hart: SbiHart, fid: number): number {
    const p = this.platform;
    switch (fid) {
      case SBI_EXT_DBCN_CONSOLE_WRITE: {
        const len = this.dbcnBuffer(hart);
        if (len < 0) return SBI_ERR_INVALID_PARAM;
        if (len === 0) return SBI_SUCCESS;
        const bytes = p.readPhys(argU(hart, A1), len);
        if (bytes === undefined || bytes.length !== len) return SBI_ERR_INVALID_PARAM;
        p.consoleWrite(bytes);
        this.value = len;
        return SBI_SUCCESS;
      }
      case SBI_EXT_DBCN_CONSOLE_READ: {
        const len = this.dbcnBuffer(hart);
        if (len < 0) return SBI_ERR_INVALID_PARAM;
        if (len === 0) return SBI_SUCCESS;
        const addr = argU(hart, A1);
        // Check the whole output buffer before taking input that could not be delivered.
        if (p.readPhys(addr, len) === undefined) return SBI_ERR_INVALID_PARAM;
        let bytes = p.consoleRead(len);
        if (bytes.length > len) bytes = bytes.subarray(0, len);
        if (bytes.length > 0 && !p.writePhys(addr, bytes)) return SBI_ERR_FAILED;
        this.value = bytes.length;
        return SBI_SUCCESS;
      }
      case SBI_EXT_DBCN_CONSOLE_WRITE_BYTE:
        this.byte[0] = hart.xl[A0]! & 0xff;
        p.consoleWrite(this.byte);
        return SBI_SUCCESS;
      default:
        return SBI_ERR_NOT_SUPPORTED;
    }
  }

  /**
   * Checks a DBCN buffer (num_bytes a0, base_addr_lo a1, base_addr_hi a2) and returns
   * num_bytes, or -1 when the buffer cannot be guest memory: above 2^64 (hi != 0), or
   * ending past 2^53 (which also catches num_bytes near 2^64 and wrap-around), so
   * the platform only ever sees safe-integer lengths.
   */
  private dbcnBuffer(hart: SbiHart): number {
    if (hart.xl[A2] !== 0 || hart.xh[A2] !== 0) return -1;
    const len = argU(hart, A0);
    if (len >= PHYS_LIMIT || argU(hart, A1) + len > PHYS_LIMIT) return -1;
    return Number(len);
  }

  // ---- Legacy extensions (EIDs 0x00-0x0F) ----

  /** Serves legacy EID `eid` and returns its a0. */
  private legacy(hart: SbiHart, eid: number): number {
    const p = this.platform;
    const id = hart.hartId;
    switch (eid) {
      case SBI_EXT_0_1_SET_TIMER:
        p.setTimer(id, argU(hart, A0));
        return 0;
      case SBI_EXT_0_1_CONSOLE_PUTCHAR:
        this.byte[0] = hart.xl[A0]! & 0xff;
        p.consoleWrite(this.byte);
        return 0;
      case SBI_EXT_0_1_CONSOLE_GETCHAR: {
        const bytes = p.consoleRead(1);
        return bytes.length > 0 ? bytes[0]! : -1;
      }
      case SBI_EXT_0_1_CLEAR_IPI:
        return p.clearIpi(id) ? 1 : 0;
      case SBI_EXT_0_1_SEND_IPI: {
        const err = this.legacyMask(argU(hart, A0));
        if (err !== SBI_SUCCESS) return err;
        for (const t of this.targets) p.sendIpi(t);
        return 0;
      }
      case SBI_EXT_0_1_REMOTE_FENCE_I:
        return this.fenceI(this.legacyMask(argU(hart, A0)));
      case SBI_EXT_0_1_REMOTE_SFENCE_VMA:
        return this.sfenceVma(this.legacyMask(argU(hart, A0)), argU(hart, A1), argU(hart, A2), undefined);
      case SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID:
        return this.sfenceVma(
          this.legacyMask(argU(hart, A0)),
          argU(hart, A1),
          argU(hart, A2),
          argU(hart, A3),
        );
      case SBI_EXT_0_1_SHUTDOWN:
        this.after = () => p.systemReset('shutdown', 'none');
        return 0;
      default:
        return SBI_ERR_NOT_SUPPORTED;
    }
  }

  /**
   * Resolves a legacy hart mask into `targets`: `pointer` addresses ceil(hartCount / 64)
   * unsigned longs in guest memory (read as a physical address; see README), or is 0
   * for all harts as BBL and Linux's v0.1 code treat NULL. An unreadable mask is
   * SBI_ERR_INVALID_ADDRESS; a set bit naming no available hart SBI_ERR_INVALID_PARAM.
   */
  private legacyMask(pointer: bigint): number {
    this.targets.length = 0;
    if (pointer === 0n) {
      this.allTargets();
      return SBI_SUCCESS;
    }
    const words = Math.max(1, Math.ceil(this.platform.hartCount / 64));
    const len = words * 8;
    if (pointer + BigInt(len) > PHYS_LIMIT) return SBI_ERR_INVALID_ADDRESS;
    const bytes = this.platform.readPhys(pointer, len);
    if (bytes === undefined || bytes.length < len) return SBI_ERR_INVALID_ADDRESS;
    for (let w = 0; w < words; w++) {
      const o = w * 8;
      const lo = bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24);
      const hi = bytes[o + 4]! | (bytes[o + 5]! << 8) | (bytes[o + 6]! << 16) | (bytes[o + 7]! << 24);
      const err = this.maskWord(lo, hi, BigInt(w * 64));
      if (err !== SBI_SUCCESS) {
        this.targets.length = 0;
        return err;
      }
    }
    return SBI_SUCCESS;
  }
}
