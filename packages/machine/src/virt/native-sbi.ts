/*
 * The virt board's side of native SBI (`bios: 'native'`): the `SbiPlatform` that
 * @hvkit/sbi's firmware calls while it serves an ECALL inside a hart's machine trap
 * hook. The board keeps what firmware would keep in M-mode: one supervisor timer per
 * hart, the HSM state of each hart, and the console (the UART's backend).
 *
 * What a hostile supervisor can do through it: program timers (at most one pending
 * deadline per hart; a deadline in the past raises STIP at once, never a loop), send
 * IPIs and fences to its own harts, start and stop its own secondary harts at
 * addresses inside RAM, print as fast as it runs, read and write its own RAM (every
 * range is checked against RAM; nothing outside it is reachable), and end its run.
 */
import { IRQ, type RiscvHart } from '@hvkit/cpu-core';
import type { CharBackend, RamRegion } from '@hvkit/interfaces';
import type { HsmState, SbiPlatform, SystemResetReason, SystemResetType } from '@hvkit/sbi';

/** What the platform needs from the board. */
export interface NativeSbiBoard {
  /** The harts, index = hart id (read only while serving calls, so it may be a getter filled in later). */
  readonly harts: readonly RiscvHart[];
  /** Guest RAM. */
  readonly ram: RamRegion;
  /** The console: the same backend as UART0. */
  readonly console: CharBackend;
  /** Current mtime (the `time` CSR). */
  mtime(): number;
  /** An IPI was made pending on hart `id` (the board may end the sender's slice so the target runs sooner). */
  ipiSent(id: number): void;
  /** Puts hart `id` in S-mode at `pc` with a0 = id, a1 = `opaque`, as firmware would after hart_start. */
  startHart(id: number, pc: number, opaque: bigint): void;
  /** Takes hart `id` off the run loop (it asked to stop). */
  stopHart(id: number): void;
  /** SRST / legacy shutdown. */
  systemReset(type: SystemResetType, reason: SystemResetReason): void;
  /** A trap reached M-mode where native firmware has no code. */
  unhandledTrap(id: number, cause: number, pc: number): void;
}

/** Largest number a supervisor timer deadline may be and still be compared exactly. */
const TWO53 = 2n ** 53n;
/** Bytes `consoleRead` takes per call at most (a DBCN read asks for its buffer size). */
const READ_CHUNK = 256;

/** `SbiPlatform` for the virt board under native firmware. */
export class VirtSbiPlatform implements SbiPlatform {
  readonly hartCount: number;
  /**
   * Supervisor timer deadline per hart in mtime ticks; Infinity when none is armed.
   * The board compares them with mtime between slices (`pollTimers`).
   */
  readonly timers: Float64Array;
  private readonly states: HsmState[];
  private readonly board: NativeSbiBoard;
  private readonly input = new Uint8Array(READ_CHUNK);

  /** A platform for harts 0..hartCount-1; every hart starts `stopped` except those in `started`. */
  constructor(board: NativeSbiBoard, hartCount: number, started: readonly number[]) {
    this.board = board;
    this.hartCount = hartCount;
    this.timers = new Float64Array(hartCount).fill(Number.POSITIVE_INFINITY);
    this.states = Array.from({ length: hartCount }, (_, id) =>
      started.includes(id) ? 'started' : 'stopped',
    );
  }

  hartExists(hartId: number): boolean {
    return hartId >= 0 && hartId < this.hartCount;
  }

  /** True when hart `id` runs (the board skips stopped harts). */
  isRunning(id: number): boolean {
    return this.states[id] === 'started';
  }

  setTimer(hartId: number, stimeValue: bigint): void {
    const hart = this.board.harts[hartId]!;
    const deadline = stimeValue >= TWO53 ? Number.POSITIVE_INFINITY : Number(stimeValue);
    this.timers[hartId] = deadline;
    hart.setSoftwarePending(IRQ.STIP, false);
    // A deadline already reached fires now rather than at the next slice; a later one
    // ends the caller's slice so the board sizes the next slice to reach it on time.
    if (deadline <= this.board.mtime()) this.fire(hartId);
    else if (deadline !== Number.POSITIVE_INFINITY) hart.requestExit();
  }

  /** Raises STIP on every hart whose timer is due (and disarms it); the board calls this between slices. */
  pollTimers(mtime: number): void {
    const timers = this.timers;
    for (let id = 0; id < timers.length; id++) if (timers[id]! <= mtime) this.fire(id);
  }

  private fire(id: number): void {
    this.timers[id] = Number.POSITIVE_INFINITY;
    this.board.harts[id]!.setSoftwarePending(IRQ.STIP, true);
  }

  sendIpi(hartId: number): void {
    this.board.harts[hartId]!.setSoftwarePending(IRQ.SSIP, true);
    this.board.ipiSent(hartId);
  }

  clearIpi(hartId: number): boolean {
    const hart = this.board.harts[hartId]!;
    const was = (hart.mip & (1 << IRQ.SSIP)) !== 0;
    hart.setSoftwarePending(IRQ.SSIP, false);
    return was;
  }

  remoteFenceI(hartId: number): void {
    this.board.harts[hartId]!.fenceI();
  }

  remoteSfenceVma(hartId: number): void {
    // A whole flush is always correct for a range or one ASID, and remote fences are rare.
    this.board.harts[hartId]!.flushTranslations();
  }

  hartStart(hartId: number, startAddr: bigint, opaque: bigint): void {
    this.states[hartId] = 'started';
    this.board.startHart(hartId, Number(startAddr), opaque);
  }

  hartStop(hartId: number): void {
    this.states[hartId] = 'stopped';
    this.timers[hartId] = Number.POSITIVE_INFINITY;
    this.board.stopHart(hartId);
  }

  hartState(hartId: number): HsmState {
    return this.states[hartId] ?? 'stopped';
  }

  systemReset(type: SystemResetType, reason: SystemResetReason): void {
    this.board.systemReset(type, reason);
  }

  consoleWrite(bytes: Uint8Array): void {
    const console = this.board.console;
    for (let i = 0; i < bytes.length; i++) console.write(bytes[i]!);
  }

  consoleRead(max: number): Uint8Array {
    const console = this.board.console;
    const limit = Math.min(max, READ_CHUNK);
    let n = 0;
    while (n < limit) {
      const c = console.read();
      if (c < 0) break;
      this.input[n++] = c;
    }
    return this.input.subarray(0, n);
  }

  readPhys(addr: bigint, len: number): Uint8Array | undefined {
    const at = this.ramOffset(addr, len);
    return at < 0 ? undefined : this.board.ram.bytes.subarray(at, at + len);
  }

  writePhys(addr: bigint, data: Uint8Array): boolean {
    const at = this.ramOffset(addr, data.length);
    if (at < 0) return false;
    this.board.ram.bytes.set(data, at);
    return true;
  }

  onUnhandledTrap(hartId: number, cause: number, pc: number): void {
    this.board.unhandledTrap(hartId, cause, pc);
  }

  /** Offset in RAM of guest-physical [addr, addr + len), or -1 when any of it is outside RAM. */
  private ramOffset(addr: bigint, len: number): number {
    const ram = this.board.ram;
    const base = BigInt(ram.base);
    if (addr < base || len < 0 || addr + BigInt(len) > base + BigInt(ram.size)) return -1;
    return Number(addr - base);
  }
}
