/*
 * The HostOs port: everything a hosted VM needs from the operating system it runs
 * on. The VM manager (`createVm`) and the VM thread see only these interfaces; the
 * Node implementation (`NodeHostOs`, in `./node/`) is the one place that touches
 * files, sockets, the terminal and worker threads, and a browser implementation can
 * follow the same port (OPFS disks, a WebSocket or BroadcastChannel hub, Web Workers).
 */
import type { BlockBackend, CharBackend, NetBackend } from '@hvkit/interfaces';
import type { FromVmThread, ToVmThread } from './protocol.js';

/** How `HostOs.openDisk` opens an image. */
export interface DiskOpenOptions {
  /** Open for reading only: the guest sees a read-only device and its writes fail. */
  readonly readOnly: boolean;
}

/**
 * A disk image opened on the host, described as plain data so that a VM thread can
 * open the same medium on its side (`VmThreadServices.openDisk`): a host file
 * descriptor (shared by every thread of a process) or a shared in-memory buffer.
 */
export type DiskHandle =
  | {
      /** A host file already opened (and locked, when writable) by the main thread. */
      readonly kind: 'fd';
      /** The OS file descriptor. */
      readonly fd: number;
      /** Path the user gave, for messages and the GET_ID serial. */
      readonly path: string;
      /** Size in bytes, a multiple of 512. */
      readonly sizeBytes: number;
      /** True when writes must fail. */
      readonly readOnly: boolean;
    }
  | {
      /** A disk held in memory that every thread can see (tests, browsers without files). */
      readonly kind: 'memory';
      /** The medium's bytes; length a multiple of 512. */
      readonly buffer: SharedArrayBuffer;
      /** A name for messages and the GET_ID serial. */
      readonly path: string;
      /** True when writes must fail. */
      readonly readOnly: boolean;
    };

/**
 * An open disk image: a `BlockBackend` usable on the opening thread, its `handle` for
 * the VM thread, and `close()`, which releases the host resources (the file, its
 * lock). Closing twice is harmless.
 */
export interface DiskImage extends BlockBackend {
  /** Path the user gave. */
  readonly path: string;
  /** What a VM thread needs to open the same medium. */
  readonly handle: DiskHandle;
  /** Releases the file and its lock; the backend must not be used afterwards. */
  close(): void;
}

/** The guest console on the host's terminal (or pipes): a `CharBackend` plus its lifetime. */
export interface HostConsole extends CharBackend {
  /** True when the host input is a terminal in raw mode (escape keys active). */
  readonly isRaw: boolean;
  /** Writes buffered guest output now. */
  flush(): void;
  /** Forgets every `onReadable` listener (before a rebooted board registers its own). */
  clearListeners(): void;
  /** Flushes output, stops reading input and restores the terminal; safe to call twice. */
  close(): void;
}

/** Options of `HostOs.openConsole`. */
export interface ConsoleOptions {
  /** Called when the user asks to quit from the console (Ctrl-A x on a terminal). */
  readonly onQuit: () => void;
  /**
   * When input is not a terminal (a pipe or a file), hold it back until the guest
   * first prints this text (for example its shell prompt): input that arrives while
   * the guest's serial driver starts up would otherwise be lost. Absent: deliver at once.
   */
  readonly holdPipedInputUntil?: string;
}

/** A network interface attached to a host-side hub: a `NetBackend` plus its lifetime. */
export interface NetAttachment extends NetBackend {
  /** Name of the hub. */
  readonly hub: string;
  /** The interface's MAC address (6 bytes, locally administered unless the caller chose one). */
  readonly mac: Uint8Array;
  /** Frames dropped on this attachment so far (queue full, too large, hub unreachable). */
  readonly dropped: number;
  /** Leaves the hub; no frame is delivered afterwards. Safe to call twice. */
  close(): void;
}

/** Options of `HostOs.attachNet`. */
export interface NetAttachOptions {
  /** MAC address to present (6 bytes); default a random locally administered 52:54:00:xx:xx:xx. */
  readonly mac?: Uint8Array;
}

/** The host's clocks. */
export interface HostClock {
  /** Monotonic milliseconds (fractional), from an arbitrary origin; never goes backwards. */
  monotonicMs(): number;
  /** Wall-clock time in ns since the Unix epoch (for the guest RTC). */
  wallNs(): bigint;
}

/**
 * A thread that runs one VM's loop off the main thread, and the message pipe to it.
 * Messages are plain data (structured clone); `transfer` moves buffers instead of
 * copying them.
 */
export interface VmThread {
  /** Sends a message to the VM thread. */
  post(message: ToVmThread, transfer?: readonly ArrayBuffer[]): void;
  /** Registers the listener for messages from the VM thread (one listener). */
  onMessage(listener: (message: FromVmThread) => void): void;
  /** Registers the listener for the thread dying: an uncaught error, or exiting on its own. */
  onFailure(listener: (error: Error) => void): void;
  /** Ends the thread at once (it may be blocked or busy) and frees everything it held. */
  terminate(): Promise<void>;
}

/**
 * What a hosted VM needs from its host OS. Every method reports bad user input
 * (missing file, locked image, bad hub name) as a one-line `HostError`.
 */
export interface HostOs {
  /**
   * Opens the disk image at `path` as a block device medium. A writable image is
   * locked for the VM's lifetime: a second writable (or any read-only) open of the
   * same image, in this process or another, fails while the lock is held. The
   * image's size must be a non-zero multiple of 512 bytes. Opening never modifies
   * the image.
   */
  openDisk(path: string, options: DiskOpenOptions): DiskImage;
  /** The guest console on the host's standard input and output (raw mode on a terminal). */
  openConsole(options: ConsoleOptions): HostConsole;
  /**
   * Attaches a network interface to the host-side hub named `hub` (letters, digits,
   * `.`, `_`, `-`; at most 64): every frame sent by one member reaches every other
   * member of the same hub on this host, in this process or another.
   */
  attachNet(hub: string, options?: NetAttachOptions): Promise<NetAttachment>;
  /** The host clock (the VM thread reads its own copy through `VmThreadServices`). */
  readonly clock: HostClock;
  /** Starts a thread for one VM's run loop (see `runVmThread`, the code it runs). */
  startVmThread(): VmThread;
}

/**
 * What the VM thread itself gets from the host: the same clock, and a way to turn a
 * `DiskHandle` back into a `BlockBackend` on that thread (synchronous I/O there is
 * fine: it blocks only the VM, never the main thread).
 */
export interface VmThreadServices {
  /** The host clock. */
  readonly clock: HostClock;
  /** Opens the medium behind `handle` on this thread (the main thread keeps ownership: no close). */
  openDisk(handle: DiskHandle): BlockBackend;
}

/** Valid hub names: 1 to 64 letters, digits, `.`, `_` or `-` (they end up in port numbers and messages). */
export const HUB_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
