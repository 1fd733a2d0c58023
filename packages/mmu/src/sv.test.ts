import {
  TRANSLATE_ACCESS_FAULT as AF,
  type GuestPhysAddr,
  TRANSLATE_PAGE_FAULT as PF,
} from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { Mmu, SatpMode, satpModeSupported } from './mmu.js';
import { PmpMatch } from './pmp.js';
import {
  DEV_BASE,
  Fetch,
  Load,
  M,
  openPmp,
  PageTables,
  pte,
  RAM_BASE,
  S,
  Store,
  satp,
  setup,
  TestBus,
  U,
} from './test-helpers.js';
import { PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from './walk.js';

const RWX = PTE_V | PTE_R | PTE_W | PTE_X;
const AD = PTE_A | PTE_D;
const ALL = [Fetch, Load, Store] as const;

/** An Mmu in Sv39 (or Sv48) with fresh tables; SUM/MXR as given. */
function paged(levels: 3 | 4 = 3, sum = false, mxr = false) {
  const { bus, mmu } = setup();
  const pt = new PageTables(bus, levels);
  const mode = levels === 3 ? SatpMode.Sv39 : SatpMode.Sv48;
  const use = (s = sum, m = mxr) => mmu.configure(...satp(mode, 1, pt.root), s, m);
  use();
  return { bus, mmu, pt, use };
}

describe('satp modes', () => {
  it('supports Bare, Sv39 and Sv48 only', () => {
    expect([0, 8, 9].map(satpModeSupported)).toEqual([true, true, true]);
    expect([1, 7, 10, 11, 15].map(satpModeSupported)).toEqual([false, false, false, false, false]);
  });

  it('refuses to be configured with an unsupported mode (the hart drops such writes)', () => {
    const mmu = new Mmu(new TestBus());
    expect(() => mmu.configure(...satp(10, 0, RAM_BASE), false, false)).toThrow(RangeError);
  });

  it('Bare satp leaves S and U untranslated', () => {
    const { mmu, use } = paged();
    use();
    mmu.configure(0, 0, false, false);
    expect(mmu.translate(0x1234, Load, S)).toBe(0x1234);
  });
});

describe('Sv39 page sizes', () => {
  it('4 KiB page', () => {
    const { mmu, pt } = paged();
    pt.map(0x1000, 0x8020_0000, RWX | PTE_U | AD);
    expect(mmu.translate(0x1abc, Load, U)).toBe(0x8020_0abc);
    expect(mmu.translate(0x1000, Fetch, U)).toBe(0x8020_0000);
    expect(mmu.translate(0x1ffc, Store, U)).toBe(0x8020_0ffc);
    expect(mmu.translate(0x2000, Load, U)).toBe(PF);
    expect(mmu.translate(0x0ffc, Load, U)).toBe(PF);
  });

  it('2 MiB megapage', () => {
    const { mmu, pt } = paged();
    pt.map(0x4020_0000, 0x8040_0000, RWX | AD, 1);
    expect(mmu.translate(0x4020_0000, Load, S)).toBe(0x8040_0000);
    expect(mmu.translate(0x4031_2345, Store, S)).toBe(0x8051_2345);
    expect(mmu.translate(0x403f_fffc, Fetch, S)).toBe(0x805f_fffc);
    expect(mmu.translate(0x4040_0000, Load, S)).toBe(PF);
  });

  it('1 GiB gigapage, including the sign-extended upper half', () => {
    const { mmu, pt } = paged();
    pt.map(0xc000_0000, 0x8000_0000, RWX | AD, 2);
    expect(mmu.translate(0xd234_5678, Load, S)).toBe(0x9234_5678);
    const kernel = -0x40_0000_0000 + 0x8000_0000; // 0xffff_ffc0_8000_0000
    pt.map(kernel, 0x4000_0000, RWX | AD | PTE_G, 2);
    expect(mmu.translate(kernel + 0x123, Fetch, S)).toBe(0x4000_0123);
    expect(mmu.translate(-1, Load, S)).toBe(PF);
  });

  it('the top of the upper half (va = -4096)', () => {
    const { mmu, pt } = paged();
    pt.map(-4096, 0x8030_0000, PTE_V | PTE_R | AD);
    expect(mmu.translate(-8, Load, S)).toBe(0x8030_0ff8);
  });
});

describe('Sv48', () => {
  it('512 GiB terapage', () => {
    const { mmu, pt } = paged(4);
    pt.map(2 ** 39, 2 ** 40, RWX | AD, 3);
    expect(mmu.translate(2 ** 39 + 0x12_3456_7890, Load, S)).toBe(2 ** 40 + 0x12_3456_7890);
    expect(mmu.translate(2 ** 40 - 8, Store, S)).toBe(2 ** 40 + 2 ** 39 - 8);
  });

  it('4 KiB pages near both ends of the 48-bit space', () => {
    const { mmu, pt } = paged(4);
    pt.map(2 ** 47 - 4096, 0x8020_0000, RWX | PTE_U | AD);
    pt.map(-(2 ** 47), 0x8021_0000, RWX | AD);
    expect(mmu.translate(2 ** 47 - 1, Load, U)).toBe(0x8020_0fff);
    expect(mmu.translate(-(2 ** 47) + 0x10, Fetch, S)).toBe(0x8021_0010);
  });

  it('2 MiB and 1 GiB pages', () => {
    const { mmu, pt } = paged(4);
    pt.map(0x7f_4000_0000, 0x8000_0000, RWX | AD, 2);
    pt.map(0x10_0020_0000, 0x8060_0000, RWX | AD, 1);
    expect(mmu.translate(0x7f_4abc_def0, Load, S)).toBe(0x8abc_def0);
    expect(mmu.translate(0x10_0021_0000, Load, S)).toBe(0x8061_0000);
  });
});

describe('non-canonical addresses', () => {
  it('Sv39 needs bits 63:39 equal to bit 38', () => {
    const { mmu, pt } = paged();
    pt.map(2 ** 38 - 4096, 0x8020_0000, RWX | AD);
    expect(mmu.translate(2 ** 38 - 4096, Load, S)).toBe(0x8020_0000);
    for (const va of [2 ** 38, 2 ** 39, -(2 ** 38) - 1, 2 ** 47 - 4096, -(2 ** 52)]) {
      for (const access of ALL) expect(mmu.translate(va, access, S)).toBe(PF);
    }
  });

  it('Sv48 needs bits 63:48 equal to bit 47', () => {
    const { mmu, pt } = paged(4);
    pt.map(2 ** 38, 0x8020_0000, RWX | AD);
    expect(mmu.translate(2 ** 38, Load, S)).toBe(0x8020_0000);
    expect(mmu.translate(2 ** 47, Load, S)).toBe(PF);
    expect(mmu.translate(-(2 ** 47) - 4096, Store, U)).toBe(PF);
  });
});

describe('malformed page tables', () => {
  it('a misaligned superpage is a page fault', () => {
    const { mmu, pt } = paged(4);
    pt.map(0x4000_0000, 0x8020_1000, RWX | AD, 1); // 2 MiB leaf, PPN[0] != 0
    pt.map(0x8000_0000, 0x8020_0000, RWX | AD, 2); // 1 GiB leaf, PPN[1] != 0
    pt.map(2 ** 39, 2 ** 39 + 2 ** 30, RWX | AD, 3); // 512 GiB leaf, PPN[2] != 0
    for (const access of ALL) {
      expect(mmu.translate(0x4000_0000, access, S)).toBe(PF);
      expect(mmu.translate(0x8000_0000, access, S)).toBe(PF);
      expect(mmu.translate(2 ** 39, access, S)).toBe(PF);
    }
  });

  it('V=0, W without R, and a pointer at level 0 are page faults', () => {
    const { mmu, pt } = paged();
    pt.map(0x1000, 0x8020_0000, PTE_R | PTE_W | AD); // V clear
    pt.map(0x2000, 0x8020_0000, PTE_V | PTE_W | AD);
    pt.map(0x3000, 0x8020_0000, PTE_V | PTE_W | PTE_X | AD);
    pt.map(0x4000, 0x8020_0000, PTE_V); // non-leaf at level 0
    for (const va of [0x1000, 0x2000, 0x3000, 0x4000]) {
      for (const access of ALL) expect(mmu.translate(va, access, S)).toBe(PF);
    }
  });

  it('bits 63:54 of a PTE (N, PBMT, reserved) are page faults', () => {
    for (const bit of [54n, 55n, 60n, 61n, 62n, 63n]) {
      const { bus, mmu, pt } = paged();
      const addr = pt.map(0x1000, 0x8020_0000, RWX | AD);
      expect(mmu.translate(0x1000, Load, S)).toBe(0x8020_0000);
      bus.write64(addr, pte(0x8020_0000, RWX | AD) | (1n << bit));
      mmu.flush();
      expect(mmu.translate(0x1000, Load, S)).toBe(PF);
      // The same bit in a non-leaf PTE.
      const root = pt.slot(0x1000, 2);
      bus.write64(addr, pte(0x8020_0000, RWX | AD));
      bus.write64(root, bus.read64(root) | (1n << bit));
      mmu.flush();
      expect(mmu.translate(0x1000, Load, S)).toBe(PF);
    }
  });

  it('D, A or U in a non-leaf PTE are page faults', () => {
    for (const flag of [PTE_D, PTE_A, PTE_U]) {
      const { bus, mmu, pt } = paged();
      pt.map(0x1000, 0x8020_0000, RWX | AD);
      const mid = pt.slot(0x1000, 1);
      bus.write64(mid, bus.read64(mid) | BigInt(flag));
      expect(mmu.translate(0x1000, Load, S)).toBe(PF);
    }
  });

  it('RSW bits 9:8 are ignored', () => {
    const { mmu, pt } = paged();
    pt.map(0x1000, 0x8020_0000, RWX | AD | 0x300);
    expect(mmu.translate(0x1000, Load, S)).toBe(0x8020_0000);
  });
});

describe('permissions', () => {
  /** Translates with one leaf of `flags` at 0x1000 and reports PF (false) or success (true). */
  function allowed(flags: number, priv: 0 | 1, access: 0 | 1 | 2, sum = false, mxr = false): boolean {
    const { mmu, pt } = paged(3, sum, mxr);
    pt.map(0x1000, 0x8020_0000, PTE_V | AD | flags);
    const r = mmu.translate(0x1008, access, priv);
    if (r !== PF) expect(r).toBe(0x8020_0008);
    return r !== PF;
  }

  it('R, W, X decide load, store and fetch', () => {
    expect([Fetch, Load, Store].map((a) => allowed(PTE_R, S, a))).toEqual([false, true, false]);
    expect([Fetch, Load, Store].map((a) => allowed(PTE_R | PTE_W, S, a))).toEqual([false, true, true]);
    expect([Fetch, Load, Store].map((a) => allowed(PTE_X, S, a))).toEqual([true, false, false]);
    expect([Fetch, Load, Store].map((a) => allowed(PTE_R | PTE_X, S, a))).toEqual([true, true, false]);
    expect([Fetch, Load, Store].map((a) => allowed(PTE_R | PTE_W | PTE_X, S, a))).toEqual([true, true, true]);
  });

  it('U-mode reaches only U pages', () => {
    for (const access of ALL) {
      expect(allowed(PTE_R | PTE_W | PTE_X, U, access)).toBe(false);
      expect(allowed(PTE_R | PTE_W | PTE_X | PTE_U, U, access)).toBe(true);
      expect(allowed(PTE_R | PTE_W | PTE_X, U, access, true, true)).toBe(false);
    }
  });

  it('S-mode loads and stores U pages only with SUM, and never fetches from them', () => {
    const u = PTE_R | PTE_W | PTE_X | PTE_U;
    expect([Fetch, Load, Store].map((a) => allowed(u, S, a))).toEqual([false, false, false]);
    expect([Fetch, Load, Store].map((a) => allowed(u, S, a, true))).toEqual([false, true, true]);
    expect([Fetch, Load, Store].map((a) => allowed(u, S, a, true, true))).toEqual([false, true, true]);
  });

  it('MXR makes execute-only pages readable, for S and U', () => {
    expect(allowed(PTE_X, S, Load, false, true)).toBe(true);
    expect(allowed(PTE_X, S, Store, false, true)).toBe(false);
    expect(allowed(PTE_X | PTE_U, U, Load, false, false)).toBe(false);
    expect(allowed(PTE_X | PTE_U, U, Load, false, true)).toBe(true);
    expect(allowed(PTE_X | PTE_U, S, Load, true, true)).toBe(true);
    expect(allowed(PTE_X | PTE_U, S, Load, false, true)).toBe(false);
  });

  it('SUM and MXR changes apply at once, without a fence', () => {
    const { mmu, pt, use } = paged();
    pt.map(0x1000, 0x8020_0000, PTE_V | PTE_X | PTE_U | AD);
    use(true, true);
    expect(mmu.translate(0x1000, Load, S)).toBe(0x8020_0000);
    use(false, true);
    expect(mmu.translate(0x1000, Load, S)).toBe(PF);
    use(true, false);
    expect(mmu.translate(0x1000, Load, S)).toBe(PF);
    use(true, true);
    expect(mmu.translate(0x1000, Load, S)).toBe(0x8020_0000);
  });
});

describe('A and D bits (updated by the MMU, Svadu-style)', () => {
  it('a load or fetch sets A, a store sets A and D', () => {
    const { bus, mmu, pt } = paged();
    const a1 = pt.map(0x1000, 0x8020_0000, RWX);
    const a2 = pt.map(0x2000, 0x8020_1000, RWX);
    const a3 = pt.map(0x3000, 0x8020_2000, RWX);
    expect(mmu.translate(0x1000, Load, S)).toBe(0x8020_0000);
    expect(bus.read64(a1)).toBe(pte(0x8020_0000, RWX | PTE_A));
    expect(mmu.translate(0x2000, Fetch, S)).toBe(0x8020_1000);
    expect(bus.read64(a2)).toBe(pte(0x8020_1000, RWX | PTE_A));
    expect(mmu.translate(0x3000, Store, S)).toBe(0x8020_2000);
    expect(bus.read64(a3)).toBe(pte(0x8020_2000, RWX | PTE_A | PTE_D));
  });

  it('a store after a cached load still walks to set D', () => {
    const { bus, mmu, pt } = paged();
    const addr = pt.map(0x1000, 0x8020_0000, PTE_V | PTE_R | PTE_W);
    mmu.translate(0x1000, Load, S);
    mmu.translate(0x1000, Load, S);
    expect(bus.read64(addr)).toBe(pte(0x8020_0000, PTE_V | PTE_R | PTE_W | PTE_A));
    expect(mmu.translate(0x1004, Store, S)).toBe(0x8020_0004);
    expect(bus.read64(addr)).toBe(pte(0x8020_0000, PTE_V | PTE_R | PTE_W | AD));
  });

  it('a faulting access leaves A and D alone', () => {
    const { bus, mmu, pt } = paged();
    const addr = pt.map(0x1000, 0x8020_0000, PTE_V | PTE_R | PTE_U);
    expect(mmu.translate(0x1000, Store, U)).toBe(PF);
    expect(mmu.translate(0x1000, Load, S)).toBe(PF);
    expect(bus.read64(addr)).toBe(pte(0x8020_0000, PTE_V | PTE_R | PTE_U));
  });

  it('A/D on a superpage leaf, the other PTE bits and the high word untouched', () => {
    const { bus, mmu, pt } = paged();
    const addr = pt.map(0x4000_0000, 2 ** 44, RWX | PTE_G | 0x300, 2);
    expect(mmu.translate(0x4000_0010, Store, S)).toBe(2 ** 44 + 0x10);
    expect(bus.read64(addr)).toBe(pte(2 ** 44, RWX | PTE_G | 0x300 | AD));
  });

  it('an A/D update the PMP forbids (S-mode write to the table) is an access fault', () => {
    const { bus, mmu, pt } = paged();
    pt.map(0x1000, 0x8020_0000, RWX);
    const done = pt.map(0x2000, 0x8020_1000, RWX | AD);
    // Entry 0: the page-table area read-only for S; entry 1: everything else.
    const napot = (BigInt(RAM_BASE + (1 << 20)) + (1n << 19n) - 1n) >> 2n; // 1 MiB
    mmu.writePmpaddr(0, Number(napot & 0xffff_ffffn) | 0, Number(napot >> 32n));
    mmu.writePmpaddr(1, -1, -1);
    mmu.writePmpcfg(0, (PmpMatch.Napot << 3) | 1 | ((0x1f | 0) << 8), 0);
    expect(mmu.translate(0x1000, Load, S)).toBe(AF);
    expect(mmu.translate(0x2000, Store, S)).toBe(0x8020_1000); // A and D already set
    expect(bus.read64(done)).toBe(pte(0x8020_1000, RWX | AD));
  });
});

describe('where page tables live', () => {
  it('a PTE address with nothing there is an access fault', () => {
    const { mmu } = setup();
    mmu.configure(...satp(SatpMode.Sv39, 0, 0x2000_0000), false, false);
    for (const access of ALL) expect(mmu.translate(0x1000, access, S)).toBe(AF);
    mmu.configure(...satp(SatpMode.Sv39, 0, RAM_BASE + (4 << 20)), false, false); // just past RAM
    expect(mmu.translate(0x1000, Load, S)).toBe(AF);
  });

  it('a PTE pointing past 2^53 (nothing in hvkit) is an access fault', () => {
    const { bus, mmu, pt } = paged();
    pt.map(0x1000, 0x8020_0000, RWX | AD);
    bus.write64(pt.slot(0x1000, 0), (1n << 53n) | BigInt(RWX | AD)); // PPN bit 43: pa 2^55
    expect(mmu.translate(0x1000, Load, S)).toBe(AF);
    bus.write64(pt.slot(0x1000, 1), (1n << 53n) | BigInt(PTE_V)); // next table at 2^55
    mmu.flush();
    expect(mmu.translate(0x1000, Load, S)).toBe(AF);
  });

  it('tables in a device window are read and updated through bus.read/write', () => {
    const { bus, mmu } = setup();
    // A one-level Sv39 path: root at DEV_BASE with a 1 GiB leaf at index 2.
    bus.write64(DEV_BASE + 2 * 8, pte(0x8000_0000, RWX));
    mmu.configure(...satp(SatpMode.Sv39, 0, DEV_BASE), false, false);
    expect(mmu.translate(0x8765_4320, Store, S)).toBe(0x8765_4320);
    expect(bus.devReads).toBeGreaterThan(0);
    expect(bus.devWrites).toBe(1);
    expect(bus.read64(DEV_BASE + 16)).toBe(pte(0x8000_0000, RWX | AD));
  });

  it('a device-window PTE that changes under the A/D update is walked again, a few times at most', () => {
    // Every read of the PTE's low word flips RSW bit 8, so the compare-and-store never matches.
    class FlakyBus extends TestBus {
      override read(addr: GuestPhysAddr, size: 1 | 2 | 4): number {
        const v = super.read(addr, size);
        if (addr === DEV_BASE + 16) this.dev[17]! ^= 0x01;
        return v;
      }
    }
    const bus = new FlakyBus();
    const mmu = new Mmu(bus);
    openPmp(mmu);
    bus.write64(DEV_BASE + 16, pte(0x8000_0000, RWX));
    mmu.configure(...satp(SatpMode.Sv39, 0, DEV_BASE), false, false);
    expect(mmu.translate(0x8000_0000, Load, S)).toBe(AF);
    expect(mmu.walks).toBe(4);
    expect(bus.devWrites).toBe(0);
    // A PTE that already has A set needs no update and translates.
    bus.write64(DEV_BASE + 16, pte(0x8000_0000, RWX | PTE_A));
    expect(mmu.translate(0x8000_0000, Load, S)).toBe(0x8000_0000);
  });

  it('PMP checks each page-table read as an S-mode read, also when M-mode uses MPRV', () => {
    const { bus, mmu, pt } = paged();
    pt.map(0x1000, 0x8020_0000, RWX | AD);
    // Entry 0: TOR up to the tables (RWX), nothing for S/U past it.
    const top = (RAM_BASE + (1 << 20)) / 4;
    mmu.writePmpaddr(0, top | 0, 0);
    mmu.writePmpcfg(0, (PmpMatch.Tor << 3) | 7, 0);
    expect(mmu.translate(0x1000, Load, S)).toBe(AF); // the hart passes S for M with MPRV=1, MPP=S
    expect(mmu.translate(pt.root, Load, M)).toBe(pt.root);
    expect(bus.read64(pt.slot(0x1000, 0))).toBe(pte(0x8020_0000, RWX | AD));
  });
});

describe('PMP on the translated address', () => {
  it('is checked after the page checks: a page fault wins over a PMP fault', () => {
    const { mmu, pt } = paged();
    pt.map(0x1000, 0x9000_0000, PTE_V | PTE_R | AD);
    // Entry 0 denies 0x9000_0000.. to S; entry 1 opens the rest.
    const napot = (0x9000_0000 + 0x400 - 1) >>> 2; // 2 KiB NAPOT
    mmu.writePmpaddr(0, napot | 0, 0);
    mmu.writePmpaddr(1, -1, -1);
    mmu.writePmpcfg(0, (PmpMatch.Napot << 3) | ((0x1f | 0) << 8), 0);
    expect(mmu.translate(0x1000, Load, S)).toBe(AF);
    expect(mmu.translate(0x1000, Store, S)).toBe(PF);
    expect(mmu.translate(0x1000, Fetch, S)).toBe(PF);
  });

  it('follows PMP permissions per access kind', () => {
    const { mmu, pt } = paged();
    pt.map(0x1000, 0x9000_0000, RWX | AD);
    const napot = (0x9000_0000 + 0x400 - 1) >>> 2; // 2 KiB NAPOT
    mmu.writePmpaddr(0, napot | 0, 0);
    mmu.writePmpaddr(1, -1, -1);
    mmu.writePmpcfg(0, (PmpMatch.Napot << 3) | 4 | ((0x1f | 0) << 8), 0); // X only
    expect(mmu.translate(0x1000, Fetch, S)).toBe(0x9000_0000);
    expect(mmu.translate(0x1000, Load, S)).toBe(AF);
    expect(mmu.translate(0x1000, Store, S)).toBe(AF);
    expect(mmu.translate(0x1000, Fetch, S)).toBe(0x9000_0000);
  });
});
