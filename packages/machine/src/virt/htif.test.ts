import { guestPhysAddr, type RamRegion } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { HTIF_EXIT, HTIF_IDLE, HTIF_PUTCHAR, HTIF_UNSUPPORTED, Htif } from './htif.js';

const BASE = 0x8000_0000;
const TOHOST = BASE + 0x1000;
const FROMHOST = BASE + 0x1040;

function setup(withFromhost = true) {
  const ram: RamRegion = { base: guestPhysAddr(BASE), size: 0x2000, bytes: new Uint8Array(0x2000) };
  const view = new DataView(ram.bytes.buffer);
  const out: number[] = [];
  const htif = new Htif(ram, TOHOST, withFromhost ? FROMHOST : -1, {
    write: (b) => out.push(b),
    read: () => -1,
  });
  const tohost = (value: bigint) => view.setBigUint64(TOHOST - BASE, value, true);
  const read = (addr: number) => view.getBigUint64(addr - BASE, true);
  return { htif, out, tohost, read };
}

describe('Htif', () => {
  it('does nothing while tohost is zero', () => {
    const { htif } = setup();
    expect(htif.poll()).toBe(HTIF_IDLE);
  });

  it('reads exit codes: 1 is pass, (n << 1) | 1 is code n, including codes above 32 bits', () => {
    const { htif, tohost } = setup();
    tohost(1n);
    expect(htif.poll()).toBe(HTIF_EXIT);
    expect(htif.exitCode).toBe(0);
    tohost((3n << 1n) | 1n);
    htif.poll();
    expect(htif.exitCode).toBe(3);
    tohost(((2n ** 40n + 5n) << 1n) | 1n);
    htif.poll();
    expect(htif.exitCode).toBe(2 ** 40 + 5);
  });

  it('prints console bytes, clears tohost and acknowledges in fromhost as QEMU does', () => {
    const { htif, out, tohost, read } = setup();
    tohost((1n << 56n) | (1n << 48n) | 0x41n);
    expect(htif.poll()).toBe(HTIF_PUTCHAR);
    expect(out).toEqual([0x41]);
    expect(read(TOHOST)).toBe(0n);
    expect(read(FROMHOST)).toBe((1n << 56n) | (1n << 48n) | 0x141n);
    expect(htif.poll()).toBe(HTIF_IDLE);
  });

  it('serves console bytes without a fromhost word', () => {
    const { htif, out, tohost, read } = setup(false);
    tohost((1n << 56n) | (1n << 48n) | 0x0an);
    expect(htif.poll()).toBe(HTIF_PUTCHAR);
    expect(out).toEqual([0x0a]);
    expect(read(TOHOST)).toBe(0n);
    expect(read(FROMHOST)).toBe(0n);
  });

  it('refuses syscall proxies and unknown commands with a clear message', () => {
    const { htif, tohost } = setup();
    tohost(BigInt(BASE + 0x100));
    expect(htif.poll()).toBe(HTIF_UNSUPPORTED);
    expect(htif.error).toBe(
      'guest made an HTIF syscall (tohost=0x0000000080000100); hvkit does not proxy system calls',
    );
    tohost((1n << 56n) | 0n); // console getchar
    expect(htif.poll()).toBe(HTIF_UNSUPPORTED);
    expect(htif.error).toMatch(/unsupported HTIF command \(device 1, command 0/);
    tohost((2n << 56n) | 1n);
    expect(htif.poll()).toBe(HTIF_UNSUPPORTED);
  });
});
