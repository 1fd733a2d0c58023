import type { IrqLine } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import {
  GoldfishRtc,
  RTC_ALARM_HIGH,
  RTC_ALARM_LOW,
  RTC_ALARM_STATUS,
  RTC_CLEAR_ALARM,
  RTC_CLEAR_INTERRUPT,
  RTC_IRQ_ENABLED,
  RTC_TIME_HIGH,
  RTC_TIME_LOW,
} from './goldfish-rtc.js';

class Line implements IrqLine {
  level = false;
  set(level: boolean): void {
    this.level = level;
  }
}

// 2024-01-01T00:00:00Z in ns since the epoch = 0x17a6_1017_0165_0000.
const EPOCH_2024 = 1_704_067_200_000_000_000n;

function setup() {
  const clock = { ns: EPOCH_2024 };
  const irq = new Line();
  const rtc = new GoldfishRtc({ now: () => clock.ns, irq });
  const r = (off: number) => rtc.read(off, 4);
  const w = (off: number, v: number) => rtc.write(off, 4, v);
  return { clock, irq, rtc, r, w };
}

describe('GoldfishRtc registers', () => {
  it('TIME_LOW returns the low half and latches TIME_HIGH', () => {
    const { clock, rtc, r } = setup();
    expect(rtc.size).toBe(0x1000);
    expect(rtc.name).toBe('rtc');
    expect(r(RTC_TIME_HIGH)).toBe(0); // nothing latched yet
    expect(EPOCH_2024).toBe(0x17a6_1017_0165_0000n);
    expect(r(RTC_TIME_LOW)).toBe(0x0165_0000);
    expect(r(RTC_TIME_HIGH)).toBe(0x17a6_1017);
    // TIME_HIGH stays latched while time moves on.
    clock.ns += 1n << 32n;
    expect(r(RTC_TIME_HIGH)).toBe(0x17a6_1017);
    expect(r(RTC_TIME_LOW)).toBe(0x0165_0000);
    expect(r(RTC_TIME_HIGH)).toBe(0x17a6_1018);
  });

  it('writing TIME_HIGH then TIME_LOW sets the guest time, which keeps running', () => {
    const { clock, rtc, r, w } = setup();
    w(RTC_TIME_HIGH, 0x1);
    w(RTC_TIME_LOW, 0x2);
    expect(rtc.time()).toBe(0x1_0000_0002n);
    clock.ns += 10n;
    expect(r(RTC_TIME_LOW)).toBe(12);
    expect(r(RTC_TIME_HIGH)).toBe(1);
  });

  it('alarm halves read back; IRQ_ENABLED keeps bit 0; reserved offsets read 0', () => {
    const { r, w } = setup();
    w(RTC_ALARM_HIGH, 0xffff_ffff);
    expect(r(RTC_ALARM_HIGH)).toBe(0xffff_ffff);
    expect(r(RTC_ALARM_STATUS)).toBe(0);
    w(RTC_ALARM_LOW, 0x1234_5678);
    expect(r(RTC_ALARM_LOW)).toBe(0x1234_5678);
    expect(r(RTC_ALARM_STATUS)).toBe(1);
    w(RTC_IRQ_ENABLED, 0xffff_ffff);
    expect(r(RTC_IRQ_ENABLED)).toBe(1);
    w(RTC_IRQ_ENABLED, 2);
    expect(r(RTC_IRQ_ENABLED)).toBe(0);
    expect(r(RTC_CLEAR_ALARM)).toBe(0);
    expect(r(RTC_CLEAR_INTERRUPT)).toBe(0);
    expect(r(0x20)).toBe(0);
    expect(r(0xffc)).toBe(0);
  });

  it('ignores non-32-bit accesses', () => {
    const { rtc } = setup();
    expect(rtc.read(RTC_TIME_LOW, 2)).toBe(0);
    rtc.write(RTC_TIME_HIGH, 1, 0);
    expect(rtc.time()).toBe(EPOCH_2024);
  });
});

describe('GoldfishRtc alarm', () => {
  it('fires when the guest time reaches the alarm, raising the line if enabled', () => {
    const { clock, irq, rtc, r, w } = setup();
    const at = EPOCH_2024 + 1_000_000n;
    w(RTC_IRQ_ENABLED, 1);
    w(RTC_ALARM_HIGH, Number(at >> 32n));
    w(RTC_ALARM_LOW, Number(at & 0xffff_ffffn));
    expect(r(RTC_ALARM_STATUS)).toBe(1);
    expect(rtc.alarmDeadline()).toBe(at);
    clock.ns = at - 1n;
    rtc.update();
    expect(irq.level).toBe(false);
    clock.ns = at;
    rtc.update();
    expect(irq.level).toBe(true);
    expect(r(RTC_ALARM_STATUS)).toBe(0);
    expect(rtc.alarmDeadline()).toBeUndefined();
    w(RTC_CLEAR_INTERRUPT, 1);
    expect(irq.level).toBe(false);
  });

  it('an alarm in the past fires at once; a disabled interrupt stays pending until enabled', () => {
    const { irq, r, w } = setup();
    w(RTC_ALARM_HIGH, 0);
    w(RTC_ALARM_LOW, 5);
    expect(r(RTC_ALARM_STATUS)).toBe(0);
    expect(irq.level).toBe(false);
    w(RTC_IRQ_ENABLED, 1);
    expect(irq.level).toBe(true);
    w(RTC_IRQ_ENABLED, 0);
    expect(irq.level).toBe(false);
  });

  it('CLEAR_ALARM disarms', () => {
    const { clock, irq, rtc, r, w } = setup();
    const at = EPOCH_2024 + 100n;
    w(RTC_IRQ_ENABLED, 1);
    w(RTC_ALARM_HIGH, Number(at >> 32n));
    w(RTC_ALARM_LOW, Number(at & 0xffff_ffffn));
    w(RTC_CLEAR_ALARM, 1);
    expect(r(RTC_ALARM_STATUS)).toBe(0);
    clock.ns = at + 1n;
    rtc.update();
    expect(irq.level).toBe(false);
  });

  it('alarm deadlines are reported in host time when the guest moved its clock', () => {
    const { rtc, w } = setup();
    w(RTC_TIME_HIGH, 0);
    w(RTC_TIME_LOW, 1000);
    w(RTC_ALARM_HIGH, 0);
    w(RTC_ALARM_LOW, 1500);
    expect(rtc.alarmDeadline()).toBe(EPOCH_2024 + 500n);
  });
});

describe('GoldfishRtc snapshot', () => {
  it('round-trips as JSON and re-drives the line', () => {
    const a = setup();
    a.w(RTC_TIME_HIGH, 0);
    a.w(RTC_TIME_LOW, 1000);
    a.w(RTC_IRQ_ENABLED, 1);
    a.w(RTC_ALARM_HIGH, 0);
    a.w(RTC_ALARM_LOW, 900);
    expect(a.irq.level).toBe(true);
    const state = JSON.parse(JSON.stringify(a.rtc.save()));
    const b = setup();
    b.rtc.restore(state);
    expect(b.irq.level).toBe(true);
    expect(b.rtc.time()).toBe(1000n);
    expect(() => b.rtc.restore({ ...state, kind: 'x' })).toThrow(/cannot restore x/);
  });
});
