/*
 * The virtio-mmio transport, version 2 (virtio 1.x, 4.2 "Virtio Over MMIO"), one
 * 0x1000 window per slot as on QEMU's virt board (0x1000_1000 + 0x1000 * i, PLIC
 * sources 1..8). A slot may hold no device: it then answers MagicValue, Version
 * and VendorID, and DeviceID 0, which drivers skip silently (4.2.3.1.1).
 *
 * What a hostile guest can do: write any register in any order with any value.
 * - Control registers answer only aligned 32-bit accesses (4.2.2.2); anything else
 *   reads 0 and is ignored. Configuration space accesses outside the device's
 *   bytes read 0 and are ignored.
 * - Feature negotiation: FEATURES_OK is refused (the bit does not stick) unless the
 *   driver accepted VIRTIO_F_VERSION_1 and only bits the device offered; features
 *   are frozen once accepted, until reset.
 * - Queue setup: QueueNum and the area addresses are checked when QueueReady is set
 *   (see virtqueue.ts); a bad setup leaves QueueReady 0 and sets
 *   DEVICE_NEEDS_RESET. Queue registers are ignored while the queue is ready, and
 *   for queue indices the device does not have.
 * - DRIVER_OK without FEATURES_OK sets DEVICE_NEEDS_RESET. Notifications before
 *   DRIVER_OK, to unknown or unready queues, or after DEVICE_NEEDS_RESET are
 *   ignored (buffers already made available are taken once DRIVER_OK is set).
 * - A broken ring sets DEVICE_NEEDS_RESET and raises the configuration change
 *   interrupt (2.1.2); the device then touches no ring until the driver resets it.
 *   `lastError` says why, for the host's logs.
 * The interrupt line follows InterruptStatus; a guest that never acknowledges holds
 * its own line high, nothing more. No register access allocates; a notification
 * costs at most one pass over the queue (bounded by its size, see virtqueue.ts).
 */
import {
  type AccessSize,
  type IrqLine,
  type MmioDevice,
  NO_IRQ,
  type RamRegion,
  type SnapshotState,
  type Snapshottable,
} from '@hvkit/interfaces';
import type { VirtioDevice, VirtioDeviceState, VirtioTransport } from './device.js';
import {
  featureBit,
  VIRTIO_F_EVENT_IDX,
  VIRTIO_F_INDIRECT_DESC,
  VIRTIO_F_VERSION_1,
  VIRTIO_MMIO_CONFIG,
  VIRTIO_MMIO_CONFIG_GENERATION,
  VIRTIO_MMIO_DEVICE_FEATURES,
  VIRTIO_MMIO_DEVICE_FEATURES_SEL,
  VIRTIO_MMIO_DEVICE_ID,
  VIRTIO_MMIO_DRIVER_FEATURES,
  VIRTIO_MMIO_DRIVER_FEATURES_SEL,
  VIRTIO_MMIO_INT_CONFIG,
  VIRTIO_MMIO_INT_VRING,
  VIRTIO_MMIO_INTERRUPT_ACK,
  VIRTIO_MMIO_INTERRUPT_STATUS,
  VIRTIO_MMIO_MAGIC,
  VIRTIO_MMIO_MAGIC_VALUE,
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
  VIRTIO_MMIO_SHM_BASE_HIGH,
  VIRTIO_MMIO_SHM_BASE_LOW,
  VIRTIO_MMIO_SHM_LEN_HIGH,
  VIRTIO_MMIO_SHM_LEN_LOW,
  VIRTIO_MMIO_STATUS,
  VIRTIO_MMIO_VENDOR_ID,
  VIRTIO_MMIO_VERSION,
  VIRTIO_MMIO_VERSION_2,
  VIRTIO_MMIO_WINDOW_SIZE,
  VIRTIO_STATUS_DEVICE_NEEDS_RESET,
  VIRTIO_STATUS_DRIVER_OK,
  VIRTIO_STATUS_FAILED,
  VIRTIO_STATUS_FEATURES_OK,
  VIRTIO_VENDOR_QEMU,
} from './registers.js';
import { GuestRam, Virtqueue, type VirtqueueState } from './virtqueue.js';

/** Features every device gets from this transport: VERSION_1 (required), INDIRECT_DESC, EVENT_IDX. */
export const VIRTIO_MMIO_TRANSPORT_FEATURES =
  featureBit(VIRTIO_F_VERSION_1) | featureBit(VIRTIO_F_INDIRECT_DESC) | featureBit(VIRTIO_F_EVENT_IDX);

/** Why DRIVER_OK was refused (see `VirtioMmio.lastError`). */
export const VIRTIO_ERR_DRIVER_OK = 'DRIVER_OK set before FEATURES_OK';

/** Device-type feature bits a device may offer: 0..23 and 41, 42, 50..63 (2.2); the rest belong to the transport. */
const DEVICE_FEATURE_MASK = 0xff_ffffn | (3n << 41n) | (0x3fffn << 50n);

/** Construction options of `VirtioMmio`. */
export interface VirtioMmioOptions {
  /** Guest RAM: the only memory the device reaches by DMA (rings and buffers must lie inside it). */
  readonly ram: RamRegion;
  /** Interrupt line to the PLIC (sources 1..8 on virt); defaults to `NO_IRQ`. */
  readonly irq?: IrqLine;
  /** The device in this slot; none makes an empty slot (DeviceID 0). */
  readonly device?: VirtioDevice;
  /** Name used in bus messages; defaults to `virtio`. */
  readonly name?: string;
  /** VendorID register; defaults to `VIRTIO_VENDOR_QEMU` (0x554d4551, "QEMU"), as QEMU reports. */
  readonly vendorId?: number;
}

/** Saved state of a `VirtioMmio` (plain data). */
export interface VirtioMmioState extends SnapshotState {
  readonly kind: 'virtio-mmio';
  readonly version: 1;
  /** DeviceID of the device the state belongs to (0: empty slot). */
  readonly deviceId: number;
  readonly status: number;
  readonly deviceFeaturesSel: number;
  readonly driverFeaturesSel: number;
  /** DriverFeatures as written, 32-bit halves; `driverFeaturesBeyond64` when bits past 63 were written. */
  readonly driverFeaturesLow: number;
  readonly driverFeaturesHigh: number;
  readonly driverFeaturesBeyond64: boolean;
  /** True once FEATURES_OK was accepted (features frozen until reset). */
  readonly featuresAccepted: boolean;
  readonly queueSel: number;
  readonly interruptStatus: number;
  readonly configGeneration: number;
  readonly queues: readonly VirtqueueState[];
  readonly device: VirtioDeviceState | null;
}

/** A virtio-mmio (version 2) slot, empty or driving one `VirtioDevice`; implements `MmioDevice`. */
export class VirtioMmio implements MmioDevice, VirtioTransport, Snapshottable<VirtioMmioState> {
  /** Name used in bus messages. */
  readonly name: string;
  /** Register window length (0x1000). */
  readonly size = VIRTIO_MMIO_WINDOW_SIZE;
  /** Guest RAM as the device reaches it. */
  readonly memory: GuestRam;
  /** The device in this slot, if any. */
  readonly device: VirtioDevice | undefined;
  /** Why the device last set DEVICE_NEEDS_RESET or refused a queue (null if never): for host logs. */
  lastError: string | null = null;

  private readonly irq: IrqLine;
  private irqLevel = false;
  private readonly vendorId: number;
  private readonly deviceId: number;
  private readonly offeredLow: number;
  private readonly offeredHigh: number;
  private readonly queues: Virtqueue[] = [];
  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverLow = 0;
  private driverHigh = 0;
  private driverBeyond64 = false;
  private featuresAccepted = false;
  private negotiatedLow = 0;
  private negotiatedHigh = 0;
  private queueSel = 0;
  private interruptStatus = 0;
  private configGeneration = 0;

  /** Creates a slot in its reset state; attaches `options.device` to it. */
  constructor(options: VirtioMmioOptions) {
    this.name = options.name ?? 'virtio';
    this.memory = new GuestRam(options.ram);
    this.irq = options.irq ?? NO_IRQ;
    this.vendorId = (options.vendorId ?? VIRTIO_VENDOR_QEMU) >>> 0;
    const device = options.device;
    this.device = device;
    this.deviceId = device ? device.deviceId : 0;
    let offered = 0n;
    if (device) {
      if (device.features & ~DEVICE_FEATURE_MASK) {
        throw new RangeError(`${this.name}: device offers feature bits reserved for the transport`);
      }
      offered = device.features | VIRTIO_MMIO_TRANSPORT_FEATURES;
      const onBroken = (reason: string) => this.needsReset(reason);
      device.queueSizes.forEach((max, i) => {
        this.queues.push(new Virtqueue(this.memory, i, max, onBroken));
      });
    }
    this.offeredLow = Number(offered & 0xffff_ffffn);
    this.offeredHigh = Number(offered >> 32n);
    device?.attach(this);
  }

  /** True while DRIVER_OK and FEATURES_OK are set and neither DEVICE_NEEDS_RESET nor FAILED is. */
  get live(): boolean {
    const s = this.status;
    return (
      (s & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK)) ===
        (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK) &&
      (s & (VIRTIO_STATUS_DEVICE_NEEDS_RESET | VIRTIO_STATUS_FAILED)) === 0
    );
  }

  /** True when feature bit `bit` was negotiated. */
  hasFeature(bit: number): boolean {
    if (bit < 32) return ((this.negotiatedLow >>> bit) & 1) === 1;
    if (bit < 64) return ((this.negotiatedHigh >>> (bit - 32)) & 1) === 1;
    return false;
  }

  /** The device's queue `index`. */
  queue(index: number): Virtqueue {
    const q = this.queues[index];
    if (!q) throw new RangeError(`${this.name}: no queue ${index}`);
    return q;
  }

  /** Raises the used buffer interrupt if the chains pushed on `queue` since last time call for it. */
  notifyUsed(queue: Virtqueue): void {
    if (queue.needsNotification()) this.raise(VIRTIO_MMIO_INT_VRING);
  }

  /** Sets DEVICE_NEEDS_RESET (first reason kept in `lastError`), with a configuration change interrupt after DRIVER_OK. */
  needsReset(reason: string): void {
    if (this.status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) return;
    this.lastError = reason;
    this.status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    if (this.status & VIRTIO_STATUS_DRIVER_OK) this.raise(VIRTIO_MMIO_INT_CONFIG);
  }

  /** Bumps ConfigGeneration and, after DRIVER_OK, raises the configuration change interrupt. */
  configChanged(): void {
    this.configGeneration = (this.configGeneration + 1) >>> 0;
    if (this.status & VIRTIO_STATUS_DRIVER_OK) this.raise(VIRTIO_MMIO_INT_CONFIG);
  }

  private raise(bits: number): void {
    this.interruptStatus |= bits;
    this.updateIrq();
  }

  private updateIrq(): void {
    const level = this.interruptStatus !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }

  /** Reads a register (aligned 32-bit only) or configuration space bytes (any size). */
  read(offset: number, size: AccessSize): number {
    if (offset >= VIRTIO_MMIO_CONFIG) return this.readConfig(offset - VIRTIO_MMIO_CONFIG, size);
    if (size !== 4 || (offset & 3) !== 0) return 0;
    switch (offset) {
      case VIRTIO_MMIO_MAGIC_VALUE:
        return VIRTIO_MMIO_MAGIC;
      case VIRTIO_MMIO_VERSION:
        return VIRTIO_MMIO_VERSION_2;
      case VIRTIO_MMIO_DEVICE_ID:
        return this.deviceId;
      case VIRTIO_MMIO_VENDOR_ID:
        return this.vendorId;
    }
    if (!this.device) return 0;
    switch (offset) {
      case VIRTIO_MMIO_DEVICE_FEATURES:
        if (this.deviceFeaturesSel === 0) return this.offeredLow;
        if (this.deviceFeaturesSel === 1) return this.offeredHigh;
        return 0;
      case VIRTIO_MMIO_QUEUE_NUM_MAX:
        return this.queues[this.queueSel]?.maxSize ?? 0;
      case VIRTIO_MMIO_QUEUE_READY:
        return this.queues[this.queueSel]?.ready ? 1 : 0;
      case VIRTIO_MMIO_INTERRUPT_STATUS:
        return this.interruptStatus;
      case VIRTIO_MMIO_STATUS:
        return this.status;
      case VIRTIO_MMIO_SHM_LEN_LOW:
      case VIRTIO_MMIO_SHM_LEN_HIGH:
      case VIRTIO_MMIO_SHM_BASE_LOW:
      case VIRTIO_MMIO_SHM_BASE_HIGH:
        return 0xffff_ffff; // no shared memory regions: length and base read as all ones
      case VIRTIO_MMIO_CONFIG_GENERATION:
        return this.configGeneration;
      default:
        return 0; // write-only registers, QueueReset (no RING_RESET) and holes
    }
  }

  private readConfig(offset: number, size: AccessSize): number {
    const config = this.device?.config;
    if (!config) return 0;
    let value = 0;
    for (let i = size - 1; i >= 0; i--) {
      value = value * 256 + (config[offset + i] ?? 0);
    }
    return value;
  }

  /** Writes a register (aligned 32-bit only) or configuration space bytes (passed to the device). */
  write(offset: number, size: AccessSize, value: number): void {
    const device = this.device;
    if (!device) return;
    if (offset >= VIRTIO_MMIO_CONFIG) {
      const off = offset - VIRTIO_MMIO_CONFIG;
      if (off + size <= device.config.length) device.writeConfig?.(off, size, value);
      return;
    }
    if (size !== 4 || (offset & 3) !== 0) return;
    value >>>= 0;
    switch (offset) {
      case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        this.deviceFeaturesSel = value;
        return;
      case VIRTIO_MMIO_DRIVER_FEATURES:
        this.writeDriverFeatures(value);
        return;
      case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        this.driverFeaturesSel = value;
        return;
      case VIRTIO_MMIO_QUEUE_SEL:
        this.queueSel = value;
        return;
      case VIRTIO_MMIO_QUEUE_NOTIFY:
        this.queueNotify(value & 0xffff);
        return;
      case VIRTIO_MMIO_INTERRUPT_ACK:
        this.interruptStatus &= ~value;
        this.updateIrq();
        return;
      case VIRTIO_MMIO_STATUS:
        this.writeStatus(value & 0xff);
        return;
    }
    const q = this.queues[this.queueSel];
    if (!q) return;
    if (offset === VIRTIO_MMIO_QUEUE_READY) {
      this.writeQueueReady(q, value);
      return;
    }
    // The driver must not touch a live queue's setup (4.2.2.2); ignore rather than move rings under the device.
    if (q.ready) return;
    switch (offset) {
      case VIRTIO_MMIO_QUEUE_NUM:
        q.size = value;
        return;
      case VIRTIO_MMIO_QUEUE_DESC_LOW:
        q.descLow = value;
        return;
      case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        q.descHigh = value;
        return;
      case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
        q.driverLow = value;
        return;
      case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        q.driverHigh = value;
        return;
      case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
        q.deviceLow = value;
        return;
      case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        q.deviceHigh = value;
        return;
    }
  }

  private writeDriverFeatures(value: number): void {
    if (this.featuresAccepted) return; // no new features after FEATURES_OK (3.1.1)
    if (this.driverFeaturesSel === 0) this.driverLow = value;
    else if (this.driverFeaturesSel === 1) this.driverHigh = value;
    else if (value !== 0) this.driverBeyond64 = true;
  }

  private writeQueueReady(q: Virtqueue, value: number): void {
    if ((value & 1) === 0) {
      q.disable();
      return;
    }
    if (q.ready) return;
    const err = q.enable();
    if (err !== null) this.needsReset(err);
  }

  private queueNotify(index: number): void {
    if (!this.live) return; // before DRIVER_OK (3.1.1) or after DEVICE_NEEDS_RESET
    const q = this.queues[index];
    if (!q?.ready) return;
    this.device!.notify(index);
  }

  private writeStatus(value: number): void {
    if (value === 0) {
      this.reset();
      return;
    }
    const old = this.status;
    // DEVICE_NEEDS_RESET belongs to the device: the driver can neither set nor clear it.
    let next = (value & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET) | (old & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    if (next & VIRTIO_STATUS_FEATURES_OK && !(old & VIRTIO_STATUS_FEATURES_OK) && !this.negotiate()) {
      next &= ~VIRTIO_STATUS_FEATURES_OK;
    }
    this.status = next;
    if (next & VIRTIO_STATUS_DRIVER_OK && !(old & VIRTIO_STATUS_DRIVER_OK)) {
      if (!(next & VIRTIO_STATUS_FEATURES_OK)) {
        this.needsReset(VIRTIO_ERR_DRIVER_OK);
        return;
      }
      if (this.live) this.activate();
    }
  }

  // The device is live: let it start, then take buffers made available before DRIVER_OK.
  private activate(): void {
    const device = this.device!;
    device.activate?.();
    for (const q of this.queues) {
      if (!this.live) return;
      if (q.ready) device.notify(q.index);
    }
  }

  // FEATURES_OK: accept the driver's features if they are a subset of the offer that
  // includes VERSION_1 and the device agrees (3.1.1, 6.1).
  private negotiate(): boolean {
    if (this.featuresAccepted) return true;
    if (this.driverBeyond64) return false;
    if ((this.driverLow & ~this.offeredLow) !== 0 || (this.driverHigh & ~this.offeredHigh) !== 0)
      return false;
    if (((this.driverHigh >>> (VIRTIO_F_VERSION_1 - 32)) & 1) === 0) return false;
    const features = (BigInt(this.driverHigh) << 32n) | BigInt(this.driverLow);
    if (this.device?.acceptFeatures && !this.device.acceptFeatures(features)) return false;
    this.negotiatedLow = this.driverLow;
    this.negotiatedHigh = this.driverHigh;
    this.featuresAccepted = true;
    const indirect = this.hasFeature(VIRTIO_F_INDIRECT_DESC);
    const eventIdx = this.hasFeature(VIRTIO_F_EVENT_IDX);
    for (const q of this.queues) q.setFeatures(indirect, eventIdx);
    return true;
  }

  /** Device reset (Status written 0, 2.4): status, features, queues and interrupts back to their reset values. */
  reset(): void {
    this.status = 0;
    this.deviceFeaturesSel = 0;
    this.driverFeaturesSel = 0;
    this.driverLow = 0;
    this.driverHigh = 0;
    this.driverBeyond64 = false;
    this.featuresAccepted = false;
    this.negotiatedLow = 0;
    this.negotiatedHigh = 0;
    this.queueSel = 0;
    for (const q of this.queues) q.resetConfig();
    this.interruptStatus = 0;
    this.updateIrq();
    this.device?.reset();
  }

  /** The slot's state as plain data (the device's state nested in `device`). */
  save(): VirtioMmioState {
    return {
      kind: 'virtio-mmio',
      version: 1,
      deviceId: this.deviceId,
      status: this.status,
      deviceFeaturesSel: this.deviceFeaturesSel,
      driverFeaturesSel: this.driverFeaturesSel,
      driverFeaturesLow: this.driverLow,
      driverFeaturesHigh: this.driverHigh,
      driverFeaturesBeyond64: this.driverBeyond64,
      featuresAccepted: this.featuresAccepted,
      queueSel: this.queueSel,
      interruptStatus: this.interruptStatus,
      configGeneration: this.configGeneration,
      queues: this.queues.map((q) => q.save()),
      device: this.device?.save?.() ?? null,
    };
  }

  /** Puts the slot back into `state` (saved from a slot holding the same kind of device) and re-drives the IRQ line. */
  restore(state: VirtioMmioState): void {
    if (state.kind !== 'virtio-mmio' || state.version !== 1) {
      throw new Error(`${this.name}: cannot restore ${state.kind} state version ${state.version}`);
    }
    if (state.deviceId !== this.deviceId || state.queues.length !== this.queues.length) {
      throw new Error(
        `${this.name}: saved state is for device ${state.deviceId}, this slot holds ${this.deviceId}`,
      );
    }
    this.status = state.status & 0xff;
    this.deviceFeaturesSel = state.deviceFeaturesSel >>> 0;
    this.driverFeaturesSel = state.driverFeaturesSel >>> 0;
    this.driverLow = state.driverFeaturesLow >>> 0;
    this.driverHigh = state.driverFeaturesHigh >>> 0;
    this.driverBeyond64 = state.driverFeaturesBeyond64;
    this.featuresAccepted = false;
    this.negotiatedLow = this.negotiatedHigh = 0;
    if (state.featuresAccepted && !this.negotiate()) {
      throw new Error(`${this.name}: saved features are not acceptable to this device`);
    }
    this.queueSel = state.queueSel >>> 0;
    this.configGeneration = state.configGeneration >>> 0;
    this.interruptStatus = state.interruptStatus & (VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
    const indirect = this.hasFeature(VIRTIO_F_INDIRECT_DESC);
    const eventIdx = this.hasFeature(VIRTIO_F_EVENT_IDX);
    state.queues.forEach((qs, i) => {
      const err = this.queues[i]!.restore(qs, indirect, eventIdx);
      if (err !== null) this.needsReset(err);
    });
    if (state.device && this.device?.restore) this.device.restore(state.device);
    this.irqLevel = this.interruptStatus !== 0;
    this.irq.set(this.irqLevel);
  }
}
