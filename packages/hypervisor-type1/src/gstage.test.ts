import { describe, expect, it } from 'vitest';
import {
  GStageTables,
  HGATP_MODE_SV39X4,
  PageAllocator,
  PERM_RW,
  PERM_RWX,
  PTE,
  ROOT_SIZE,
} from './gstage.js';

const BASE = 0x8000_0000;
const MiB = 1024 * 1024;

function setup(size = 4 * MiB) {
  const memory = { base: BASE, bytes: new Uint8Array(size) };
  const pages = new PageAllocator(memory, BASE + 0x1000, BASE + size);
  return { memory, pages, tables: new GStageTables(memory, pages) };
}

/** The 64-bit PTE at host-physical `hpa`. */
function pte(memory: { base: number; bytes: Uint8Array }, hpa: number): bigint {
  return new DataView(memory.bytes.buffer).getBigUint64(hpa - memory.base, true);
}

describe('G-stage tables (Sv39x4)', () => {
  it('puts the 16 KiB root on a 16 KiB boundary and names it in hgatp', () => {
    const { tables } = setup();
    expect(tables.root % ROOT_SIZE).toBe(0);
    expect(tables.root).toBe(BASE + 0x4000);
    const hgatp = tables.hgatp(5);
    expect(hgatp >> 60n).toBe(HGATP_MODE_SV39X4);
    expect((hgatp >> 44n) & 0x3fffn).toBe(5n);
    expect(hgatp & ((1n << 44n) - 1n)).toBe(BigInt(tables.root / 4096));
  });

  it('maps guest RAM with 2 MiB leaves (U, A, D set) and translates every page of it', () => {
    const { memory, tables } = setup();
    const host = 0x9000_0000;
    tables.map(0x8000_0000, host, 64 * MiB, PERM_RWX);
    for (let off = 0; off < 64 * MiB; off += 0x1000 * 97) {
      expect(tables.translate(0x8000_0000 + off)).toEqual({
        hpa: host + off,
        perms: PERM_RWX,
        pageSize: 2 * MiB,
      });
    }
    expect(tables.translate(0x8000_0000 + 64 * MiB)).toBeUndefined();
    expect(tables.translate(0x7fff_f000)).toBeUndefined();
    // The root entry for gpa[40:30] = 2 points at a level-1 table; its first entry is a leaf.
    const l1 = pte(memory, tables.root + 2 * 8);
    expect(l1 & 0xffn).toBe(BigInt(PTE.V));
    const leaf = pte(memory, Number(l1 >> 10n) * 4096);
    expect(leaf & 0xffn).toBe(BigInt(PTE.V | PTE.R | PTE.W | PTE.X | PTE.U | PTE.A | PTE.D));
    expect(leaf >> 10n).toBe(BigInt(host / 4096));
  });

  it('uses 4 KiB pages where the addresses are not 2 MiB aligned, 1 GiB where they are', () => {
    const { tables } = setup();
    tables.map(0x0010_1000, 0x0010_1000, 0x1000, PERM_RW);
    expect(tables.translate(0x0010_1234)).toEqual({ hpa: 0x0010_1234, perms: PERM_RW, pageSize: 4096 });
    expect(tables.translate(0x0010_2000)).toBeUndefined();
    tables.map(0x1_0000_0000, 0x4000_0000, 1024 * MiB, PERM_RWX);
    expect(tables.translate(0x1_0000_0010)?.pageSize).toBe(1024 * MiB);
  });

  it('reaches the top of the 41-bit guest-physical space (the 2048-entry root)', () => {
    const { tables } = setup();
    const top = 2 ** 41 - 0x1000;
    tables.map(top, 0x8000_0000, 0x1000, PERM_RW);
    expect(tables.translate(top + 8)?.hpa).toBe(0x8000_0008);
    expect(() => tables.map(2 ** 41, 0, 0x1000, PERM_RW)).toThrow(/past Sv39x4/);
    expect(tables.translate(2 ** 41)).toBeUndefined();
  });

  it('refuses overlapping maps, unaligned ranges and bad permissions', () => {
    const { tables } = setup();
    tables.map(0x8000_0000, 0x9000_0000, 4 * MiB, PERM_RWX);
    expect(() => tables.map(0x8020_0000, 0, 0x1000, PERM_RW)).toThrow(/already mapped/);
    expect(() => tables.map(0x8000_0800, 0, 0x1000, PERM_RW)).toThrow(/4 KiB/);
    expect(() => tables.map(0, 0, 0x1000, PTE.W)).toThrow(/permissions/);
  });

  it('keeps guests apart: two tables, same guest-physical address, different host pages', () => {
    const { memory, pages } = setup();
    const a = new GStageTables(memory, pages);
    const b = new GStageTables(memory, pages);
    a.map(0x8000_0000, 0xa000_0000, 2 * MiB, PERM_RWX);
    b.map(0x8000_0000, 0xb000_0000, 2 * MiB, PERM_RWX);
    expect(a.translate(0x8000_0000)?.hpa).toBe(0xa000_0000);
    expect(b.translate(0x8000_0000)?.hpa).toBe(0xb000_0000);
  });

  it('fails clearly when the hypervisor runs out of table memory', () => {
    const memory = { base: BASE, bytes: new Uint8Array(0x8000) };
    const pages = new PageAllocator(memory, BASE + 0x4000, BASE + 0x8000);
    const tables = new GStageTables(memory, pages);
    expect(() => tables.map(0x8000_0000, 0x8000_0000, 0x1000, PERM_RW)).toThrow(/used up/);
  });
});
