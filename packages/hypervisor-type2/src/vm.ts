/*
 * A hosted VM: the main-thread face of one guest whose board runs in a VM thread
 * (vm-thread.ts). The Vm opens the host resources (disks, hub attachments) through
 * the HostOs port, starts the thread, relays console bytes and network frames, and
 * gives everything back when the run ends: the thread is terminated (which frees
 * the guest RAM), files are closed and unlocked, hub attachments are left.
 */
import { checkConfig, DEFAULT_MEMORY, type DiskConfig, type VmConfig } from './config.js';
import { VmStartError } from './errors.js';
import type { DiskHandle, DiskImage, HostOs, NetAttachment, VmThread } from './host-os.js';
import {
  CONTROL_BYTES,
  CONTROL_PAUSE,
  CONTROL_RUN,
  CONTROL_STOP,
  type FromVmThread,
  type VmOutcome,
  type VmStats,
} from './protocol.js';

/** Where a VM is in its life. */
export type VmState = 'created' | 'starting' | 'running' | 'paused' | 'stopping' | 'exited';

/** How a VM ended, as `Vm.exited` reports it: the run's outcome, or why it never started. */
export type VmExit = VmOutcome | { readonly kind: 'failed'; readonly message: string };

/** The events of a `Vm` and their payloads. */
export interface VmEvents {
  /** Guest console output (UART0), in order. */
  console: Uint8Array;
  /** Trace text (whole lines), when `trace` is on. */
  trace: string;
  /** The state changed. */
  state: VmState;
  /** The guest asked for a reset and is being booted again. */
  reboot: undefined;
}

/** A hosted virtual machine (see `createVm`). */
export interface Vm {
  /** Where the VM is in its life. */
  readonly state: VmState;
  /**
   * Opens the disks, joins the hubs, starts the VM thread and builds the board.
   * Rejects with a one-line `HostError` (a disk or hub problem), `VmConfigError`
   * (limits) or `VmStartError` (the board refused the images or options); nothing
   * is left open then. Call once.
   */
  start(): Promise<void>;
  /**
   * Stops the guest and terminates its thread, freeing the guest RAM; closes and
   * unlocks the disks, leaves the hubs. Resolves with the outcome (`stopped`, or how
   * the run had already ended). Safe to call in any state, more than once.
   */
  stop(): Promise<VmExit>;
  /** Freezes the guest (its thread blocks, its clock stands still); resolves once it is. */
  pause(): Promise<void>;
  /** Lets a paused guest run again. */
  resume(): void;
  /** Sends bytes to the guest console, after whatever the console backend already sent. */
  sendConsole(bytes: Uint8Array | string): void;
  /** Resolves once, when the run ends for any reason (after resources are released). */
  readonly exited: Promise<VmExit>;
  /** Counters of the run, once it has ended. */
  readonly stats: VmStats | undefined;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends keyof VmEvents>(event: E, listener: (payload: VmEvents[E]) => void): () => void;
}

/** Console input bytes in flight to the VM thread before the Vm stops reading its console. */
const INPUT_WINDOW = 64 * 1024;
/** Console input is sent in messages of at most this many bytes. */
const INPUT_CHUNK = 4096;
/** Received frames in flight to the VM thread; more are dropped (as a full NIC queue would). */
const RX_WINDOW = 256;
/** How long a stopping VM thread gets to report its outcome before it is terminated anyway. */
const STOP_GRACE_MS = 2000;

/** Creates a VM from `config` on `host`; nothing happens until `start()`. */
export function createVm(config: VmConfig, host: HostOs): Vm {
  return new HostedVm(config, host);
}

class HostedVm implements Vm {
  private current: VmState = 'created';
  private thread: VmThread | undefined;
  private control = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
  private readonly ownedDisks: DiskImage[] = [];
  private readonly nets: NetAttachment[] = [];
  private readonly listeners: { [E in keyof VmEvents]: Set<(payload: VmEvents[E]) => void> } = {
    console: new Set(),
    trace: new Set(),
    state: new Set(),
    reboot: new Set(),
  };
  private readonly pendingInput: Uint8Array[] = [];
  private inputInFlight = 0;
  private rxInFlight = 0;
  private startWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private pauseWaiters: (() => void)[] = [];
  private stopTimer: ReturnType<typeof setTimeout> | undefined;
  private outcome: VmExit | undefined;
  private finalStats: VmStats | undefined;
  private settle!: (exit: VmExit) => void;
  readonly exited: Promise<VmExit>;

  constructor(
    private readonly config: VmConfig,
    private readonly host: HostOs,
  ) {
    this.exited = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  get state(): VmState {
    return this.current;
  }

  get stats(): VmStats | undefined {
    return this.finalStats;
  }

  on<E extends keyof VmEvents>(event: E, listener: (payload: VmEvents[E]) => void): () => void {
    const set = this.listeners[event] as Set<(payload: VmEvents[E]) => void>;
    set.add(listener);
    return () => set.delete(listener);
  }

  async start(): Promise<void> {
    if (this.current !== 'created') throw new Error(`Vm.start: the VM is ${this.current}, not created`);
    this.setState('starting');
    try {
      checkConfig(this.config);
      const disks = this.openDisks();
      for (const net of this.config.nets ?? []) {
        this.nets.push(await this.host.attachNet(net.hub, net.mac === undefined ? {} : { mac: net.mac }));
      }
      const thread = this.host.startVmThread();
      this.thread = thread;
      thread.onMessage((message) => this.receive(message));
      thread.onFailure((error) => this.crashed(error));
      const started = new Promise<void>((resolve, reject) => {
        this.startWaiter = { resolve, reject };
      });
      thread.post({
        type: 'init',
        config: this.threadConfig(disks),
        control: this.control.buffer as SharedArrayBuffer,
      });
      await started;
    } catch (error) {
      await this.release();
      const message = error instanceof Error ? error.message : String(error);
      this.end({ kind: 'failed', message });
      throw error;
    }
    this.setState('running');
    this.wireConsole();
    this.wireNets();
  }

  async stop(): Promise<VmExit> {
    switch (this.current) {
      case 'created':
        this.end({ kind: 'stopped' });
        return this.exited;
      case 'starting':
        // Let the start finish (or fail) first: then there is something to stop.
        await new Promise<void>((resolve) => {
          const off = this.on('state', (s) => {
            if (s !== 'starting') {
              off();
              resolve();
            }
          });
        });
        return this.stop();
      case 'running':
      case 'paused':
        this.setState('stopping');
        Atomics.store(this.control, 0, CONTROL_STOP);
        Atomics.notify(this.control, 0);
        this.thread?.post({ type: 'stop' });
        this.stopTimer = setTimeout(() => void this.finish({ kind: 'stopped' }), STOP_GRACE_MS);
        return this.exited;
      default:
        return this.exited;
    }
  }

  async pause(): Promise<void> {
    if (this.current === 'paused') return;
    if (this.current !== 'running') throw new Error(`Vm.pause: the VM is ${this.current}, not running`);
    const thread = this.live();
    if (thread === undefined) return;
    const paused = new Promise<void>((resolve) => this.pauseWaiters.push(resolve));
    Atomics.store(this.control, 0, CONTROL_PAUSE);
    thread.post({ type: 'pause' });
    await paused;
  }

  resume(): void {
    if (this.current !== 'paused') return;
    Atomics.store(this.control, 0, CONTROL_RUN);
    Atomics.notify(this.control, 0);
    this.setState('running');
  }

  sendConsole(bytes: Uint8Array | string): void {
    const chunk = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes.slice();
    if (chunk.length === 0) return;
    this.pendingInput.push(chunk);
    this.pumpInput();
  }

  /** Opens the configured disks (closing those already opened if one fails). */
  private openDisks(): DiskHandle[] {
    const handles: DiskHandle[] = [];
    for (const disk of this.config.disks ?? []) {
      if (isDiskImage(disk)) {
        handles.push(disk.handle);
        continue;
      }
      const image = this.host.openDisk(disk.path, { readOnly: disk.readOnly === true });
      this.ownedDisks.push(image);
      handles.push(image.handle);
    }
    return handles;
  }

  private threadConfig(disks: DiskHandle[]) {
    const c = this.config;
    return {
      kernel: c.kernel,
      memory: c.memory ?? DEFAULT_MEMORY,
      vcpus: c.vcpus ?? 1,
      disks,
      nets: this.nets.map((n) => ({ mac: n.mac })),
      rng: c.rng === true,
      onReset: c.onReset ?? 'reboot',
      trace: c.trace === true,
      preallocate: c.preallocateMemory === true,
      ...(c.kernelFormat === undefined ? {} : { kernelFormat: c.kernelFormat }),
      ...(c.initrd === undefined ? {} : { initrd: c.initrd }),
      ...(c.bootargs === undefined ? {} : { bootargs: c.bootargs }),
      ...(c.bios === undefined ? {} : { bios: c.bios }),
      ...(c.timeoutMs === undefined ? {} : { timeoutMs: c.timeoutMs }),
    } as const;
  }

  /** Feeds the console backend's input to the guest, within the input window. */
  private wireConsole(): void {
    this.config.console?.onReadable?.(() => this.pumpInput());
    this.pumpInput();
  }

  /** Relays frames from the hubs to the guest, within the receive window. */
  private wireNets(): void {
    for (const [index, net] of this.nets.entries()) {
      net.onReceive((frame) => {
        const thread = this.live();
        if (thread === undefined) return;
        if (this.rxInFlight >= RX_WINDOW) return; // the guest is not keeping up: drop, as a NIC would
        this.rxInFlight++;
        const copy = frame.slice();
        thread.post({ type: 'netRx', index, frame: copy }, [copy.buffer]);
      });
    }
  }

  private pumpInput(): void {
    const thread = this.live();
    if (thread === undefined) return;
    const console = this.config.console;
    while (this.inputInFlight < INPUT_WINDOW) {
      let chunk = this.pendingInput.shift();
      if (chunk === undefined && console !== undefined) {
        const bytes: number[] = [];
        for (let b = console.read(); b >= 0; b = bytes.length < INPUT_CHUNK ? console.read() : -1) {
          bytes.push(b);
        }
        if (bytes.length > 0) chunk = Uint8Array.from(bytes);
      }
      if (chunk === undefined) return;
      this.inputInFlight += chunk.length;
      thread.post({ type: 'input', bytes: chunk }, [chunk.buffer as ArrayBuffer]);
    }
  }

  /** The VM thread while the guest runs (or is paused); undefined once the run is ending. */
  private live(): VmThread | undefined {
    if (this.outcome !== undefined) return undefined;
    if (this.current !== 'running' && this.current !== 'paused' && this.current !== 'stopping')
      return undefined;
    return this.thread;
  }

  private receive(message: FromVmThread): void {
    if (this.current === 'exited') return; // a straggler from a thread that was terminated
    switch (message.type) {
      case 'started':
        this.startWaiter?.resolve();
        this.startWaiter = undefined;
        break;
      case 'startFailed':
        this.startWaiter?.reject(new VmStartError(message.message, message.reason, message.detail));
        this.startWaiter = undefined;
        break;
      case 'output': {
        const console = this.config.console;
        if (console !== undefined) for (const byte of message.bytes) console.write(byte);
        this.emit('console', message.bytes);
        break;
      }
      case 'inputAck':
        this.inputInFlight = Math.max(0, this.inputInFlight - message.bytes);
        this.pumpInput();
        break;
      case 'netTx':
        this.nets[message.index]?.send(message.frame);
        break;
      case 'netAck':
        this.rxInFlight = Math.max(0, this.rxInFlight - message.frames);
        break;
      case 'trace':
        this.emit('trace', message.text);
        break;
      case 'rebooting':
        this.emit('reboot', undefined);
        break;
      case 'paused':
        if (this.current === 'running') this.setState('paused');
        for (const resolve of this.pauseWaiters.splice(0)) resolve();
        break;
      case 'resumed':
        break;
      case 'exit':
        this.finalStats = message.stats;
        void this.finish(message.outcome);
        break;
    }
  }

  /** The VM thread died without reporting an outcome. */
  private crashed(error: Error): void {
    if (this.startWaiter !== undefined) {
      this.startWaiter.reject(new VmStartError(error.message, 'internal', error.stack));
      this.startWaiter = undefined;
      return;
    }
    void this.finish({
      kind: 'crashed',
      message: error.message,
      ...(error.stack === undefined ? {} : { detail: error.stack }),
    });
  }

  /** Ends a started run: releases everything, then settles `exited`. */
  private async finish(outcome: VmOutcome): Promise<void> {
    if (this.outcome !== undefined || this.current === 'exited') return;
    this.outcome = outcome; // first reason wins
    for (const resolve of this.pauseWaiters.splice(0)) resolve();
    await this.release();
    this.end(outcome);
  }

  /** Terminates the thread (freeing guest RAM) and gives the host resources back. */
  private async release(): Promise<void> {
    if (this.stopTimer !== undefined) clearTimeout(this.stopTimer);
    const flushable = this.config.console as { flush?: () => void } | undefined;
    flushable?.flush?.();
    const thread = this.thread;
    this.thread = undefined;
    if (thread !== undefined) {
      Atomics.store(this.control, 0, CONTROL_STOP);
      Atomics.notify(this.control, 0);
      await thread.terminate();
    }
    // Closing can only fail on a host problem (a lock file someone else removed);
    // the VM is over either way, so every resource gets its turn.
    for (const net of this.nets.splice(0)) {
      try {
        net.close();
      } catch {}
    }
    for (const disk of this.ownedDisks.splice(0)) {
      try {
        disk.close();
      } catch {}
    }
  }

  private end(exit: VmExit): void {
    this.outcome = exit;
    this.setState('exited');
    this.settle(exit);
  }

  private setState(state: VmState): void {
    if (this.current === state) return;
    this.current = state;
    this.emit('state', state);
  }

  private emit<E extends keyof VmEvents>(event: E, payload: VmEvents[E]): void {
    for (const listener of this.listeners[event] as Set<(payload: VmEvents[E]) => void>) listener(payload);
  }
}

function isDiskImage(disk: DiskConfig): disk is DiskImage {
  return (disk as Partial<DiskImage>).handle !== undefined;
}
