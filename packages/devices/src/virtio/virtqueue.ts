/*
 * Split virtqueues (virtio 1.x, 2.7): descriptor table, available ring, used ring,
 * indirect descriptor tables, used-buffer notification suppression.
 *
 * What a hostile guest can do: everything in these structures is guest memory and
 * guest-chosen, and another hart may change it while the device reads it. So:
 * - every ring address is checked once, when the driver sets QueueReady, for the
 *   whole structure (descriptor table 16*n, available ring 6+2*n, used ring 6+8*n,
 *   event fields included), with the size a power of two no larger than the
 *   device's maximum and the spec alignments (16, 2, 4);
 * - every descriptor field is read once into a local before it is checked and used;
 *   indices (ring heads, `next`) must be below the table size; a chain may visit at
 *   most as many descriptors as its table has (a loop cannot run longer) and may
 *   gather at most `maxSize` buffers in all (what the preallocated segment list holds);
 * - indirect tables need VIRTIO_F_INDIRECT_DESC, a length that is a non-zero
 *   multiple of 16 and at most `maxSize` entries, must lie inside RAM, must not nest
 *   and must end the chain (no NEXT alongside INDIRECT);
 * - a buffer whose [addr, addr + len) is not inside RAM (including lengths that
 *   would wrap or overflow) or a device-readable buffer after a device-writable one
 *   does not break the queue: the chain is marked `fault` and the device fails that
 *   request (only a status byte in a valid last writable buffer is ever written);
 * - anything that leaves the ring in an unknown state (bad index, loop, bad indirect
 *   table, the available index running more than a queue size ahead) is "broken":
 *   the transport sets DEVICE_NEEDS_RESET and the queue is not touched again until
 *   the driver resets the device.
 * The device writes guest memory only inside validated used rings and validated
 * device-writable buffers. Nothing here allocates per request: each queue owns one
 * preallocated chain; walking work is bounded by twice the queue's maximum size.
 */
import type { RamRegion } from '@hvkit/interfaces';
import {
  VIRTQ_AVAIL_F_NO_INTERRUPT,
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
  VIRTQ_DESC_SIZE,
  VIRTQ_MAX_SIZE,
} from './registers.js';

const TWO_POW_32 = 0x1_0000_0000;

/** Guest RAM as virtio devices reach it by DMA: bounds-checked offsets into one `RamRegion`. */
export class GuestRam {
  /** Guest-physical address of byte 0. */
  readonly base: number;
  /** Length in bytes. */
  readonly size: number;
  /** The guest's bytes; index = address - base. */
  readonly bytes: Uint8Array;
  /** Little-endian accessor over `bytes` (virtio structures are little-endian). */
  readonly view: DataView;

  /** Wraps `ram`; throws if its byte array is shorter than its declared size. */
  constructor(ram: RamRegion) {
    if (!Number.isSafeInteger(ram.size) || ram.size < 0 || ram.bytes.length < ram.size) {
      throw new RangeError(`RAM region of ${ram.size} bytes has only ${ram.bytes.length} bytes behind it`);
    }
    this.base = ram.base;
    this.size = ram.size;
    this.bytes = ram.bytes.subarray(0, ram.size);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /**
   * Offset into `bytes` of [addr, addr + len), or -1 when any byte of it lies outside
   * RAM. `addr` may be any 64-bit value as a double: past 2^53 it is inexact but far
   * beyond RAM, so the answer is still right.
   */
  offsetOf(addr: number, len: number): number {
    const off = addr - this.base;
    if (!(off >= 0) || len > this.size || off > this.size - len) return -1;
    return off;
  }
}

/** `DescriptorChain.fault`: none. */
export const CHAIN_OK = 0;
/** `DescriptorChain.fault`: a buffer lies (partly) outside guest RAM, or its length overflows. */
export const CHAIN_FAULT_RANGE = 1;
/** `DescriptorChain.fault`: a device-readable buffer follows a device-writable one (2.7.4.2). */
export const CHAIN_FAULT_ORDER = 2;

/** A chain fault code: `CHAIN_OK`, `CHAIN_FAULT_RANGE` or `CHAIN_FAULT_ORDER`. */
export type ChainFault = typeof CHAIN_OK | typeof CHAIN_FAULT_RANGE | typeof CHAIN_FAULT_ORDER;

const SEG_WRITABLE = 1;
const SEG_VALID = 2;

/** Copies `n` bytes; short runs by hand, long ones through `set` (one view per call). */
function copyBytes(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, n: number): void {
  if (n <= 32) {
    for (let i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i]!;
  } else {
    dst.set(src.subarray(srcOff, srcOff + n), dstOff);
  }
}

/**
 * One descriptor chain as the device sees it after validation: a list of buffers
 * (segments), device-readable ones first, then device-writable ones. The readable
 * segments form one byte stream, the writable ones another. Reused for every
 * request on its queue: valid until the next `pop`.
 */
export class DescriptorChain {
  /** Index of the chain's head descriptor (the id that goes into the used ring). */
  head = -1;
  /** Number of segments gathered. */
  count = 0;
  /** Index of the first device-writable segment (`count` when there is none). */
  firstWritable = 0;
  /** Total bytes of the device-readable segments (meaningful when `fault` is `CHAIN_OK`). */
  readableLength = 0;
  /** Total bytes of the device-writable segments (meaningful when `fault` is `CHAIN_OK`). */
  writableLength = 0;
  /** First problem found in the chain's buffers; when not `CHAIN_OK` the device must not move data. */
  fault: ChainFault = CHAIN_OK;
  private sawWritable = false;
  private readonly mem: GuestRam;
  private readonly offs: Float64Array;
  private readonly lens: Uint32Array;
  private readonly flags: Uint8Array;

  /** Creates an empty chain able to hold `capacity` segments. */
  constructor(mem: GuestRam, capacity: number) {
    this.mem = mem;
    this.offs = new Float64Array(capacity);
    this.lens = new Uint32Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  /** Largest number of segments a chain may gather. */
  get capacity(): number {
    return this.offs.length;
  }

  /** Starts a new chain at descriptor `head`. */
  reset(head: number): void {
    this.head = head;
    this.count = 0;
    this.firstWritable = 0;
    this.readableLength = 0;
    this.writableLength = 0;
    this.fault = CHAIN_OK;
    this.sawWritable = false;
  }

  /** Appends the buffer [addr, addr + len); false when the chain is already full. */
  add(addr: number, len: number, writable: boolean): boolean {
    const i = this.count;
    if (i >= this.offs.length) return false;
    const off = this.mem.offsetOf(addr, len);
    let flags = writable ? SEG_WRITABLE : 0;
    if (off < 0) {
      if (this.fault === CHAIN_OK) this.fault = CHAIN_FAULT_RANGE;
    } else {
      flags |= SEG_VALID;
    }
    if (writable) {
      if (!this.sawWritable) {
        this.sawWritable = true;
        this.firstWritable = i;
      }
      this.writableLength += len;
    } else {
      if (this.sawWritable && this.fault === CHAIN_OK) this.fault = CHAIN_FAULT_ORDER;
      this.readableLength += len;
    }
    this.offs[i] = Math.max(off, 0);
    this.lens[i] = len;
    this.flags[i] = flags;
    this.count = i + 1;
    if (!this.sawWritable) this.firstWritable = this.count;
    return true;
  }

  /** RAM offset (index into guest bytes) of segment `i`. */
  segmentOffset(i: number): number {
    return this.offs[i]!;
  }

  /** Length in bytes of segment `i`. */
  segmentLength(i: number): number {
    return this.lens[i]!;
  }

  /**
   * RAM offset of the last byte of the chain when the last segment is device-writable,
   * inside RAM and not empty (where virtio-blk's status byte goes), else -1. Usable
   * even when the chain has a fault.
   */
  lastWritableByte(): number {
    const i = this.count - 1;
    if (i < 0) return -1;
    const f = this.flags[i]!;
    if ((f & SEG_WRITABLE) === 0 || (f & SEG_VALID) === 0 || this.lens[i] === 0) return -1;
    return this.offs[i]! + this.lens[i]! - 1;
  }

  /**
   * Copies up to `len` bytes of the readable stream, from stream position `pos`, into
   * `dest` at `destOff`; returns the number copied (0 when the chain has a fault).
   */
  read(pos: number, dest: Uint8Array, destOff: number, len: number): number {
    if (this.fault !== CHAIN_OK) return 0;
    let done = 0;
    for (let i = 0; i < this.firstWritable && done < len; i++) {
      const segLen = this.lens[i]!;
      if (pos >= segLen) {
        pos -= segLen;
        continue;
      }
      const n = Math.min(segLen - pos, len - done);
      copyBytes(this.mem.bytes, this.offs[i]! + pos, dest, destOff + done, n);
      done += n;
      pos = 0;
    }
    return done;
  }

  /**
   * Copies up to `len` bytes from `src` at `srcOff` into the writable stream at stream
   * position `pos`; returns the number copied (0 when the chain has a fault).
   */
  write(pos: number, src: Uint8Array, srcOff: number, len: number): number {
    if (this.fault !== CHAIN_OK) return 0;
    let done = 0;
    for (let i = this.firstWritable; i < this.count && done < len; i++) {
      const segLen = this.lens[i]!;
      if (pos >= segLen) {
        pos -= segLen;
        continue;
      }
      const n = Math.min(segLen - pos, len - done);
      copyBytes(src, srcOff + done, this.mem.bytes, this.offs[i]! + pos, n);
      done += n;
      pos = 0;
    }
    return done;
  }
}

/** `Virtqueue.pop` result: no available buffer (or the queue is not usable). */
export const VQ_EMPTY = -1;
/** `Virtqueue.pop` result: the ring is broken; the transport has set DEVICE_NEEDS_RESET. */
export const VQ_BROKEN = -2;

/** Why a ring is broken (shown by `VirtioMmio.lastError`). */
export const VQ_ERR_AVAIL_INDEX = 'available index moved more than a queue size ahead';
/** A ring head or a `next` field names a descriptor past the end of its table. */
export const VQ_ERR_INDEX = 'descriptor index beyond the table';
/** A chain visits more descriptors than its table holds: a loop. */
export const VQ_ERR_LOOP = 'descriptor chain loops or is longer than its table';
/** A chain gathers more buffers than the queue's maximum size. */
export const VQ_ERR_TOO_LONG = 'descriptor chain has more buffers than the queue size';
/** VIRTQ_DESC_F_INDIRECT without VIRTIO_F_INDIRECT_DESC negotiated. */
export const VQ_ERR_INDIRECT_FEATURE = 'indirect descriptor without VIRTIO_F_INDIRECT_DESC';
/** VIRTQ_DESC_F_INDIRECT inside an indirect table. */
export const VQ_ERR_INDIRECT_NESTED = 'nested indirect descriptor table';
/** VIRTQ_DESC_F_INDIRECT together with VIRTQ_DESC_F_NEXT. */
export const VQ_ERR_INDIRECT_NEXT = 'indirect descriptor with NEXT set';
/** Indirect table length zero, not a multiple of 16, or more entries than the queue's maximum size. */
export const VQ_ERR_INDIRECT_LENGTH = 'indirect table length is not 16 * n with 0 < n <= queue size';
/** Indirect table not inside guest RAM. */
export const VQ_ERR_INDIRECT_RANGE = 'indirect table outside guest RAM';

/** Why `Virtqueue.enable` refused a queue setup. */
export const VQ_ERR_SIZE = 'queue size is not a power of two between 1 and QueueNumMax';
/** Descriptor table, available ring or used ring not inside guest RAM. */
export const VQ_ERR_RING_RANGE = 'virtqueue area outside guest RAM';
/** Descriptor table, available ring or used ring not aligned as 2.7 requires. */
export const VQ_ERR_RING_ALIGN = 'virtqueue area misaligned';

/** Plain-data state of one queue, part of `VirtioMmioState`. */
export interface VirtqueueState {
  readonly size: number;
  readonly ready: boolean;
  /** Descriptor, driver and device area addresses as 32-bit halves, as the driver wrote them. */
  readonly descLow: number;
  readonly descHigh: number;
  readonly driverLow: number;
  readonly driverHigh: number;
  readonly deviceLow: number;
  readonly deviceHigh: number;
  /** Next available ring entry the device will take (free-running, 16 bits). */
  readonly lastAvail: number;
  /** Next used ring entry the device will write (free-running, 16 bits). */
  readonly usedIdx: number;
  /** Used index when the driver was last considered for a notification. */
  readonly signalledUsed: number;
}

/**
 * One split virtqueue of a device: the register values the driver wrote, the ring
 * positions the device keeps, and the walk over descriptor chains. The transport
 * owns the registers; the device calls `pop`, `push` and (through the transport)
 * `needsNotification`.
 */
export class Virtqueue {
  /** Queue index within its device. */
  readonly index: number;
  /** QueueNumMax: largest size the device accepts (a power of two). */
  readonly maxSize: number;
  /** The chain filled by the last successful `pop`. */
  readonly chain: DescriptorChain;

  /** QueueNum as written by the driver. */
  size: number;
  /** Area addresses as written by the driver (32-bit halves). */
  descLow = 0;
  descHigh = 0;
  driverLow = 0;
  driverHigh = 0;
  deviceLow = 0;
  deviceHigh = 0;

  private readonly mem: GuestRam;
  private readonly onBroken: (reason: string) => void;
  private isReady = false;
  private isBroken = false;
  private indirect = false;
  private eventIdx = false;
  private descOff = 0;
  private availOff = 0;
  private usedOff = 0;
  private lastAvail = 0;
  private usedIdx = 0;
  private signalledUsed = 0;

  /** Creates queue `index` with QueueNumMax `maxSize`; `onBroken` is told when the ring is found broken. */
  constructor(mem: GuestRam, index: number, maxSize: number, onBroken: (reason: string) => void) {
    if (
      !Number.isInteger(maxSize) ||
      maxSize < 1 ||
      maxSize > VIRTQ_MAX_SIZE ||
      (maxSize & (maxSize - 1)) !== 0
    ) {
      throw new RangeError(`queue ${index}: maximum size ${maxSize} is not a power of two in [1, 32768]`);
    }
    this.mem = mem;
    this.index = index;
    this.maxSize = maxSize;
    this.size = maxSize;
    this.onBroken = onBroken;
    this.chain = new DescriptorChain(mem, maxSize);
  }

  /** QueueReady: true between a successful `enable` and `disable`/`resetConfig`. */
  get ready(): boolean {
    return this.isReady;
  }

  /** True once a broken ring was reported; cleared by `resetConfig`. */
  get broken(): boolean {
    return this.isBroken;
  }

  /** Back to the reset state: not ready, size = max, addresses 0, positions 0, no ring features. */
  resetConfig(): void {
    this.isReady = false;
    this.isBroken = false;
    this.size = this.maxSize;
    this.descLow = this.descHigh = 0;
    this.driverLow = this.driverHigh = 0;
    this.deviceLow = this.deviceHigh = 0;
    this.lastAvail = this.usedIdx = this.signalledUsed = 0;
    this.indirect = false;
    this.eventIdx = false;
  }

  /**
   * QueueReady = 1: checks the size and the three areas, then starts the ring at
   * position 0. Returns null on success or the reason (one of `VQ_ERR_*`) it refused.
   */
  enable(): string | null {
    const n = this.size;
    if (!Number.isInteger(n) || n < 1 || n > this.maxSize || (n & (n - 1)) !== 0) return VQ_ERR_SIZE;
    const desc = this.descHigh * TWO_POW_32 + this.descLow;
    const avail = this.driverHigh * TWO_POW_32 + this.driverLow;
    const used = this.deviceHigh * TWO_POW_32 + this.deviceLow;
    const descOff = this.mem.offsetOf(desc, VIRTQ_DESC_SIZE * n);
    const availOff = this.mem.offsetOf(avail, 6 + 2 * n);
    const usedOff = this.mem.offsetOf(used, 6 + 8 * n);
    if (descOff < 0 || availOff < 0 || usedOff < 0) return VQ_ERR_RING_RANGE;
    if (this.descLow % 16 !== 0 || this.driverLow % 2 !== 0 || this.deviceLow % 4 !== 0)
      return VQ_ERR_RING_ALIGN;
    this.descOff = descOff;
    this.availOff = availOff;
    this.usedOff = usedOff;
    this.lastAvail = this.usedIdx = this.signalledUsed = 0;
    this.isBroken = false;
    this.isReady = true;
    return null;
  }

  /** The negotiated ring features: VIRTIO_F_INDIRECT_DESC and VIRTIO_F_EVENT_IDX. */
  setFeatures(indirect: boolean, eventIdx: boolean): void {
    this.indirect = indirect;
    this.eventIdx = eventIdx;
  }

  /** QueueReady = 0: the device stops touching the rings. */
  disable(): void {
    this.isReady = false;
  }

  private fail(reason: string): number {
    this.isBroken = true;
    this.onBroken(reason);
    return VQ_BROKEN;
  }

  /** Number of chains the driver has made available and the device not yet taken; `VQ_BROKEN` once the ring is broken. */
  available(): number {
    if (this.isBroken) return VQ_BROKEN;
    if (!this.isReady) return 0;
    const availIdx = this.mem.view.getUint16(this.availOff + 2, true);
    const pending = (availIdx - this.lastAvail) & 0xffff;
    if (pending > this.size) return this.fail(VQ_ERR_AVAIL_INDEX);
    return pending;
  }

  /**
   * Takes the next available chain into `chain` and returns its head index, or
   * `VQ_EMPTY`, or `VQ_BROKEN` (the transport has been told). A returned chain may
   * still carry a `fault`: the device must then fail the request without moving data.
   */
  pop(): number {
    const pending = this.available();
    if (pending <= 0) {
      if (pending === 0 && this.isReady) this.publishAvailEvent();
      return pending < 0 ? VQ_BROKEN : VQ_EMPTY;
    }
    const view = this.mem.view;
    const head = view.getUint16(this.availOff + 4 + 2 * (this.lastAvail % this.size), true);
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    this.publishAvailEvent();
    return this.walk(head);
  }

  /** Gives back the chain just taken by `pop`, so the next `pop` returns it again. */
  unpop(): void {
    this.lastAvail = (this.lastAvail - 1) & 0xffff;
    this.publishAvailEvent();
  }

  // With VIRTIO_F_EVENT_IDX the driver notifies only when it writes the avail entry
  // named by avail_event; naming the next one not yet taken asks for exactly the
  // notifications the device needs (2.7.10).
  private publishAvailEvent(): void {
    if (this.eventIdx) this.mem.view.setUint16(this.usedOff + 4 + 8 * this.size, this.lastAvail, true);
  }

  private walk(head: number): number {
    const view = this.mem.view;
    const chain = this.chain;
    chain.reset(head);
    let table = this.descOff;
    let tableLen = this.size;
    let idx = head;
    let steps = 0;
    let inIndirect = false;
    for (;;) {
      if (idx >= tableLen) return this.fail(VQ_ERR_INDEX);
      if (++steps > tableLen) return this.fail(VQ_ERR_LOOP);
      const d = table + VIRTQ_DESC_SIZE * idx;
      // Each field is read once: the guest may rewrite the descriptor meanwhile.
      const addr = view.getUint32(d + 4, true) * TWO_POW_32 + view.getUint32(d, true);
      const len = view.getUint32(d + 8, true);
      const flags = view.getUint16(d + 12, true);
      const next = view.getUint16(d + 14, true);
      if (flags & VIRTQ_DESC_F_INDIRECT) {
        if (inIndirect) return this.fail(VQ_ERR_INDIRECT_NESTED);
        if (!this.indirect) return this.fail(VQ_ERR_INDIRECT_FEATURE);
        if (flags & VIRTQ_DESC_F_NEXT) return this.fail(VQ_ERR_INDIRECT_NEXT);
        if (len === 0 || len % VIRTQ_DESC_SIZE !== 0 || len / VIRTQ_DESC_SIZE > this.maxSize) {
          return this.fail(VQ_ERR_INDIRECT_LENGTH);
        }
        const off = this.mem.offsetOf(addr, len);
        if (off < 0) return this.fail(VQ_ERR_INDIRECT_RANGE);
        table = off;
        tableLen = len / VIRTQ_DESC_SIZE;
        idx = 0;
        steps = 0;
        inIndirect = true;
        continue;
      }
      if (!chain.add(addr, len, (flags & VIRTQ_DESC_F_WRITE) !== 0)) return this.fail(VQ_ERR_TOO_LONG);
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) return head;
      idx = next;
    }
  }

  /** Returns chain `head` to the driver with `len` bytes written into its device-writable part. */
  push(head: number, len: number): void {
    if (!this.isReady || this.isBroken) return;
    const view = this.mem.view;
    const elem = this.usedOff + 4 + 8 * (this.usedIdx % this.size);
    view.setUint32(elem, head, true);
    view.setUint32(elem + 4, len, true);
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    view.setUint16(this.usedOff + 2, this.usedIdx, true);
  }

  /**
   * Whether the chains pushed since the last call warrant a used buffer notification:
   * VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event with VIRTIO_F_EVENT_IDX (2.7.7).
   */
  needsNotification(): boolean {
    if (!this.isReady || this.isBroken) return false;
    const old = this.signalledUsed;
    const now = this.usedIdx;
    if (old === now) return false;
    this.signalledUsed = now;
    const view = this.mem.view;
    if (this.eventIdx) {
      const usedEvent = view.getUint16(this.availOff + 4 + 2 * this.size, true);
      // virtq_need_event(): did used idx step past used_event in (old, now]?
      return ((now - usedEvent - 1) & 0xffff) < ((now - old) & 0xffff);
    }
    return (view.getUint16(this.availOff, true) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
  }

  /** The queue's state as plain data. */
  save(): VirtqueueState {
    return {
      size: this.size,
      ready: this.isReady,
      descLow: this.descLow,
      descHigh: this.descHigh,
      driverLow: this.driverLow,
      driverHigh: this.driverHigh,
      deviceLow: this.deviceLow,
      deviceHigh: this.deviceHigh,
      lastAvail: this.lastAvail,
      usedIdx: this.usedIdx,
      signalledUsed: this.signalledUsed,
    };
  }

  /**
   * Puts the queue back into `state`, re-checking the areas as QueueReady does.
   * Returns null or the reason the saved setup is not acceptable (the queue is then not ready).
   */
  restore(state: VirtqueueState, indirect: boolean, eventIdx: boolean): string | null {
    this.resetConfig();
    this.setFeatures(indirect, eventIdx);
    this.size = state.size;
    this.descLow = state.descLow >>> 0;
    this.descHigh = state.descHigh >>> 0;
    this.driverLow = state.driverLow >>> 0;
    this.driverHigh = state.driverHigh >>> 0;
    this.deviceLow = state.deviceLow >>> 0;
    this.deviceHigh = state.deviceHigh >>> 0;
    if (!state.ready) return null;
    const err = this.enable();
    if (err !== null) return err;
    this.lastAvail = state.lastAvail & 0xffff;
    this.usedIdx = state.usedIdx & 0xffff;
    this.signalledUsed = state.signalledUsed & 0xffff;
    return null;
  }
}
