/*
 * virtio-console (virtio 1.x, 5.3 "Console Device"), port 0 only (no
 * VIRTIO_CONSOLE_F_MULTIPORT): receiveq 0 and transmitq 1, backed by a
 * `CharBackend`; VIRTIO_CONSOLE_F_EMERG_WRITE for one-byte output through the
 * configuration space.
 *
 * What a hostile guest can do: send the host backend as many bytes as its
 * transmit chains describe (the backend decides about back-pressure), put
 * device-readable buffers in the receive queue (they are returned empty), and post
 * no receive buffers at all: input is pulled from the backend only when a receive
 * buffer is waiting, so the device itself holds at most one byte of input and a
 * fast host producer cannot make it buffer more. Chains with buffers outside RAM
 * are returned with length 0 and nothing copied.
 */
import type { AccessSize, CharBackend } from '@hvkit/interfaces';
import type { VirtioDevice, VirtioDeviceState, VirtioTransport } from './device.js';
import { featureBit, VIRTIO_ID_CONSOLE } from './registers.js';
import { CHAIN_OK } from './virtqueue.js';

/** Feature bit 2: `emerg_wr` in the configuration space prints its low byte. */
export const VIRTIO_CONSOLE_F_EMERG_WRITE = 2;
/** Queue index of port 0's receiveq (host to guest). */
export const VIRTIO_CONSOLE_RX_QUEUE = 0;
/** Queue index of port 0's transmitq (guest to host). */
export const VIRTIO_CONSOLE_TX_QUEUE = 1;
/** Config offset of `emerg_wr` (le32, write-only). */
export const VIRTIO_CONSOLE_CFG_EMERG_WR = 0x08;
/** Bytes of struct virtio_console_config: cols, rows, max_nr_ports, emerg_wr. */
export const VIRTIO_CONSOLE_CONFIG_SIZE = 12;

const CHUNK = 64;

/** Construction options of `VirtioConsole`. */
export interface VirtioConsoleOptions {
  /** Host side of the console. */
  readonly backend: CharBackend;
  /** QueueNumMax of both queues (power of two, default 64). */
  readonly queueSize?: number;
}

/** Saved state of a `VirtioConsole`: the one input byte taken from the backend and not yet delivered. */
export interface VirtioConsoleState extends VirtioDeviceState {
  readonly kind: 'virtio-console';
  readonly version: 1;
  /** The pending input byte, or -1. */
  readonly pending: number;
}

/** A virtio console (ID 3) with one port on a `CharBackend`. */
export class VirtioConsole implements VirtioDevice {
  /** Device type 3: console. */
  readonly deviceId = VIRTIO_ID_CONSOLE;
  /** EMERG_WRITE. */
  readonly features = featureBit(VIRTIO_CONSOLE_F_EMERG_WRITE);
  /** receiveq(port0), transmitq(port0). */
  readonly queueSizes: readonly number[];
  /** struct virtio_console_config (cols and rows 0: no VIRTIO_CONSOLE_F_SIZE). */
  readonly config = new Uint8Array(VIRTIO_CONSOLE_CONFIG_SIZE);

  private readonly backend: CharBackend;
  private transport: VirtioTransport | undefined;
  private pending = -1;
  private readonly scratch = new Uint8Array(CHUNK);

  /** Creates a console on `options.backend` and listens for its input. */
  constructor(options: VirtioConsoleOptions) {
    const queueSize = options.queueSize ?? 64;
    this.queueSizes = [queueSize, queueSize];
    this.backend = options.backend;
    this.backend.onReadable?.(() => this.poll());
  }

  /** Called by the transport. */
  attach(transport: VirtioTransport): void {
    if (this.transport) throw new Error('virtio-console: device is already attached to a transport');
    this.transport = transport;
  }

  /** Keeps the pending input byte: it came from the host and is delivered after the driver comes back. */
  reset(): void {}

  /** Receive buffers were posted (queue 0) or output is waiting (queue 1). */
  notify(index: number): void {
    if (index === VIRTIO_CONSOLE_RX_QUEUE) this.poll();
    else if (index === VIRTIO_CONSOLE_TX_QUEUE) this.transmit();
  }

  /** `emerg_wr`: prints the low byte, even before the driver set the device up (5.3.5.1). */
  writeConfig(offset: number, _size: AccessSize, value: number): void {
    if (offset === VIRTIO_CONSOLE_CFG_EMERG_WR) this.backend.write(value & 0xff);
  }

  /** Moves waiting host input into posted receive buffers (the board may call it; `onReadable` does). */
  poll(): void {
    const t = this.transport;
    if (!t?.live) return;
    const q = t.queue(VIRTIO_CONSOLE_RX_QUEUE);
    if (!q.ready) return;
    for (;;) {
      // Take input before a buffer, so that no buffer is used empty; keep the byte if no buffer is waiting.
      if (this.pending < 0) this.pending = this.backend.read();
      if (this.pending < 0) break;
      const head = q.pop();
      if (head < 0) break;
      const c = q.chain;
      if (c.fault !== CHAIN_OK || c.writableLength === 0) {
        q.push(head, 0);
        continue;
      }
      let pos = 0;
      let more = true;
      while (more && pos < c.writableLength) {
        let n = 0;
        while (n < CHUNK && pos + n < c.writableLength) {
          if (this.pending < 0) this.pending = this.backend.read();
          if (this.pending < 0) {
            more = false;
            break;
          }
          this.scratch[n++] = this.pending;
          this.pending = -1;
        }
        pos += c.write(pos, this.scratch, 0, n);
      }
      q.push(head, pos);
    }
    t.notifyUsed(q);
  }

  private transmit(): void {
    const t = this.transport!;
    const q = t.queue(VIRTIO_CONSOLE_TX_QUEUE);
    while (t.live) {
      const head = q.pop();
      if (head < 0) break;
      const c = q.chain;
      if (c.fault === CHAIN_OK) {
        for (let pos = 0; pos < c.readableLength; ) {
          const n = c.read(pos, this.scratch, 0, CHUNK);
          if (n === 0) break;
          for (let i = 0; i < n; i++) this.backend.write(this.scratch[i]!);
          pos += n;
        }
      }
      q.push(head, 0);
    }
    t.notifyUsed(q);
  }

  /** The pending input byte as plain data. */
  save(): VirtioConsoleState {
    return { kind: 'virtio-console', version: 1, pending: this.pending };
  }

  /** Puts the pending input byte back. */
  restore(state: VirtioDeviceState): void {
    const s = state as VirtioConsoleState;
    if (s.kind !== 'virtio-console' || s.version !== 1) {
      throw new Error(`virtio-console: cannot restore ${s.kind} state version ${s.version}`);
    }
    this.pending = Number.isInteger(s.pending) && s.pending >= 0 && s.pending <= 0xff ? s.pending : -1;
  }
}
