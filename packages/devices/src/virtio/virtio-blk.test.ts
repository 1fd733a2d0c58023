import type { BlockBackend } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { featureBit, VIRTIO_MMIO_CONFIG } from './registers.js';
import { blkDriver, blkHeader, MemDisk, TestDriver } from './test-driver.js';
import {
  VIRTIO_BLK_ERR_NO_STATUS,
  VIRTIO_BLK_F_BLK_SIZE,
  VIRTIO_BLK_F_FLUSH,
  VIRTIO_BLK_F_RO,
  VIRTIO_BLK_F_SEG_MAX,
  VIRTIO_BLK_S_IOERR,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_S_UNSUPP,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VirtioBlk,
} from './virtio-blk.js';

describe('VirtioBlk: configuration', () => {
  it('offers SEG_MAX, BLK_SIZE and FLUSH, shows capacity, seg_max and blk_size', () => {
    const disk = new MemDisk(2048);
    const d = new TestDriver(new VirtioBlk({ backend: disk }));
    expect(d.r(0x008)).toBe(2);
    const f = d.deviceFeatures();
    expect(f & featureBit(VIRTIO_BLK_F_SEG_MAX)).not.toBe(0n);
    expect(f & featureBit(VIRTIO_BLK_F_BLK_SIZE)).not.toBe(0n);
    expect(f & featureBit(VIRTIO_BLK_F_FLUSH)).not.toBe(0n);
    expect(f & featureBit(VIRTIO_BLK_F_RO)).toBe(0n);
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG, 4)).toBe(2048); // capacity low
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG + 4, 4)).toBe(0); // capacity high
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG + 0x0c, 4)).toBe(254); // seg_max = 256 - 2
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG + 0x14, 4)).toBe(512); // blk_size
  });

  it('shows capacities past 2^32 sectors in both halves', () => {
    const huge: BlockBackend = {
      sizeBytes: 0x3_0000_0001 * 512,
      readOnly: true,
      read() {},
      write() {},
      flush() {},
    };
    const d = new TestDriver(new VirtioBlk({ backend: huge }));
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG, 4)).toBe(1);
    expect(d.mmio.read(VIRTIO_MMIO_CONFIG + 4, 4)).toBe(3);
    expect(d.deviceFeatures() & featureBit(VIRTIO_BLK_F_RO)).not.toBe(0n);
  });

  it('refuses a medium that is not a whole number of sectors', () => {
    const bad = { ...new MemDisk(1), sizeBytes: 1000, read() {}, write() {}, flush() {}, readOnly: false };
    expect(() => new VirtioBlk({ backend: bad })).toThrow(RangeError);
  });
});

describe('VirtioBlk: requests', () => {
  it('reads sectors (IN)', () => {
    const disk = new MemDisk(16);
    const { request, d } = blkDriver(disk);
    const r = request([{ read: blkHeader(VIRTIO_BLK_T_IN, 3) }, { write: 1024 }, { write: 1 }]);
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
    expect(r.len).toBe(1025);
    const data = d.get(r.addrs[1]!, 1024);
    expect(data[0]).toBe(4); // sector 3
    expect(data[511]).toBe(4);
    expect(data[512]).toBe(5); // sector 4
    expect(data[1023]).toBe(5);
    expect(disk.log).toEqual(['read 1536 1024']);
    expect(d.isr()).toBe(1);
  });

  it('does not care how the request is cut into buffers', () => {
    const disk = new MemDisk(16);
    const { request, d } = blkDriver(disk);
    const h = blkHeader(VIRTIO_BLK_T_IN, 1);
    // Header split 5 + 11, data 100 + 700 + 224 bytes, then the status byte.
    const r = request([
      { read: h.subarray(0, 5) },
      { read: h.subarray(5) },
      { write: 100 },
      { write: 700 },
      { write: 224 },
      { write: 1 },
    ]);
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
    expect(r.len).toBe(1025);
    expect(d.get(r.addrs[2]!, 100).every((b) => b === 2)).toBe(true);
    const mid = d.get(r.addrs[3]!, 700);
    expect(mid[411]).toBe(2); // byte 511 of the stream
    expect(mid[412]).toBe(3); // byte 512: sector 2
    expect(d.get(r.addrs[4]!, 224).every((b) => b === 3)).toBe(true);
    expect(disk.log).toEqual(['read 512 100', 'read 612 700', 'read 1312 224']);
  });

  it('takes the status byte from the end of a buffer it shares with data', () => {
    const { request, d } = blkDriver(new MemDisk(4));
    const r = request([{ read: blkHeader(VIRTIO_BLK_T_IN, 3) }, { write: 513 }]);
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
    expect(r.len).toBe(513);
    expect(d.get(r.addrs[1]!, 512).every((b) => b === 4)).toBe(true);
  });

  it('writes sectors (OUT) and leaves flushing to FLUSH when VIRTIO_BLK_F_FLUSH is negotiated', () => {
    const disk = new MemDisk(16);
    const { request } = blkDriver(disk);
    const data = new Uint8Array(512).fill(0xab);
    const r = request([{ read: blkHeader(VIRTIO_BLK_T_OUT, 2) }, { read: data }, { write: 1 }]);
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
    expect(r.len).toBe(1);
    expect(disk.bytes[1023]).toBe(2);
    expect(disk.bytes[1024]).toBe(0xab);
    expect(disk.bytes[1535]).toBe(0xab);
    expect(disk.bytes[1536]).toBe(4);
    expect(disk.flushes).toBe(0);
    const f = request([{ read: blkHeader(VIRTIO_BLK_T_FLUSH, 0) }, { write: 1 }]);
    expect(f.status).toBe(VIRTIO_BLK_S_OK);
    expect(disk.flushes).toBe(1);
  });

  it('writes through (flushes every write) when VIRTIO_BLK_F_FLUSH is not negotiated', () => {
    const disk = new MemDisk(4);
    const { request } = blkDriver(disk, (o) => o & ~featureBit(VIRTIO_BLK_F_FLUSH));
    const r = request([
      { read: blkHeader(VIRTIO_BLK_T_OUT, 0) },
      { read: new Uint8Array(512) },
      { write: 1 },
    ]);
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
    expect(disk.log).toEqual(['write 0 512', 'flush']);
  });

  it('a header and data sharing one readable buffer work too', () => {
    const disk = new MemDisk(4);
    const { request } = blkDriver(disk);
    const buf = new Uint8Array(16 + 512).fill(7);
    buf.set(blkHeader(VIRTIO_BLK_T_OUT, 3));
    const r = request([{ read: buf }, { write: 1 }]);
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
    expect(disk.bytes[3 * 512]).toBe(7);
    expect(disk.log).toEqual(['write 1536 512']);
  });

  it('GET_ID returns the backend id NUL-padded to 20 bytes', () => {
    const { request, d } = blkDriver(new MemDisk(1, { id: 'hvkit-disk-0' }));
    const r = request([{ read: blkHeader(VIRTIO_BLK_T_GET_ID, 0) }, { write: 20 }, { write: 1 }]);
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
    expect(r.len).toBe(21);
    const id = d.get(r.addrs[1]!, 20);
    expect(String.fromCharCode(...id.subarray(0, 12))).toBe('hvkit-disk-0');
    expect([...id.subarray(12)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('GET_ID truncates to 20 bytes without a terminator and shows non-ASCII as ?', () => {
    const { request, d } = blkDriver(new MemDisk(1, { id: 'serial-é-0123456789abcdef' }));
    const r = request([{ read: blkHeader(VIRTIO_BLK_T_GET_ID, 0) }, { write: 20 }, { write: 1 }]);
    expect(String.fromCharCode(...d.get(r.addrs[1]!, 20))).toBe('serial-?-0123456789a');
  });

  it('GET_ID without an id gives 20 NULs', () => {
    const { request, d } = blkDriver(new MemDisk(1));
    const r = request([{ read: blkHeader(VIRTIO_BLK_T_GET_ID, 0) }, { write: 20 }, { write: 1 }]);
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
    expect([...d.get(r.addrs[1]!, 20)].every((b) => b === 0)).toBe(true);
  });

  it('answers UNSUPP for other request types (discard, write zeroes, unknown)', () => {
    const { request } = blkDriver(new MemDisk(4));
    for (const type of [11, 13, 14, 0xdead]) {
      const r = request([{ read: blkHeader(type, 0) }, { read: new Uint8Array(16) }, { write: 1 }]);
      expect(r.status).toBe(VIRTIO_BLK_S_UNSUPP);
      expect(r.len).toBe(1);
    }
  });

  it('handles several requests per notification with one interrupt', () => {
    const disk = new MemDisk(4);
    const { d } = blkDriver(disk);
    d.post(0, [{ read: blkHeader(VIRTIO_BLK_T_IN, 0) }, { write: 512 }, { write: 1 }], { notify: false });
    d.post(0, [{ read: blkHeader(VIRTIO_BLK_T_IN, 1) }, { write: 512 }, { write: 1 }], { notify: false });
    expect(d.usedIdx(0)).toBe(0);
    d.notify(0);
    expect(d.used(0).map((u) => u.len)).toEqual([513, 513]);
    expect(d.isr()).toBe(1);
  });

  it('takes requests through an indirect table', () => {
    const disk = new MemDisk(4);
    const { request, d } = blkDriver(disk);
    const r = request([{ read: blkHeader(VIRTIO_BLK_T_IN, 2) }, { write: 512 }, { write: 1 }], {
      indirect: true,
    });
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
    expect(d.get(r.addrs[1]!, 1)[0]).toBe(3);
  });
});

describe('VirtioBlk: failures', () => {
  it('fails out-of-range sectors with IOERR, without calling the backend', () => {
    const disk = new MemDisk(8);
    const { request } = blkDriver(disk);
    const io = (sector: number, len: number, high = 0) =>
      request([{ read: blkHeader(VIRTIO_BLK_T_IN, sector, high) }, { write: len }, { write: 1 }]).status;
    expect(io(8, 512)).toBe(VIRTIO_BLK_S_IOERR); // first sector past the end
    expect(io(7, 1024)).toBe(VIRTIO_BLK_S_IOERR); // straddles the end
    expect(io(0, 0, 1)).toBe(VIRTIO_BLK_S_IOERR); // sector 2^32
    expect(io(0xffff_ffff, 512, 0xffff_ffff)).toBe(VIRTIO_BLK_S_IOERR); // 2^64 - 1
    expect(io(0, 100)).toBe(VIRTIO_BLK_S_IOERR); // not whole sectors
    expect(disk.log).toEqual([]);
    expect(io(7, 512)).toBe(VIRTIO_BLK_S_OK); // the last sector
    expect(io(8, 0)).toBe(VIRTIO_BLK_S_OK); // empty read at the end
    const w = request([
      { read: blkHeader(VIRTIO_BLK_T_OUT, 8) },
      { read: new Uint8Array(512) },
      { write: 1 },
    ]);
    expect(w.status).toBe(VIRTIO_BLK_S_IOERR);
    expect(w.len).toBe(1);
  });

  it('read-only: offers VIRTIO_BLK_F_RO, fails writes with IOERR and writes nothing; reads work', () => {
    const disk = new MemDisk(4, { readOnly: true });
    const { request, d } = blkDriver(disk);
    expect(d.mmio.hasFeature(VIRTIO_BLK_F_RO)).toBe(true);
    const before = disk.bytes.slice();
    const w = request([
      { read: blkHeader(VIRTIO_BLK_T_OUT, 0) },
      { read: new Uint8Array(512) },
      { write: 1 },
    ]);
    expect(w.status).toBe(VIRTIO_BLK_S_IOERR);
    expect(disk.bytes).toEqual(before);
    expect(disk.log).toEqual([]);
    const r = request([{ read: blkHeader(VIRTIO_BLK_T_IN, 1) }, { write: 512 }, { write: 1 }]);
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
  });

  it('turns a backend exception into IOERR and carries on', () => {
    const disk = new MemDisk(4);
    const { request, d } = blkDriver(disk);
    disk.failNext = true;
    const r = request([{ read: blkHeader(VIRTIO_BLK_T_IN, 0) }, { write: 512 }, { write: 1 }]);
    expect(r.status).toBe(VIRTIO_BLK_S_IOERR);
    expect(r.len).toBe(0); // the data area was not filled
    disk.failNext = true;
    expect(request([{ read: blkHeader(VIRTIO_BLK_T_FLUSH, 0) }, { write: 1 }]).status).toBe(
      VIRTIO_BLK_S_IOERR,
    );
    expect(request([{ read: blkHeader(VIRTIO_BLK_T_IN, 0) }, { write: 512 }, { write: 1 }]).status).toBe(
      VIRTIO_BLK_S_OK,
    );
    expect(d.mmio.live).toBe(true);
  });

  it('fails a request whose header is shorter than 16 bytes', () => {
    const { request } = blkDriver(new MemDisk(4));
    expect(request([{ read: new Uint8Array(8) }, { write: 1 }]).status).toBe(VIRTIO_BLK_S_IOERR);
  });

  it('a request without a writable status byte sets DEVICE_NEEDS_RESET', () => {
    const { d } = blkDriver(new MemDisk(4));
    d.post(0, [{ read: blkHeader(VIRTIO_BLK_T_IN, 0) }]);
    expect(d.usedIdx(0)).toBe(0);
    expect(d.status & 0x40).toBe(0x40);
    expect(d.mmio.lastError).toBe(VIRTIO_BLK_ERR_NO_STATUS);
    expect(d.isr()).toBe(2);
  });
});
