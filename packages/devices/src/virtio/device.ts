/*
 * The seam between a virtio transport and a virtio device type. The transport
 * (`VirtioMmio`) owns the registers, the status and feature negotiation, the
 * virtqueues' setup and the interrupt line; a device (`VirtioBlk`, `VirtioNet`,
 * `VirtioConsole`, `VirtioRng`) owns its configuration space, its feature bits and
 * what a request means. A PCI transport could drive the same devices later.
 *
 * What a hostile guest can do here: nothing beyond what the transport and the
 * virtqueue let through; see those files. Devices are trusted host code.
 */
import type { AccessSize, SnapshotState } from '@hvkit/interfaces';
import type { GuestRam, Virtqueue } from './virtqueue.js';

/** What a device sees of the transport that drives it. */
export interface VirtioTransport {
  /** Guest RAM, for copying to and from validated descriptor segments. */
  readonly memory: GuestRam;
  /** True while DRIVER_OK and FEATURES_OK are set and neither DEVICE_NEEDS_RESET nor FAILED is. */
  readonly live: boolean;
  /** True when feature bit `bit` (0..63) was negotiated (driver accepted it, FEATURES_OK held). */
  hasFeature(bit: number): boolean;
  /** The device's queue `index` (0 <= index < queueSizes.length). */
  queue(index: number): Virtqueue;
  /** Call after pushing used buffers on `queue`: raises the used buffer interrupt unless the driver suppressed it. */
  notifyUsed(queue: Virtqueue): void;
  /** Sets DEVICE_NEEDS_RESET (and the configuration change interrupt if DRIVER_OK): the device gives up until reset. */
  needsReset(reason: string): void;
  /** The device changed its configuration space: bumps ConfigGeneration and raises the configuration change interrupt. */
  configChanged(): void;
}

/** Saved state of a device type (plain data), nested in the transport's state. */
export type VirtioDeviceState = SnapshotState;

/** A virtio device type as its transport drives it. */
export interface VirtioDevice {
  /** Device type (virtio 5 "Device Types"): 1 net, 2 block, 3 console, 4 entropy. */
  readonly deviceId: number;
  /** Device-type feature bits offered, as a mask of `1n << bit`; the transport adds its own (VERSION_1 and ring features). */
  readonly features: bigint;
  /** QueueNumMax of each queue in queue order (powers of two, at most 32768). */
  readonly queueSizes: readonly number[];
  /** The device configuration space, little-endian, shown at offset 0x100 of the window. */
  readonly config: Uint8Array;
  /** Called once, by the transport that takes the device. */
  attach(transport: VirtioTransport): void;
  /** Device reset (Status written 0): drop in-flight work; the transport has already reset queues and features. */
  reset(): void;
  /** Available buffer notification for queue `index`; only delivered while the transport is live. */
  notify(index: number): void;
  /** The driver set DRIVER_OK: the device is live (queues already notified are then kicked by the transport). */
  activate?(): void;
  /** Whether the device accepts the features the driver chose at FEATURES_OK (default: any subset of those offered). */
  acceptFeatures?(features: bigint): boolean;
  /** A driver write to the configuration space at `offset` (default: ignored, all fields read-only). */
  writeConfig?(offset: number, size: AccessSize, value: number): void;
  /** Device-type state as plain data. */
  save?(): VirtioDeviceState;
  /** Puts device-type state back. */
  restore?(state: VirtioDeviceState): void;
}
