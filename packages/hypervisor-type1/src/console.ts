/*
 * Guest consoles. Each guest has one serial line (its virtual UART and its SBI
 * console write to the same place); `ConsoleMux` interleaves the lines of all guests
 * on one output, each line prefixed with the guest's name, so a prompt shows at once
 * (`[linux] ~ # `) and another guest's line never lands in the middle of it.
 */
import type { CharBackend } from '@hvkit/interfaces';

/** Input bytes a guest has not read yet are capped, so a fast producer cannot grow them without bound. */
const MAX_PENDING_INPUT = 1 << 20;

/** One guest's serial line: output goes to `sink`, input is queued by `send`. */
export class GuestConsole implements CharBackend {
  private input: number[] = [];
  private head = 0;
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly sink: (byte: number) => void) {}

  write(byte: number): void {
    this.sink(byte & 0xff);
  }

  read(): number {
    if (this.head >= this.input.length) return -1;
    const b = this.input[this.head++]!;
    if (this.head === this.input.length) {
      this.input = [];
      this.head = 0;
    }
    return b;
  }

  onReadable(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Forgets every `onReadable` listener (before a rebooted guest's UART registers its own). */
  clearListeners(): void {
    this.listeners.length = 0;
  }

  /** Queues input for the guest (bytes past the cap are dropped, as a full FIFO would). */
  send(bytes: Uint8Array): void {
    const room = MAX_PENDING_INPUT - (this.input.length - this.head);
    const n = Math.min(room, bytes.length);
    for (let i = 0; i < n; i++) this.input.push(bytes[i]!);
    if (n > 0) for (const l of this.listeners) l();
  }
}

/** Interleaves guest output on one text stream, line by line, each line prefixed `[name] `. */
export class ConsoleMux {
  private current: string | undefined;
  private atLineStart = true;

  constructor(private readonly write: (text: string) => void) {}

  /** One byte of `guest`'s output. */
  put(guest: string, byte: number): void {
    if (byte === 13) return; // CR: lines end at LF here
    let text = '';
    if (this.current !== guest && !this.atLineStart) {
      text += '\n';
      this.atLineStart = true;
    }
    if (this.atLineStart) text += `[${guest}] `;
    this.current = guest;
    text += String.fromCharCode(byte);
    this.atLineStart = byte === 10;
    this.write(text);
  }

  /** Ends a partial line (at the end of the run). */
  end(): void {
    if (!this.atLineStart) this.write('\n');
    this.atLineStart = true;
    this.current = undefined;
  }
}
