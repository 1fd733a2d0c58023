import { describe, expect, it } from 'vitest';
import { HostError } from './errors.js';
import {
  decodeDatagram,
  encodeDatagram,
  HUB_FRAME,
  HUB_HELLO,
  HUB_MAX_FRAME,
  randomMac,
} from './hub/protocol.js';
import { memoryDisk, memoryDiskBackend } from './memory-disk.js';

describe('memory disks', () => {
  it('share their bytes between the opener and a handle opened elsewhere', () => {
    const disk = memoryDisk(new Uint8Array(1024).fill(3), { name: 'scratch' });
    expect(disk.handle.kind).toBe('memory');
    const other = memoryDiskBackend(disk.handle as Extract<typeof disk.handle, { kind: 'memory' }>);
    other.write(512, new Uint8Array(512).fill(9));
    const back = new Uint8Array(512);
    disk.read(512, back);
    expect(back.every((b) => b === 9)).toBe(true);
    expect(disk.sizeBytes).toBe(1024);
    expect(() => disk.read(1024, new Uint8Array(1))).toThrow(RangeError);
  });

  it('refuse writes when read-only, and sizes that are not a non-zero multiple of 512', () => {
    const ro = memoryDisk(512, { readOnly: true });
    expect(() => ro.write(0, new Uint8Array(512))).toThrow(/read-only/);
    expect(() => memoryDisk(100)).toThrow(HostError);
    expect(() => memoryDisk(0)).toThrow('disk memory: size 0 bytes is not a non-zero multiple of 512');
  });
});

describe('hub datagrams', () => {
  it('round-trip, and anything malformed decodes to undefined', () => {
    const frame = new Uint8Array(60).fill(7);
    const d = encodeDatagram(HUB_FRAME, frame);
    expect([...d.subarray(0, 8)]).toEqual([0x48, 0x56, 0x4b, 0x48, 1, HUB_FRAME, 0, 0]);
    expect(decodeDatagram(d)).toEqual({ type: HUB_FRAME, payload: frame });
    const hello = decodeDatagram(encodeDatagram(HUB_HELLO, new TextEncoder().encode('lan')));
    expect(new TextDecoder().decode(hello?.payload)).toBe('lan');
    const bad = [
      new Uint8Array(7),
      Uint8Array.from([...d.subarray(0, 4), 2, HUB_FRAME, 0, 0, ...frame]), // version 2
      Uint8Array.from([0x48, 0x56, 0x4b, 0x49, 1, HUB_FRAME, 0, 0, ...frame]), // magic
      encodeDatagram(9),
      encodeDatagram(HUB_FRAME, new Uint8Array(13)),
      encodeDatagram(HUB_FRAME, new Uint8Array(HUB_MAX_FRAME + 1)),
    ];
    for (const b of bad) expect(decodeDatagram(b)).toBeUndefined();
    expect(decodeDatagram(encodeDatagram(HUB_FRAME, new Uint8Array(HUB_MAX_FRAME)))?.payload.length).toBe(
      HUB_MAX_FRAME,
    );
  });

  it('random MACs are unicast, locally administered, in 52:54:00', () => {
    const a = randomMac();
    expect([...a.subarray(0, 3)]).toEqual([0x52, 0x54, 0x00]);
    expect(a[0]! & 1).toBe(0);
    expect(a[0]! & 2).toBe(2);
  });
});
