/*
 * NS16550A UART, register-compatible with QEMU's `serial` (hw/char/serial.c) as
 * Linux's 8250 driver expects it on the virt board: reg-shift 0, one register per
 * byte offset 0..7, 16-byte FIFOs.
 *
 * What a hostile guest can do: write any byte to any register in any order. It
 * can send bytes to the host backend as fast as it runs (the backend decides
 * whether to drop or apply back-pressure); it cannot make the device buffer more
 * than one 16-byte receive FIFO, because input is pulled from the backend only
 * when there is room. It can keep the IRQ line asserted (THRE, modem status),
 * which costs the board an interrupt per run slice, nothing more. Accesses past
 * offset 7 inside the window read 0 and are ignored.
 */
import {
  type AccessSize,
  type CharBackend,
  type IrqLine,
  type MmioDevice,
  NO_IRQ,
  type SnapshotState,
  type Snapshottable,
} from '@hvkit/interfaces';
import {
  FCR_DMA_MODE,
  FCR_FIFO_ENABLE,
  FCR_RX_RESET,
  FCR_RX_TRIGGER,
  FCR_TX_RESET,
  IER_MS,
  IER_RDA,
  IER_RLS,
  IER_THRE,
  IIR_CTI,
  IIR_FIFO_ENABLED,
  IIR_MS,
  IIR_NO_INT,
  IIR_RDA,
  IIR_RLS,
  IIR_THRE,
  LCR_DLAB,
  LSR_DATA_READY,
  LSR_OVERRUN_ERROR,
  LSR_THR_EMPTY,
  LSR_TRANSMITTER_EMPTY,
  MCR_DTR,
  MCR_LOOP,
  MCR_OUT1,
  MCR_OUT2,
  MCR_RTS,
  MSR_CTS,
  MSR_DCD,
  MSR_DCTS,
  MSR_DDCD,
  MSR_DDSR,
  MSR_DSR,
  MSR_RI,
  MSR_TERI,
  UART_FIFO_SIZE,
} from './registers.js';

/** Length of the UART's register window on the virt board. */
export const NS16550A_WINDOW_SIZE = 0x100;

/** Modem input lines when not in loopback: QEMU reports DCD, DSR and CTS asserted with no real port behind. */
const MSR_LINES_IDLE = MSR_DCD | MSR_DSR | MSR_CTS;

/** Receive FIFO trigger levels selected by FCR bits 7:6. */
const RX_TRIGGER_LEVELS = [1, 4, 8, 14] as const;

/** Construction options of `Ns16550a`. */
export interface Ns16550aOptions {
  /** Host side of the serial line. */
  readonly backend: CharBackend;
  /** Interrupt line to the PLIC (source 10 on virt); defaults to `NO_IRQ`. */
  readonly irq?: IrqLine;
  /** Name used in bus messages; defaults to `uart0`. */
  readonly name?: string;
}

/** Saved state of an `Ns16550a` (plain data). */
export interface Ns16550aState extends SnapshotState {
  readonly kind: 'ns16550a';
  readonly version: 1;
  /** Divisor latch low and high bytes. */
  readonly dll: number;
  readonly dlm: number;
  readonly ier: number;
  readonly fcr: number;
  readonly lcr: number;
  readonly mcr: number;
  readonly scr: number;
  /** LSR overrun error latched and not yet read. */
  readonly overrun: boolean;
  /** MSR delta bits 3:0 not yet read. */
  readonly msrDelta: number;
  /** THR-empty interrupt condition not yet acknowledged. */
  readonly thrPending: boolean;
  /** Bytes waiting in the receive FIFO, oldest first. */
  readonly rx: readonly number[];
}

/** NS16550A UART with 16-byte FIFOs, a pull-model receiver and an immediate transmitter. */
export class Ns16550a implements MmioDevice, Snapshottable<Ns16550aState> {
  /** Name used in bus messages. */
  readonly name: string;
  /** Register window length (0x100). */
  readonly size = NS16550A_WINDOW_SIZE;

  private readonly backend: CharBackend;
  private readonly irq: IrqLine;
  private irqLevel = false;

  private dll = 0x0c;
  private dlm = 0;
  private ier = 0;
  private fcr = 0;
  private lcr = 0;
  private mcr = MCR_OUT2;
  private scr = 0;
  private overrun = false;
  private msrDelta = 0;
  private thrPending = false;
  private readonly rx = new Uint8Array(UART_FIFO_SIZE);
  private rxHead = 0;
  private rxCount = 0;

  /** Creates a UART in its reset state, listening to `backend` for input. */
  constructor(options: Ns16550aOptions) {
    this.backend = options.backend;
    this.irq = options.irq ?? NO_IRQ;
    this.name = options.name ?? 'uart0';
    this.backend.onReadable?.(() => this.poll());
  }

  /** Pulls waiting host input into the receive FIFO (while there is room) and updates the IRQ line. */
  poll(): void {
    this.fill();
    this.updateIrq();
  }

  /** Reads the register at `offset` (only the byte at `offset`, whatever `size` is, as QEMU does). */
  read(offset: number, _size: AccessSize): number {
    let value = 0;
    switch (offset) {
      case 0:
        if (this.lcr & LCR_DLAB) return this.dll;
        this.fill();
        if (this.rxCount > 0) {
          value = this.rx[this.rxHead]!;
          this.rxHead = (this.rxHead + 1) % UART_FIFO_SIZE;
          this.rxCount--;
        }
        this.fill();
        break;
      case 1:
        return this.lcr & LCR_DLAB ? this.dlm : this.ier;
      case 2: {
        this.fill();
        const id = this.identify();
        value = id | (this.fcr & FCR_FIFO_ENABLE ? IIR_FIFO_ENABLED : 0);
        // Reading IIR acknowledges THRE only when THRE is the source reported.
        if (id === IIR_THRE) this.thrPending = false;
        break;
      }
      case 3:
        return this.lcr;
      case 4:
        return this.mcr;
      case 5:
        this.fill();
        value = this.lsr();
        this.overrun = false;
        break;
      case 6:
        value = this.modemLines() | this.msrDelta;
        this.msrDelta = 0;
        break;
      case 7:
        return this.scr;
      default:
        return 0;
    }
    this.updateIrq();
    return value;
  }

  /** Writes the low byte of `value` to the register at `offset`. */
  write(offset: number, _size: AccessSize, value: number): void {
    const byte = value & 0xff;
    switch (offset) {
      case 0:
        if (this.lcr & LCR_DLAB) {
          this.dll = byte;
          return;
        }
        this.thrPending = false;
        if (this.mcr & MCR_LOOP) this.receive(byte);
        else this.backend.write(byte);
        // Transmission is instantaneous: THR is empty again at once.
        this.thrPending = true;
        break;
      case 1: {
        if (this.lcr & LCR_DLAB) {
          this.dlm = byte;
          return;
        }
        const changed = (this.ier ^ byte) & 0x0f;
        this.ier = byte & 0x0f;
        // A backend without onReadable is only ever polled; look for input when interrupts are enabled.
        this.fill();
        // Enabling ETBEI while THR is empty raises THRE (what Linux's probe and Windows expect);
        // disabling it forgets a pending THRE.
        if (changed & IER_THRE) this.thrPending = (this.ier & IER_THRE) !== 0;
        break;
      }
      case 2: {
        if ((this.fcr ^ byte) & FCR_FIFO_ENABLE || byte & FCR_RX_RESET) this.clearRx();
        if (byte & FCR_TX_RESET) this.thrPending = true;
        this.fcr = byte & (FCR_RX_TRIGGER | FCR_DMA_MODE | FCR_FIFO_ENABLE);
        break;
      }
      case 3:
        this.lcr = byte;
        return;
      case 4: {
        const before = this.modemLines();
        this.mcr = byte & 0x1f;
        const after = this.modemLines();
        const delta = before ^ after;
        if (delta & MSR_CTS) this.msrDelta |= MSR_DCTS;
        if (delta & MSR_DSR) this.msrDelta |= MSR_DDSR;
        if (delta & MSR_DCD) this.msrDelta |= MSR_DDCD;
        if (before & MSR_RI && !(after & MSR_RI)) this.msrDelta |= MSR_TERI;
        break;
      }
      case 7:
        this.scr = byte;
        return;
      default:
        // LSR and MSR are read-only; offsets past 7 are holes.
        return;
    }
    this.updateIrq();
  }

  /** Returns the UART's state as plain data. */
  save(): Ns16550aState {
    const rx: number[] = [];
    for (let i = 0; i < this.rxCount; i++) rx.push(this.rx[(this.rxHead + i) % UART_FIFO_SIZE]!);
    return {
      kind: 'ns16550a',
      version: 1,
      dll: this.dll,
      dlm: this.dlm,
      ier: this.ier,
      fcr: this.fcr,
      lcr: this.lcr,
      mcr: this.mcr,
      scr: this.scr,
      overrun: this.overrun,
      msrDelta: this.msrDelta,
      thrPending: this.thrPending,
      rx,
    };
  }

  /** Puts the UART back into `state` and re-drives its IRQ line. */
  restore(state: Ns16550aState): void {
    if (state.kind !== 'ns16550a' || state.version !== 1) {
      throw new Error(`${this.name}: cannot restore ${state.kind} state version ${state.version}`);
    }
    if (state.rx.length > UART_FIFO_SIZE) {
      throw new Error(`${this.name}: saved receive FIFO holds ${state.rx.length} bytes, more than 16`);
    }
    this.dll = state.dll & 0xff;
    this.dlm = state.dlm & 0xff;
    this.ier = state.ier & 0x0f;
    this.fcr = state.fcr & (FCR_RX_TRIGGER | FCR_DMA_MODE | FCR_FIFO_ENABLE);
    this.lcr = state.lcr & 0xff;
    this.mcr = state.mcr & 0x1f;
    this.scr = state.scr & 0xff;
    this.overrun = state.overrun;
    this.msrDelta = state.msrDelta & 0x0f;
    this.thrPending = state.thrPending;
    this.rxHead = 0;
    this.rxCount = state.rx.length;
    state.rx.forEach((b, i) => {
      this.rx[i] = b & 0xff;
    });
    this.updateIrq(true);
  }

  /** How many bytes the receive FIFO holds: 16 with FIFOs enabled, else the single RBR. */
  private capacity(): number {
    return this.fcr & FCR_FIFO_ENABLE ? UART_FIFO_SIZE : 1;
  }

  /** Pulls host input while there is room; in loopback the serial input is disconnected. */
  private fill(): void {
    if (this.mcr & MCR_LOOP) return;
    const cap = this.capacity();
    while (this.rxCount < cap) {
      const b = this.backend.read();
      if (b < 0) return;
      this.rx[(this.rxHead + this.rxCount) % UART_FIFO_SIZE] = b & 0xff;
      this.rxCount++;
    }
  }

  /** A byte arrives at the receiver (loopback): a full FIFO or RBR is an overrun. */
  private receive(byte: number): void {
    if (this.rxCount < this.capacity()) {
      this.rx[(this.rxHead + this.rxCount) % UART_FIFO_SIZE] = byte;
      this.rxCount++;
      return;
    }
    this.overrun = true;
    // Without FIFOs the new character overwrites RBR; with FIFOs it is lost (datasheet, LSR bit 1).
    if (!(this.fcr & FCR_FIFO_ENABLE)) this.rx[this.rxHead] = byte;
  }

  private clearRx(): void {
    this.rxHead = 0;
    this.rxCount = 0;
  }

  private lsr(): number {
    return (
      (this.rxCount > 0 ? LSR_DATA_READY : 0) |
      (this.overrun ? LSR_OVERRUN_ERROR : 0) |
      LSR_THR_EMPTY |
      LSR_TRANSMITTER_EMPTY
    );
  }

  /** MSR bits 7:4: MCR outputs looped back, or the idle lines of an absent modem. */
  private modemLines(): number {
    const mcr = this.mcr;
    if (!(mcr & MCR_LOOP)) return MSR_LINES_IDLE;
    return (
      (mcr & MCR_RTS ? MSR_CTS : 0) |
      (mcr & MCR_DTR ? MSR_DSR : 0) |
      (mcr & MCR_OUT1 ? MSR_RI : 0) |
      (mcr & MCR_OUT2 ? MSR_DCD : 0)
    );
  }

  /** The highest-priority pending interrupt as an IIR id (bits 3:0), or IIR_NO_INT. */
  private identify(): number {
    const ier = this.ier;
    if (ier & IER_RLS && this.overrun) return IIR_RLS;
    if (ier & IER_RDA && this.rxCount > 0) {
      if (!(this.fcr & FCR_FIFO_ENABLE)) return IIR_RDA;
      // The pull model has no character timer: data below the trigger level reports the timeout at once.
      return this.rxCount >= RX_TRIGGER_LEVELS[this.fcr >>> 6]! ? IIR_RDA : IIR_CTI;
    }
    if (ier & IER_THRE && this.thrPending) return IIR_THRE;
    if (ier & IER_MS && this.msrDelta) return IIR_MS;
    return IIR_NO_INT;
  }

  /** Drives the IRQ line from the current state; only on a change unless `force` (restore). */
  private updateIrq(force = false): void {
    const level = this.identify() !== IIR_NO_INT;
    if (force || level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }
}
