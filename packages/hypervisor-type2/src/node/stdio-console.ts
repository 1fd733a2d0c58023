/*
 * The guest's serial console on the host's stdio: UART output to stdout, stdin to
 * UART input. On a terminal, stdin goes to raw mode (every key goes to the guest,
 * Ctrl-C included) and Ctrl-A is the escape key, as in QEMU's `-nographic`:
 * Ctrl-A x quits, Ctrl-A h prints the keys, Ctrl-A Ctrl-A sends one Ctrl-A.
 */
import type { HostConsole } from '../host-os.js';

/** Where output goes: a Node writable stream or anything with `write`. */
export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
}

/** What the console needs of stdin: a Node readable stream, optionally a TTY. */
export interface InputStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** The escape key (Ctrl-A). */
const ESCAPE = 0x01;
/** Output is written in chunks of at most this many bytes. */
const OUTPUT_CHUNK = 64 * 1024;
/** Stop reading stdin while this many bytes wait for the guest; resume below a quarter of it. */
const INPUT_HIGH_WATER = 1024 * 1024;

/** The help Ctrl-A h prints (QEMU's wording, for the keys hvkit has). */
export const ESCAPE_HELP = [
  'C-a h    print this help',
  'C-a x    exit emulator',
  'C-a C-a  sends C-a',
  '',
].join('\n');

/** Options of `StdioConsole`. */
export interface StdioConsoleOptions {
  readonly stdin: InputStream | undefined;
  readonly stdout: OutputStream;
  /** Where Ctrl-A h writes its help. */
  readonly stderr: OutputStream;
  /** Called on Ctrl-A x. */
  readonly onQuit: () => void;
}

/** A `CharBackend` over stdio, with raw mode and Ctrl-A escapes when stdin is a terminal. */
export class StdioConsole implements HostConsole {
  private readonly out = new Uint8Array(OUTPUT_CHUNK);
  private outLength = 0;
  private flushScheduled = false;
  private readonly chunks: Uint8Array[] = [];
  private chunkPos = 0;
  private queued = 0;
  private paused = false;
  private escapePending = false;
  private listeners: (() => void)[] = [];
  private readonly raw: boolean;
  private closed = false;
  private readonly onData = (chunk: Buffer | string) => this.receive(chunk);
  private readonly flushLater = () => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(private readonly options: StdioConsoleOptions) {
    const stdin = options.stdin;
    this.raw = stdin?.isTTY === true && typeof stdin.setRawMode === 'function';
    if (stdin !== undefined) {
      if (this.raw) stdin.setRawMode!(true);
      stdin.on('data', this.onData);
      stdin.resume();
    }
  }

  /** True when stdin is a terminal in raw mode (Ctrl-A escapes active). */
  get isRaw(): boolean {
    return this.raw;
  }

  write(byte: number): void {
    this.out[this.outLength++] = byte;
    if (this.outLength === OUTPUT_CHUNK) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushLater);
    }
  }

  read(): number {
    const chunk = this.chunks[0];
    if (chunk === undefined) return -1;
    const byte = chunk[this.chunkPos++]!;
    if (this.chunkPos === chunk.length) {
      this.chunks.shift();
      this.chunkPos = 0;
    }
    this.queued--;
    if (this.paused && this.queued < INPUT_HIGH_WATER / 4) {
      this.paused = false;
      this.options.stdin?.resume();
    }
    return byte;
  }

  onReadable(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Forgets every `onReadable` listener (before a rebooted board registers its own). */
  clearListeners(): void {
    this.listeners = [];
  }

  /** Writes buffered guest output now. */
  flush(): void {
    if (this.outLength === 0) return;
    this.options.stdout.write(this.out.slice(0, this.outLength));
    this.outLength = 0;
  }

  /** Flushes output, stops reading stdin and restores the terminal; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    const stdin = this.options.stdin;
    if (stdin !== undefined) {
      stdin.removeListener('data', this.onData);
      stdin.pause();
      if (this.raw) stdin.setRawMode!(false);
    }
  }

  private receive(data: Buffer | string): void {
    let bytes: Uint8Array = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (this.raw) bytes = this.escapes(bytes);
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.queued += bytes.length;
    if (this.queued >= INPUT_HIGH_WATER && !this.paused) {
      this.paused = true;
      this.options.stdin?.pause();
    }
    for (const listener of this.listeners) listener();
  }

  /** Handles Ctrl-A sequences; returns the bytes meant for the guest. */
  private escapes(bytes: Uint8Array): Uint8Array {
    const kept: number[] = [];
    for (const byte of bytes) {
      if (!this.escapePending) {
        if (byte === ESCAPE) this.escapePending = true;
        else kept.push(byte);
        continue;
      }
      this.escapePending = false;
      if (byte === ESCAPE) kept.push(ESCAPE);
      else if (byte === 0x78 /* x */) this.options.onQuit();
      else if (byte === 0x68 /* h */ || byte === 0x3f /* ? */) this.options.stderr.write(ESCAPE_HELP);
      // Other keys after Ctrl-A are dropped, as QEMU does.
    }
    return Uint8Array.from(kept);
  }
}
