import { BUS_FAULT, type GuestPhysAddr, type IrqLine } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { Bus, Clint, GoldfishRtc, Ns16550a, Plic, Ram, SifiveTest } from './index.js';

const a = (n: number) => n as GuestPhysAddr;

class Line implements IrqLine {
  level = false;
  set(level: boolean): void {
    this.level = level;
  }
}

/** The QEMU virt memory map of DESIGN.md, assembled from this package's parts. */
function virt() {
  const output: number[] = [];
  const input: number[] = [];
  let listener = () => {};
  const power: string[] = [];
  const meip = new Line();
  const seip = new Line();
  const msip = new Line();
  const mtip = new Line();
  const clock = { frequency: 10_000_000, ticks: 0, now: () => clock.ticks };
  const plic = new Plic({ harts: 1, contextIrqs: [meip, seip] });
  const uart = new Ns16550a({
    backend: {
      write: (b) => output.push(b),
      read: () => input.shift() ?? -1,
      onReadable: (l) => {
        listener = l;
      },
    },
    irq: plic.source(10),
  });
  const bus = new Bus(new Ram(0x8000_0000, 0x10_0000));
  bus.attach(
    0x10_0000,
    new SifiveTest({ power: { shutdown: (c) => power.push(`off ${c}`), reset: () => {} } }),
  );
  bus.attach(0x10_1000, new GoldfishRtc({ now: () => 0n, irq: plic.source(11) }));
  bus.attach(0x200_0000, new Clint({ harts: 1, clock, msip: [msip], mtip: [mtip] }));
  bus.attach(0xc00_0000, plic);
  bus.attach(0x1000_0000, uart);
  const type = (s: string) => {
    for (const c of s) input.push(c.charCodeAt(0));
    listener();
  };
  return { bus, output, power, seip, mtip, clock, type };
}

describe('the virt memory map', () => {
  it('lists every device in address order', () => {
    const { bus } = virt();
    expect(bus.devices().map((m) => `${m.device.name}@${m.base.toString(16)}`)).toEqual([
      'test@100000',
      'rtc@101000',
      'clint@2000000',
      'plic@c000000',
      'uart0@10000000',
    ]);
  });

  it('prints through the UART, takes a UART interrupt through the PLIC, powers off', () => {
    const { bus, output, power, seip, type } = virt();
    for (const c of 'ok\n') bus.write(a(0x1000_0000), 1, c.charCodeAt(0));
    expect(String.fromCharCode(...output)).toBe('ok\n');
    bus.write(a(0xc00_0000 + 4 * 10), 4, 1); // priority of source 10
    bus.write(a(0xc00_2080), 4, 1 << 10); // enable for context 1 (S-mode hart 0)
    bus.write(a(0x1000_0001), 1, 0x01); // IER: RDA
    type('k');
    expect(seip.level).toBe(true);
    expect(bus.read(a(0xc20_1004), 4)).toBe(10);
    expect(bus.read(a(0x1000_0000), 1)).toBe(0x6b);
    bus.write(a(0xc20_1004), 4, 10);
    expect(seip.level).toBe(false);
    bus.write(a(0x10_0000), 4, 0x5555);
    expect(power).toEqual(['off 0']);
  });

  it('raises MTIP through the CLINT window', () => {
    const { bus, mtip, clock } = virt();
    bus.write(a(0x200_4004), 4, 0);
    bus.write(a(0x200_4000), 4, 1000);
    clock.ticks = 1000;
    expect(bus.read(a(0x200_bff8), 4)).toBe(1000);
    bus.write(a(0x200_4000), 4, 1000); // re-evaluated on the write
    expect(mtip.level).toBe(true);
  });

  it('faults in the holes between devices', () => {
    const { bus } = virt();
    expect(bus.read(a(0x10_2000), 4)).toBe(BUS_FAULT);
    expect(bus.read(a(0x1000_0100), 1)).toBe(BUS_FAULT);
    expect(bus.write(a(0x0c60_0000), 4, 0)).toBe(false);
  });
});
