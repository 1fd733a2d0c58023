/*
 * The code that runs inside a VM thread: it owns the `VirtMachine`, runs its loop,
 * and talks to the `Vm` on the main thread only through messages (protocol.ts).
 * Host-neutral: the Node worker entry (node/vm-worker.ts) hands it a port and the
 * thread's host services; a browser Web Worker can do the same.
 *
 * What a hostile guest can do from here: everything the board allows (see
 * @hvkit/machine), plus produce console output and network frames as fast as it
 * runs. Console input and received frames are flow-controlled by acknowledgements
 * (the main thread keeps at most a bounded amount in flight); output is batched and
 * posted as it comes (the main thread writes it synchronously).
 */
import type { BlockBackend, CharBackend, Clock, NetBackend } from '@hvkit/interfaces';
import { hex } from '@hvkit/interfaces';
import {
  type BootImage,
  ConfigError,
  ImageError,
  InputError,
  type MachineEvents,
  type RunOutcome,
  type RunStats,
  VIRT_TIMEBASE_HZ,
  VirtMachine,
  type VirtMachineOptions,
} from '@hvkit/machine';
import type { DiskHandle, HostClock, VmThreadServices } from './host-os.js';
import { memoryDiskBackend } from './memory-disk.js';
import {
  CONTROL_PAUSE,
  CONTROL_STOP,
  type FromVmThread,
  type ToVmThread,
  type VmOutcome,
  type VmThreadConfig,
} from './protocol.js';

/** The VM thread's end of the message pipe. */
export interface VmThreadPort {
  /** Sends a message to the main thread. */
  post(message: FromVmThread, transfer?: readonly ArrayBuffer[]): void;
  /** Registers the one listener for messages from the main thread. */
  onMessage(listener: (message: ToVmThread) => void): void;
}

/** Console output is posted in chunks of at most this many bytes. */
const OUTPUT_CHUNK = 16 * 1024;
/** Console input consumption is acknowledged at least every this many bytes. */
const INPUT_ACK_BYTES = 4096;
/** Trace lines buffered before one `trace` message. */
const TRACE_BATCH = 512;

/** The guest console as seen from the VM thread: output posted in batches, input from messages. */
class ChannelConsole implements CharBackend {
  private readonly out = new Uint8Array(OUTPUT_CHUNK);
  private outLength = 0;
  private flushQueued = false;
  private readonly chunks: Uint8Array[] = [];
  private chunkPos = 0;
  private consumed = 0;
  private ackQueued = false;
  private listeners: (() => void)[] = [];
  private readonly flushLater = () => {
    this.flushQueued = false;
    this.flush();
  };
  private readonly ackLater = () => {
    this.ackQueued = false;
    this.ack();
  };

  constructor(private readonly port: VmThreadPort) {}

  write(byte: number): void {
    this.out[this.outLength++] = byte;
    if (this.outLength === OUTPUT_CHUNK) this.flush();
    else if (!this.flushQueued) {
      // The board awaits at least every few ms, and microtasks run then.
      this.flushQueued = true;
      queueMicrotask(this.flushLater);
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
    this.consumed++;
    if (this.consumed >= INPUT_ACK_BYTES || this.chunks.length === 0) {
      if (!this.ackQueued) {
        this.ackQueued = true;
        queueMicrotask(this.ackLater);
      }
    }
    return byte;
  }

  onReadable(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Forgets the listeners of a board that is gone (before a reboot). */
  clearListeners(): void {
    this.listeners = [];
  }

  /** Queues input from the main thread and wakes the board. */
  receive(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    for (const listener of this.listeners) listener();
  }

  /** Posts buffered output now. */
  flush(): void {
    if (this.outLength === 0) return;
    const bytes = this.out.slice(0, this.outLength);
    this.outLength = 0;
    this.port.post({ type: 'output', bytes }, [bytes.buffer]);
  }

  private ack(): void {
    if (this.consumed === 0) return;
    this.port.post({ type: 'inputAck', bytes: this.consumed });
    this.consumed = 0;
  }
}

/** One network interface as seen from the VM thread: frames travel as messages. */
class ChannelNet implements NetBackend {
  readonly mac: Uint8Array;
  private listener: ((frame: Uint8Array) => void) | undefined;

  constructor(
    private readonly port: VmThreadPort,
    private readonly index: number,
    mac: Uint8Array,
    private readonly delivered: () => void,
  ) {
    this.mac = mac;
  }

  send(frame: Uint8Array): void {
    const copy = frame.slice(); // the device reuses its buffer
    this.port.post({ type: 'netTx', index: this.index, frame: copy }, [copy.buffer]);
  }

  onReceive(listener: (frame: Uint8Array) => void): void {
    this.listener = listener;
  }

  /** A frame from the hub: hand it to the device (which drops it when the guest posted no buffer). */
  receive(frame: Uint8Array): void {
    this.listener?.(frame);
    this.delivered();
  }
}

/** Real time from the host clock at the virt timebase, standing still while the VM is paused. */
class PausableClock implements Clock {
  readonly frequency = VIRT_TIMEBASE_HZ;
  private readonly start: number;
  /** Milliseconds spent paused so far. */
  pausedMs = 0;

  constructor(private readonly host: HostClock) {
    this.start = host.monotonicMs();
  }

  /** Milliseconds of running time since the clock was created. */
  runningMs(): number {
    return this.host.monotonicMs() - this.start - this.pausedMs;
  }

  now(): number {
    return Math.floor(this.runningMs() * (VIRT_TIMEBASE_HZ / 1000));
  }
}

/** Formats a pc (a signed 64-bit value in a number) as 16 hex digits. */
function pcHex(pc: number): string {
  return (pc >= 0 ? pc.toString(16) : BigInt.asUintN(64, BigInt(pc)).toString(16)).padStart(16, '0');
}

/** One line describing how a board run ended, for the trace. */
function describe(outcome: RunOutcome): string {
  switch (outcome.kind) {
    case 'shutdown':
      return `shutdown with code ${outcome.code} (${outcome.source})`;
    case 'error':
      return `error: ${outcome.message}`;
    default:
      return outcome.kind;
  }
}

/**
 * Trace observers: every instruction (`<pc>: <encoding>  <disassembly>`) and the
 * board's events (`hvkit: trace: ...`), batched into `trace` messages. `before`
 * runs before each batch so console output sent earlier stays earlier.
 */
function traceEvents(port: VmThreadPort, before: () => void): MachineEvents {
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    before();
    port.post({ type: 'trace', text: `${lines.join('\n')}\n` });
    lines = [];
  };
  const line = (text: string) => {
    lines.push(`hvkit: trace: ${text}`);
    flush();
  };
  return {
    instruction(pc, inst, text) {
      const encoding =
        (inst & 3) === 3 ? (inst >>> 0).toString(16).padStart(8, '0') : inst.toString(16).padStart(4, '0');
      lines.push(`${pcHex(pc)}: ${encoding.padEnd(8)}  ${text}`);
      if (lines.length >= TRACE_BATCH) flush();
    },
    loaded(image: BootImage) {
      for (const s of image.segments) {
        line(`load ${hex(s.paddr)}..${hex(s.paddr + s.memsz)} (${s.bytes.length} bytes from the file)`);
      }
      const tohost = image.symbol('tohost');
      line(
        `${image.format} entry ${hex(image.entry)}${tohost === undefined ? '' : `, tohost at ${hex(tohost.value)}`}`,
      );
    },
    idle(ms) {
      line(Number.isFinite(ms) ? `wfi: sleeping up to ${ms.toFixed(3)} ms` : 'wfi: sleeping until input');
    },
    htif(kind, at) {
      if (kind !== 'putchar') line(`htif ${kind} (tohost at ${hex(at)})`);
    },
    stopped(outcome: RunOutcome, stats: RunStats) {
      const mips = stats.wallMs > 0 ? stats.instructions / stats.wallMs / 1000 : 0;
      line(
        `stopped: ${describe(outcome)}; ${stats.instructions} instructions in ${stats.wallMs.toFixed(1)} ms ` +
          `(${mips.toFixed(1)} MIPS), ${stats.sleptMs.toFixed(1)} ms asleep, ${stats.yields} yields`,
      );
    },
  };
}

/** Opens a disk handle on this thread: shared memory here, host files through the services. */
function openDisk(handle: DiskHandle, services: VmThreadServices): BlockBackend {
  return handle.kind === 'memory' ? memoryDiskBackend(handle) : services.openDisk(handle);
}

/** Touches every 4 KiB page of `bytes` so that the host commits the memory now. */
function preallocate(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4096) bytes[i]! |= 0;
}

/**
 * Runs one VM in this thread: waits for `init`, builds the board, runs it until it
 * ends, and reports through `port`. Call once per thread.
 */
export function runVmThread(port: VmThreadPort, services: VmThreadServices): void {
  let session: Session | undefined;
  const early: ToVmThread[] = [];
  port.onMessage((message) => {
    if (message.type === 'init') {
      if (session !== undefined) return;
      session = new Session(port, services, message.config, new Int32Array(message.control));
      for (const m of early.splice(0)) session.handle(m);
      void session.start();
    } else if (session === undefined) {
      early.push(message);
    } else {
      session.handle(message);
    }
  });
}

/** One VM inside its thread. */
class Session {
  private readonly console: ChannelConsole;
  private readonly nets: ChannelNet[];
  private readonly disks: BlockBackend[];
  private readonly clock: PausableClock;
  private machine: VirtMachine | undefined;
  private stopRequested = false;
  private timedOut = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reboots = 0;
  private delivered = 0;
  private ackQueued = false;
  private ended = false;

  constructor(
    private readonly port: VmThreadPort,
    private readonly services: VmThreadServices,
    private readonly config: VmThreadConfig,
    private readonly control: Int32Array,
  ) {
    this.console = new ChannelConsole(port);
    this.clock = new PausableClock(services.clock);
    const ack = () => this.frameDelivered();
    this.nets = config.nets.map((n, index) => new ChannelNet(port, index, n.mac, ack));
    this.disks = [];
  }

  /** Builds the board and runs it; reports `startFailed` or, eventually, `exit`. */
  async start(): Promise<void> {
    try {
      for (const handle of this.config.disks) this.disks.push(openDisk(handle, this.services));
      this.machine = this.build();
      if (this.config.preallocate) preallocate(this.machine.ram.bytes);
    } catch (error) {
      const reason =
        error instanceof ImageError ? 'image' : error instanceof InputError ? 'config' : 'internal';
      const message = error instanceof Error ? error.message : String(error);
      this.ended = true;
      this.port.post({
        type: 'startFailed',
        reason: error instanceof ConfigError ? 'config' : reason,
        message,
        ...(reason === 'internal' && error instanceof Error && error.stack !== undefined
          ? { detail: error.stack }
          : {}),
      });
      return;
    }
    this.port.post({ type: 'started' });
    if (this.stopRequested) this.machine.stop();
    this.armTimeout();
    let outcome: VmOutcome;
    try {
      outcome = await this.loop();
    } catch (error) {
      outcome = {
        kind: 'crashed',
        message: error instanceof Error ? error.message : String(error),
        ...(error instanceof Error && error.stack !== undefined ? { detail: error.stack } : {}),
      };
    }
    this.finish(outcome);
  }

  /** Acts on a message from the main thread. */
  handle(message: ToVmThread): void {
    switch (message.type) {
      case 'input':
        this.console.receive(message.bytes);
        break;
      case 'netRx':
        this.nets[message.index]?.receive(message.frame);
        break;
      case 'pause':
        this.pause();
        break;
      case 'stop':
        this.stop();
        break;
      case 'init':
        break;
    }
  }

  /** Runs boards until one ends the VM; reboots on reset when configured to. */
  private async loop(): Promise<VmOutcome> {
    for (;;) {
      const outcome = await this.machine!.run();
      this.console.flush();
      if (outcome.kind === 'reset' && this.config.onReset === 'reboot' && !this.stopRequested) {
        // As QEMU: boot again from the same images. Yield first, so that a guest that
        // resets in a loop still lets messages (stop, input) and the timeout through.
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        if (this.stopRequested) return this.timedOut ? { kind: 'timeout' } : { kind: 'stopped' };
        this.port.post({ type: 'rebooting' });
        this.reboots++;
        this.console.clearListeners();
        this.machine = this.build();
        continue;
      }
      switch (outcome.kind) {
        case 'shutdown':
          return { kind: 'shutdown', code: outcome.code, source: outcome.source };
        case 'reset':
          return this.stopRequested ? this.stoppedOutcome() : { kind: 'reset' };
        case 'timeout':
        case 'stopped':
          return this.stoppedOutcome();
        case 'error':
          return { kind: 'error', message: outcome.message };
      }
    }
  }

  private stoppedOutcome(): VmOutcome {
    return this.timedOut ? { kind: 'timeout' } : { kind: 'stopped' };
  }

  /** Builds a board from the configuration (again on each reboot). */
  private build(): VirtMachine {
    const c = this.config;
    const events = c.trace ? traceEvents(this.port, () => this.console.flush()) : undefined;
    const options: VirtMachineOptions = {
      kernel: c.kernel,
      memorySize: c.memory,
      harts: c.vcpus,
      uart: this.console,
      clock: this.clock,
      wallClock: () => this.services.clock.wallNs(),
      ...(c.kernelFormat === undefined ? {} : { kernelFormat: c.kernelFormat }),
      ...(c.bios === undefined ? {} : { bios: c.bios }),
      ...(c.initrd === undefined ? {} : { initrd: c.initrd }),
      ...(c.bootargs === undefined ? {} : { bootargs: c.bootargs }),
      ...(this.disks.length === 0 ? {} : { disks: this.disks }),
      ...(this.nets.length === 0 ? {} : { nets: this.nets }),
      ...(c.rng ? { rng: true } : {}),
      ...(events === undefined ? {} : { events }),
    };
    return new VirtMachine(options);
  }

  /** Blocks this thread while the control word says pause; the guest's clock stands still. */
  private pause(): void {
    if (this.ended || Atomics.load(this.control, 0) !== CONTROL_PAUSE) return;
    this.console.flush();
    this.disarmTimeout();
    const from = this.services.clock.monotonicMs();
    this.port.post({ type: 'paused' });
    while (Atomics.load(this.control, 0) === CONTROL_PAUSE) Atomics.wait(this.control, 0, CONTROL_PAUSE);
    this.clock.pausedMs += this.services.clock.monotonicMs() - from;
    if (Atomics.load(this.control, 0) === CONTROL_STOP) {
      this.stop();
      return;
    }
    this.port.post({ type: 'resumed' });
    this.armTimeout();
  }

  /** Ends the run with `stopped` (or `timeout` when the timer asked). */
  private stop(): void {
    this.stopRequested = true;
    this.disarmTimeout();
    this.machine?.stop();
  }

  /** Starts (or restarts after a pause) the timer for the remaining running time. */
  private armTimeout(): void {
    const limit = this.config.timeoutMs;
    if (limit === undefined || this.stopRequested) return;
    const remaining = Math.max(0, limit - this.clock.runningMs());
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.stop();
    }, remaining);
  }

  private disarmTimeout(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Counts a received frame handed to a device; acknowledged in batches. */
  private frameDelivered(): void {
    this.delivered++;
    if (this.ackQueued) return;
    this.ackQueued = true;
    queueMicrotask(() => {
      this.ackQueued = false;
      this.port.post({ type: 'netAck', frames: this.delivered });
      this.delivered = 0;
    });
  }

  /** Reports the end of the run once. */
  private finish(outcome: VmOutcome): void {
    if (this.ended) return;
    this.ended = true;
    this.disarmTimeout();
    this.console.flush();
    const machine = this.machine;
    this.port.post({
      type: 'exit',
      outcome,
      stats: {
        instructions: machine === undefined ? 0 : machine.stats().instructions,
        reboots: this.reboots,
        runMs: this.clock.runningMs(),
      },
    });
  }
}
