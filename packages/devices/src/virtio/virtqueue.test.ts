import type { GuestPhysAddr, RamRegion } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import {
  featureBit,
  VIRTIO_F_INDIRECT_DESC,
  VIRTIO_STATUS_DEVICE_NEEDS_RESET,
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
} from './registers.js';
import { blkHeader, MemDisk, RAM_BASE, RAM_SIZE, TestDriver } from './test-driver.js';
import {
  VIRTIO_BLK_S_IOERR,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VirtioBlk,
} from './virtio-blk.js';
import { VirtioRng } from './virtio-rng.js';
import {
  CHAIN_FAULT_ORDER,
  CHAIN_FAULT_RANGE,
  CHAIN_OK,
  DescriptorChain,
  GuestRam,
  Virtqueue,
  VQ_BROKEN,
  VQ_EMPTY,
  VQ_ERR_AVAIL_INDEX,
  VQ_ERR_INDEX,
  VQ_ERR_INDIRECT_FEATURE,
  VQ_ERR_INDIRECT_LENGTH,
  VQ_ERR_INDIRECT_NESTED,
  VQ_ERR_INDIRECT_NEXT,
  VQ_ERR_INDIRECT_RANGE,
  VQ_ERR_LOOP,
  VQ_ERR_TOO_LONG,
} from './virtqueue.js';

const NEXT = VIRTQ_DESC_F_NEXT;
const WRITE = VIRTQ_DESC_F_WRITE;
const INDIRECT = VIRTQ_DESC_F_INDIRECT;
const GUARD = 0x5a;

/** Guest RAM with 4 KiB guard bytes on each side inside the same buffer, to catch writes outside RAM. */
function guardedRam(size = RAM_SIZE): { ram: RamRegion; untouched: () => boolean } {
  const all = new Uint8Array(size + 0x2000).fill(GUARD);
  const bytes = all.subarray(0x1000, 0x1000 + size);
  bytes.fill(0);
  const untouched = () =>
    all.subarray(0, 0x1000).every((b) => b === GUARD) &&
    all.subarray(0x1000 + size).every((b) => b === GUARD);
  return { ram: { base: RAM_BASE as GuestPhysAddr, size, bytes }, untouched };
}

/** A started blk slot on guarded RAM, plus a data area and a status byte inside RAM. */
function hostileBlk(queueSize?: number, features?: (o: bigint) => bigint) {
  const { ram, untouched } = guardedRam();
  const disk = new MemDisk(16);
  const d = new TestDriver(new VirtioBlk({ backend: disk, ...(queueSize ? { queueSize } : {}) }), ram).start(
    1,
    features,
  );
  const header = d.alloc(16);
  d.put(header, blkHeader(VIRTIO_BLK_T_IN, 0));
  const status = d.alloc(1);
  d.put(status, [0xee]);
  const needsReset = () => (d.status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) !== 0;
  return { d, disk, header, status, needsReset, untouched };
}

describe('split virtqueue: buffers outside RAM fail the request, not the device', () => {
  it('a data descriptor outside RAM gives IOERR through a valid status byte; the backend is not called', () => {
    const { d, disk, header, status, needsReset, untouched } = hostileBlk();
    d.writeDesc(0, 0, header, 16, NEXT, 1);
    d.writeDesc(0, 1, 0x1000, 512, WRITE | NEXT, 2); // below RAM
    d.writeDesc(0, 2, status, 1, WRITE, 0);
    d.makeAvailable(0, 0);
    d.notify(0);
    expect(d.used(0)).toEqual([{ id: 0, len: 0 }]);
    expect(d.get(status, 1)[0]).toBe(VIRTIO_BLK_S_IOERR);
    expect(disk.log).toEqual([]);
    expect(needsReset()).toBe(false);
    expect(untouched()).toBe(true);
  });

  it('a huge length (reaching past RAM, or 4 GiB - 512) gives IOERR', () => {
    const { d, disk, header, status, needsReset, untouched } = hostileBlk();
    const data = d.alloc(512);
    for (const len of [0xffff_fe00, RAM_BASE + RAM_SIZE - data + 512]) {
      d.writeDesc(0, 0, header, 16, NEXT, 1);
      d.writeDesc(0, 1, data, len, WRITE | NEXT, 2);
      d.writeDesc(0, 2, status, 1, WRITE, 0);
      d.makeAvailable(0, 0);
      d.notify(0);
      expect(d.get(status, 1)[0]).toBe(VIRTIO_BLK_S_IOERR);
    }
    expect(d.used(0)).toHaveLength(2);
    expect(disk.log).toEqual([]);
    expect(needsReset()).toBe(false);
    expect(untouched()).toBe(true);
  });

  it('a buffer ending exactly at the end of RAM is fine', () => {
    const { d, header, status } = hostileBlk();
    const data = RAM_BASE + RAM_SIZE - 512;
    d.writeDesc(0, 0, header, 16, NEXT, 1);
    d.writeDesc(0, 1, data, 512, WRITE | NEXT, 2);
    d.writeDesc(0, 2, status, 1, WRITE, 0);
    d.makeAvailable(0, 0);
    d.notify(0);
    expect(d.get(status, 1)[0]).toBe(VIRTIO_BLK_S_OK);
    expect(d.get(data, 1)[0]).toBe(1);
  });

  it('an address past 2^53 (high word all ones) is outside RAM', () => {
    const { d, header, status } = hostileBlk();
    d.writeDesc(0, 0, header, 16, NEXT, 1);
    d.writeDesc(0, 1, 0xffff_ffff_0000_0000 + RAM_BASE, 512, WRITE | NEXT, 2);
    d.writeDesc(0, 2, status, 1, WRITE, 0);
    d.makeAvailable(0, 0);
    d.notify(0);
    expect(d.get(status, 1)[0]).toBe(VIRTIO_BLK_S_IOERR);
  });

  it('a device-readable buffer after a device-writable one fails the request', () => {
    const { d, disk, status } = hostileBlk();
    const header = d.alloc(16);
    d.put(header, blkHeader(VIRTIO_BLK_T_OUT, 0));
    const data = d.alloc(512);
    d.writeDesc(0, 0, header, 16, NEXT, 1);
    d.writeDesc(0, 1, data, 512, WRITE | NEXT, 2);
    d.writeDesc(0, 2, data, 512, NEXT, 3);
    d.writeDesc(0, 3, status, 1, WRITE, 0);
    d.makeAvailable(0, 0);
    d.notify(0);
    expect(d.get(status, 1)[0]).toBe(VIRTIO_BLK_S_IOERR);
    expect(disk.log).toEqual([]);
  });

  it('an rng buffer outside RAM comes back with length 0 and no write', () => {
    const { ram, untouched } = guardedRam();
    const d = new TestDriver(new VirtioRng({ fill: (b) => b.fill(0xff) }), ram).start(1);
    d.writeDesc(0, 0, RAM_BASE + RAM_SIZE - 8, 16, WRITE, 0);
    d.makeAvailable(0, 0);
    d.notify(0);
    expect(d.used(0)).toEqual([{ id: 0, len: 0 }]);
    expect(d.get(RAM_BASE + RAM_SIZE - 8, 8).every((b) => b === 0)).toBe(true);
    expect(untouched()).toBe(true);
    expect(d.mmio.live).toBe(true);
  });
});

describe('split virtqueue: a broken ring sets DEVICE_NEEDS_RESET', () => {
  function expectBroken(h: ReturnType<typeof hostileBlk>, reason: string) {
    expect(h.needsReset()).toBe(true);
    expect(h.d.mmio.lastError).toBe(reason);
    expect(h.d.usedIdx(0)).toBe(0);
    expect(h.d.isr() & 2).toBe(2);
    expect(h.disk.log).toEqual([]);
    expect(h.untouched()).toBe(true);
  }

  it('a loop in a chain (0 -> 1 -> 0)', () => {
    const h = hostileBlk();
    h.d.writeDesc(0, 0, h.header, 16, NEXT, 1);
    h.d.writeDesc(0, 1, h.status, 1, WRITE | NEXT, 0);
    h.d.makeAvailable(0, 0);
    h.d.notify(0);
    expectBroken(h, VQ_ERR_LOOP);
  });

  it('a descriptor that names itself as next', () => {
    const h = hostileBlk();
    h.d.writeDesc(0, 5, h.status, 1, WRITE | NEXT, 5);
    h.d.makeAvailable(0, 5);
    h.d.notify(0);
    expectBroken(h, VQ_ERR_LOOP);
  });

  it('a head index beyond the queue size', () => {
    const h = hostileBlk();
    h.d.makeAvailable(0, 256);
    h.d.notify(0);
    expectBroken(h, VQ_ERR_INDEX);
  });

  it('a next index beyond the queue size', () => {
    const h = hostileBlk();
    h.d.writeDesc(0, 0, h.header, 16, NEXT, 0xffff);
    h.d.makeAvailable(0, 0);
    h.d.notify(0);
    expectBroken(h, VQ_ERR_INDEX);
  });

  it('an available index more than a queue size ahead', () => {
    const h = hostileBlk();
    h.d.view.setUint16(h.d.q(0).avail - RAM_BASE + 2, 257, true);
    h.d.notify(0);
    expectBroken(h, VQ_ERR_AVAIL_INDEX);
  });

  it('an indirect table outside RAM', () => {
    const h = hostileBlk();
    h.d.writeDesc(0, 0, RAM_BASE + RAM_SIZE - 32, 48, INDIRECT, 0);
    h.d.makeAvailable(0, 0);
    h.d.notify(0);
    expectBroken(h, VQ_ERR_INDIRECT_RANGE);
  });

  it('an indirect descriptor when VIRTIO_F_INDIRECT_DESC was not negotiated', () => {
    const h = hostileBlk(undefined, (o) => o & ~featureBit(VIRTIO_F_INDIRECT_DESC));
    const table = h.d.alloc(32);
    h.d.writeDescAt(table, 0, h.header, 16, NEXT, 1);
    h.d.writeDescAt(table, 1, h.status, 1, WRITE, 0);
    h.d.writeDesc(0, 0, table, 32, INDIRECT, 0);
    h.d.makeAvailable(0, 0);
    h.d.notify(0);
    expectBroken(h, VQ_ERR_INDIRECT_FEATURE);
  });

  it('a nested indirect table', () => {
    const h = hostileBlk();
    const inner = h.d.alloc(16);
    h.d.writeDescAt(inner, 0, h.status, 1, WRITE, 0);
    const outer = h.d.alloc(16);
    h.d.writeDescAt(outer, 0, inner, 16, INDIRECT, 0);
    h.d.writeDesc(0, 0, outer, 16, INDIRECT, 0);
    h.d.makeAvailable(0, 0);
    h.d.notify(0);
    expectBroken(h, VQ_ERR_INDIRECT_NESTED);
  });

  it('INDIRECT together with NEXT', () => {
    const h = hostileBlk();
    const table = h.d.alloc(16);
    h.d.writeDescAt(table, 0, h.status, 1, WRITE, 0);
    h.d.writeDesc(0, 0, table, 16, INDIRECT | NEXT, 1);
    h.d.makeAvailable(0, 0);
    h.d.notify(0);
    expectBroken(h, VQ_ERR_INDIRECT_NEXT);
  });

  it('indirect table lengths that are 0, not a multiple of 16, or more entries than the queue size', () => {
    for (const len of [0, 24, 16 * 257]) {
      const h = hostileBlk();
      h.d.writeDesc(0, 0, h.d.alloc(16 * 257), len, INDIRECT, 0);
      h.d.makeAvailable(0, 0);
      h.d.notify(0);
      expectBroken(h, VQ_ERR_INDIRECT_LENGTH);
    }
  });

  it('a loop inside an indirect table is bounded by the table length', () => {
    const h = hostileBlk();
    const table = h.d.alloc(64);
    h.d.writeDescAt(table, 0, h.header, 16, NEXT, 1);
    h.d.writeDescAt(table, 1, h.status, 1, WRITE | NEXT, 0);
    h.d.writeDesc(0, 0, table, 64, INDIRECT, 0);
    h.d.makeAvailable(0, 0);
    h.d.notify(0);
    expectBroken(h, VQ_ERR_LOOP);
  });

  it('a next index beyond the indirect table', () => {
    const h = hostileBlk();
    const table = h.d.alloc(32);
    h.d.writeDescAt(table, 0, h.header, 16, NEXT, 2);
    h.d.writeDescAt(table, 1, h.status, 1, WRITE, 0);
    h.d.writeDesc(0, 0, table, 32, INDIRECT, 0);
    h.d.makeAvailable(0, 0);
    h.d.notify(0);
    expectBroken(h, VQ_ERR_INDEX);
  });

  it('a chain gathering more buffers than the queue size (direct part plus indirect table)', () => {
    const h = hostileBlk(8);
    const table = h.d.alloc(16 * 8);
    for (let i = 0; i < 8; i++) h.d.writeDescAt(table, i, h.status, 1, WRITE | (i < 7 ? NEXT : 0), i + 1);
    h.d.writeDesc(0, 0, h.header, 16, NEXT, 1);
    h.d.writeDesc(0, 1, table, 16 * 8, INDIRECT, 0);
    h.d.makeAvailable(0, 0);
    h.d.notify(0);
    expectBroken(h, VQ_ERR_TOO_LONG);
  });

  it('the driver recovers by resetting the device', () => {
    const h = hostileBlk();
    h.d.makeAvailable(0, 999);
    h.d.notify(0);
    expect(h.needsReset()).toBe(true);
    h.d.start(1);
    expect(h.needsReset()).toBe(false);
    const posted = h.d.post(0, [{ read: blkHeader(VIRTIO_BLK_T_IN, 0) }, { write: 512 }, { write: 1 }]);
    expect(h.d.used(0)).toEqual([{ id: posted.head, len: 513 }]);
  });
});

describe('Virtqueue and DescriptorChain directly', () => {
  const ram = { base: RAM_BASE as GuestPhysAddr, size: 0x1_0000, bytes: new Uint8Array(0x1_0000) };
  const mem = new GuestRam(ram);

  it('GuestRam.offsetOf checks the whole range', () => {
    expect(mem.offsetOf(RAM_BASE, 0x1_0000)).toBe(0);
    expect(mem.offsetOf(RAM_BASE + 1, 0x1_0000)).toBe(-1);
    expect(mem.offsetOf(RAM_BASE - 1, 1)).toBe(-1);
    expect(mem.offsetOf(RAM_BASE + 0xffff, 1)).toBe(0xffff);
    expect(mem.offsetOf(RAM_BASE + 0x1_0000, 0)).toBe(0x1_0000);
    expect(mem.offsetOf(2 ** 64, 1)).toBe(-1);
    expect(mem.offsetOf(Number.NaN, 1)).toBe(-1);
  });

  it('refuses a RAM region whose bytes are shorter than its size', () => {
    expect(() => new GuestRam({ base: 0 as GuestPhysAddr, size: 10, bytes: new Uint8Array(5) })).toThrow(
      RangeError,
    );
  });

  it('a chain splits into a readable and a writable stream', () => {
    const c = new DescriptorChain(mem, 4);
    c.reset(3);
    expect(c.add(RAM_BASE, 4, false)).toBe(true);
    expect(c.add(RAM_BASE + 0x100, 2, false)).toBe(true);
    expect(c.add(RAM_BASE + 0x200, 3, true)).toBe(true);
    expect(c.fault).toBe(CHAIN_OK);
    expect([c.readableLength, c.writableLength, c.firstWritable, c.count]).toEqual([6, 3, 2, 3]);
    ram.bytes.set([1, 2, 3, 4], 0);
    ram.bytes.set([5, 6], 0x100);
    const out = new Uint8Array(8);
    expect(c.read(2, out, 0, 8)).toBe(4);
    expect([...out.subarray(0, 4)]).toEqual([3, 4, 5, 6]);
    expect(c.write(1, Uint8Array.of(9, 9, 9), 0, 3)).toBe(2);
    expect([...ram.bytes.subarray(0x200, 0x203)]).toEqual([0, 9, 9]);
    expect(c.lastWritableByte()).toBe(0x202);
    expect(c.add(RAM_BASE, 1, true)).toBe(true);
    expect(c.add(RAM_BASE, 1, true)).toBe(false); // full
  });

  it('records faults and moves no data for a faulty chain', () => {
    const c = new DescriptorChain(mem, 4);
    c.reset(0);
    c.add(RAM_BASE, 4, true);
    c.add(RAM_BASE, 4, false);
    expect(c.fault).toBe(CHAIN_FAULT_ORDER);
    expect(c.write(0, Uint8Array.of(1), 0, 1)).toBe(0);
    c.reset(0);
    c.add(RAM_BASE + 0xfffe, 4, true);
    expect(c.fault).toBe(CHAIN_FAULT_RANGE);
    expect(c.lastWritableByte()).toBe(-1);
  });

  it('pop returns VQ_EMPTY on an unready queue and VQ_BROKEN after a broken ring', () => {
    const reasons: string[] = [];
    const q = new Virtqueue(mem, 0, 4, (r) => reasons.push(r));
    expect(q.pop()).toBe(VQ_EMPTY);
    q.descLow = RAM_BASE;
    q.driverLow = RAM_BASE + 0x100;
    q.deviceLow = RAM_BASE + 0x200;
    expect(q.enable()).toBeNull();
    ram.bytes.fill(0, 0, 0x300);
    new DataView(ram.bytes.buffer).setUint16(0x102, 9, true); // avail idx 9 > size 4
    expect(q.pop()).toBe(VQ_BROKEN);
    expect(q.broken).toBe(true);
    expect(q.pop()).toBe(VQ_BROKEN);
    expect(reasons).toEqual([VQ_ERR_AVAIL_INDEX]);
  });

  it('refuses maximum sizes that are not powers of two', () => {
    expect(() => new Virtqueue(mem, 0, 3, () => {})).toThrow(RangeError);
    expect(() => new Virtqueue(mem, 0, 65536, () => {})).toThrow(RangeError);
  });
});

describe('split virtqueue: random rings never throw or write outside RAM', () => {
  // xorshift32: a fixed seed keeps the run reproducible.
  let seed = 0x2545_f491;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const FUZZ_RAM = 0x4_0000;
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;

  const devices = {
    blk: () => new VirtioBlk({ backend: new MemDisk(16), queueSize: 16 }),
    rng: () => new VirtioRng({ fill: (b) => b.fill(0x33), queueSize: 16 }),
  };

  for (const [name, make] of Object.entries(devices)) {
    it(`${name}: 300 rounds of garbage descriptors`, () => {
      let broken = 0;
      let completed = 0;
      for (let round = 0; round < 300; round++) {
        const { ram, untouched } = guardedRam(FUZZ_RAM);
        const d = new TestDriver(make(), ram).start(1);
        const q = d.q(0);
        // Odd rounds: well-linked chains over random bytes (deep paths); even rounds: pure garbage.
        const plausible = round % 2 === 1;
        const scratch = RAM_BASE + 0x1_0000;
        if (plausible) {
          for (let i = 0; i < 0x1_0000; i += 4) d.view.setUint32(0x1_0000 + i, rand(2 ** 32), true);
        }
        for (let i = 0; i < q.size; i++) {
          if (plausible) {
            const addr = rand(8) === 0 ? RAM_BASE + FUZZ_RAM - rand(1024) : scratch + rand(0x1_0000 - 1100);
            const len = pick([16, 1, 512, 1024, 13, rand(1100)]);
            const flags = (rand(3) === 0 ? 0 : NEXT) | (rand(2) === 0 ? WRITE : 0);
            d.writeDesc(0, i, addr, len, flags, (i + 1) % q.size);
            continue;
          }
          const addr = pick([
            RAM_BASE + rand(FUZZ_RAM),
            RAM_BASE + FUZZ_RAM - rand(64),
            RAM_BASE - rand(64),
            rand(0xffff_ffff) * 2 ** 32 + rand(0xffff_ffff),
            q.desc,
          ]);
          const len = pick([rand(64), rand(4096), 0xffff_ffff, 512, 16, 1, 16 * rand(20)]);
          d.writeDesc(0, i, addr, len, rand(8), pick([rand(q.size), rand(0x10000), (i + 1) % q.size]));
        }
        const posts = rand(q.size + 2);
        for (let i = 0; i < posts; i++) {
          d.makeAvailable(0, plausible ? rand(q.size) : pick([rand(q.size), rand(0x10000)]));
        }
        if (!plausible && rand(4) === 0) d.view.setUint16(q.avail - RAM_BASE + 2, rand(0x10000), true);
        expect(() => d.notify(0)).not.toThrow();
        expect(untouched()).toBe(true);
        if (d.status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) broken++;
        if (d.usedIdx(0) > 0) completed++;
      }
      // Make sure both outcomes were exercised: broken rings and completed requests.
      expect(broken).toBeGreaterThan(0);
      expect(completed).toBeGreaterThan(0);
    });
  }
});
