/*
 * Goldfish RTC as on QEMU's virt board (hw/rtc/goldfish_rtc.c, Android's
 * GOLDFISH-VIRTUAL-HARDWARE.TXT): a 64-bit nanosecond wall clock with one alarm.
 *
 * What a hostile guest can do: set its own idea of the wall-clock time to any
 * 64-bit value (an offset is kept; the host clock is never changed), arm an
 * alarm in the past (one interrupt, then nothing until it re-arms) or far in the
 * future, and hold its interrupt line high by never clearing it. No register
 * write makes the device allocate or schedule more than one alarm. Non-32-bit,
 * misaligned and reserved accesses read 0 and are ignored.
 */
import {
  type AccessSize,
  type IrqLine,
  type MmioDevice,
  NO_IRQ,
  type SnapshotState,
  type Snapshottable,
} from '@hvkit/interfaces';

/** Length of the RTC's register window. */
export const GOLDFISH_RTC_WINDOW_SIZE = 0x1000;
/** TIME_LOW (R: current time, low 32 bits; latches TIME_HIGH. W: set the low half of the time). */
export const RTC_TIME_LOW = 0x00;
/** TIME_HIGH (R: high 32 bits latched by the last TIME_LOW read. W: set the high half of the time). */
export const RTC_TIME_HIGH = 0x04;
/** ALARM_LOW (W: set the low half of the alarm and arm it). */
export const RTC_ALARM_LOW = 0x08;
/** ALARM_HIGH (W: set the high half of the alarm, not armed yet). */
export const RTC_ALARM_HIGH = 0x0c;
/** IRQ_ENABLED (bit 0 gates the interrupt line). */
export const RTC_IRQ_ENABLED = 0x10;
/** CLEAR_ALARM (W: disarm the alarm). */
export const RTC_CLEAR_ALARM = 0x14;
/** ALARM_STATUS (R: 1 while an alarm is armed and has not fired). */
export const RTC_ALARM_STATUS = 0x18;
/** CLEAR_INTERRUPT (W: acknowledge the alarm interrupt). */
export const RTC_CLEAR_INTERRUPT = 0x1c;

const MASK_64 = (1n << 64n) - 1n;
const MASK_32 = 0xffff_ffffn;

/** Construction options of `GoldfishRtc`. */
export interface GoldfishRtcOptions {
  /** Host wall clock: nanoseconds since the Unix epoch. */
  readonly now: () => bigint;
  /** Interrupt line to the PLIC (source 11 on virt); defaults to `NO_IRQ`. */
  readonly irq?: IrqLine;
  /** Name used in bus messages; defaults to `rtc`. */
  readonly name?: string;
}

/** Saved state of a `GoldfishRtc` (plain data; 64-bit values as decimal strings). */
export interface GoldfishRtcState extends SnapshotState {
  readonly kind: 'goldfish-rtc';
  readonly version: 1;
  /** Guest time minus host wall clock, in ns, signed. */
  readonly offset: string;
  /** The alarm time in guest ns. */
  readonly alarmNext: string;
  readonly alarmRunning: boolean;
  readonly irqEnabled: boolean;
  readonly irqPending: boolean;
  /** TIME_HIGH as latched by the last TIME_LOW read. */
  readonly timeHigh: number;
}

/** Goldfish RTC: nanoseconds since the Unix epoch, with one alarm interrupt. */
export class GoldfishRtc implements MmioDevice, Snapshottable<GoldfishRtcState> {
  /** Name used in bus messages. */
  readonly name: string;
  /** Register window length (0x1000). */
  readonly size = GOLDFISH_RTC_WINDOW_SIZE;

  private readonly wallClock: () => bigint;
  private readonly irq: IrqLine;
  private irqLevel = false;
  private offset = 0n;
  private alarmNext = 0n;
  private alarmRunning = false;
  private irqEnabled = false;
  private irqPending = false;
  private timeHigh = 0;

  /** Creates an RTC showing the host wall-clock time, no alarm armed, interrupt disabled. */
  constructor(options: GoldfishRtcOptions) {
    this.wallClock = options.now;
    this.irq = options.irq ?? NO_IRQ;
    this.name = options.name ?? 'rtc';
    this.updateIrq(true);
  }

  /** Current guest time in ns since the epoch (64-bit unsigned). */
  time(): bigint {
    return (this.wallClock() + this.offset) & MASK_64;
  }

  /** Fires an armed alarm whose time has come (the board calls it between run slices). */
  update(): void {
    if (this.alarmRunning && this.time() >= this.alarmNext) this.fire();
  }

  /** When the armed alarm is due, in host wall-clock ns; undefined when no alarm is armed. */
  alarmDeadline(): bigint | undefined {
    return this.alarmRunning ? this.alarmNext - this.offset : undefined;
  }

  /** Reads a 32-bit register. */
  read(offset: number, size: AccessSize): number {
    if (size !== 4) return 0;
    this.update();
    switch (offset) {
      case RTC_TIME_LOW: {
        const t = this.time();
        this.timeHigh = Number(t >> 32n);
        return Number(t & MASK_32);
      }
      case RTC_TIME_HIGH:
        return this.timeHigh;
      case RTC_ALARM_LOW:
        return Number(this.alarmNext & MASK_32);
      case RTC_ALARM_HIGH:
        return Number(this.alarmNext >> 32n);
      case RTC_IRQ_ENABLED:
        return this.irqEnabled ? 1 : 0;
      case RTC_ALARM_STATUS:
        return this.alarmRunning ? 1 : 0;
      default:
        return 0;
    }
  }

  /** Writes a 32-bit register. */
  write(offset: number, size: AccessSize, value: number): void {
    if (size !== 4) return;
    const v = BigInt(value >>> 0);
    switch (offset) {
      case RTC_TIME_LOW:
      case RTC_TIME_HIGH: {
        const now = this.time();
        const next = offset === RTC_TIME_HIGH ? (v << 32n) | (now & MASK_32) : (now & ~MASK_32) | v;
        this.offset = next - this.wallClock();
        break;
      }
      case RTC_ALARM_LOW:
        this.alarmNext = (this.alarmNext & ~MASK_32) | v;
        this.arm();
        break;
      case RTC_ALARM_HIGH:
        this.alarmNext = (v << 32n) | (this.alarmNext & MASK_32);
        break;
      case RTC_IRQ_ENABLED:
        this.irqEnabled = (value & 1) === 1;
        break;
      case RTC_CLEAR_ALARM:
        this.alarmRunning = false;
        break;
      case RTC_CLEAR_INTERRUPT:
        this.irqPending = false;
        break;
      default:
        return;
    }
    this.update();
    this.updateIrq(false);
  }

  /** Returns the RTC's state as plain data. */
  save(): GoldfishRtcState {
    return {
      kind: 'goldfish-rtc',
      version: 1,
      offset: this.offset.toString(),
      alarmNext: this.alarmNext.toString(),
      alarmRunning: this.alarmRunning,
      irqEnabled: this.irqEnabled,
      irqPending: this.irqPending,
      timeHigh: this.timeHigh,
    };
  }

  /** Puts the RTC back into `state` and re-drives its IRQ line. */
  restore(state: GoldfishRtcState): void {
    if (state.kind !== 'goldfish-rtc' || state.version !== 1) {
      throw new Error(`${this.name}: cannot restore ${state.kind} state version ${state.version}`);
    }
    this.offset = BigInt(state.offset);
    this.alarmNext = BigInt(state.alarmNext) & MASK_64;
    this.alarmRunning = state.alarmRunning;
    this.irqEnabled = state.irqEnabled;
    this.irqPending = state.irqPending;
    this.timeHigh = state.timeHigh >>> 0;
    this.update();
    this.updateIrq(true);
  }

  /** ALARM_LOW write: an alarm already due fires at once, otherwise it waits for `update()`. */
  private arm(): void {
    this.alarmRunning = true;
    this.update();
  }

  private fire(): void {
    this.alarmRunning = false;
    this.irqPending = true;
    this.updateIrq(false);
  }

  private updateIrq(force: boolean): void {
    const level = this.irqEnabled && this.irqPending;
    if (force || level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }
}
