/*
 * virtio-blk (virtio 1.x, 5.2 "Block Device"), one request queue, backed by a
 * `BlockBackend`: IN, OUT, FLUSH and GET_ID; everything else is UNSUPP.
 *
 * What a hostile guest can do: put anything in a request. Requests are checked
 * before the backend sees them: the header must be 16 readable bytes, a status byte
 * must end the chain in a device-writable buffer, data lengths must be whole
 * sectors, and [sector, sector + length) must lie inside the medium (computed
 * without overflow: sectors past 2^53 are simply out of range); otherwise the
 * request ends with VIRTIO_BLK_S_IOERR and the backend is not called. Writes to a
 * read-only medium fail the same way (VIRTIO_BLK_F_RO is offered). Chains with
 * buffers outside RAM or out of order fail with IOERR when their status byte is
 * writable, and set DEVICE_NEEDS_RESET when it is not (there is then nowhere to
 * report the failure). Any exception from the backend becomes IOERR. The guest can
 * make the device read or write as much of its own RAM as a chain describes (at
 * most queue size buffers, each inside RAM) and keep the backend busy; data moves
 * between the backend and guest RAM with no copy and no allocation beyond one
 * short-lived view per buffer.
 */
import { type BlockBackend, SECTOR_SIZE } from '@hvkit/interfaces';
import type { VirtioDevice, VirtioTransport } from './device.js';
import { featureBit, VIRTIO_ID_BLOCK } from './registers.js';
import { CHAIN_OK, type DescriptorChain } from './virtqueue.js';

/** Feature bit 2: `seg_max` holds the largest number of data segments per request. */
export const VIRTIO_BLK_F_SEG_MAX = 2;
/** Feature bit 5: the device is read-only. */
export const VIRTIO_BLK_F_RO = 5;
/** Feature bit 6: `blk_size` holds the optimal block size. */
export const VIRTIO_BLK_F_BLK_SIZE = 6;
/** Feature bit 9: VIRTIO_BLK_T_FLUSH is supported (writeback cache until flushed). */
export const VIRTIO_BLK_F_FLUSH = 9;

/** Request type: read sectors into the guest's buffers. */
export const VIRTIO_BLK_T_IN = 0;
/** Request type: write sectors from the guest's buffers. */
export const VIRTIO_BLK_T_OUT = 1;
/** Request type: make completed writes stable. */
export const VIRTIO_BLK_T_FLUSH = 4;
/** Request type: fetch the 20-byte device ID string. */
export const VIRTIO_BLK_T_GET_ID = 8;

/** Status byte: success. */
export const VIRTIO_BLK_S_OK = 0;
/** Status byte: device or driver error. */
export const VIRTIO_BLK_S_IOERR = 1;
/** Status byte: request type not supported. */
export const VIRTIO_BLK_S_UNSUPP = 2;

/** Length of the GET_ID string (NUL-padded, no terminator when all 20 are used). */
export const VIRTIO_BLK_ID_BYTES = 20;
/** Size of struct virtio_blk_req's header: type, reserved, sector. */
export const VIRTIO_BLK_REQ_HEADER_SIZE = 16;

/** Config offset of `capacity` (le64, in 512-byte sectors). */
export const VIRTIO_BLK_CFG_CAPACITY = 0x00;
/** Config offset of `seg_max` (le32). */
export const VIRTIO_BLK_CFG_SEG_MAX = 0x0c;
/** Config offset of `blk_size` (le32). */
export const VIRTIO_BLK_CFG_BLK_SIZE = 0x14;
/** Bytes of struct virtio_blk_config presented (every field through `zoned`; unused ones read 0). */
export const VIRTIO_BLK_CONFIG_SIZE = 0x60;

/** Why a request made the device give up: its chain has no writable status byte. */
export const VIRTIO_BLK_ERR_NO_STATUS = 'virtio-blk request without a device-writable status byte';

const TWO_POW_32 = 0x1_0000_0000;

/** Construction options of `VirtioBlk`. */
export interface VirtioBlkOptions {
  /** The medium. */
  readonly backend: BlockBackend;
  /** QueueNumMax of the request queue (power of two, default 256); `seg_max` is this minus 2, as QEMU does. */
  readonly queueSize?: number;
}

/** A virtio block device (ID 2) on a `BlockBackend`. */
export class VirtioBlk implements VirtioDevice {
  /** Device type 2: block. */
  readonly deviceId = VIRTIO_ID_BLOCK;
  /** SEG_MAX, BLK_SIZE, FLUSH, and RO when the backend is read-only. */
  readonly features: bigint;
  /** One request queue. */
  readonly queueSizes: readonly number[];
  /** struct virtio_blk_config. */
  readonly config = new Uint8Array(VIRTIO_BLK_CONFIG_SIZE);
  /** Medium size in 512-byte sectors. */
  readonly capacity: number;

  private readonly backend: BlockBackend;
  private transport: VirtioTransport | undefined;
  private readonly header = new Uint8Array(VIRTIO_BLK_REQ_HEADER_SIZE);
  private readonly headerView = new DataView(this.header.buffer);
  private readonly id = new Uint8Array(VIRTIO_BLK_ID_BYTES);
  // Set when the request filled its whole data area (for the used length).
  private filled = false;

  /** Creates a block device on `options.backend` (its size must be a whole number of sectors). */
  constructor(options: VirtioBlkOptions) {
    const backend = options.backend;
    const bytes = backend.sizeBytes;
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes % SECTOR_SIZE !== 0) {
      throw new RangeError(`virtio-blk: medium size ${bytes} is not a whole number of 512-byte sectors`);
    }
    const queueSize = options.queueSize ?? 256;
    if (queueSize < 4) throw new RangeError(`virtio-blk: queue size ${queueSize} leaves no room for data`);
    this.backend = backend;
    this.capacity = bytes / SECTOR_SIZE;
    this.queueSizes = [queueSize];
    let features =
      featureBit(VIRTIO_BLK_F_SEG_MAX) | featureBit(VIRTIO_BLK_F_BLK_SIZE) | featureBit(VIRTIO_BLK_F_FLUSH);
    if (backend.readOnly) features |= featureBit(VIRTIO_BLK_F_RO);
    this.features = features;
    const cfg = new DataView(this.config.buffer);
    cfg.setUint32(VIRTIO_BLK_CFG_CAPACITY, this.capacity % TWO_POW_32, true);
    cfg.setUint32(VIRTIO_BLK_CFG_CAPACITY + 4, Math.floor(this.capacity / TWO_POW_32), true);
    // The header and the status byte take one buffer each (Linux sizes requests this way).
    cfg.setUint32(VIRTIO_BLK_CFG_SEG_MAX, queueSize - 2, true);
    cfg.setUint32(VIRTIO_BLK_CFG_BLK_SIZE, SECTOR_SIZE, true);
    const id = backend.id ?? '';
    for (let i = 0; i < Math.min(id.length, VIRTIO_BLK_ID_BYTES); i++) {
      const c = id.charCodeAt(i);
      this.id[i] = c >= 0x20 && c < 0x7f ? c : 0x3f; // ASCII only: anything else shows as '?'
    }
  }

  /** Called by the transport. */
  attach(transport: VirtioTransport): void {
    if (this.transport) throw new Error('virtio-blk: device is already attached to a transport');
    this.transport = transport;
  }

  /** Nothing is in flight between notifications: requests complete synchronously. */
  reset(): void {}

  /** Processes every request available on the request queue. */
  notify(index: number): void {
    const t = this.transport;
    if (index !== 0 || !t) return;
    const q = t.queue(0);
    while (t.live) {
      const head = q.pop();
      if (head < 0) break;
      const status = q.chain.lastWritableByte();
      if (status < 0) {
        t.needsReset(VIRTIO_BLK_ERR_NO_STATUS);
        break;
      }
      this.filled = false;
      t.memory.bytes[status] = q.chain.fault === CHAIN_OK ? this.execute(q.chain) : VIRTIO_BLK_S_IOERR;
      q.push(head, this.usedLength(q.chain));
    }
    t.notifyUsed(q);
  }

  // Used length: bytes written from the start of the writable part. All of it when
  // the data area (if any) was filled, else only the status byte at its end, which
  // counts as 0 unless it is the only byte (an underestimate is allowed, 2.7.8).
  private usedLength(c: DescriptorChain): number {
    if (c.fault !== CHAIN_OK) return 0;
    if (this.filled || c.writableLength === 1) return c.writableLength;
    return 0;
  }

  private execute(c: DescriptorChain): number {
    if (c.read(0, this.header, 0, VIRTIO_BLK_REQ_HEADER_SIZE) < VIRTIO_BLK_REQ_HEADER_SIZE) {
      return VIRTIO_BLK_S_IOERR;
    }
    const h = this.headerView;
    const type = h.getUint32(0, true);
    const sectorLow = h.getUint32(8, true);
    const sectorHigh = h.getUint32(12, true);
    try {
      switch (type) {
        case VIRTIO_BLK_T_IN:
          return this.readSectors(c, sectorLow, sectorHigh);
        case VIRTIO_BLK_T_OUT:
          return this.writeSectors(c, sectorLow, sectorHigh);
        case VIRTIO_BLK_T_FLUSH:
          this.backend.flush();
          return VIRTIO_BLK_S_OK;
        case VIRTIO_BLK_T_GET_ID: {
          const dataLen = c.writableLength - 1;
          c.write(0, this.id, 0, Math.min(VIRTIO_BLK_ID_BYTES, dataLen));
          this.filled = dataLen <= VIRTIO_BLK_ID_BYTES;
          return VIRTIO_BLK_S_OK;
        }
        default:
          return VIRTIO_BLK_S_UNSUPP;
      }
    } catch {
      return VIRTIO_BLK_S_IOERR; // the backend failed: the guest sees an I/O error, the host loop goes on
    }
  }

  /** Byte offset of the request's first sector, or -1 when [sector, sector + len) is not inside the medium. */
  private diskOffset(sectorLow: number, sectorHigh: number, len: number): number {
    if (len % SECTOR_SIZE !== 0 || sectorHigh >= 0x20_0000) return -1;
    const sector = sectorHigh * TWO_POW_32 + sectorLow;
    if (sector > this.capacity || len / SECTOR_SIZE > this.capacity - sector) return -1;
    return sector * SECTOR_SIZE;
  }

  private readSectors(c: DescriptorChain, sectorLow: number, sectorHigh: number): number {
    let remaining = c.writableLength - 1; // the status byte ends the writable part
    let disk = this.diskOffset(sectorLow, sectorHigh, remaining);
    if (disk < 0) return VIRTIO_BLK_S_IOERR;
    const bytes = this.transport!.memory.bytes;
    for (let i = c.firstWritable; i < c.count && remaining > 0; i++) {
      const n = Math.min(c.segmentLength(i), remaining);
      if (n === 0) continue;
      const off = c.segmentOffset(i);
      this.backend.read(disk, bytes.subarray(off, off + n));
      disk += n;
      remaining -= n;
    }
    this.filled = true;
    return VIRTIO_BLK_S_OK;
  }

  private writeSectors(c: DescriptorChain, sectorLow: number, sectorHigh: number): number {
    if (this.backend.readOnly) return VIRTIO_BLK_S_IOERR;
    let disk = this.diskOffset(sectorLow, sectorHigh, c.readableLength - VIRTIO_BLK_REQ_HEADER_SIZE);
    if (disk < 0) return VIRTIO_BLK_S_IOERR;
    const t = this.transport!;
    const bytes = t.memory.bytes;
    let skip = VIRTIO_BLK_REQ_HEADER_SIZE;
    for (let i = 0; i < c.firstWritable; i++) {
      let off = c.segmentOffset(i);
      let len = c.segmentLength(i);
      if (skip >= len) {
        skip -= len;
        continue;
      }
      off += skip;
      len -= skip;
      skip = 0;
      this.backend.write(disk, bytes.subarray(off, off + len));
      disk += len;
    }
    // Without VIRTIO_BLK_F_FLUSH negotiated a completed write must already be stable (5.2.6.2).
    if (!t.hasFeature(VIRTIO_BLK_F_FLUSH)) this.backend.flush();
    return VIRTIO_BLK_S_OK;
  }
}
