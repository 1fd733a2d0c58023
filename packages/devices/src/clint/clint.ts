/*
 * CLINT as on QEMU's virt board: an ACLINT MSWI (machine software interrupts)
 * at +0x0000 and an ACLINT MTIMER (mtimecmp at +0x4000, mtime at +0xBFF8) in
 * one 0x10000 window (RISC-V ACLINT spec, chapters 2 and 3).
 *
 * What a hostile guest can do (only M-mode code reaches it on virt, but a type-1
 * hypervisor may pass it through): raise software interrupts on any hart of its
 * board, set timers in the past (a timer interrupt every slice) or never, and
 * write mtime to any 64-bit value, including past 2^53 where `mtime()` as a
 * number loses precision (the bigint path stays exact). Nothing it writes makes
 * the device allocate or loop more than once per hart. Non-32-bit or misaligned
 * accesses, and registers of harts that do not exist, read 0 and are ignored.
 */
import type { AccessSize, Clock, IrqLine, MmioDevice, SnapshotState, Snapshottable } from '@hvkit/interfaces';

/** Length of the CLINT window on virt (MSWI + MTIMER). */
export const CLINT_WINDOW_SIZE = 0x1_0000;
/** Offset of the MSWI MSIP registers, 4 bytes per hart (ACLINT 3.2). */
export const CLINT_MSIP_OFFSET = 0x0000;
/** Offset of the MTIMER MTIMECMP registers, 8 bytes per hart (ACLINT 2.2). */
export const CLINT_MTIMECMP_OFFSET = 0x4000;
/** Offset of the MTIMER MTIME register (ACLINT 2.1 at the virt layout's 0xBFF8). */
export const CLINT_MTIME_OFFSET = 0xbff8;
/** Most harts one MTIMER device serves (ACLINT 2). */
export const CLINT_MAX_HARTS = 4095;
/** Tick rate of mtime on the virt board (10 MHz). */
export const CLINT_TIMEBASE_FREQUENCY = 10_000_000;

const TWO_32 = 0x1_0000_0000;
const MASK_64 = (1n << 64n) - 1n;

/** Construction options of `Clint`. */
export interface ClintOptions {
  /** Number of harts (1..4095). */
  readonly harts: number;
  /** Source of mtime ticks (10 MHz on virt). */
  readonly clock: Clock;
  /** One line per hart, driving mip.MSIP. */
  readonly msip: readonly IrqLine[];
  /** One line per hart, driving mip.MTIP. */
  readonly mtip: readonly IrqLine[];
  /** Name used in bus messages; defaults to `clint`. */
  readonly name?: string;
}

/** Saved state of a `Clint` (plain data; 64-bit values as 32-bit halves or decimal strings). */
export interface ClintState extends SnapshotState {
  readonly kind: 'clint';
  readonly version: 1;
  /** MSIP bit per hart. */
  readonly msip: readonly number[];
  /** Low 32 bits of each hart's mtimecmp. */
  readonly mtimecmpLo: readonly number[];
  /** High 32 bits of each hart's mtimecmp. */
  readonly mtimecmpHi: readonly number[];
  /** mtime when saved, as a decimal string (restore resumes counting from it). */
  readonly mtime: string;
}

/** ACLINT MSWI + MTIMER in QEMU virt's CLINT layout. */
export class Clint implements MmioDevice, Snapshottable<ClintState> {
  /** Name used in bus messages. */
  readonly name: string;
  /** Register window length (0x10000). */
  readonly size = CLINT_WINDOW_SIZE;
  /** Number of harts served. */
  readonly harts: number;

  private readonly clock: Clock;
  private readonly msipLines: readonly IrqLine[];
  private readonly mtipLines: readonly IrqLine[];
  private readonly msip: Uint8Array;
  private readonly mtipLevel: Uint8Array;
  private readonly cmpLo: Uint32Array;
  private readonly cmpHi: Uint32Array;
  /** mtime - clock.now(), modulo 2^64. */
  private offset = 0n;
  /** `offset` as a number when it is a safe integer, else NaN (every read takes the bigint path). */
  private offsetNumber = 0;

  /** Creates a CLINT in its reset state: MSIP clear, mtimecmp all ones, mtime = clock.now(). */
  constructor(options: ClintOptions) {
    const { harts } = options;
    if (!Number.isInteger(harts) || harts < 1 || harts > CLINT_MAX_HARTS) {
      throw new RangeError(`clint: harts must be 1..${CLINT_MAX_HARTS}, got ${harts}`);
    }
    if (options.msip.length !== harts || options.mtip.length !== harts) {
      throw new RangeError(
        `clint: need one msip and one mtip line per hart (${harts}), got ${options.msip.length} and ${options.mtip.length}`,
      );
    }
    this.harts = harts;
    this.clock = options.clock;
    this.msipLines = options.msip;
    this.mtipLines = options.mtip;
    this.name = options.name ?? 'clint';
    this.msip = new Uint8Array(harts);
    this.mtipLevel = new Uint8Array(harts);
    this.cmpLo = new Uint32Array(harts).fill(0xffff_ffff);
    this.cmpHi = new Uint32Array(harts).fill(0xffff_ffff);
    this.driveAll(true);
  }

  /** Current mtime as a number (exact below 2^53; the hart's `time` CSR). */
  mtime(): number {
    const t = this.now() + this.offsetNumber;
    // NaN (no number offset) fails both tests; a negative t means mtime wrapped below zero.
    if (t >= 0 && t < 2 ** 53) return t;
    return Number(this.mtime64());
  }

  /** Current mtime as an exact 64-bit unsigned bigint. */
  mtime64(): bigint {
    return (BigInt(this.now()) + this.offset) & MASK_64;
  }

  /** Re-evaluates MTIP of every hart against the clock (the board calls it between run slices). */
  update(): void {
    this.driveAll(false);
  }

  /** Earliest mtimecmp among the harts as a `clock.now()` tick count; Infinity when no timer is armed. */
  nextDeadline(): number {
    let best = Number.POSITIVE_INFINITY;
    for (let h = 0; h < this.harts; h++) {
      const hi = this.cmpHi[h]!;
      const lo = this.cmpLo[h]!;
      if (hi === 0xffff_ffff && lo === 0xffff_ffff) continue;
      const off = this.offsetNumber;
      const deadline = Number.isNaN(off)
        ? Number(((BigInt(hi) << 32n) | BigInt(lo)) - this.offsetSigned())
        : hi * TWO_32 + lo - off;
      if (deadline < best) best = deadline;
    }
    return best;
  }

  /** Reads a 32-bit register (MSIP, a half of MTIMECMP or MTIME); other accesses read 0. */
  read(offset: number, size: AccessSize): number {
    if (size !== 4 || offset & 3) return 0;
    if (offset < CLINT_MTIMECMP_OFFSET) {
      const hart = offset >>> 2;
      return hart < this.harts ? this.msip[hart]! : 0;
    }
    if (offset < CLINT_MTIME_OFFSET) {
      const hart = (offset - CLINT_MTIMECMP_OFFSET) >>> 3;
      if (hart >= this.harts) return 0;
      return offset & 4 ? this.cmpHi[hart]! : this.cmpLo[hart]!;
    }
    if (offset === CLINT_MTIME_OFFSET || offset === CLINT_MTIME_OFFSET + 4) {
      const t = this.mtime();
      if (t < 2 ** 53) return offset & 4 ? Math.floor(t / TWO_32) : t % TWO_32;
      const big = this.mtime64();
      return Number(offset & 4 ? big >> 32n : big & 0xffff_ffffn);
    }
    return 0;
  }

  /** Writes a 32-bit register; MTIMECMP and MTIME writes re-evaluate MTIP at once. */
  write(offset: number, size: AccessSize, value: number): void {
    if (size !== 4 || offset & 3) return;
    const v = value >>> 0;
    if (offset < CLINT_MTIMECMP_OFFSET) {
      const hart = offset >>> 2;
      if (hart >= this.harts) return;
      const bit = v & 1;
      if (bit !== this.msip[hart]) {
        this.msip[hart] = bit;
        this.msipLines[hart]!.set(bit === 1);
      }
      return;
    }
    if (offset < CLINT_MTIME_OFFSET) {
      const hart = (offset - CLINT_MTIMECMP_OFFSET) >>> 3;
      if (hart >= this.harts) return;
      if (offset & 4) this.cmpHi[hart] = v;
      else this.cmpLo[hart] = v;
      this.driveHart(hart, this.mtime(), false);
      return;
    }
    if (offset === CLINT_MTIME_OFFSET || offset === CLINT_MTIME_OFFSET + 4) {
      const now = this.mtime64();
      const next = offset & 4 ? (BigInt(v) << 32n) | (now & 0xffff_ffffn) : (now & ~0xffff_ffffn) | BigInt(v);
      this.setMtime(next);
      this.driveAll(false);
    }
  }

  /** Returns the CLINT's state as plain data. */
  save(): ClintState {
    return {
      kind: 'clint',
      version: 1,
      msip: Array.from(this.msip),
      mtimecmpLo: Array.from(this.cmpLo),
      mtimecmpHi: Array.from(this.cmpHi),
      mtime: this.mtime64().toString(),
    };
  }

  /** Puts the CLINT back into `state` (mtime resumes from the saved value) and re-drives every line. */
  restore(state: ClintState): void {
    if (state.kind !== 'clint' || state.version !== 1) {
      throw new Error(`${this.name}: cannot restore ${state.kind} state version ${state.version}`);
    }
    const n = this.harts;
    if (state.msip.length !== n || state.mtimecmpLo.length !== n || state.mtimecmpHi.length !== n) {
      throw new Error(`${this.name}: saved state is for a different number of harts than ${n}`);
    }
    for (let h = 0; h < n; h++) {
      this.msip[h] = state.msip[h]! & 1;
      this.cmpLo[h] = state.mtimecmpLo[h]!;
      this.cmpHi[h] = state.mtimecmpHi[h]!;
    }
    this.setMtime(BigInt(state.mtime) & MASK_64);
    this.driveAll(true);
  }

  /** The clock in whole ticks (BigInt() refuses fractions). */
  private now(): number {
    return Math.floor(this.clock.now());
  }

  private setMtime(value: bigint): void {
    this.offset = (value - BigInt(this.now())) & MASK_64;
    const signed = this.offsetSigned();
    const asNumber = Number(signed);
    this.offsetNumber = Number.isSafeInteger(asNumber) && BigInt(asNumber) === signed ? asNumber : Number.NaN;
  }

  /** `offset` read as a signed 64-bit value (a write of mtime below now gives a negative offset). */
  private offsetSigned(): bigint {
    return BigInt.asIntN(64, this.offset);
  }

  private driveAll(force: boolean): void {
    const t = this.mtime();
    for (let h = 0; h < this.harts; h++) {
      this.driveHart(h, t, force);
      if (force) this.msipLines[h]!.set(this.msip[h] === 1);
    }
  }

  /** Sets MTIP of `hart` from mtime `t` (a number; exact while below 2^53) against its mtimecmp. */
  private driveHart(hart: number, t: number, force: boolean): void {
    const hi = this.cmpHi[hart]!;
    const lo = this.cmpLo[hart]!;
    let pending: boolean;
    if (t < 2 ** 53) {
      // hi * 2^32 + lo rounds only above 2^53, where it still exceeds any t below 2^53.
      pending = t >= hi * TWO_32 + lo;
    } else {
      pending = this.mtime64() >= ((BigInt(hi) << 32n) | BigInt(lo));
    }
    const level = pending ? 1 : 0;
    if (force || level !== this.mtipLevel[hart]) {
      this.mtipLevel[hart] = level;
      this.mtipLines[hart]!.set(pending);
    }
  }
}
