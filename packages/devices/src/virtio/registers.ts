/*
 * Names and numbers of the virtio 1.x specification used by the MMIO transport,
 * the split virtqueue and every device: register offsets (4.2.2 "MMIO Device
 * Register Layout"), device status bits (2.1), reserved feature bits (6) and
 * descriptor/ring flags (2.7). Values are copied from the spec and
 * virtio-queue.h; nothing here is hvkit's invention except the window size.
 */

/** Length of one virtio-mmio register window (QEMU virt: slots 0x1000 apart from 0x1000_1000). */
export const VIRTIO_MMIO_WINDOW_SIZE = 0x1000;

/** MagicValue (R): 0x74726976, "virt" in little-endian. */
export const VIRTIO_MMIO_MAGIC_VALUE = 0x000;
/** Version (R): 2 for the non-legacy interface. */
export const VIRTIO_MMIO_VERSION = 0x004;
/** DeviceID (R): virtio device type (5), 0 for an empty slot. */
export const VIRTIO_MMIO_DEVICE_ID = 0x008;
/** VendorID (R): subsystem vendor. */
export const VIRTIO_MMIO_VENDOR_ID = 0x00c;
/** DeviceFeatures (R): 32 feature bits selected by DeviceFeaturesSel. */
export const VIRTIO_MMIO_DEVICE_FEATURES = 0x010;
/** DeviceFeaturesSel (W): which 32-bit word DeviceFeatures shows. */
export const VIRTIO_MMIO_DEVICE_FEATURES_SEL = 0x014;
/** DriverFeatures (W): 32 accepted feature bits selected by DriverFeaturesSel. */
export const VIRTIO_MMIO_DRIVER_FEATURES = 0x020;
/** DriverFeaturesSel (W): which 32-bit word DriverFeatures sets. */
export const VIRTIO_MMIO_DRIVER_FEATURES_SEL = 0x024;
/** QueueSel (W): the virtqueue the Queue* registers apply to. */
export const VIRTIO_MMIO_QUEUE_SEL = 0x030;
/** QueueNumMax / QueueSizeMax (R): largest size of the selected queue, 0 if it does not exist. */
export const VIRTIO_MMIO_QUEUE_NUM_MAX = 0x034;
/** QueueNum / QueueSize (W): size the driver chose for the selected queue. */
export const VIRTIO_MMIO_QUEUE_NUM = 0x038;
/** QueueReady (RW): 1 once the selected queue is set up. */
export const VIRTIO_MMIO_QUEUE_READY = 0x044;
/** QueueNotify (W): available buffer notification, value = queue index. */
export const VIRTIO_MMIO_QUEUE_NOTIFY = 0x050;
/** InterruptStatus (R): bit 0 used buffer, bit 1 configuration change. */
export const VIRTIO_MMIO_INTERRUPT_STATUS = 0x060;
/** InterruptACK (W): clears the InterruptStatus bits written. */
export const VIRTIO_MMIO_INTERRUPT_ACK = 0x064;
/** Status (RW): device status (2.1); writing 0 resets the device. */
export const VIRTIO_MMIO_STATUS = 0x070;
/** QueueDescLow (W): descriptor area address, low 32 bits. */
export const VIRTIO_MMIO_QUEUE_DESC_LOW = 0x080;
/** QueueDescHigh (W): descriptor area address, high 32 bits. */
export const VIRTIO_MMIO_QUEUE_DESC_HIGH = 0x084;
/** QueueDriverLow (W): driver area (available ring) address, low 32 bits. */
export const VIRTIO_MMIO_QUEUE_DRIVER_LOW = 0x090;
/** QueueDriverHigh (W): driver area (available ring) address, high 32 bits. */
export const VIRTIO_MMIO_QUEUE_DRIVER_HIGH = 0x094;
/** QueueDeviceLow (W): device area (used ring) address, low 32 bits. */
export const VIRTIO_MMIO_QUEUE_DEVICE_LOW = 0x0a0;
/** QueueDeviceHigh (W): device area (used ring) address, high 32 bits. */
export const VIRTIO_MMIO_QUEUE_DEVICE_HIGH = 0x0a4;
/** SHMSel (W): shared memory region selector (no regions here). */
export const VIRTIO_MMIO_SHM_SEL = 0x0ac;
/** SHMLenLow (R): region length, low half; all ones for a region that does not exist. */
export const VIRTIO_MMIO_SHM_LEN_LOW = 0x0b0;
/** SHMLenHigh (R): region length, high half. */
export const VIRTIO_MMIO_SHM_LEN_HIGH = 0x0b4;
/** SHMBaseLow (R): region base, low half; all ones for a region that does not exist. */
export const VIRTIO_MMIO_SHM_BASE_LOW = 0x0b8;
/** SHMBaseHigh (R): region base, high half. */
export const VIRTIO_MMIO_SHM_BASE_HIGH = 0x0bc;
/** QueueReset (RW): per-queue reset, only with VIRTIO_F_RING_RESET (not offered: reads 0). */
export const VIRTIO_MMIO_QUEUE_RESET = 0x0c0;
/** ConfigGeneration (R): changes whenever the device changes its configuration space. */
export const VIRTIO_MMIO_CONFIG_GENERATION = 0x0fc;
/** Config (RW): device-specific configuration space starts here. */
export const VIRTIO_MMIO_CONFIG = 0x100;

/** The MagicValue register's content: "virt". */
export const VIRTIO_MMIO_MAGIC = 0x7472_6976;
/** The Version register's content for the non-legacy (virtio 1.x) interface. */
export const VIRTIO_MMIO_VERSION_2 = 2;
/** VendorID hvkit reports: 0x554d4551, "QEMU", as QEMU does, so guests that look at it see a familiar value. */
export const VIRTIO_VENDOR_QEMU = 0x554d_4551;

/** InterruptStatus bit 0: used buffer notification. */
export const VIRTIO_MMIO_INT_VRING = 1;
/** InterruptStatus bit 1: configuration change notification. */
export const VIRTIO_MMIO_INT_CONFIG = 2;

/** Device status ACKNOWLEDGE (1): the guest found the device. */
export const VIRTIO_STATUS_ACKNOWLEDGE = 1;
/** Device status DRIVER (2): the guest has a driver for it. */
export const VIRTIO_STATUS_DRIVER = 2;
/** Device status DRIVER_OK (4): the driver is ready; the device is live. */
export const VIRTIO_STATUS_DRIVER_OK = 4;
/** Device status FEATURES_OK (8): feature negotiation is complete (the device may refuse it). */
export const VIRTIO_STATUS_FEATURES_OK = 8;
/** Device status DEVICE_NEEDS_RESET (64): the device hit an error it cannot recover from. */
export const VIRTIO_STATUS_DEVICE_NEEDS_RESET = 64;
/** Device status FAILED (128): the driver gave up on the device. */
export const VIRTIO_STATUS_FAILED = 128;

/** Feature bit 28: indirect descriptor tables (2.7.5.3). */
export const VIRTIO_F_INDIRECT_DESC = 28;
/** Feature bit 29: used_event / avail_event notification suppression (2.7.7, 2.7.10). */
export const VIRTIO_F_EVENT_IDX = 29;
/** Feature bit 32: virtio 1.x compliance; hvkit offers and requires it. */
export const VIRTIO_F_VERSION_1 = 32;

/** Descriptor flag: the buffer continues in `next`. */
export const VIRTQ_DESC_F_NEXT = 1;
/** Descriptor flag: the buffer is device write-only (otherwise device read-only). */
export const VIRTQ_DESC_F_WRITE = 2;
/** Descriptor flag: the buffer is a table of indirect descriptors. */
export const VIRTQ_DESC_F_INDIRECT = 4;
/** Available ring flag: the driver asks for no used buffer notifications (without EVENT_IDX). */
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
/** Used ring flag: the device asks for no available buffer notifications (hvkit never sets it). */
export const VIRTQ_USED_F_NO_NOTIFY = 1;

/** Largest queue size the split ring allows (2.7). */
export const VIRTQ_MAX_SIZE = 32768;

/** Size in bytes of one descriptor (struct virtq_desc). */
export const VIRTQ_DESC_SIZE = 16;

/** Device type numbers (5 "Device Types"). */
export const VIRTIO_ID_NET = 1;
/** Block device. */
export const VIRTIO_ID_BLOCK = 2;
/** Console. */
export const VIRTIO_ID_CONSOLE = 3;
/** Entropy source. */
export const VIRTIO_ID_RNG = 4;

/** A feature bit number (0..63) as the bigint mask `1n << bit`. */
export function featureBit(bit: number): bigint {
  return 1n << BigInt(bit);
}
