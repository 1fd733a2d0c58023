import type { Clock } from '@hvkit/interfaces';

/** The virt board's timebase: CLINT mtime runs at 10 MHz (QEMU `RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ`). */
export const VIRT_TIMEBASE_HZ = 10_000_000;

/**
 * A clock the board may move forward itself. When every hart waits in WFI, the board
 * jumps such a clock to the next timer deadline instead of sleeping, so idle time
 * costs no host time and a run is reproducible.
 */
export interface SkippableClock extends Clock {
  /** Moves time forward to `ticks` (never backwards). */
  advanceTo(ticks: number): void;
}

/** True when `clock` can be moved forward by the board (see `SkippableClock`). */
export function isSkippable(clock: Clock): clock is SkippableClock {
  return typeof (clock as Partial<SkippableClock>).advanceTo === 'function';
}

/** Real time: ticks at `frequency` Hz since construction, from `performance.now()`. */
export class RealTimeClock implements Clock {
  readonly frequency: number;
  private readonly ticksPerMs: number;
  private readonly start = performance.now();

  constructor(frequency = VIRT_TIMEBASE_HZ) {
    this.frequency = frequency;
    this.ticksPerMs = frequency / 1000;
  }

  now(): number {
    return Math.floor((performance.now() - this.start) * this.ticksPerMs);
  }
}

/** Something that counts retired instructions (a hart). */
export interface InstructionCounter {
  readonly instret: number;
}

/**
 * Deterministic time: advances one tick every `instructionsPerTick` instructions
 * retired by `source` (default 10, i.e. a 100 MIPS hart at 10 MHz), plus whatever the
 * board skipped while idle. Two runs of the same guest see the same mtime at the
 * same instruction.
 */
export class InstructionClock implements SkippableClock {
  readonly frequency: number;
  private readonly instructionsPerTick: number;
  private source: InstructionCounter | undefined;
  private skipped = 0;

  constructor(options: { frequency?: number; instructionsPerTick?: number } = {}) {
    this.frequency = options.frequency ?? VIRT_TIMEBASE_HZ;
    this.instructionsPerTick = options.instructionsPerTick ?? 10;
  }

  /** Ties the clock to the hart whose instructions it counts (the board does this). */
  attach(source: InstructionCounter): void {
    this.source = source;
  }

  now(): number {
    const retired = this.source === undefined ? 0 : this.source.instret;
    return Math.floor(retired / this.instructionsPerTick) + this.skipped;
  }

  advanceTo(ticks: number): void {
    const now = this.now();
    if (ticks > now) this.skipped += ticks - now;
  }
}

/** A clock that only moves when told to (unit tests). */
export class ManualClock implements SkippableClock {
  readonly frequency: number;
  private ticks = 0;

  constructor(frequency = VIRT_TIMEBASE_HZ) {
    this.frequency = frequency;
  }

  now(): number {
    return this.ticks;
  }

  advanceTo(ticks: number): void {
    if (ticks > this.ticks) this.ticks = ticks;
  }
}
