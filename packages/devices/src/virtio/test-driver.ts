// Test support (not exported from the package): a fake guest RAM and a small
// virtio driver that plays the guest through the MMIO registers, written from the
// spec's driver-side rules (3.1.1 initialization, 2.7.13 supplying buffers).
import type { BlockBackend, GuestPhysAddr, IrqLine, RamRegion } from '@hvkit/interfaces';
import type { VirtioDevice } from './device.js';
import {
  VIRTIO_MMIO_DEVICE_FEATURES,
  VIRTIO_MMIO_DEVICE_FEATURES_SEL,
  VIRTIO_MMIO_DRIVER_FEATURES,
  VIRTIO_MMIO_DRIVER_FEATURES_SEL,
  VIRTIO_MMIO_INTERRUPT_ACK,
  VIRTIO_MMIO_INTERRUPT_STATUS,
  VIRTIO_MMIO_QUEUE_DESC_HIGH,
  VIRTIO_MMIO_QUEUE_DESC_LOW,
  VIRTIO_MMIO_QUEUE_DEVICE_HIGH,
  VIRTIO_MMIO_QUEUE_DEVICE_LOW,
  VIRTIO_MMIO_QUEUE_DRIVER_HIGH,
  VIRTIO_MMIO_QUEUE_DRIVER_LOW,
  VIRTIO_MMIO_QUEUE_NOTIFY,
  VIRTIO_MMIO_QUEUE_NUM,
  VIRTIO_MMIO_QUEUE_NUM_MAX,
  VIRTIO_MMIO_QUEUE_READY,
  VIRTIO_MMIO_QUEUE_SEL,
  VIRTIO_MMIO_STATUS,
  VIRTIO_STATUS_ACKNOWLEDGE,
  VIRTIO_STATUS_DRIVER,
  VIRTIO_STATUS_DRIVER_OK,
  VIRTIO_STATUS_FEATURES_OK,
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
} from './registers.js';
import { VirtioBlk } from './virtio-blk.js';
import { VirtioMmio } from './virtio-mmio.js';

/** Where the fake RAM starts: the virt board's DRAM base. */
export const RAM_BASE = 0x8000_0000;
/** Fake RAM size: 1 MiB. */
export const RAM_SIZE = 0x10_0000;

/** A `RamRegion` over a plain Uint8Array. */
export function fakeRam(size = RAM_SIZE, base = RAM_BASE): RamRegion {
  return { base: base as GuestPhysAddr, size, bytes: new Uint8Array(size) };
}

/** An IRQ line that remembers its level. */
export class Line implements IrqLine {
  level = false;
  set(level: boolean): void {
    this.level = level;
  }
}

/** One buffer of a request: device-readable bytes, a device-writable length, or a raw descriptor. */
export type Buf =
  | { readonly read: Uint8Array | readonly number[] }
  | { readonly write: number }
  | { readonly addr: number; readonly len: number; readonly writable?: boolean };

/** A posted request: its head index and the guest address of each buffer. */
export interface Posted {
  readonly head: number;
  readonly addrs: number[];
}

/** A used ring element. */
export interface UsedElem {
  readonly id: number;
  readonly len: number;
}

/** The driver's view of one queue. */
export interface QueueLayout {
  readonly index: number;
  readonly size: number;
  readonly desc: number;
  readonly avail: number;
  readonly used: number;
  nextDesc: number;
  availIdx: number;
  lastUsed: number;
}

/** Options of `TestDriver.post`. */
export interface PostOptions {
  /** Put the buffers in an indirect table (one INDIRECT descriptor in the ring). */
  readonly indirect?: boolean;
  /** Write QueueNotify afterwards (default true). */
  readonly notify?: boolean;
}

/** Plays a virtio driver against one `VirtioMmio` slot over fake RAM. */
export class TestDriver {
  readonly ram: RamRegion;
  readonly view: DataView;
  readonly irq = new Line();
  readonly mmio: VirtioMmio;
  readonly queues: QueueLayout[] = [];
  private brk: number;

  constructor(device?: VirtioDevice, ram: RamRegion = fakeRam()) {
    this.ram = ram;
    this.view = new DataView(ram.bytes.buffer, ram.bytes.byteOffset, ram.bytes.byteLength);
    this.brk = ram.base + 0x1000;
    this.mmio = new VirtioMmio({ ram, irq: this.irq, ...(device ? { device } : {}) });
  }

  /** Takes over `other`'s queue layouts and allocator (for a slot restored from `other`'s snapshot on the same RAM). */
  continueFrom(other: TestDriver): this {
    this.queues.length = 0;
    for (const q of other.queues) this.queues.push({ ...q });
    this.brk = other.brk;
    return this;
  }

  /** Reads a 32-bit register. */
  r(offset: number): number {
    return this.mmio.read(offset, 4);
  }

  /** Writes a 32-bit register. */
  w(offset: number, value: number): void {
    this.mmio.write(offset, 4, value);
  }

  /** Device status. */
  get status(): number {
    return this.r(VIRTIO_MMIO_STATUS);
  }

  /** Bump-allocates `len` bytes of guest RAM aligned to `align`; returns the guest address. */
  alloc(len: number, align = 16): number {
    const addr = Math.ceil(this.brk / align) * align;
    this.brk = addr + len;
    if (this.brk > this.ram.base + this.ram.size) throw new Error('fake RAM exhausted');
    return addr;
  }

  /** Copies `data` into guest RAM at `addr`. */
  put(addr: number, data: Uint8Array | readonly number[]): void {
    this.ram.bytes.set(data, addr - this.ram.base);
  }

  /** A copy of `len` guest bytes at `addr`. */
  get(addr: number, len: number): Uint8Array {
    const off = addr - this.ram.base;
    return this.ram.bytes.slice(off, off + len);
  }

  /** The device's 64 feature bits. */
  deviceFeatures(): bigint {
    this.w(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    const lo = this.r(VIRTIO_MMIO_DEVICE_FEATURES);
    this.w(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    const hi = this.r(VIRTIO_MMIO_DEVICE_FEATURES);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** Writes the driver's 64 feature bits. */
  writeFeatures(features: bigint): void {
    this.w(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    this.w(VIRTIO_MMIO_DRIVER_FEATURES, Number(features & 0xffff_ffffn));
    this.w(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    this.w(VIRTIO_MMIO_DRIVER_FEATURES, Number((features >> 32n) & 0xffff_ffffn));
  }

  /**
   * Steps 1-6 of 3.1.1: reset, ACKNOWLEDGE, DRIVER, features (`features(offered)` picks
   * them; default all offered), FEATURES_OK. Returns whether FEATURES_OK stuck.
   */
  negotiate(features: (offered: bigint) => bigint = (o) => o): boolean {
    this.w(VIRTIO_MMIO_STATUS, 0);
    this.queues.length = 0;
    this.w(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    this.w(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    this.writeFeatures(features(this.deviceFeatures()));
    this.w(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    return (this.status & VIRTIO_STATUS_FEATURES_OK) !== 0;
  }

  /** Allocates and zeroes queue `index`'s areas, writes its registers and sets QueueReady (4.2.3.2). */
  setupQueue(index: number, size?: number): QueueLayout {
    this.w(VIRTIO_MMIO_QUEUE_SEL, index);
    const n = size ?? this.r(VIRTIO_MMIO_QUEUE_NUM_MAX);
    const desc = this.alloc(16 * n, 16);
    const avail = this.alloc(6 + 2 * n, 2);
    const used = this.alloc(6 + 8 * n, 4);
    this.writeQueue(index, n, desc, avail, used);
    const layout: QueueLayout = { index, size: n, desc, avail, used, nextDesc: 0, availIdx: 0, lastUsed: 0 };
    this.queues[index] = layout;
    return layout;
  }

  /** Writes queue registers as given (no checks: for hostile setups) and sets QueueReady. */
  writeQueue(index: number, size: number, desc: number, avail: number, used: number): void {
    this.w(VIRTIO_MMIO_QUEUE_SEL, index);
    this.w(VIRTIO_MMIO_QUEUE_NUM, size);
    this.w(VIRTIO_MMIO_QUEUE_DESC_LOW, desc % 2 ** 32);
    this.w(VIRTIO_MMIO_QUEUE_DESC_HIGH, Math.floor(desc / 2 ** 32));
    this.w(VIRTIO_MMIO_QUEUE_DRIVER_LOW, avail % 2 ** 32);
    this.w(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, Math.floor(avail / 2 ** 32));
    this.w(VIRTIO_MMIO_QUEUE_DEVICE_LOW, used % 2 ** 32);
    this.w(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, Math.floor(used / 2 ** 32));
    this.w(VIRTIO_MMIO_QUEUE_READY, 1);
  }

  /** Sets DRIVER_OK. */
  driverOk(): void {
    this.w(VIRTIO_MMIO_STATUS, this.status | VIRTIO_STATUS_DRIVER_OK);
  }

  /** Negotiates, sets up `queues` queues at their maximum size, sets DRIVER_OK; throws if FEATURES_OK was refused. */
  start(queues: number, features?: (offered: bigint) => bigint): this {
    if (!this.negotiate(features)) throw new Error('FEATURES_OK refused');
    for (let i = 0; i < queues; i++) this.setupQueue(i);
    this.driverOk();
    return this;
  }

  /** Layout of queue `index` (set up earlier). */
  q(index: number): QueueLayout {
    const layout = this.queues[index];
    if (!layout) throw new Error(`queue ${index} not set up`);
    return layout;
  }

  /** Writes descriptor `i` of a table at `table`. */
  writeDescAt(table: number, i: number, addr: number, len: number, flags: number, next: number): void {
    const d = table - this.ram.base + 16 * i;
    this.view.setUint32(d, addr % 2 ** 32, true);
    this.view.setUint32(d + 4, Math.floor(addr / 2 ** 32), true);
    this.view.setUint32(d + 8, len, true);
    this.view.setUint16(d + 12, flags, true);
    this.view.setUint16(d + 14, next, true);
  }

  /** Writes descriptor `i` of queue `index`'s table. */
  writeDesc(index: number, i: number, addr: number, len: number, flags: number, next: number): void {
    this.writeDescAt(this.q(index).desc, i, addr, len, flags, next);
  }

  /** Puts `head` in the next available ring slot and publishes it (avail idx + 1). */
  makeAvailable(index: number, head: number): void {
    const q = this.q(index);
    const a = q.avail - this.ram.base;
    this.view.setUint16(a + 4 + 2 * (q.availIdx % q.size), head, true);
    q.availIdx = (q.availIdx + 1) & 0xffff;
    this.view.setUint16(a + 2, q.availIdx, true);
  }

  /** Writes QueueNotify for queue `index`. */
  notify(index: number): void {
    this.w(VIRTIO_MMIO_QUEUE_NOTIFY, index);
  }

  // Allocates the buffers of `bufs` and returns their (addr, len, flags) triples.
  private buffers(bufs: readonly Buf[]): { addr: number; len: number; flags: number }[] {
    return bufs.map((b) => {
      if ('read' in b) {
        const addr = this.alloc(Math.max(b.read.length, 1), 8);
        this.put(addr, b.read);
        return { addr, len: b.read.length, flags: 0 };
      }
      if ('write' in b) {
        const addr = this.alloc(Math.max(b.write, 1), 8);
        this.ram.bytes.fill(0xee, addr - this.ram.base, addr - this.ram.base + b.write);
        return { addr, len: b.write, flags: VIRTQ_DESC_F_WRITE };
      }
      return { addr: b.addr, len: b.len, flags: b.writable ? VIRTQ_DESC_F_WRITE : 0 };
    });
  }

  /** Builds a chain for `bufs` (directly in the ring's table or in an indirect table), makes it available, notifies. */
  post(index: number, bufs: readonly Buf[], options: PostOptions = {}): Posted {
    const q = this.q(index);
    const descs = this.buffers(bufs);
    let head: number;
    if (options.indirect) {
      const table = this.alloc(16 * descs.length, 16);
      descs.forEach((d, i) => {
        const last = i === descs.length - 1;
        this.writeDescAt(table, i, d.addr, d.len, d.flags | (last ? 0 : VIRTQ_DESC_F_NEXT), last ? 0 : i + 1);
      });
      head = q.nextDesc;
      q.nextDesc = (q.nextDesc + 1) % q.size;
      this.writeDesc(index, head, table, 16 * descs.length, VIRTQ_DESC_F_INDIRECT, 0);
    } else {
      head = q.nextDesc;
      descs.forEach((d, i) => {
        const idx = (head + i) % q.size;
        const last = i === descs.length - 1;
        const next = (idx + 1) % q.size;
        this.writeDesc(index, idx, d.addr, d.len, d.flags | (last ? 0 : VIRTQ_DESC_F_NEXT), last ? 0 : next);
      });
      q.nextDesc = (head + descs.length) % q.size;
    }
    this.makeAvailable(index, head);
    if (options.notify ?? true) this.notify(index);
    return { head, addrs: descs.map((d) => d.addr) };
  }

  /** The used ring's idx. */
  usedIdx(index: number): number {
    return this.view.getUint16(this.q(index).used - this.ram.base + 2, true);
  }

  /** Used elements added since the last call. */
  used(index: number): UsedElem[] {
    const q = this.q(index);
    const u = q.used - this.ram.base;
    const out: UsedElem[] = [];
    const idx = this.usedIdx(index);
    while (q.lastUsed !== idx) {
      const e = u + 4 + 8 * (q.lastUsed % q.size);
      out.push({ id: this.view.getUint32(e, true), len: this.view.getUint32(e + 4, true) });
      q.lastUsed = (q.lastUsed + 1) & 0xffff;
    }
    return out;
  }

  /** InterruptStatus. */
  isr(): number {
    return this.r(VIRTIO_MMIO_INTERRUPT_STATUS);
  }

  /** Acknowledges every pending interrupt bit. */
  ack(): void {
    this.w(VIRTIO_MMIO_INTERRUPT_ACK, this.isr());
  }
}

/** A RAM disk that logs backend calls; sector s is filled with byte (s + 1). */
export class MemDisk implements BlockBackend {
  readonly bytes: Uint8Array;
  readonly log: string[] = [];
  flushes = 0;
  failNext = false;
  readonly readOnly: boolean;
  readonly id?: string;

  constructor(sectors: number, options: { readOnly?: boolean; id?: string } = {}) {
    this.bytes = new Uint8Array(sectors * 512);
    for (let s = 0; s < sectors; s++) this.bytes.fill((s + 1) & 0xff, s * 512, s * 512 + 512);
    this.readOnly = options.readOnly ?? false;
    if (options.id !== undefined) this.id = options.id;
  }

  get sizeBytes(): number {
    return this.bytes.length;
  }

  read(offset: number, dest: Uint8Array): void {
    this.log.push(`read ${offset} ${dest.length}`);
    this.maybeFail();
    dest.set(this.bytes.subarray(offset, offset + dest.length));
  }

  write(offset: number, src: Uint8Array): void {
    this.log.push(`write ${offset} ${src.length}`);
    this.maybeFail();
    this.bytes.set(src, offset);
  }

  flush(): void {
    this.log.push('flush');
    this.maybeFail();
    this.flushes++;
  }

  private maybeFail(): void {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk on fire');
    }
  }
}

/** struct virtio_blk_req header: type, reserved, sector (le64 as two halves). */
export function blkHeader(type: number, sector: number, sectorHigh = 0): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint32(0, type, true);
  v.setUint32(8, sector, true);
  v.setUint32(12, sectorHigh, true);
  return h;
}

/** A started virtio-blk slot on `disk` and a helper that posts one request and reads its outcome. */
export function blkDriver(disk: BlockBackend, features?: (o: bigint) => bigint, queueSize?: number) {
  const d = new TestDriver(new VirtioBlk({ backend: disk, ...(queueSize ? { queueSize } : {}) })).start(
    1,
    features,
  );
  // Posts a request and returns its status byte, used length and buffer addresses.
  const request = (bufs: Buf[], options: { indirect?: boolean } = {}) => {
    const posted = d.post(0, bufs, options);
    const used = d.used(0);
    if (used.length !== 1 || used[0]!.id !== posted.head) {
      throw new Error(`expected request ${posted.head} back, used ring says ${JSON.stringify(used)}`);
    }
    const last = bufs[bufs.length - 1]!;
    const statusAddr = posted.addrs[posted.addrs.length - 1]! + ('write' in last ? last.write : 1) - 1;
    return { status: d.get(statusAddr, 1)[0]!, len: used[0]!.len, addrs: posted.addrs };
  };
  return { d, request };
}
