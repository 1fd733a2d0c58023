import { describe, expect, it } from 'vitest';
import { RAM_MAX_SIZE, Ram } from './ram.js';

// hvkit's lib settings carry no WebAssembly typings; reach the global untyped.
const wasm = (globalThis as unknown as { WebAssembly: { Memory: new (...args: never[]) => unknown } })
  .WebAssembly;

describe('Ram', () => {
  it('covers exactly [base, base + size) over a WebAssembly.Memory rounded up to 64 KiB pages', () => {
    const ram = new Ram(0x8000_0000, 0x3000);
    expect(ram.base).toBe(0x8000_0000);
    expect(ram.size).toBe(0x3000);
    expect(ram.end).toBe(0x8000_3000);
    expect(ram.bytes.length).toBe(0x3000);
    expect(ram.memory).toBeInstanceOf(wasm.Memory);
    // One extra 64 KiB page of host scratch (JIT hart state) after the guest's bytes.
    expect(ram.memory.buffer.byteLength).toBe(0x2_0000);
    expect(ram.bytes.buffer).toBe(ram.memory.buffer);
    expect(ram.bytes.every((b) => b === 0)).toBe(true);
  });

  it('never grows: maximum equals initial', () => {
    const ram = new Ram(0, 0x2_0000);
    expect(() => (ram.memory as unknown as { grow(pages: number): number }).grow(1)).toThrow(RangeError);
  });

  it('hands out 8-aligned host scratch past the guest bytes until the extra page is full', () => {
    const ram = new Ram(0x8000_0000, 0x3000);
    expect(ram.reserveScratch(3)).toBe(0x3000);
    expect(ram.reserveScratch(4096)).toBe(0x3008);
    expect(ram.reserveScratch(0x2_0000)).toBeUndefined();
  });

  it('bytes and view share storage, little-endian', () => {
    const ram = new Ram(0x1000, 0x1000);
    ram.view.setUint32(4, 0x1122_3344, true);
    expect([...ram.bytes.subarray(4, 8)]).toEqual([0x44, 0x33, 0x22, 0x11]);
  });

  it('contains() checks whole ranges', () => {
    const ram = new Ram(0x1000, 0x1000);
    expect(ram.contains(0x1000, 4)).toBe(true);
    expect(ram.contains(0x1ffc, 4)).toBe(true);
    expect(ram.contains(0x1ffd, 4)).toBe(false);
    expect(ram.contains(0xfff, 1)).toBe(false);
    expect(ram.contains(0x2000, 1)).toBe(false);
  });

  it('refuses size 0, sizes that are not 4 KiB multiples, too big, bad bases', () => {
    expect(() => new Ram(0, 0)).toThrow(/positive/);
    expect(() => new Ram(0, 0x1001)).toThrow(/not a multiple of 4 KiB/);
    expect(() => new Ram(0, 100)).toThrow(/not a multiple of 4 KiB/);
    expect(() => new Ram(0, RAM_MAX_SIZE + 0x1000)).toThrow(/too big/);
    expect(() => new Ram(0x123, 0x1000)).toThrow(/not 4 KiB aligned/);
    expect(() => new Ram(-0x1000, 0x1000)).toThrow(RangeError);
    expect(() => new Ram(2 ** 53 - 0x1000, 0x2000)).toThrow(/limit/);
  });
});
