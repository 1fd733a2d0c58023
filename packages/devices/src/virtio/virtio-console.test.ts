import type { CharBackend } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { featureBit, VIRTIO_MMIO_CONFIG } from './registers.js';
import { TestDriver } from './test-driver.js';
import {
  VIRTIO_CONSOLE_CFG_EMERG_WR,
  VIRTIO_CONSOLE_F_EMERG_WRITE,
  VIRTIO_CONSOLE_RX_QUEUE,
  VIRTIO_CONSOLE_TX_QUEUE,
  VirtioConsole,
} from './virtio-console.js';

class Term implements CharBackend {
  readonly output: number[] = [];
  readonly input: number[] = [];
  reads = 0;
  private listener = () => {};
  write(byte: number): void {
    this.output.push(byte);
  }
  read(): number {
    this.reads++;
    return this.input.shift() ?? -1;
  }
  onReadable(listener: () => void): void {
    this.listener = listener;
  }
  type(s: string): void {
    for (const c of s) this.input.push(c.charCodeAt(0));
    this.listener();
  }
  get text(): string {
    return String.fromCharCode(...this.output);
  }
}

const bytes = (s: string) => [...s].map((c) => c.charCodeAt(0));
const text = (b: Uint8Array) => String.fromCharCode(...b);

function consoleDriver() {
  const term = new Term();
  const d = new TestDriver(new VirtioConsole({ backend: term }));
  return { term, d };
}

describe('VirtioConsole', () => {
  it('is device 3 with two queues and offers EMERG_WRITE', () => {
    const { d } = consoleDriver();
    expect(d.r(0x008)).toBe(3);
    expect(d.deviceFeatures() & featureBit(VIRTIO_CONSOLE_F_EMERG_WRITE)).not.toBe(0n);
    d.w(0x030, 1);
    expect(d.r(0x034)).toBe(64);
    d.w(0x030, 2);
    expect(d.r(0x034)).toBe(0); // no control queues without MULTIPORT
  });

  it('prints emerg_wr bytes even before the driver sets it up', () => {
    const { d, term } = consoleDriver();
    d.mmio.write(VIRTIO_MMIO_CONFIG + VIRTIO_CONSOLE_CFG_EMERG_WR, 4, 0x121);
    expect(term.output).toEqual([0x21]);
  });

  it('sends transmitq buffers to the backend in order, across buffers', () => {
    const { d, term } = consoleDriver();
    d.start(2);
    const { head } = d.post(VIRTIO_CONSOLE_TX_QUEUE, [
      { read: bytes('hello, ') },
      { read: bytes('world\n') },
    ]);
    expect(term.text).toBe('hello, world\n');
    expect(d.used(VIRTIO_CONSOLE_TX_QUEUE)).toEqual([{ id: head, len: 0 }]);
    expect(d.isr()).toBe(1);
  });

  it('delivers input into posted receive buffers when the backend becomes readable', () => {
    const { d, term } = consoleDriver();
    d.start(2);
    const { head, addrs } = d.post(VIRTIO_CONSOLE_RX_QUEUE, [{ write: 8 }]);
    expect(d.usedIdx(VIRTIO_CONSOLE_RX_QUEUE)).toBe(0); // nothing typed yet: buffer kept
    term.type('abc');
    expect(d.used(VIRTIO_CONSOLE_RX_QUEUE)).toEqual([{ id: head, len: 3 }]);
    expect(text(d.get(addrs[0]!, 3))).toBe('abc');
    expect(d.irq.level).toBe(true);
  });

  it('fills buffers one after the other and keeps the rest for later buffers', () => {
    const { d, term } = consoleDriver();
    d.start(2);
    const a = d.post(VIRTIO_CONSOLE_RX_QUEUE, [{ write: 2 }, { write: 2 }]);
    const b = d.post(VIRTIO_CONSOLE_RX_QUEUE, [{ write: 4 }]);
    term.type('0123456789');
    expect(d.used(VIRTIO_CONSOLE_RX_QUEUE)).toEqual([
      { id: a.head, len: 4 },
      { id: b.head, len: 4 },
    ]);
    expect(text(d.get(a.addrs[0]!, 2)) + text(d.get(a.addrs[1]!, 2))).toBe('0123');
    expect(text(d.get(b.addrs[0]!, 4))).toBe('4567');
    expect(term.input).toEqual(bytes('9')); // '8' is held by the device, '9' stays in the backend
    const c = d.post(VIRTIO_CONSOLE_RX_QUEUE, [{ write: 16 }]);
    expect(d.used(VIRTIO_CONSOLE_RX_QUEUE)).toEqual([{ id: c.head, len: 2 }]);
    expect(text(d.get(c.addrs[0]!, 2))).toBe('89');
  });

  it('pulls at most one byte while no receive buffer is posted', () => {
    const { d, term } = consoleDriver();
    d.start(2);
    term.type('xyz');
    expect(term.input).toEqual(bytes('yz'));
    term.type('!');
    expect(term.input).toEqual(bytes('yz!'));
    const { addrs } = d.post(VIRTIO_CONSOLE_RX_QUEUE, [{ write: 8 }]);
    expect(text(d.get(addrs[0]!, 4))).toBe('xyz!');
  });

  it('does not read input before DRIVER_OK', () => {
    const { d, term } = consoleDriver();
    term.type('q');
    expect(term.reads).toBe(0);
    d.start(2);
    const { addrs } = d.post(VIRTIO_CONSOLE_RX_QUEUE, [{ write: 1 }]);
    expect(text(d.get(addrs[0]!, 1))).toBe('q');
  });

  it('returns a device-readable buffer in the receive queue empty', () => {
    const { d, term } = consoleDriver();
    d.start(2);
    term.type('k');
    const bad = d.post(VIRTIO_CONSOLE_RX_QUEUE, [{ read: [0, 0] }]);
    const good = d.post(VIRTIO_CONSOLE_RX_QUEUE, [{ write: 2 }]);
    expect(d.used(VIRTIO_CONSOLE_RX_QUEUE)).toEqual([
      { id: bad.head, len: 0 },
      { id: good.head, len: 1 },
    ]);
  });

  it('keeps its pending byte in a snapshot', () => {
    const { d, term } = consoleDriver();
    d.start(2);
    term.type('p');
    const state = d.mmio.save();
    expect(state.device).toEqual({ kind: 'virtio-console', version: 1, pending: 0x70 });
    const term2 = new Term();
    const d2 = new TestDriver(new VirtioConsole({ backend: term2 }), d.ram);
    d2.mmio.restore(state);
    d2.continueFrom(d);
    const { addrs } = d2.post(VIRTIO_CONSOLE_RX_QUEUE, [{ write: 1 }]);
    expect(text(d2.get(addrs[0]!, 1))).toBe('p');
  });
});
