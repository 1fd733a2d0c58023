import { describe, expect, it } from 'vitest';
import { TestDriver } from './test-driver.js';
import { VirtioRng, webCryptoFill } from './virtio-rng.js';

describe('VirtioRng', () => {
  it('is device 4 with one queue and no configuration space', () => {
    const d = new TestDriver(new VirtioRng());
    expect(d.r(0x008)).toBe(4);
    expect(d.r(0x034)).toBe(64);
    expect(d.mmio.read(0x100, 4)).toBe(0);
  });

  it('fills every writable buffer of a request from the injected source', () => {
    let next = 0;
    const calls: number[] = [];
    const d = new TestDriver(
      new VirtioRng({
        fill: (dest) => {
          calls.push(dest.length);
          for (let i = 0; i < dest.length; i++) dest[i] = ++next;
        },
      }),
    ).start(1);
    const { head, addrs } = d.post(0, [{ write: 3 }, { write: 2 }]);
    expect(d.used(0)).toEqual([{ id: head, len: 5 }]);
    expect([...d.get(addrs[0]!, 3)]).toEqual([1, 2, 3]);
    expect([...d.get(addrs[1]!, 2)]).toEqual([4, 5]);
    expect(calls).toEqual([5]);
    expect(d.isr()).toBe(1);
  });

  it('gives at most maxRequestBytes per request, in 4 KiB chunks', () => {
    const calls: number[] = [];
    const d = new TestDriver(
      new VirtioRng({ fill: (dest) => calls.push(dest.length) && dest.fill(7), maxRequestBytes: 10000 }),
    ).start(1);
    const { addrs } = d.post(0, [{ write: 20000 }]);
    expect(d.used(0)[0]!.len).toBe(10000);
    expect(calls).toEqual([4096, 4096, 1808]);
    expect(d.get(addrs[0]! + 9999, 2)).toEqual(Uint8Array.of(7, 0xee));
  });

  it('returns device-readable buffers and failed sources with length 0', () => {
    const d = new TestDriver(new VirtioRng({ fill: () => {} })).start(1);
    d.post(0, [{ read: [1, 2, 3] }]);
    expect(d.used(0)[0]!.len).toBe(0);
    const failing = new TestDriver(
      new VirtioRng({
        fill: () => {
          throw new Error('no entropy');
        },
      }),
    ).start(1);
    failing.post(0, [{ write: 8 }]);
    expect(failing.used(0)[0]!.len).toBe(0);
    expect(failing.mmio.live).toBe(true);
  });

  it('defaults to crypto.getRandomValues', () => {
    const d = new TestDriver(new VirtioRng()).start(1);
    const { addrs } = d.post(0, [{ write: 64 }]);
    expect(d.used(0)[0]!.len).toBe(64);
    const got = d.get(addrs[0]!, 64);
    expect(new Set(got).size).toBeGreaterThan(8); // 64 random bytes are not a short pattern
    const buf = new Uint8Array(16);
    webCryptoFill(buf);
    expect(buf.some((b) => b !== 0)).toBe(true);
  });
});
