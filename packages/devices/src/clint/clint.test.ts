import type { Clock, IrqLine } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { Clint } from './clint.js';

class FakeClock implements Clock {
  readonly frequency = 10_000_000;
  ticks = 0;
  now(): number {
    return this.ticks;
  }
}

class Line implements IrqLine {
  level = false;
  sets = 0;
  set(level: boolean): void {
    this.level = level;
    this.sets++;
  }
}

function setup(harts = 2) {
  const clock = new FakeClock();
  const msip = Array.from({ length: harts }, () => new Line());
  const mtip = Array.from({ length: harts }, () => new Line());
  const clint = new Clint({ harts, clock, msip, mtip });
  const r = (off: number) => clint.read(off, 4);
  const w = (off: number, v: number) => clint.write(off, 4, v);
  return { clock, msip, mtip, clint, r, w };
}

describe('Clint registers', () => {
  it('resets with MSIP clear, mtimecmp all ones, mtime following the clock', () => {
    const { clint, clock, r, mtip, msip } = setup();
    expect(clint.size).toBe(0x1_0000);
    expect(clint.name).toBe('clint');
    expect(r(0x0000)).toBe(0);
    expect(r(0x0004)).toBe(0);
    expect(r(0x4000)).toBe(0xffff_ffff);
    expect(r(0x4004)).toBe(0xffff_ffff);
    expect(r(0x4008)).toBe(0xffff_ffff);
    expect(r(0x400c)).toBe(0xffff_ffff);
    expect(r(0xbff8)).toBe(0);
    expect(r(0xbffc)).toBe(0);
    clock.ticks = 0x1_2345_6789;
    expect(r(0xbff8)).toBe(0x2345_6789);
    expect(r(0xbffc)).toBe(0x1);
    expect(clint.mtime()).toBe(0x1_2345_6789);
    expect(clint.mtime64()).toBe(0x1_2345_6789n);
    expect(mtip.every((l) => !l.level && l.sets === 1)).toBe(true);
    expect(msip.every((l) => !l.level)).toBe(true);
  });

  it('MSIP keeps bit 0 only and drives the hart line', () => {
    const { r, w, msip } = setup();
    w(0x0004, 0xffff_ffff);
    expect(r(0x0004)).toBe(1);
    expect(msip[1]!.level).toBe(true);
    expect(msip[0]!.level).toBe(false);
    w(0x0004, 2);
    expect(r(0x0004)).toBe(0);
    expect(msip[1]!.level).toBe(false);
  });

  it('ignores harts that do not exist, holes, narrow and misaligned accesses', () => {
    const { clint, r, w, msip } = setup();
    w(0x0008, 1);
    expect(r(0x0008)).toBe(0);
    w(0x4010, 5);
    expect(r(0x4010)).toBe(0);
    expect(r(0xbff0)).toBe(0);
    expect(r(0xc000)).toBe(0);
    expect(r(0xfffc)).toBe(0);
    clint.write(0x0000, 1, 1);
    clint.write(0x0002, 4, 1);
    expect(msip[0]!.level).toBe(false);
    expect(clint.read(0x4000, 2)).toBe(0);
    expect(clint.read(0x4001, 4)).toBe(0);
  });

  it('mtimecmp halves are stored exactly, including all ones', () => {
    const { r, w } = setup();
    w(0x4008, 0x8765_4321);
    w(0x400c, 0xfedc_ba98);
    expect(r(0x4008)).toBe(0x8765_4321);
    expect(r(0x400c)).toBe(0xfedc_ba98);
    expect(r(0x4000)).toBe(0xffff_ffff);
  });

  it('refuses bad hart counts and missing lines', () => {
    const clock = new FakeClock();
    expect(() => new Clint({ harts: 0, clock, msip: [], mtip: [] })).toThrow(/harts must be/);
    expect(() => new Clint({ harts: 4096, clock, msip: [], mtip: [] })).toThrow(/harts must be/);
    expect(() => new Clint({ harts: 2, clock, msip: [new Line()], mtip: [new Line()] })).toThrow(/one msip/);
  });
});

describe('Clint MTIP against a fake clock', () => {
  it('is pending exactly when mtime >= mtimecmp', () => {
    const { clock, clint, w, mtip } = setup();
    w(0x4000, 100);
    w(0x4004, 0);
    expect(mtip[0]!.level).toBe(false);
    clock.ticks = 99;
    clint.update();
    expect(mtip[0]!.level).toBe(false);
    clock.ticks = 100;
    clint.update();
    expect(mtip[0]!.level).toBe(true);
    expect(mtip[1]!.level).toBe(false);
    // Writing mtimecmp into the future clears it at once, without update().
    w(0x4000, 200);
    expect(mtip[0]!.level).toBe(false);
    w(0x4000, 50);
    expect(mtip[0]!.level).toBe(true);
  });

  it('compares the high halves exactly', () => {
    const { clock, clint, w, mtip } = setup(1);
    w(0x4004, 1);
    w(0x4000, 0);
    clock.ticks = 0xffff_ffff;
    clint.update();
    expect(mtip[0]!.level).toBe(false);
    clock.ticks = 0x1_0000_0000;
    clint.update();
    expect(mtip[0]!.level).toBe(true);
  });

  it('only calls the line when the level changes', () => {
    const { clock, clint, w, mtip } = setup(1);
    w(0x4004, 0);
    w(0x4000, 10);
    clock.ticks = 20;
    clint.update();
    clint.update();
    clint.update();
    expect(mtip[0]!.sets).toBe(2);
  });

  it('nextDeadline is the earliest armed mtimecmp, Infinity when none', () => {
    const { clint, w } = setup(3);
    expect(clint.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    w(0x4008 + 4, 0);
    w(0x4008, 5000);
    w(0x4010 + 4, 0);
    w(0x4010, 3000);
    expect(clint.nextDeadline()).toBe(3000);
    w(0x4004, 2);
    w(0x4000, 0);
    expect(clint.nextDeadline()).toBe(3000);
  });
});

describe('Clint mtime writes', () => {
  it('writing mtime moves the counter, which keeps counting with the clock', () => {
    const { clock, clint, r, w, mtip } = setup(1);
    clock.ticks = 1000;
    w(0x4004, 0);
    w(0x4000, 5000);
    w(0xbff8, 4990);
    expect(clint.mtime()).toBe(4990);
    expect(mtip[0]!.level).toBe(false);
    clock.ticks = 1010;
    expect(r(0xbff8)).toBe(5000);
    clint.update();
    expect(mtip[0]!.level).toBe(true);
    // The deadline is expressed in clock ticks: mtimecmp 5000 happens at clock 1010.
    expect(clint.nextDeadline()).toBe(1010);
    w(0xbffc, 7);
    expect(r(0xbffc)).toBe(7);
    expect(r(0xbff8)).toBe(5000);
    expect(clint.mtime64()).toBe(0x7_0000_1388n);
    // mtime below the clock: negative offset still exact.
    w(0xbffc, 0);
    w(0xbff8, 3);
    expect(clint.mtime()).toBe(3);
    expect(mtip[0]!.level).toBe(false);
  });

  it('stays exact above 2^53 through the bigint path', () => {
    const { clock, clint, r, w, mtip } = setup(1);
    w(0xbffc, 0xffff_ffff);
    w(0xbff8, 0xffff_fff0);
    expect(clint.mtime64()).toBe(0xffff_ffff_ffff_fff0n);
    expect(r(0xbffc)).toBe(0xffff_ffff);
    expect(r(0xbff8)).toBe(0xffff_fff0);
    clock.ticks = 15;
    expect(clint.mtime64()).toBe(0xffff_ffff_ffff_ffffn);
    clint.update();
    expect(mtip[0]!.level).toBe(true); // mtimecmp all ones reached
    clock.ticks = 16;
    expect(clint.mtime64()).toBe(0n); // wraps
    clint.update();
    expect(mtip[0]!.level).toBe(false);
  });
});

describe('Clint snapshot', () => {
  it('round-trips as JSON and resumes mtime from the saved value', () => {
    const a = setup(2);
    a.clock.ticks = 12345;
    a.w(0x0004, 1);
    a.w(0x4000, 100);
    a.w(0x4004, 0);
    a.clint.update();
    const state = JSON.parse(JSON.stringify(a.clint.save()));
    expect(state).toEqual({
      kind: 'clint',
      version: 1,
      msip: [0, 1],
      mtimecmpLo: [100, 0xffff_ffff],
      mtimecmpHi: [0, 0xffff_ffff],
      mtime: '12345',
    });
    const b = setup(2);
    b.clock.ticks = 7;
    b.clint.restore(state);
    expect(b.clint.mtime()).toBe(12345);
    expect(b.msip[1]!.level).toBe(true);
    expect(b.mtip[0]!.level).toBe(true);
    expect(b.mtip[1]!.level).toBe(false);
    b.clock.ticks = 17;
    expect(b.clint.mtime()).toBe(12355);
    expect(() => setup(1).clint.restore(state)).toThrow(/different number of harts/);
  });
});
