/*
 * virtio-net (virtio 1.x, 5.1 "Network Device"), one receiveq (0) and one
 * transmitq (1), backed by a `NetBackend`. Features: VIRTIO_NET_F_MAC and
 * VIRTIO_NET_F_STATUS (link state, changed by the host with `setLinkUp`). No
 * checksum or segmentation offloads, no mergeable receive buffers, no control
 * queue: every frame travels whole, after the 12-byte struct virtio_net_hdr of
 * VIRTIO_F_VERSION_1 (with `num_buffers`).
 *
 * What a hostile guest can do: send frames as fast as it runs (the backend decides
 * about back-pressure); a transmit chain shorter than the header, longer than
 * `VIRTIO_NET_MAX_FRAME_SIZE` after it, or with buffers outside RAM is dropped and
 * counted, never sent. The header's fields are ignored (no offloads were
 * offered). It can post no receive buffers, or small ones: a frame that finds no
 * buffer, or a buffer too small for it, is dropped and counted (the buffer stays
 * available); frames are never queued inside the device, so the host cannot be
 * made to buffer without bound. A receive chain outside RAM is returned with
 * length 0. Transmit goes through one preallocated 64 KiB buffer; backend
 * exceptions on send are counted as drops and do not reach the hart loop.
 */
import type { NetBackend } from '@hvkit/interfaces';
import type { VirtioDevice, VirtioDeviceState, VirtioTransport } from './device.js';
import { featureBit, VIRTIO_ID_NET } from './registers.js';
import { CHAIN_OK } from './virtqueue.js';

/** Feature bit 5: `mac` in the configuration space is valid. */
export const VIRTIO_NET_F_MAC = 5;
/** Feature bit 16: `status` in the configuration space is valid. */
export const VIRTIO_NET_F_STATUS = 16;
/** `status` bit 0: the link is up. */
export const VIRTIO_NET_S_LINK_UP = 1;
/** Queue index of receiveq1. */
export const VIRTIO_NET_RX_QUEUE = 0;
/** Queue index of transmitq1. */
export const VIRTIO_NET_TX_QUEUE = 1;
/** Size of struct virtio_net_hdr with VIRTIO_F_VERSION_1 (num_buffers included, no hash report). */
export const VIRTIO_NET_HDR_SIZE = 12;
/** Offset of `num_buffers` (le16) in struct virtio_net_hdr. */
export const VIRTIO_NET_HDR_NUM_BUFFERS = 10;
/** Config offset of `mac` (6 bytes). */
export const VIRTIO_NET_CFG_MAC = 0x00;
/** Config offset of `status` (le16). */
export const VIRTIO_NET_CFG_STATUS = 0x06;
/** Bytes of struct virtio_net_config presented (mac, status, max_virtqueue_pairs, mtu; the last two unused). */
export const VIRTIO_NET_CONFIG_SIZE = 12;
/** Largest frame accepted for transmission: a 14-byte Ethernet header, a 4-byte VLAN tag, 65535 bytes of payload. */
export const VIRTIO_NET_MAX_FRAME_SIZE = 14 + 4 + 65535;
/** MAC used when neither the options nor the backend give one: QEMU's default, 52:54:00:12:34:56. */
export const VIRTIO_NET_DEFAULT_MAC: readonly number[] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];

/** Construction options of `VirtioNet`. */
export interface VirtioNetOptions {
  /** Host side of the link. */
  readonly backend: NetBackend;
  /** MAC address (6 bytes); defaults to the backend's, then to `VIRTIO_NET_DEFAULT_MAC`. */
  readonly mac?: Uint8Array;
  /** QueueNumMax of both queues (power of two, default 256). */
  readonly queueSize?: number;
}

/** Frame counters of a `VirtioNet` (all since construction). */
export interface VirtioNetStats {
  /** Frames handed to the backend. */
  txFrames: number;
  /** Transmit chains dropped: faulty, shorter than the header, too long, or refused by the backend. */
  txDropped: number;
  /** Frames written into receive buffers. */
  rxFrames: number;
  /** Frames dropped because no receive buffer was available (or the driver was not ready). */
  rxDroppedNoBuffer: number;
  /** Frames dropped because the next receive buffer was too small or outside RAM. */
  rxDroppedBadBuffer: number;
}

/** Saved state of a `VirtioNet`: the link state and counters. */
export interface VirtioNetState extends VirtioDeviceState {
  readonly kind: 'virtio-net';
  readonly version: 1;
  readonly linkUp: boolean;
  readonly stats: VirtioNetStats;
}

/** A virtio network device (ID 1) on a `NetBackend`. */
export class VirtioNet implements VirtioDevice {
  /** Device type 1: network card. */
  readonly deviceId = VIRTIO_ID_NET;
  /** MAC and STATUS. */
  readonly features = featureBit(VIRTIO_NET_F_MAC) | featureBit(VIRTIO_NET_F_STATUS);
  /** receiveq1, transmitq1. */
  readonly queueSizes: readonly number[];
  /** struct virtio_net_config. */
  readonly config = new Uint8Array(VIRTIO_NET_CONFIG_SIZE);
  /** Frame counters. */
  readonly stats: VirtioNetStats = {
    txFrames: 0,
    txDropped: 0,
    rxFrames: 0,
    rxDroppedNoBuffer: 0,
    rxDroppedBadBuffer: 0,
  };

  private readonly backend: NetBackend;
  private transport: VirtioTransport | undefined;
  private readonly txBuffer = new Uint8Array(VIRTIO_NET_MAX_FRAME_SIZE);
  private readonly rxHeader = new Uint8Array(VIRTIO_NET_HDR_SIZE);

  /** Creates a network device on `options.backend` and listens for its frames. */
  constructor(options: VirtioNetOptions) {
    const mac = options.mac ?? options.backend.mac ?? Uint8Array.from(VIRTIO_NET_DEFAULT_MAC);
    if (mac.length !== 6) throw new RangeError(`virtio-net: MAC address has ${mac.length} bytes, not 6`);
    const queueSize = options.queueSize ?? 256;
    this.queueSizes = [queueSize, queueSize];
    this.backend = options.backend;
    this.config.set(mac, VIRTIO_NET_CFG_MAC);
    this.config[VIRTIO_NET_CFG_STATUS] = VIRTIO_NET_S_LINK_UP;
    // Without VIRTIO_NET_F_MRG_RXBUF every frame takes exactly one buffer (5.1.6.3.2).
    this.rxHeader[VIRTIO_NET_HDR_NUM_BUFFERS] = 1;
    this.backend.onReceive((frame) => this.receive(frame));
  }

  /** The MAC address in the configuration space. */
  get mac(): Uint8Array {
    return this.config.slice(VIRTIO_NET_CFG_MAC, VIRTIO_NET_CFG_MAC + 6);
  }

  /** True while the link is reported up. */
  get linkUp(): boolean {
    return (this.config[VIRTIO_NET_CFG_STATUS]! & VIRTIO_NET_S_LINK_UP) !== 0;
  }

  /** Reports the link up or down to the guest (a configuration change notification). */
  setLinkUp(up: boolean): void {
    if (up === this.linkUp) return;
    this.config[VIRTIO_NET_CFG_STATUS] = up ? VIRTIO_NET_S_LINK_UP : 0;
    this.transport?.configChanged();
  }

  /** Called by the transport. */
  attach(transport: VirtioTransport): void {
    if (this.transport) throw new Error('virtio-net: device is already attached to a transport');
    this.transport = transport;
  }

  /** Nothing is held between notifications. */
  reset(): void {}

  /** Transmit on queue 1; receive buffers on queue 0 need no action (frames are not held back). */
  notify(index: number): void {
    if (index === VIRTIO_NET_TX_QUEUE) this.transmit();
  }

  private transmit(): void {
    const t = this.transport!;
    const q = t.queue(VIRTIO_NET_TX_QUEUE);
    const buf = this.txBuffer;
    while (t.live) {
      const head = q.pop();
      if (head < 0) break;
      const c = q.chain;
      const len = c.readableLength - VIRTIO_NET_HDR_SIZE;
      if (c.fault !== CHAIN_OK || len < 0 || len > buf.length) {
        this.stats.txDropped++;
      } else {
        c.read(VIRTIO_NET_HDR_SIZE, buf, 0, len);
        try {
          this.backend.send(buf.subarray(0, len));
          this.stats.txFrames++;
        } catch {
          this.stats.txDropped++;
        }
      }
      q.push(head, 0);
    }
    t.notifyUsed(q);
  }

  /** Delivers one frame from the network into the next receive buffer, or drops and counts it. */
  receive(frame: Uint8Array): void {
    const t = this.transport;
    if (!t?.live || !t.queue(VIRTIO_NET_RX_QUEUE).ready) {
      this.stats.rxDroppedNoBuffer++;
      return;
    }
    const q = t.queue(VIRTIO_NET_RX_QUEUE);
    const head = q.pop();
    if (head < 0) {
      this.stats.rxDroppedNoBuffer++;
      return;
    }
    const c = q.chain;
    const total = VIRTIO_NET_HDR_SIZE + frame.length;
    if (c.fault !== CHAIN_OK) {
      q.push(head, 0); // a buffer outside RAM is useless: hand it back empty
      t.notifyUsed(q);
      this.stats.rxDroppedBadBuffer++;
      return;
    }
    if (c.writableLength < total) {
      q.unpop(); // keep the buffer for a frame that fits
      this.stats.rxDroppedBadBuffer++;
      return;
    }
    c.write(0, this.rxHeader, 0, VIRTIO_NET_HDR_SIZE);
    c.write(VIRTIO_NET_HDR_SIZE, frame, 0, frame.length);
    q.push(head, total);
    t.notifyUsed(q);
    this.stats.rxFrames++;
  }

  /** Link state and counters as plain data. */
  save(): VirtioNetState {
    return { kind: 'virtio-net', version: 1, linkUp: this.linkUp, stats: { ...this.stats } };
  }

  /** Puts link state and counters back. */
  restore(state: VirtioDeviceState): void {
    const s = state as VirtioNetState;
    if (s.kind !== 'virtio-net' || s.version !== 1) {
      throw new Error(`virtio-net: cannot restore ${s.kind} state version ${s.version}`);
    }
    this.config[VIRTIO_NET_CFG_STATUS] = s.linkUp ? VIRTIO_NET_S_LINK_UP : 0;
    Object.assign(this.stats, s.stats);
  }
}
