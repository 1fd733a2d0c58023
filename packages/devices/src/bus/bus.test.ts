import { type AccessSize, BUS_FAULT, type GuestPhysAddr, type MmioDevice } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { Ram } from '../ram/ram.js';
import { Bus } from './bus.js';

const a = (n: number) => n as GuestPhysAddr;

/** A device that records accesses and answers offset + size. */
class Probe implements MmioDevice {
  readonly log: string[] = [];
  constructor(
    readonly name: string,
    readonly size: number,
  ) {}
  read(offset: number, size: AccessSize): number {
    this.log.push(`r${size}@${offset.toString(16)}`);
    return 0xa000 + offset * 16 + size;
  }
  write(offset: number, size: AccessSize, value: number): void {
    this.log.push(`w${size}@${offset.toString(16)}=${value.toString(16)}`);
  }
}

function board() {
  const ram = new Ram(0x8000_0000, 0x1_0000);
  const bus = new Bus(ram);
  const uart = new Probe('uart0', 0x100);
  const rtc = new Probe('rtc', 0x1000);
  const test = new Probe('test', 0x1000);
  bus.attach(0x1000_0000, uart);
  bus.attach(0x10_1000, rtc);
  bus.attach(0x10_0000, test);
  return { ram, bus, uart, rtc, test };
}

describe('Bus RAM path', () => {
  it('reads and writes 1/2/4 bytes little-endian', () => {
    const { ram, bus } = board();
    expect(bus.write(a(0x8000_0000), 4, 0xdead_beef)).toBe(true);
    expect([...ram.bytes.subarray(0, 4)]).toEqual([0xef, 0xbe, 0xad, 0xde]);
    expect(bus.read(a(0x8000_0000), 4)).toBe(0xdead_beef);
    expect(bus.read(a(0x8000_0000), 2)).toBe(0xbeef);
    expect(bus.read(a(0x8000_0002), 2)).toBe(0xdead);
    expect(bus.read(a(0x8000_0003), 1)).toBe(0xde);
    expect(bus.write(a(0x8000_0001), 2, 0x1234_5678)).toBe(true);
    expect(bus.read(a(0x8000_0000), 4)).toBe(0xde56_78ef);
    expect(bus.write(a(0x8000_0010), 1, 0x1ff)).toBe(true);
    expect(bus.read(a(0x8000_0010), 1)).toBe(0xff);
  });

  it('handles unaligned accesses inside RAM', () => {
    const { bus } = board();
    bus.write(a(0x8000_0005), 4, 0x0102_0304);
    expect(bus.read(a(0x8000_0005), 4)).toBe(0x0102_0304);
    expect(bus.read(a(0x8000_0006), 2)).toBe(0x0203);
  });

  it('reads back 0xffffffff unsigned, never BUS_FAULT', () => {
    const { bus } = board();
    bus.write(a(0x8000_0100), 4, -1);
    expect(bus.read(a(0x8000_0100), 4)).toBe(0xffff_ffff);
  });

  it('faults accesses straddling the end of RAM and just outside it', () => {
    const { bus } = board();
    expect(bus.read(a(0x8000_fffc), 4)).toBe(0);
    expect(bus.read(a(0x8000_fffd), 4)).toBe(BUS_FAULT);
    expect(bus.read(a(0x8000_ffff), 2)).toBe(BUS_FAULT);
    expect(bus.write(a(0x8000_fffe), 4, 1)).toBe(false);
    expect(bus.read(a(0x8001_0000), 1)).toBe(BUS_FAULT);
    expect(bus.read(a(0x7fff_ffff), 1)).toBe(BUS_FAULT);
    expect(bus.read(a(0x7fff_fffe), 4)).toBe(BUS_FAULT);
  });
});

describe('Bus device windows', () => {
  it('dispatches by offset to the right device', () => {
    const { bus, uart, rtc, test } = board();
    expect(bus.read(a(0x1000_0005), 1)).toBe(0xa000 + 5 * 16 + 1);
    expect(bus.read(a(0x10_1004), 4)).toBe(0xa000 + 4 * 16 + 4);
    expect(bus.write(a(0x10_0000), 4, 0x5555)).toBe(true);
    expect(bus.write(a(0x1000_0000), 1, 0x141)).toBe(true);
    expect(uart.log).toEqual(['r1@5', 'w1@0=41']);
    expect(rtc.log).toEqual(['r4@4']);
    expect(test.log).toEqual(['w4@0=5555']);
  });

  it('masks written values to the access size, unsigned', () => {
    const { bus, rtc } = board();
    bus.write(a(0x10_1000), 2, 0x12_3456);
    bus.write(a(0x10_1000), 4, -2);
    expect(rtc.log).toEqual(['w2@0=3456', 'w4@0=fffffffe']);
  });

  it('faults accesses straddling the end of a window, even into a neighbour', () => {
    const { bus, test, rtc } = board();
    // test ends at 0x101000 where rtc begins.
    expect(bus.read(a(0x10_0ffe), 4)).toBe(BUS_FAULT);
    expect(bus.write(a(0x10_0fff), 2, 1)).toBe(false);
    expect(bus.read(a(0x10_0ffc), 4)).toBe(0xa000 + 0xffc * 16 + 4);
    expect(bus.read(a(0x1000_00ff), 2)).toBe(BUS_FAULT);
    expect(test.log).toEqual(['r4@ffc']);
    expect(rtc.log).toEqual([]);
  });

  it('answers BUS_FAULT / false where nothing is mapped', () => {
    const { bus } = board();
    for (const addr of [0, 0xf_ffff, 0x10_2000, 0x1000_0100, 0x2000_0000, 0xffff_ffff, 2 ** 40]) {
      expect(bus.read(a(addr), 1)).toBe(BUS_FAULT);
      expect(bus.write(a(addr), 4, 0)).toBe(false);
    }
  });

  it('refuses overlaps with a message naming both', () => {
    const { bus } = board();
    expect(() => bus.attach(0x1000_0080, new Probe('uart1', 0x100))).toThrow(
      'uart1 [0x10000080, 0x10000180) overlaps uart0 [0x10000000, 0x10000100)',
    );
    expect(() => bus.attach(0x7fff_f000, new Probe('big', 0x2000))).toThrow(
      'big [0x7ffff000, 0x80001000) overlaps ram [0x80000000, 0x80010000)',
    );
    expect(() => bus.attach(0x0f_f000, new Probe('x', 0x2000))).toThrow(/x .* overlaps test/);
    expect(() => bus.attach(0x1000, new Probe('empty', 0))).toThrow(/positive/);
    // Adjacent windows are fine.
    expect(() => bus.attach(0x1000_0100, new Probe('uart1', 0x100))).not.toThrow();
    expect(() => bus.attach(0x7fff_f000, new Probe('below-ram', 0x1000))).not.toThrow();
  });

  it('lists devices sorted and finds them by address', () => {
    const { bus, test, rtc, uart } = board();
    expect(bus.devices().map((m) => [m.device.name, m.base, m.size])).toEqual([
      ['test', 0x10_0000, 0x1000],
      ['rtc', 0x10_1000, 0x1000],
      ['uart0', 0x1000_0000, 0x100],
    ]);
    expect(bus.findDevice(0x10_0000)?.device).toBe(test);
    expect(bus.findDevice(0x10_1fff)?.device).toBe(rtc);
    expect(bus.findDevice(0x1000_00ff)?.device).toBe(uart);
    expect(bus.findDevice(0x1000_0100)).toBeUndefined();
    expect(bus.findDevice(0x8000_0000)).toBeUndefined();
    expect(bus.findDevice(0)).toBeUndefined();
  });

  it('keeps the last-hit cache correct when alternating devices', () => {
    const { bus, uart, rtc } = board();
    for (let i = 0; i < 3; i++) {
      bus.read(a(0x1000_0000), 1);
      bus.read(a(0x10_1000), 1);
    }
    expect(uart.log.length).toBe(3);
    expect(rtc.log.length).toBe(3);
  });

  it('finds every device among many', () => {
    const ram = new Ram(0x8000_0000, 0x1000);
    const bus = new Bus(ram);
    const probes: Probe[] = [];
    for (let i = 15; i >= 0; i--) {
      const p = new Probe(`virtio${i}`, 0x1000);
      probes[i] = p;
      bus.attach(0x1000_1000 + i * 0x1000, p);
    }
    for (let i = 0; i < 16; i++) {
      expect(bus.findDevice(0x1000_1000 + i * 0x1000 + 0x800)?.device).toBe(probes[i]);
    }
  });
});
