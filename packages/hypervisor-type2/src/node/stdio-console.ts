/*
 * The guest's serial console on the host's stdio: UART output to stdout, stdin to
 * UART input. On a terminal, stdin goes to raw mode (every key goes to the guest,
 * Ctrl-C included) and Ctrl-A is the escape key, as in QEMU's `-nographic`:
 * Ctrl-A x quits, Ctrl-A h prints the keys, Ctrl-A Ctrl-A sends one Ctrl-A.
 * When stdin is not a terminal, its end is passed on as one Ctrl-D (0x04) after
 * the rest of the input, the byte a terminal user types to end a shell's input.
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
  on(event: 'end', listener: () => void): unknown;
  removeListener(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'end', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** The escape key (Ctrl-A). */
const ESCAPE = 0x01;
/** What the guest receives when piped input ends (Ctrl-D, a terminal's end-of-input key). */
export const END_OF_INPUT = 0x04;
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
  /** When stdin is not a terminal, deliver no input until the guest has printed this text. */
  readonly holdPipedInputUntil?: string;
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
  /** Output bytes still to see before piped input flows (empty: it flows). */
  private holdUntil: Uint8Array;
  /** How many bytes of `holdUntil` the latest output matched. */
  private holdMatched = 0;
  private readonly onData = (chunk: Buffer | string) => this.receive(chunk);
  private readonly onEnd = () => this.receive(Uint8Array.of(END_OF_INPUT));
  private readonly flushLater = () => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(private readonly options: StdioConsoleOptions) {
    const stdin = options.stdin;
    this.raw = stdin?.isTTY === true && typeof stdin.setRawMode === 'function';
    const hold = stdin?.isTTY !== true ? options.holdPipedInputUntil : undefined;
    this.holdUntil = new TextEncoder().encode(hold ?? '');
    if (stdin !== undefined) {
      if (this.raw) stdin.setRawMode!(true);
      stdin.on('data', this.onData);
      if (stdin.isTTY !== true) stdin.on('end', this.onEnd);
      stdin.resume();
    }
  }

  /** True when stdin is a terminal in raw mode (Ctrl-A escapes active). */
  get isRaw(): boolean {
    return this.raw;
  }

  write(byte: number): void {
    if (this.holdUntil.length > 0) this.watchOutput(byte);
    this.out[this.outLength++] = byte;
    if (this.outLength === OUTPUT_CHUNK) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushLater);
    }
  }

  read(): number {
    const chunk = this.chunks[0];
    if (chunk === undefined || this.holdUntil.length > 0) return -1;
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
      stdin.removeListener('end', this.onEnd);
      stdin.pause();
      if (this.raw) stdin.setRawMode!(false);
    }
  }

  private receive(data: Uint8Array | string): void {
    let bytes: Uint8Array = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (this.raw) bytes = this.escapes(bytes);
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.queued += bytes.length;
    if (this.queued >= INPUT_HIGH_WATER && !this.paused) {
      this.paused = true;
      this.options.stdin?.pause();
    }
    if (this.holdUntil.length === 0) this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Looks for `holdPipedInputUntil` in the guest's output; once seen, lets the input flow. */
  private watchOutput(byte: number): void {
    const want = this.holdUntil;
    if (byte === want[this.holdMatched]) this.holdMatched++;
    else this.holdMatched = byte === want[0] ? 1 : 0; // enough for prompts like '~ # '
    if (this.holdMatched < want.length) return;
    this.holdUntil = new Uint8Array(0);
    // Not from inside write(): a listener may read at once.
    if (this.queued > 0) setImmediate(() => this.notify());
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
