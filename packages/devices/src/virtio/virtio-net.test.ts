import type { NetBackend } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { featureBit, VIRTIO_MMIO_CONFIG, VIRTQ_DESC_F_WRITE } from './registers.js';
import { RAM_BASE, RAM_SIZE, TestDriver } from './test-driver.js';
import {
  VIRTIO_NET_F_MAC,
  VIRTIO_NET_F_STATUS,
  VIRTIO_NET_HDR_SIZE,
  VIRTIO_NET_MAX_FRAME_SIZE,
  VIRTIO_NET_RX_QUEUE,
  VIRTIO_NET_TX_QUEUE,
  VirtioNet,
} from './virtio-net.js';

class Wire implements NetBackend {
  readonly sent: Uint8Array[] = [];
  listener: (frame: Uint8Array) => void = () => {};
  failSend = false;
  loopback = false;
  mac?: Uint8Array;
  send(frame: Uint8Array): void {
    if (this.failSend) throw new Error('link down');
    this.sent.push(frame.slice());
    if (this.loopback) this.listener(frame);
  }
  onReceive(listener: (frame: Uint8Array) => void): void {
    this.listener = listener;
  }
}

/** A frame of `len` bytes: broadcast destination, then a counting pattern. */
function frame(len: number): Uint8Array {
  const f = new Uint8Array(len);
  for (let i = 0; i < len; i++) f[i] = i < 6 ? 0xff : i & 0xff;
  return f;
}

function netDriver(wire = new Wire()) {
  const net = new VirtioNet({ backend: wire });
  const d = new TestDriver(net).start(2);
  return { wire, net, d };
}

describe('VirtioNet: configuration', () => {
  it('is device 1 offering MAC and STATUS, with QEMU default MAC and the link up', () => {
    const d = new TestDriver(new VirtioNet({ backend: new Wire() }));
    expect(d.r(0x008)).toBe(1);
    const f = d.deviceFeatures();
    expect(f & featureBit(VIRTIO_NET_F_MAC)).not.toBe(0n);
    expect(f & featureBit(VIRTIO_NET_F_STATUS)).not.toBe(0n);
    expect([0, 1, 2, 3, 4, 5].map((i) => d.mmio.read(VIRTIO_MMIO_CONFIG + i, 1))).toEqual([
      0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
    ]);
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG + 6, 2)).toBe(1);
  });

  it('takes the MAC from the options, else from the backend; refuses one that is not 6 bytes', () => {
    const wire = new Wire();
    wire.mac = Uint8Array.of(2, 0, 0, 0, 0, 9);
    expect([...new VirtioNet({ backend: wire }).mac]).toEqual([2, 0, 0, 0, 0, 9]);
    expect([...new VirtioNet({ backend: wire, mac: Uint8Array.of(2, 1, 1, 1, 1, 1) }).mac]).toEqual([
      2, 1, 1, 1, 1, 1,
    ]);
    expect(() => new VirtioNet({ backend: wire, mac: new Uint8Array(5) })).toThrow(RangeError);
  });
});

describe('VirtioNet: transmit', () => {
  it('strips the 12-byte header and hands the frame to the backend', () => {
    const { d, wire, net } = netDriver();
    const f = frame(60);
    const { head } = d.post(VIRTIO_NET_TX_QUEUE, [
      { read: new Uint8Array(VIRTIO_NET_HDR_SIZE) },
      { read: f },
    ]);
    expect(wire.sent).toEqual([f]);
    expect(d.used(VIRTIO_NET_TX_QUEUE)).toEqual([{ id: head, len: 0 }]);
    expect(net.stats.txFrames).toBe(1);
    expect(d.isr()).toBe(1);
  });

  it('accepts header and frame in one buffer, and frames cut anywhere', () => {
    const { d, wire } = netDriver();
    const f = frame(100);
    const both = new Uint8Array(VIRTIO_NET_HDR_SIZE + 100);
    both.set(f, VIRTIO_NET_HDR_SIZE);
    d.post(VIRTIO_NET_TX_QUEUE, [{ read: both }]);
    d.post(VIRTIO_NET_TX_QUEUE, [
      { read: both.subarray(0, 5) },
      { read: both.subarray(5, 40) },
      { read: both.subarray(40) },
    ]);
    expect(wire.sent).toEqual([f, f]);
  });

  it('drops and counts chains shorter than the header, too long, outside RAM, or refused by the backend', () => {
    const { d, wire, net } = netDriver();
    d.post(VIRTIO_NET_TX_QUEUE, [{ read: new Uint8Array(11) }]);
    d.post(VIRTIO_NET_TX_QUEUE, [
      { read: new Uint8Array(VIRTIO_NET_HDR_SIZE) },
      { read: new Uint8Array(VIRTIO_NET_MAX_FRAME_SIZE + 1) },
    ]);
    d.post(VIRTIO_NET_TX_QUEUE, [{ addr: RAM_BASE + RAM_SIZE - 4, len: 64 }]);
    wire.failSend = true;
    d.post(VIRTIO_NET_TX_QUEUE, [{ read: new Uint8Array(VIRTIO_NET_HDR_SIZE + 60) }]);
    expect(wire.sent).toEqual([]);
    expect(net.stats.txDropped).toBe(4);
    expect(d.used(VIRTIO_NET_TX_QUEUE).map((u) => u.len)).toEqual([0, 0, 0, 0]);
    expect(d.mmio.live).toBe(true);
    wire.failSend = false;
    d.post(VIRTIO_NET_TX_QUEUE, [{ read: new Uint8Array(VIRTIO_NET_HDR_SIZE + VIRTIO_NET_MAX_FRAME_SIZE) }]);
    expect(wire.sent[0]!.length).toBe(VIRTIO_NET_MAX_FRAME_SIZE);
  });
});

describe('VirtioNet: receive', () => {
  it('writes the header (num_buffers = 1) and the frame into the next receive buffer', () => {
    const { d, wire, net } = netDriver();
    const { head, addrs } = d.post(VIRTIO_NET_RX_QUEUE, [{ write: 1526 }]);
    expect(d.usedIdx(VIRTIO_NET_RX_QUEUE)).toBe(0);
    const f = frame(64);
    wire.listener(f);
    expect(d.used(VIRTIO_NET_RX_QUEUE)).toEqual([{ id: head, len: 76 }]);
    expect([...d.get(addrs[0]!, 12)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(d.get(addrs[0]! + 12, 64)).toEqual(f);
    expect(d.irq.level).toBe(true);
    expect(net.stats.rxFrames).toBe(1);
  });

  it('spreads header and frame over the buffers of one chain', () => {
    const { d, wire } = netDriver();
    const { addrs } = d.post(VIRTIO_NET_RX_QUEUE, [{ write: 12 }, { write: 1514 }]);
    const f = frame(1514);
    wire.listener(f);
    expect(d.used(VIRTIO_NET_RX_QUEUE)[0]!.len).toBe(1526);
    expect(d.get(addrs[1]!, 1514)).toEqual(f);
  });

  it('drops and counts frames with no receive buffer, or before DRIVER_OK', () => {
    const wire = new Wire();
    const net = new VirtioNet({ backend: wire });
    const d = new TestDriver(net);
    wire.listener(frame(60));
    expect(net.stats.rxDroppedNoBuffer).toBe(1);
    d.start(2);
    wire.listener(frame(60));
    expect(net.stats.rxDroppedNoBuffer).toBe(2);
    d.post(VIRTIO_NET_RX_QUEUE, [{ write: 1526 }]);
    wire.listener(frame(60));
    wire.listener(frame(60));
    expect(net.stats).toMatchObject({ rxFrames: 1, rxDroppedNoBuffer: 3 });
  });

  it('keeps a buffer too small for a frame (the frame is dropped) and uses it for one that fits', () => {
    const { d, wire, net } = netDriver();
    const { head } = d.post(VIRTIO_NET_RX_QUEUE, [{ write: 100 }]);
    wire.listener(frame(89));
    expect(d.usedIdx(VIRTIO_NET_RX_QUEUE)).toBe(0);
    expect(net.stats.rxDroppedBadBuffer).toBe(1);
    wire.listener(frame(88));
    expect(d.used(VIRTIO_NET_RX_QUEUE)).toEqual([{ id: head, len: 100 }]);
  });

  it('returns a receive buffer outside RAM empty and drops the frame', () => {
    const { d, wire, net } = netDriver();
    d.writeDesc(VIRTIO_NET_RX_QUEUE, 0, RAM_BASE + RAM_SIZE - 100, 1526, VIRTQ_DESC_F_WRITE, 0);
    d.makeAvailable(VIRTIO_NET_RX_QUEUE, 0);
    wire.listener(frame(60));
    expect(d.used(VIRTIO_NET_RX_QUEUE)).toEqual([{ id: 0, len: 0 }]);
    expect(net.stats.rxDroppedBadBuffer).toBe(1);
    expect(d.mmio.live).toBe(true);
  });

  it('survives a backend that delivers a frame from inside send (loopback)', () => {
    const wire = new Wire();
    wire.loopback = true;
    const { d } = netDriver(wire);
    const rx = d.post(VIRTIO_NET_RX_QUEUE, [{ write: 1526 }]);
    const f = frame(42);
    d.post(VIRTIO_NET_TX_QUEUE, [{ read: new Uint8Array(VIRTIO_NET_HDR_SIZE) }, { read: f }]);
    expect(d.used(VIRTIO_NET_TX_QUEUE)).toHaveLength(1);
    expect(d.used(VIRTIO_NET_RX_QUEUE)).toEqual([{ id: rx.head, len: 54 }]);
    expect(d.get(rx.addrs[0]! + 12, 42)).toEqual(f);
  });

  it('keeps link state and counters in a snapshot', () => {
    const { d, wire, net } = netDriver();
    wire.listener(frame(60));
    net.setLinkUp(false);
    const state = d.mmio.save();
    const net2 = new VirtioNet({ backend: new Wire() });
    const d2 = new TestDriver(net2, d.ram);
    d2.mmio.restore(state);
    expect(net2.linkUp).toBe(false);
    expect(net2.stats.rxDroppedNoBuffer).toBe(1);
  });
});
