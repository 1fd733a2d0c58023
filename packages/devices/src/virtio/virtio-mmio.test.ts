import { describe, expect, it } from 'vitest';
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
  VIRTIO_MMIO_INTERRUPT_ACK,
  VIRTIO_MMIO_INTERRUPT_STATUS,
  VIRTIO_MMIO_MAGIC_VALUE,
  VIRTIO_MMIO_QUEUE_DESC_LOW,
  VIRTIO_MMIO_QUEUE_NUM,
  VIRTIO_MMIO_QUEUE_NUM_MAX,
  VIRTIO_MMIO_QUEUE_READY,
  VIRTIO_MMIO_QUEUE_RESET,
  VIRTIO_MMIO_QUEUE_SEL,
  VIRTIO_MMIO_SHM_LEN_LOW,
  VIRTIO_MMIO_STATUS,
  VIRTIO_MMIO_VENDOR_ID,
  VIRTIO_MMIO_VERSION,
  VIRTIO_STATUS_ACKNOWLEDGE,
  VIRTIO_STATUS_DEVICE_NEEDS_RESET,
  VIRTIO_STATUS_DRIVER,
  VIRTIO_STATUS_DRIVER_OK,
  VIRTIO_STATUS_FEATURES_OK,
  VIRTQ_AVAIL_F_NO_INTERRUPT,
} from './registers.js';
import { fakeRam, Line, RAM_BASE, RAM_SIZE, TestDriver } from './test-driver.js';
import { VIRTIO_ERR_DRIVER_OK, VirtioMmio } from './virtio-mmio.js';
import { VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS, VirtioNet } from './virtio-net.js';
import { VirtioRng } from './virtio-rng.js';
import { VQ_ERR_RING_ALIGN, VQ_ERR_RING_RANGE, VQ_ERR_SIZE } from './virtqueue.js';

const ACK_DRIVER = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;

/** An rng whose bytes count up from 1, so results can be checked by hand. */
function countingRng(): VirtioRng {
  let next = 1;
  return new VirtioRng({
    fill: (dest) => {
      for (let i = 0; i < dest.length; i++) dest[i] = next++ & 0xff;
    },
  });
}

describe('VirtioMmio: an empty slot', () => {
  it('answers magic, version 2, vendor and DeviceID 0; everything else reads 0 and ignores writes', () => {
    const slot = new VirtioMmio({ ram: fakeRam(), irq: new Line() });
    expect(slot.size).toBe(0x1000);
    expect(slot.name).toBe('virtio');
    expect(slot.read(VIRTIO_MMIO_MAGIC_VALUE, 4)).toBe(0x7472_6976);
    expect(slot.read(VIRTIO_MMIO_VERSION, 4)).toBe(2);
    expect(slot.read(VIRTIO_MMIO_DEVICE_ID, 4)).toBe(0);
    expect(slot.read(VIRTIO_MMIO_VENDOR_ID, 4)).toBe(0x554d_4551);
    slot.write(VIRTIO_MMIO_STATUS, 4, VIRTIO_STATUS_ACKNOWLEDGE);
    expect(slot.read(VIRTIO_MMIO_STATUS, 4)).toBe(0);
    expect(slot.read(VIRTIO_MMIO_DEVICE_FEATURES, 4)).toBe(0);
    expect(slot.read(VIRTIO_MMIO_QUEUE_NUM_MAX, 4)).toBe(0);
    expect(slot.read(VIRTIO_MMIO_CONFIG, 4)).toBe(0);
  });

  it('takes a name and a vendor ID', () => {
    const slot = new VirtioMmio({ ram: fakeRam(), name: 'virtio3', vendorId: 0x1af4 });
    expect(slot.name).toBe('virtio3');
    expect(slot.read(VIRTIO_MMIO_VENDOR_ID, 4)).toBe(0x1af4);
  });
});

describe('VirtioMmio: registers', () => {
  it('shows the device ID, the offered features in two words and the queue maxima', () => {
    const d = new TestDriver(countingRng());
    expect(d.r(VIRTIO_MMIO_DEVICE_ID)).toBe(4);
    d.w(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    expect(d.r(VIRTIO_MMIO_DEVICE_FEATURES)).toBe((1 << 28) | (1 << 29)); // INDIRECT_DESC, EVENT_IDX
    d.w(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    expect(d.r(VIRTIO_MMIO_DEVICE_FEATURES)).toBe(1); // VERSION_1 is bit 32
    d.w(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
    expect(d.r(VIRTIO_MMIO_DEVICE_FEATURES)).toBe(0);
    d.w(VIRTIO_MMIO_QUEUE_SEL, 0);
    expect(d.r(VIRTIO_MMIO_QUEUE_NUM_MAX)).toBe(64);
    d.w(VIRTIO_MMIO_QUEUE_SEL, 1);
    expect(d.r(VIRTIO_MMIO_QUEUE_NUM_MAX)).toBe(0); // no such queue
    expect(d.r(VIRTIO_MMIO_QUEUE_READY)).toBe(0);
    expect(d.r(VIRTIO_MMIO_QUEUE_RESET)).toBe(0);
    expect(d.r(VIRTIO_MMIO_SHM_LEN_LOW)).toBe(0xffff_ffff); // no shared memory region
  });

  it('answers only aligned 32-bit accesses to control registers', () => {
    const d = new TestDriver(countingRng());
    expect(d.mmio.read(VIRTIO_MMIO_MAGIC_VALUE, 2)).toBe(0);
    expect(d.mmio.read(VIRTIO_MMIO_MAGIC_VALUE + 1, 4)).toBe(0);
    d.mmio.write(VIRTIO_MMIO_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
    expect(d.status).toBe(0);
  });

  it('refuses FEATURES_OK without VERSION_1, with features not offered, or with bits past 63', () => {
    const d = new TestDriver(countingRng());
    expect(d.negotiate((o) => o & ~featureBit(VIRTIO_F_VERSION_1))).toBe(false);
    expect(d.status).toBe(ACK_DRIVER);
    expect(d.negotiate((o) => o | featureBit(0))).toBe(false);
    expect(d.negotiate((o) => o | featureBit(40))).toBe(false);
    d.w(VIRTIO_MMIO_STATUS, 0);
    d.w(VIRTIO_MMIO_STATUS, ACK_DRIVER);
    d.writeFeatures(featureBit(VIRTIO_F_VERSION_1));
    d.w(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
    d.w(VIRTIO_MMIO_DRIVER_FEATURES, 1);
    d.w(VIRTIO_MMIO_STATUS, ACK_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    expect(d.status & VIRTIO_STATUS_FEATURES_OK).toBe(0);
    // A subset with VERSION_1 is fine.
    expect(d.negotiate(() => featureBit(VIRTIO_F_VERSION_1))).toBe(true);
    expect(d.mmio.hasFeature(VIRTIO_F_VERSION_1)).toBe(true);
    expect(d.mmio.hasFeature(VIRTIO_F_INDIRECT_DESC)).toBe(false);
  });

  it('freezes the driver features once FEATURES_OK is accepted', () => {
    const d = new TestDriver(countingRng());
    expect(d.negotiate(() => featureBit(VIRTIO_F_VERSION_1))).toBe(true);
    d.writeFeatures(featureBit(VIRTIO_F_VERSION_1) | featureBit(VIRTIO_F_EVENT_IDX));
    expect(d.mmio.hasFeature(VIRTIO_F_EVENT_IDX)).toBe(false);
  });

  it('reset (Status 0) clears status, features, queues and interrupts and lowers the line', () => {
    const d = new TestDriver(countingRng()).start(1);
    d.post(0, [{ write: 4 }]);
    expect(d.irq.level).toBe(true);
    d.w(VIRTIO_MMIO_STATUS, 0);
    expect(d.status).toBe(0);
    expect(d.isr()).toBe(0);
    expect(d.irq.level).toBe(false);
    expect(d.mmio.hasFeature(VIRTIO_F_VERSION_1)).toBe(false);
    d.w(VIRTIO_MMIO_QUEUE_SEL, 0);
    expect(d.r(VIRTIO_MMIO_QUEUE_READY)).toBe(0);
  });

  it('interrupts on a used buffer (bit 0) until acknowledged', () => {
    const d = new TestDriver(countingRng()).start(1);
    const { head, addrs } = d.post(0, [{ write: 4 }]);
    expect(d.used(0)).toEqual([{ id: head, len: 4 }]);
    expect([...d.get(addrs[0]!, 4)]).toEqual([1, 2, 3, 4]);
    expect(d.isr()).toBe(1);
    expect(d.irq.level).toBe(true);
    d.w(VIRTIO_MMIO_INTERRUPT_ACK, 1);
    expect(d.isr()).toBe(0);
    expect(d.irq.level).toBe(false);
  });

  it('honours VIRTQ_AVAIL_F_NO_INTERRUPT without EVENT_IDX', () => {
    const d = new TestDriver(countingRng()).start(1, (o) => o & ~featureBit(VIRTIO_F_EVENT_IDX));
    d.view.setUint16(d.q(0).avail - RAM_BASE, VIRTQ_AVAIL_F_NO_INTERRUPT, true);
    d.post(0, [{ write: 1 }]);
    expect(d.usedIdx(0)).toBe(1);
    expect(d.isr()).toBe(0);
  });

  it('with EVENT_IDX, interrupts only when used idx passes used_event and publishes avail_event', () => {
    const d = new TestDriver(countingRng()).start(1);
    expect(d.mmio.hasFeature(VIRTIO_F_EVENT_IDX)).toBe(true);
    const q = d.q(0);
    const usedEvent = q.avail - RAM_BASE + 4 + 2 * q.size;
    const availEvent = q.used - RAM_BASE + 4 + 8 * q.size;
    d.view.setUint16(usedEvent, 1, true); // interrupt when entry 1 is used
    d.post(0, [{ write: 1 }]);
    expect(d.usedIdx(0)).toBe(1);
    expect(d.isr()).toBe(0);
    expect(d.view.getUint16(availEvent, true)).toBe(1); // notify me when you write avail entry 1
    d.post(0, [{ write: 1 }]);
    expect(d.usedIdx(0)).toBe(2);
    expect(d.isr()).toBe(1);
  });

  it('takes buffers only after DRIVER_OK: an early notify is ignored, DRIVER_OK picks them up', () => {
    const d = new TestDriver(countingRng());
    expect(d.negotiate()).toBe(true);
    d.setupQueue(0);
    d.post(0, [{ write: 2 }]);
    expect(d.usedIdx(0)).toBe(0);
    expect(d.irq.level).toBe(false);
    d.driverOk();
    expect(d.used(0)).toEqual([{ id: 0, len: 2 }]);
    expect(d.irq.level).toBe(true);
  });

  it('DRIVER_OK without FEATURES_OK sets DEVICE_NEEDS_RESET', () => {
    const d = new TestDriver(countingRng());
    d.w(VIRTIO_MMIO_STATUS, ACK_DRIVER);
    d.w(VIRTIO_MMIO_STATUS, ACK_DRIVER | VIRTIO_STATUS_DRIVER_OK);
    expect(d.status & VIRTIO_STATUS_DEVICE_NEEDS_RESET).not.toBe(0);
    expect(d.mmio.live).toBe(false);
    expect(d.mmio.lastError).toBe(VIRTIO_ERR_DRIVER_OK);
    d.w(VIRTIO_MMIO_STATUS, 0);
    expect(d.status).toBe(0);
  });

  it('keeps DEVICE_NEEDS_RESET out of the driver hands', () => {
    const d = new TestDriver(countingRng());
    d.w(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    expect(d.status).toBe(VIRTIO_STATUS_ACKNOWLEDGE);
  });

  it('ignores queue registers of a ready queue', () => {
    const d = new TestDriver(countingRng()).start(1);
    d.w(VIRTIO_MMIO_QUEUE_SEL, 0);
    d.w(VIRTIO_MMIO_QUEUE_NUM, 2);
    d.w(VIRTIO_MMIO_QUEUE_DESC_LOW, 0);
    const { head } = d.post(0, [{ write: 1 }]);
    expect(d.used(0)).toEqual([{ id: head, len: 1 }]);
  });
});

describe('VirtioMmio: hostile queue setup', () => {
  function setupWith(size: number, desc: number, avail: number, used: number) {
    const d = new TestDriver(countingRng());
    expect(d.negotiate()).toBe(true);
    d.writeQueue(0, size, desc, avail, used);
    return d;
  }

  it('refuses a queue size that is not a power of two', () => {
    const d = setupWith(3, RAM_BASE + 0x1000, RAM_BASE + 0x2000, RAM_BASE + 0x3000);
    expect(d.r(VIRTIO_MMIO_QUEUE_READY)).toBe(0);
    expect(d.status & VIRTIO_STATUS_DEVICE_NEEDS_RESET).not.toBe(0);
    expect(d.mmio.lastError).toBe(VQ_ERR_SIZE);
  });

  it('refuses a queue size of 0 or above QueueNumMax', () => {
    expect(setupWith(0, RAM_BASE, RAM_BASE, RAM_BASE).mmio.lastError).toBe(VQ_ERR_SIZE);
    expect(setupWith(128, RAM_BASE, RAM_BASE, RAM_BASE).mmio.lastError).toBe(VQ_ERR_SIZE);
  });

  it('refuses rings that are not wholly inside RAM', () => {
    const end = RAM_BASE + RAM_SIZE;
    // The used ring of 64 entries is 6 + 512 bytes: one byte too many at the end of RAM.
    const d = setupWith(64, RAM_BASE + 0x1000, RAM_BASE + 0x2000, end - 517);
    expect(d.r(VIRTIO_MMIO_QUEUE_READY)).toBe(0);
    expect(d.mmio.lastError).toBe(VQ_ERR_RING_RANGE);
    expect(setupWith(64, 0x1000, RAM_BASE, RAM_BASE + 0x1000).mmio.lastError).toBe(VQ_ERR_RING_RANGE);
    expect(setupWith(64, RAM_BASE, 2 ** 63, RAM_BASE + 0x1000).mmio.lastError).toBe(VQ_ERR_RING_RANGE);
    // Ending exactly at the end of RAM is fine.
    const ok = setupWith(64, RAM_BASE + 0x1000, RAM_BASE + 0x2000, end - 520);
    expect(ok.r(VIRTIO_MMIO_QUEUE_READY)).toBe(1);
  });

  it('refuses misaligned rings', () => {
    expect(setupWith(64, RAM_BASE + 8, RAM_BASE + 0x2000, RAM_BASE + 0x3000).mmio.lastError).toBe(
      VQ_ERR_RING_ALIGN,
    );
  });

  it('after DEVICE_NEEDS_RESET with DRIVER_OK, raises the config interrupt and ignores notifies until reset', () => {
    const d = new TestDriver(countingRng()).start(1);
    d.writeDesc(0, 0, RAM_BASE + 0x8000, 4, 0x2 | 0x1, 7777); // next beyond the table
    d.makeAvailable(0, 0);
    d.notify(0);
    expect(d.status & VIRTIO_STATUS_DEVICE_NEEDS_RESET).not.toBe(0);
    expect(d.isr()).toBe(2);
    expect(d.irq.level).toBe(true);
    d.post(0, [{ write: 1 }]);
    expect(d.usedIdx(0)).toBe(0);
    d.start(1); // reset and start over
    const { head } = d.post(0, [{ write: 1 }]);
    expect(d.used(0)).toEqual([{ id: head, len: 1 }]);
  });
});

describe('VirtioMmio: configuration space', () => {
  it('reads device config bytes little-endian at 0x100 in any width; past the end reads 0', () => {
    const net = new VirtioNet({
      backend: { send() {}, onReceive() {} },
      mac: Uint8Array.of(0x02, 0x11, 0x22, 0x33, 0x44, 0x55),
    });
    const d = new TestDriver(net);
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG, 1)).toBe(0x02);
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG, 4)).toBe(0x3322_1102);
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG + 4, 2)).toBe(0x5544);
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG + 6, 2)).toBe(1); // status: link up
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG + 0x200, 4)).toBe(0);
    expect(d.deviceFeatures() & featureBit(VIRTIO_NET_F_MAC)).not.toBe(0n);
    expect(d.deviceFeatures() & featureBit(VIRTIO_NET_F_STATUS)).not.toBe(0n);
  });

  it('a config change bumps ConfigGeneration and, after DRIVER_OK, raises interrupt bit 1', () => {
    const net = new VirtioNet({ backend: { send() {}, onReceive() {} } });
    const d = new TestDriver(net);
    const gen0 = d.r(VIRTIO_MMIO_CONFIG_GENERATION);
    net.setLinkUp(false);
    expect(d.r(VIRTIO_MMIO_CONFIG_GENERATION)).toBe(gen0 + 1);
    expect(d.isr()).toBe(0); // not before DRIVER_OK
    d.start(2);
    net.setLinkUp(true);
    expect(d.r(VIRTIO_MMIO_CONFIG_GENERATION)).toBe(gen0 + 2);
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG + 6, 2)).toBe(1);
    expect(d.r(VIRTIO_MMIO_INTERRUPT_STATUS)).toBe(2);
    expect(d.irq.level).toBe(true);
    d.ack();
    expect(d.irq.level).toBe(false);
  });
});

describe('VirtioMmio: snapshots', () => {
  it('saves and restores status, features, queues and interrupt state, re-driving the line', () => {
    const ram = fakeRam();
    const d = new TestDriver(countingRng(), ram).start(1);
    d.post(0, [{ write: 2 }]);
    const state = d.mmio.save();
    expect(state.kind).toBe('virtio-mmio');
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);

    const line = new Line();
    const copy = new VirtioMmio({ ram, irq: line, device: countingRng() });
    copy.restore(state);
    expect(line.level).toBe(true);
    expect(copy.read(VIRTIO_MMIO_STATUS, 4)).toBe(d.status);
    expect(copy.save()).toEqual(state);
    expect(copy.hasFeature(VIRTIO_F_EVENT_IDX)).toBe(true);
  });

  it('refuses state saved from another kind of device', () => {
    const d = new TestDriver(countingRng());
    const other = new VirtioMmio({
      ram: fakeRam(),
      device: new VirtioNet({ backend: { send() {}, onReceive() {} } }),
    });
    expect(() => other.restore(d.mmio.save())).toThrow(/device 4/);
  });
});
