/*
 * The messages between a `Vm` (main thread) and its VM thread. Everything here is
 * plain data for the structured clone algorithm: no functions, no class instances
 * beyond typed arrays and SharedArrayBuffers.
 *
 * Pausing cannot be a message: a paused thread does not read messages. So `init`
 * carries a small SharedArrayBuffer, `control`, whose word 0 holds the requested run
 * state (`CONTROL_RUN`, `CONTROL_PAUSE`, `CONTROL_STOP`). The main thread stores the
 * state, notifies, and posts `pause`; the VM thread, at its next turn of the event
 * loop (the board yields every few ms), reports `paused` and blocks in `Atomics.wait`
 * until the word changes.
 */
import type { DiskHandle } from './host-os.js';

/** Control word 0: keep running. */
export const CONTROL_RUN = 0;
/** Control word 0: block until the word changes. */
export const CONTROL_PAUSE = 1;
/** Control word 0: stop as soon as possible. */
export const CONTROL_STOP = 2;
/** Bytes of the control SharedArrayBuffer (one Int32 word, padded). */
export const CONTROL_BYTES = 8;

/** How a VM's run ended. */
export type VmOutcome =
  /** The guest powered off (finisher, SBI SRST, HTIF exit); `code` 0 is success. */
  | { readonly kind: 'shutdown'; readonly code: number; readonly source: string }
  /** The guest asked for a reset and the VM was configured with `onReset: 'exit'`. */
  | { readonly kind: 'reset' }
  /** The VM's `timeoutMs` of running time (paused time excluded) passed. */
  | { readonly kind: 'timeout' }
  /** `stop()` was called. */
  | { readonly kind: 'stopped' }
  /** The guest asked for something the board cannot do (an HTIF syscall); one line. */
  | { readonly kind: 'error'; readonly message: string }
  /** The VM thread failed: a bug in hvkit, or the host ran out of memory. */
  | { readonly kind: 'crashed'; readonly message: string; readonly detail?: string };

/** Counters of a VM's run, reported with its outcome. */
export interface VmStats {
  /** Instructions retired by hart 0 (of the last boot). */
  readonly instructions: number;
  /** Times the guest was rebooted after asking for a reset. */
  readonly reboots: number;
  /** Host milliseconds spent running (paused time excluded). */
  readonly runMs: number;
}

/** The board as the VM thread builds it (the plain-data part of a `VmConfig`). */
export interface VmThreadConfig {
  /** The kernel image bytes. */
  readonly kernel: Uint8Array;
  /** How to read `kernel` (see `VmConfig.kernelFormat`). */
  readonly kernelFormat?: 'elf' | 'image' | 'raw' | 'auto';
  /** An initial RAM disk. */
  readonly initrd?: Uint8Array;
  /** The kernel command line. */
  readonly bootargs?: string;
  /** Firmware choice; absent: the board decides from the kernel. */
  readonly bios?: 'none' | 'native' | Uint8Array;
  /** RAM in bytes. */
  readonly memory: number;
  /** Number of harts. */
  readonly vcpus: number;
  /** The disks, opened by the main thread, in slot order. */
  readonly disks: readonly DiskHandle[];
  /** One entry per network interface, in order. */
  readonly nets: readonly { readonly mac: Uint8Array }[];
  /** Attach a virtio-rng device. */
  readonly rng: boolean;
  /** Running time after which the VM stops with outcome `timeout`. */
  readonly timeoutMs?: number;
  /** What a guest reset does: boot again from the same images, or end the run. */
  readonly onReset: 'reboot' | 'exit';
  /** Send `trace` messages: every instruction and the board's events. */
  readonly trace: boolean;
  /** Touch every page of guest RAM at start, so the memory is really committed. */
  readonly preallocate: boolean;
}

/** Main thread -> VM thread. */
export type ToVmThread =
  | { readonly type: 'init'; readonly config: VmThreadConfig; readonly control: SharedArrayBuffer }
  /** Console input bytes for the guest. */
  | { readonly type: 'input'; readonly bytes: Uint8Array }
  /** A frame from the network for interface `index`. */
  | { readonly type: 'netRx'; readonly index: number; readonly frame: Uint8Array }
  /** Look at the control word: it says pause. */
  | { readonly type: 'pause' }
  /** End the run with outcome `stopped` (or `timeout` when `timeout` is set). */
  | { readonly type: 'stop' };

/** VM thread -> main thread. */
export type FromVmThread =
  /** The board is built and the guest is running. */
  | { readonly type: 'started' }
  /** The board could not be built; nothing ran. */
  | {
      readonly type: 'startFailed';
      readonly reason: 'image' | 'config' | 'internal';
      readonly message: string;
      readonly detail?: string;
    }
  /** Console output bytes from the guest. */
  | { readonly type: 'output'; readonly bytes: Uint8Array }
  /** The guest consumed this many console input bytes (input flow control). */
  | { readonly type: 'inputAck'; readonly bytes: number }
  /** A frame the guest sent on interface `index`. */
  | { readonly type: 'netTx'; readonly index: number; readonly frame: Uint8Array }
  /** This many received frames were handed to the devices (receive flow control). */
  | { readonly type: 'netAck'; readonly frames: number }
  /** Trace text (whole lines, each ending in a newline). */
  | { readonly type: 'trace'; readonly text: string }
  /** The guest asked for a reset and is being booted again. */
  | { readonly type: 'rebooting' }
  /** The thread is now blocked until resumed. */
  | { readonly type: 'paused' }
  /** The thread runs again. */
  | { readonly type: 'resumed' }
  /** The run ended; the thread does nothing more and may be terminated. */
  | { readonly type: 'exit'; readonly outcome: VmOutcome; readonly stats: VmStats };
