import { describe, expect, it } from 'vitest';
import { SBI_EXT_DBCN } from './constants.js';
import { ecall, RAM_BASE, RAM_SIZE, setup } from './testing/fakes.js';

const DBCN = SBI_EXT_DBCN;
const BUF = RAM_BASE + 0x100n;
const RAM_END = RAM_BASE + BigInt(RAM_SIZE);
const HELLO = [...'Hello\n'].map((c) => c.charCodeAt(0));

describe('DBCN console_write', () => {
  it('writes num_bytes from guest memory and returns the count', () => {
    const { fw, hart, platform } = setup();
    platform.poke(BUF, HELLO);
    expect(ecall(fw, hart, DBCN, 0, 6n, BUF, 0n)).toEqual({ a0: 0n, a1: 6n });
    expect(platform.output).toEqual(HELLO);
  });

  it('writes a buffer ending at the last byte of RAM', () => {
    const { fw, hart, platform } = setup();
    platform.poke(RAM_END - 2n, [0x4f, 0x4b]);
    expect(ecall(fw, hart, DBCN, 0, 2n, RAM_END - 2n, 0n)).toEqual({ a0: 0n, a1: 2n });
    expect(platform.output).toEqual([0x4f, 0x4b]);
  });

  it('writes nothing for num_bytes = 0 and touches no memory', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, DBCN, 0, 0n, 0x1234n, 0n)).toEqual({ a0: 0n, a1: 0n });
    expect(platform.calls).toEqual([]);
  });

  it.each([
    ['outside RAM', 1n, 0x1000n, 0n],
    ['straddling the end of RAM', 4n, RAM_END - 2n, 0n],
    ['with base_addr_hi set', 1n, BUF, 1n],
    ['with base_addr_hi set and no bytes', 0n, BUF, 0xffff_ffff_ffff_ffffn],
  ])('answers SBI_ERR_INVALID_PARAM for a buffer %s', (_name, len, lo, hi) => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, DBCN, 0, len, lo, hi)).toEqual({ a0: -3n, a1: 0n });
    expect(platform.output).toEqual([]);
  });

  it('refuses num_bytes near 2^64 and wrapping ranges before asking the platform', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, DBCN, 0, 0xffff_ffff_ffff_ffffn, BUF, 0n).a0).toBe(-3n);
    expect(ecall(fw, hart, DBCN, 0, 32n, 0xffff_ffff_ffff_fff0n, 0n).a0).toBe(-3n);
    expect(ecall(fw, hart, DBCN, 0, 1n << 53n, 0n, 0n).a0).toBe(-3n);
    expect(platform.calls).toEqual([]);
  });

  it('passes a range ending exactly at 2^53 to the platform, which refuses it', () => {
    const { fw, hart, platform } = setup();
    const len = (1n << 53n) - BUF;
    expect(ecall(fw, hart, DBCN, 0, len, BUF, 0n).a0).toBe(-3n);
    expect(platform.calls).toEqual([['readPhys', BUF, Number(len)]]);
  });
});

describe('DBCN console_read', () => {
  it('reads waiting bytes into guest memory and returns the count', () => {
    const { fw, hart, platform } = setup();
    platform.input = [0x61, 0x62, 0x63];
    expect(ecall(fw, hart, DBCN, 1, 2n, BUF, 0n)).toEqual({ a0: 0n, a1: 2n });
    expect([...platform.ram.subarray(0x100, 0x103)]).toEqual([0x61, 0x62, 0]);
    expect(ecall(fw, hart, DBCN, 1, 16n, BUF + 2n, 0n)).toEqual({ a0: 0n, a1: 1n });
    expect([...platform.ram.subarray(0x100, 0x104)]).toEqual([0x61, 0x62, 0x63, 0]);
  });

  it('returns 0 and writes nothing when no input is waiting', () => {
    const { fw, hart, platform } = setup();
    platform.ram.fill(0xee, 0x100, 0x110);
    expect(ecall(fw, hart, DBCN, 1, 16n, BUF, 0n)).toEqual({ a0: 0n, a1: 0n });
    expect(platform.callsOf('writePhys')).toEqual([]);
    expect(platform.ram[0x100]).toBe(0xee);
  });

  it('reads nothing for num_bytes = 0', () => {
    const { fw, hart, platform } = setup();
    platform.input = [1];
    expect(ecall(fw, hart, DBCN, 1, 0n, BUF, 0n)).toEqual({ a0: 0n, a1: 0n });
    expect(platform.input).toEqual([1]);
  });

  it.each([
    ['outside RAM', 1n, 0x1000n, 0n],
    ['straddling the end of RAM', 4n, RAM_END - 2n, 0n],
    ['with base_addr_hi set', 1n, BUF, 1n],
    ['of 2^64 - 1 bytes', 0xffff_ffff_ffff_ffffn, BUF, 0n],
    ['wrapping around 2^64', 0x20n, 0xffff_ffff_ffff_fff0n, 0n],
  ])('answers SBI_ERR_INVALID_PARAM for a buffer %s and consumes no input', (_name, len, lo, hi) => {
    const { fw, hart, platform } = setup();
    platform.input = [0x61];
    expect(ecall(fw, hart, DBCN, 1, len, lo, hi)).toEqual({ a0: -3n, a1: 0n });
    expect(platform.input).toEqual([0x61]);
    expect(platform.callsOf('consoleRead')).toEqual([]);
  });

  it('never writes more than num_bytes even if the platform returns more', () => {
    const { fw, hart, platform } = setup();
    platform.consoleRead = () => Uint8Array.of(1, 2, 3, 4, 5);
    expect(ecall(fw, hart, DBCN, 1, 2n, BUF, 0n)).toEqual({ a0: 0n, a1: 2n });
    expect([...platform.ram.subarray(0x100, 0x103)]).toEqual([1, 2, 0]);
  });

  it('answers SBI_ERR_FAILED when the platform refuses the write after accepting the range', () => {
    const { fw, hart, platform } = setup();
    platform.input = [0x61];
    platform.writePhys = () => false;
    expect(ecall(fw, hart, DBCN, 1, 4n, BUF, 0n)).toEqual({ a0: -1n, a1: 0n });
  });
});

describe('DBCN console_write_byte and others', () => {
  it('writes the low byte of a0', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, DBCN, 2, 0x1_0000_0141n)).toEqual({ a0: 0n, a1: 0n });
    expect(ecall(fw, hart, DBCN, 2, 0x0an)).toEqual({ a0: 0n, a1: 0n });
    expect(platform.output).toEqual([0x41, 0x0a]);
  });

  it('answers unknown DBCN functions with SBI_ERR_NOT_SUPPORTED', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, DBCN, 3, 1n, BUF, 0n)).toEqual({ a0: -2n, a1: 0n });
    expect(platform.calls).toEqual([]);
  });
});
