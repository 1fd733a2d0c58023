import { describe, expect, it } from 'vitest';
import { InstructionClock, isSkippable, ManualClock, RealTimeClock, VIRT_TIMEBASE_HZ } from './clock.js';

describe('clocks', () => {
  it('real time ticks at 10 MHz and is not skippable', async () => {
    const clock = new RealTimeClock();
    expect(clock.frequency).toBe(VIRT_TIMEBASE_HZ);
    const a = clock.now();
    await new Promise((r) => setTimeout(r, 20));
    const elapsed = clock.now() - a;
    expect(elapsed).toBeGreaterThanOrEqual(15 * 10_000);
    expect(isSkippable(clock)).toBe(false);
  });

  it('instruction time follows instret and skips forward, never back', () => {
    const hart = { instret: 0 };
    const clock = new InstructionClock({ instructionsPerTick: 10 });
    clock.attach(hart);
    hart.instret = 1005;
    expect(clock.now()).toBe(100);
    clock.advanceTo(5000);
    expect(clock.now()).toBe(5000);
    clock.advanceTo(10);
    expect(clock.now()).toBe(5000);
    hart.instret = 2005;
    expect(clock.now()).toBe(5100);
    expect(isSkippable(clock)).toBe(true);
  });

  it('manual time moves only when told', () => {
    const clock = new ManualClock();
    expect(clock.now()).toBe(0);
    clock.advanceTo(42);
    clock.advanceTo(7);
    expect(clock.now()).toBe(42);
  });
});
