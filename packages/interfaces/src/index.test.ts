import { describe, expect, it } from 'vitest';
import { guestPhysAddr, hex, NO_IRQ } from './index.js';

describe('guestPhysAddr', () => {
  it('accepts non-negative safe integers', () => {
    expect(guestPhysAddr(0x8000_0000)).toBe(0x8000_0000);
  });
  it('refuses negatives, fractions and unsafe integers', () => {
    expect(() => guestPhysAddr(-1)).toThrow(RangeError);
    expect(() => guestPhysAddr(1.5)).toThrow(RangeError);
    expect(() => guestPhysAddr(2 ** 53)).toThrow(RangeError);
  });
});

describe('hex', () => {
  it('pads to the requested width', () => {
    expect(hex(0x1000)).toBe('0x00001000');
    expect(hex(0xffn, 2)).toBe('0xff');
  });
});

describe('NO_IRQ', () => {
  it('ignores levels', () => {
    expect(() => NO_IRQ.set(true)).not.toThrow();
  });
});
