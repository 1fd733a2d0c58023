import { TRANSLATE_PAGE_FAULT as PF } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { type MmuOptions, SatpMode } from './mmu.js';
import { Fetch, Load, PageTables, pte, RAM_BASE, S, Store, satp, setup, U } from './test-helpers.js';
import { PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from './walk.js';

const RWX = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
const A_PAGE = 0x8020_0000;
const B_PAGE = 0x8030_0000;

// Every TLB behaviour is checked with the default split TLB, a shared one, and a
// one-entry TLB where everything conflicts.
const shapes: [string, MmuOptions][] = [
  ['split 256', {}],
  ['shared 64', { splitTlb: false, tlbEntries: 64 }],
  ['split 1', { tlbEntries: 1 }],
];

describe.each(shapes)('TLB (%s)', (_name, options) => {
  /** Two address spaces: tables `a` (ASID 1) and `b` (ASID 2). */
  function spaces() {
    const { bus, mmu } = setup(options);
    const a = new PageTables(bus, 3);
    const b = new PageTables(bus, 3, RAM_BASE + (2 << 20));
    const useA = (asid = 1) => mmu.configure(...satp(SatpMode.Sv39, asid, a.root), false, false);
    const useB = (asid = 2) => mmu.configure(...satp(SatpMode.Sv39, asid, b.root), false, false);
    useA();
    return { bus, mmu, a, b, useA, useB };
  }

  it('keeps a stale translation after a PTE change until a fence', () => {
    const { bus, mmu, a } = spaces();
    const slot = a.map(0x1000, A_PAGE, RWX);
    expect(mmu.translate(0x1010, Load, S)).toBe(A_PAGE + 0x10);
    bus.write64(slot, pte(B_PAGE, RWX));
    expect(mmu.translate(0x1010, Load, S)).toBe(A_PAGE + 0x10); // stale: allowed without SFENCE.VMA
    mmu.flush(0x1fff);
    expect(mmu.translate(0x1010, Load, S)).toBe(B_PAGE + 0x10);
    bus.write64(slot, 0n);
    expect(mmu.translate(0x1010, Load, S)).toBe(B_PAGE + 0x10);
    mmu.flush();
    expect(mmu.translate(0x1010, Load, S)).toBe(PF);
  });

  it('a fence for another page keeps this one; a fence for this ASID drops it', () => {
    const { bus, mmu, a } = spaces();
    const slot = a.map(0x1000, A_PAGE, RWX);
    a.map(0x2000, A_PAGE + 0x1000, RWX);
    mmu.translate(0x1000, Store, S);
    mmu.translate(0x1000, Fetch, S);
    bus.write64(slot, pte(B_PAGE, RWX));
    mmu.flush(0x2000);
    mmu.flush(0x1000, 7); // other ASID
    mmu.flush(undefined, 7);
    expect(mmu.translate(0x1000, Store, S)).toBe(A_PAGE);
    expect(mmu.translate(0x1000, Fetch, S)).toBe(A_PAGE);
    mmu.flush(0x1000, 1);
    expect(mmu.translate(0x1000, Store, S)).toBe(B_PAGE);
    expect(mmu.translate(0x1000, Fetch, S)).toBe(B_PAGE);
    bus.write64(slot, pte(A_PAGE, RWX));
    mmu.flush(undefined, 1);
    expect(mmu.translate(0x1000, Load, S)).toBe(A_PAGE);
  });

  it('a fence by address drops every cached slice of a superpage', () => {
    const { bus, mmu, a } = spaces();
    const slot = a.map(0x4000_0000, 0x8000_0000, RWX, 1);
    expect(mmu.translate(0x4000_0000, Load, S)).toBe(0x8000_0000);
    expect(mmu.translate(0x401f_f000, Load, S)).toBe(0x801f_f000);
    bus.write64(slot, pte(0x8200_0000, RWX));
    mmu.flush(0x4010_0000);
    expect(mmu.translate(0x4000_0000, Load, S)).toBe(0x8200_0000);
    expect(mmu.translate(0x401f_f000, Load, S)).toBe(0x821f_f000);
  });

  it('entries are tagged by ASID: switching satp needs no fence', () => {
    const { mmu, a, b, useA, useB } = spaces();
    a.map(0x1000, A_PAGE, RWX | PTE_U);
    b.map(0x1000, B_PAGE, RWX | PTE_U);
    expect(mmu.translate(0x1000, Load, U)).toBe(A_PAGE);
    useB();
    expect(mmu.translate(0x1000, Load, U)).toBe(B_PAGE);
    useA();
    expect(mmu.translate(0x1000, Load, U)).toBe(A_PAGE);
    useB();
    expect(mmu.translate(0x1000, Fetch, U)).toBe(B_PAGE);
  });

  it('entries are tagged by root too: a new root under the same ASID is never served stale', () => {
    const { mmu, a, b, useA, useB } = spaces();
    a.map(0x1000, A_PAGE, RWX);
    b.map(0x1000, B_PAGE, RWX);
    useA(5);
    expect(mmu.translate(0x1000, Load, S)).toBe(A_PAGE);
    useB(5);
    expect(mmu.translate(0x1000, Load, S)).toBe(B_PAGE);
  });

  it('entries are tagged by mode: the same satp root read as Sv48 is walked afresh', () => {
    const { mmu, a } = spaces();
    a.map(0x1000, A_PAGE, RWX); // as Sv48, the root PTE 0 is a pointer too deep: PF
    expect(mmu.translate(0x1000, Load, S)).toBe(A_PAGE);
    mmu.configure(...satp(SatpMode.Sv48, 1, a.root), false, false);
    expect(mmu.translate(0x1000, Load, S)).toBe(PF);
    mmu.configure(...satp(SatpMode.Sv39, 1, a.root), false, false);
    expect(mmu.translate(0x1000, Load, S)).toBe(A_PAGE);
  });

  it('global mappings serve every ASID and survive ASID-specific fences', () => {
    const { bus, mmu, a, useA, useB } = spaces();
    const kernel = -0x40_0000_0000;
    const slot = a.map(kernel, 0x8000_0000, RWX | PTE_G, 2);
    expect(mmu.translate(kernel + 0x10, Load, S)).toBe(0x8000_0010);
    useB(); // table b has no mapping there: the cached global entry answers
    expect(mmu.translate(kernel + 0x10, Load, S)).toBe(0x8000_0010);
    bus.write64(slot, pte(0x4000_0000, RWX | PTE_G));
    mmu.flush(undefined, 2);
    mmu.flush(kernel, 1);
    mmu.flush(undefined, 1);
    useA();
    expect(mmu.translate(kernel + 0x10, Load, S)).toBe(0x8000_0010);
    mmu.flush(kernel);
    expect(mmu.translate(kernel + 0x10, Load, S)).toBe(0x4000_0010);
    bus.write64(slot, pte(0x8000_0000, RWX | PTE_G));
    mmu.flush();
    expect(mmu.translate(kernel + 0x10, Load, S)).toBe(0x8000_0010);
  });

  it('G in a non-leaf PTE makes the mappings below it global', () => {
    const { bus, mmu, a, useB } = spaces();
    a.map(0x1000, A_PAGE, RWX);
    const top = a.slot(0x1000, 2);
    bus.write64(top, bus.read64(top) | BigInt(PTE_G));
    expect(mmu.translate(0x1000, Load, S)).toBe(A_PAGE);
    mmu.flush(undefined, 1);
    useB();
    expect(mmu.translate(0x1000, Load, S)).toBe(A_PAGE);
  });

  it('a store hit needs D cached; a cleared D is not noticed until a fence', () => {
    const { bus, mmu, a } = spaces();
    const slot = a.map(0x1000, A_PAGE, PTE_V | PTE_R | PTE_W);
    expect(mmu.translate(0x1000, Store, S)).toBe(A_PAGE);
    bus.write64(slot, pte(A_PAGE, PTE_V | PTE_R | PTE_W | PTE_A)); // the OS cleans the page
    expect(mmu.translate(0x1000, Store, S)).toBe(A_PAGE);
    expect(bus.read64(slot) & BigInt(PTE_D)).toBe(0n);
    mmu.flush(0x1000);
    expect(mmu.translate(0x1000, Store, S)).toBe(A_PAGE);
    expect(bus.read64(slot) & BigInt(PTE_D)).toBe(BigInt(PTE_D));
  });

  it('a permission a cached entry does not grant is walked, not assumed', () => {
    const { bus, mmu, a } = spaces();
    const slot = a.map(0x1000, A_PAGE, PTE_V | PTE_R | PTE_A);
    expect(mmu.translate(0x1000, Load, S)).toBe(A_PAGE);
    expect(mmu.translate(0x1000, Store, S)).toBe(PF);
    expect(mmu.translate(0x1000, Load, U)).toBe(PF);
    bus.write64(slot, pte(A_PAGE, RWX)); // upgrading permissions without a fence is visible
    expect(mmu.translate(0x1000, Store, S)).toBe(A_PAGE);
  });

  it('many address spaces recycle context slots correctly', () => {
    const { bus, mmu, a } = spaces();
    a.map(0x1000, A_PAGE, RWX);
    const roots: PageTables[] = [];
    for (let k = 0; k < 70; k++) {
      const t = new PageTables(bus, 3, RAM_BASE + (2 << 20) + 0x1_0000 + k * 0x3000);
      t.map(0x1000, B_PAGE + k * 0x1000, RWX);
      roots.push(t);
    }
    for (let round = 0; round < 2; round++) {
      roots.forEach((t, k) => {
        mmu.configure(...satp(SatpMode.Sv39, 3, t.root), false, false);
        expect(mmu.translate(0x1008, Load, S)).toBe(B_PAGE + k * 0x1000 + 8);
      });
    }
  });

  it('a recycled context slot never serves the old address space', () => {
    const { bus, mmu } = spaces();
    const tables: PageTables[] = [];
    for (let k = 0; k <= 64; k++) {
      const t = new PageTables(bus, 3, RAM_BASE + (2 << 20) + 0x1_0000 + k * 0x3000);
      t.map(0x1000 * (k + 2), B_PAGE + k * 0x1000, RWX);
      tables.push(t);
    }
    // Address spaces 0..63 fill the 64 context slots (plus the one `spaces` used).
    for (let k = 0; k < 64; k++) {
      mmu.configure(...satp(SatpMode.Sv39, 9, tables[k]!.root), false, false);
      expect(mmu.translate(0x1000 * (k + 2), Load, S)).toBe(B_PAGE + k * 0x1000);
    }
    mmu.configure(...satp(SatpMode.Sv39, 9, tables[64]!.root), false, false);
    for (let k = 0; k < 64; k++) expect(mmu.translate(0x1000 * (k + 2), Load, S)).toBe(PF);
    expect(mmu.translate(0x1000 * 66, Load, S)).toBe(B_PAGE + 64 * 0x1000);
  });

  it('Bare and M-mode identity answers never collide with paged entries', () => {
    const { mmu, a } = spaces();
    a.map(A_PAGE, B_PAGE, RWX);
    expect(mmu.translate(A_PAGE, Load, S)).toBe(B_PAGE);
    expect(mmu.translate(A_PAGE, Load, 3)).toBe(A_PAGE);
    expect(mmu.translate(A_PAGE, Load, S)).toBe(B_PAGE);
    mmu.configure(0, 0, false, false);
    expect(mmu.translate(A_PAGE, Load, S)).toBe(A_PAGE);
  });
});
