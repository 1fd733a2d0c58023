import type { PowerControl } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { SifiveTest } from './sifive-test.js';

function setup() {
  const calls: string[] = [];
  const power: PowerControl = {
    shutdown: (code) => calls.push(`shutdown ${code}`),
    reset: () => calls.push('reset'),
  };
  return { calls, dev: new SifiveTest({ power }) };
}

describe('SifiveTest', () => {
  it('has a 0x1000 window named test', () => {
    const { dev } = setup();
    expect(dev.size).toBe(0x1000);
    expect(dev.name).toBe('test');
  });

  it('0x5555 powers off with code 0', () => {
    const { calls, dev } = setup();
    dev.write(0, 4, 0x5555);
    expect(calls).toEqual(['shutdown 0']);
  });

  it('0x3333 powers off with the code in bits 31:16, never 0', () => {
    const { calls, dev } = setup();
    dev.write(0, 4, (42 << 16) | 0x3333);
    dev.write(0, 4, 0xffff_3333);
    dev.write(0, 4, 0x3333);
    expect(calls).toEqual(['shutdown 42', 'shutdown 65535', 'shutdown 1']);
  });

  it('0x7777 resets', () => {
    const { calls, dev } = setup();
    dev.write(0, 4, 0x7777);
    expect(calls).toEqual(['reset']);
  });

  it('ignores other values, other offsets and narrow writes; reads 0', () => {
    const { calls, dev } = setup();
    dev.write(0, 4, 0x1234);
    dev.write(0, 4, 0x5554);
    dev.write(4, 4, 0x5555);
    dev.write(0, 2, 0x5555);
    dev.write(0, 1, 0x55);
    expect(calls).toEqual([]);
    expect(dev.read(0, 4)).toBe(0);
    expect(dev.read(0xffc, 4)).toBe(0);
  });
});
