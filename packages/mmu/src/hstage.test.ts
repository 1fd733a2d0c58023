// Two-stage translation (H extension): VS-stage under vsatp, G-stage under hgatp.
import {
  TRANSLATE_ACCESS_FAULT as AF,
  TRANSLATE_GUEST_PAGE_FAULT as GPF,
  TRANSLATE_PAGE_FAULT as PF,
  TRANSLATE_HLVX,
  TRANSLATE_VIRT as VIRT,
} from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { HgatpMode, SatpMode } from './mmu.js';
import { Fetch, Load, pte, RAM_BASE, S, Store, satp, setup, type TestBus, U } from './test-helpers.js';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from './walk.js';

const AD = PTE_A | PTE_D;
const URWX = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | AD;

/**
 * Page tables for either stage. Table addresses are in the stage's input space shifted by
 * `offset` to reach RAM (VS-stage tables live at guest physical addresses); a G-stage root
 * (`topBits` 2) is 16 KiB, 16 KiB aligned, with an 11-bit index.
 */
class Tables {
  readonly root: number;
  private next: number;
  constructor(
    readonly bus: TestBus,
    readonly levels: 3 | 4,
    first: number,
    readonly topBits = 0,
    readonly offset = 0,
  ) {
    this.next = first;
    this.root = this.alloc(topBits === 2 ? 4 : 1);
  }
  alloc(pages = 1): number {
    const a = this.next;
    this.next += 4096 * pages;
    const off = a + this.offset - RAM_BASE;
    this.bus.ram.bytes.fill(0, off, off + 4096 * pages);
    return a;
  }
  slot(addr: number, level: number): number {
    const v = BigInt.asUintN(64, BigInt(addr));
    let table = this.root;
    for (let i = this.levels - 1; ; i--) {
      const mask = i === this.levels - 1 ? (1n << BigInt(9 + this.topBits)) - 1n : 0x1ffn;
      const entry = table + Number((v >> BigInt(12 + 9 * i)) & mask) * 8;
      if (i === level) return entry;
      const cur = this.bus.read64(entry + this.offset);
      if ((cur & 1n) === 0n) {
        const t = this.alloc();
        this.bus.write64(entry + this.offset, pte(t, PTE_V));
        table = t;
      } else table = Number((cur >> 10n) & ((1n << 44n) - 1n)) * 4096;
    }
  }
  map(addr: number, pa: number, flags: number, level = 0): number {
    const e = this.slot(addr, level);
    this.bus.write64(e + this.offset, pte(pa, flags));
    return e;
  }
  set(entry: number, value: bigint): void {
    this.bus.write64(entry + this.offset, value);
  }
  get(entry: number): bigint {
    return this.bus.read64(entry + this.offset);
  }
}

/** hgatp for `mode` and a root at `rootPa`, as [lo, hi]. */
const hgatp = (mode: number, rootPa: number) => satp(mode, 0, rootPa);

// Guest RAM: GPA 0x8000_0000 (2 MiB) is host PA 0x8020_0000. G-stage tables at PA 0x8010_0000.
const GUEST_GPA = 0x8000_0000;
const GUEST_PA = RAM_BASE + 0x20_0000;
const DELTA = GUEST_PA - GUEST_GPA;

function twoStage(opts: { gLevels?: 3 | 4; vs?: boolean; vsLevels?: 3 | 4; mxr?: boolean } = {}) {
  const { bus, mmu } = setup();
  const gLevels = opts.gLevels ?? 3;
  const g = new Tables(bus, gLevels, RAM_BASE + 0x10_0000, 2);
  g.map(GUEST_GPA, GUEST_PA, URWX, 1); // 2 MiB G-stage superpage
  const vs = new Tables(bus, opts.vsLevels ?? 3, GUEST_GPA + 0x10_0000, 0, DELTA);
  const gMode = gLevels === 3 ? HgatpMode.Sv39x4 : HgatpMode.Sv48x4;
  const vsMode = opts.vs === false ? 0 : (opts.vsLevels ?? 3) === 3 ? SatpMode.Sv39 : SatpMode.Sv48;
  const use = (sum = false, vsMxr = false, mxr = opts.mxr ?? false) =>
    mmu.configureGuest(...satp(vsMode, 0, vs.root), ...hgatp(gMode, g.root), sum, vsMxr, mxr);
  use();
  return { bus, mmu, g, vs, use };
}

describe('G-stage (hgatp Sv39x4, Sv48x4)', () => {
  it('vsatp Bare: the guest physical address goes through the G-stage only', () => {
    const { mmu } = twoStage({ vs: false });
    expect(mmu.translate(GUEST_GPA + 0x1234, Load, S, VIRT)).toBe(GUEST_PA + 0x1234);
    expect(mmu.translate(GUEST_GPA + 0x1234, Fetch, U, VIRT)).toBe(GUEST_PA + 0x1234);
    expect(mmu.translate(GUEST_GPA + 0x20_0000, Load, S, VIRT)).toBe(GPF); // outside the 2 MiB page
    expect(mmu.lastGuestFaultGpa()).toBe(GUEST_GPA + 0x20_0000);
    expect(mmu.lastGuestFaultImplicit()).toBe(false);
  });

  it('every G-stage leaf must have U=1, even for VS-mode accesses', () => {
    const { mmu, g, use } = twoStage({ vs: false });
    g.map(0x4000_0000, RAM_BASE, PTE_V | PTE_R | PTE_W | PTE_X | AD);
    use();
    for (const a of [Fetch, Load, Store]) expect(mmu.translate(0x4000_0010, a, S, VIRT)).toBe(GPF);
    expect(mmu.lastGuestFaultGpa()).toBe(0x4000_0010);
  });

  it('checks R, W and X per access; mstatus.MXR makes execute-only readable', () => {
    const { mmu, g, use } = twoStage({ vs: false });
    g.map(0x4000_0000, RAM_BASE, PTE_V | PTE_R | PTE_U | AD);
    g.map(0x4000_1000, RAM_BASE + 0x1000, PTE_V | PTE_X | PTE_U | AD);
    use();
    expect(mmu.translate(0x4000_0000, Load, S, VIRT)).toBe(RAM_BASE);
    expect(mmu.translate(0x4000_0000, Store, S, VIRT)).toBe(GPF);
    expect(mmu.translate(0x4000_0000, Fetch, S, VIRT)).toBe(GPF);
    expect(mmu.translate(0x4000_1000, Fetch, S, VIRT)).toBe(RAM_BASE + 0x1000);
    expect(mmu.translate(0x4000_1000, Load, S, VIRT)).toBe(GPF);
    use(false, true, false); // vsstatus.MXR does not reach the G-stage
    expect(mmu.translate(0x4000_1000, Load, S, VIRT)).toBe(GPF);
    use(false, false, true);
    expect(mmu.translate(0x4000_1000, Load, S, VIRT)).toBe(RAM_BASE + 0x1000);
  });

  it('the Sv39x4 root is 16 KiB: GPAs up to 2^41 translate, bits above fault', () => {
    const { mmu, g, use } = twoStage({ vs: false });
    const high = 2 ** 40 + 2 ** 39 + 0x5000; // root index 3 * 512: the root's fourth page
    g.map(high, RAM_BASE + 0x3000, URWX);
    const rootEntry = g.slot(high, 2);
    expect(rootEntry).toBeLessThan(g.root + 0x4000);
    expect(rootEntry).toBeGreaterThanOrEqual(g.root + 0x3000);
    use();
    expect(mmu.translate(high + 8, Load, S, VIRT)).toBe(RAM_BASE + 0x3008);
    expect(mmu.translate(2 ** 41 + 0x5000, Load, S, VIRT)).toBe(GPF);
    expect(mmu.lastGuestFaultGpa()).toBe(2 ** 41 + 0x5000);
  });

  it('hgatp.PPN bits 1:0 are ignored (the root is 16 KiB aligned)', () => {
    const { mmu, g, vs } = twoStage({ vs: false });
    const [lo, hi] = hgatp(HgatpMode.Sv39x4, g.root);
    mmu.configureGuest(...satp(0, 0, vs.root), lo | 3, hi, false, false, false);
    expect(mmu.translate(GUEST_GPA, Load, S, VIRT)).toBe(GUEST_PA);
  });

  it('Sv48x4 walks four levels with a 16 KiB root; 1 GiB leaves work', () => {
    const { mmu, g, use } = twoStage({ vs: false, gLevels: 4 });
    const high = 2 ** 49 + 0x4000_0000; // root index 1024 (bits 49:48 = 2)
    g.map(high, RAM_BASE, URWX, 2);
    g.map(2 ** 30 * 3, RAM_BASE + 0x20_0000, URWX, 2); // misaligned 1 GiB superpage
    use();
    expect(mmu.translate(high + 0x12_3456, Load, U, VIRT)).toBe(RAM_BASE + 0x12_3456);
    expect(mmu.translate(2 ** 30 * 3, Load, U, VIRT)).toBe(GPF);
    expect(mmu.translate(2 ** 50, Load, U, VIRT)).toBe(GPF);
  });

  it('sets A and D in G-stage leaves', () => {
    const { mmu, g, use } = twoStage({ vs: false });
    const e = g.map(0x4000_0000, RAM_BASE, PTE_V | PTE_R | PTE_W | PTE_U);
    use();
    expect(mmu.translate(0x4000_0000, Load, S, VIRT)).toBe(RAM_BASE);
    expect(g.get(e) & BigInt(AD)).toBe(BigInt(PTE_A));
    expect(mmu.translate(0x4000_0000, Store, S, VIRT)).toBe(RAM_BASE);
    expect(g.get(e) & BigInt(AD)).toBe(BigInt(AD));
  });

  it('PMP applies to the final physical address at the nominal privilege', () => {
    const { mmu } = twoStage({ vs: false });
    mmu.writePmpaddr(0, (GUEST_PA + 0x1000) / 4, 0); // TOR: [0, GUEST_PA + 4 KiB) RWX
    mmu.writePmpcfg(0, 0x0f, 0);
    expect(mmu.translate(GUEST_GPA + 0x10, Load, S, VIRT)).toBe(GUEST_PA + 0x10);
    expect(mmu.translate(GUEST_GPA + 0x1010, Load, S, VIRT)).toBe(AF);
  });
});

describe('VS-stage under the G-stage', () => {
  it('translates VA -> GPA -> PA, with superpages at both stages', () => {
    const { mmu, vs, use } = twoStage();
    vs.map(0x4000_0000, GUEST_GPA, URWX, 1); // 2 MiB VS leaf onto the 2 MiB G leaf
    vs.map(0x1000, GUEST_GPA + 0x5000, PTE_V | PTE_R | PTE_W | AD); // S-only 4 KiB page
    use();
    expect(mmu.translate(0x4012_3456, Load, U, VIRT)).toBe(GUEST_PA + 0x12_3456);
    expect(mmu.translate(0x1008, Store, S, VIRT)).toBe(GUEST_PA + 0x5008);
    expect(mmu.translate(0x1008, Load, U, VIRT)).toBe(PF); // VS-stage U rule is the guest's
    expect(mmu.translate(0x1008, Fetch, S, VIRT)).toBe(PF);
  });

  it('vsstatus.SUM lets VS-mode load from U pages', () => {
    const { mmu, vs, use } = twoStage();
    vs.map(0x2000, GUEST_GPA + 0x6000, URWX);
    use();
    expect(mmu.translate(0x2000, Load, S, VIRT)).toBe(PF);
    use(true);
    expect(mmu.translate(0x2000, Load, S, VIRT)).toBe(GUEST_PA + 0x6000);
  });

  it('a VS leaf whose GPA is not mapped at the G-stage: guest-page fault with that GPA', () => {
    const { mmu, vs, use } = twoStage();
    vs.map(0x3000, 0x9000_0000, URWX);
    use();
    expect(mmu.translate(0x3abc, Load, U, VIRT)).toBe(GPF);
    expect(mmu.lastGuestFaultGpa()).toBe(0x9000_0abc);
    expect(mmu.lastGuestFaultImplicit()).toBe(false);
  });

  it('a VS page table outside the G-stage mapping: implicit guest-page fault at the PTE address', () => {
    const { mmu, g, use, vs } = twoStage();
    // Point a VS non-leaf at GPA 0x9000_0000 (not mapped at the G-stage).
    const e = vs.slot(0x5000, 1);
    vs.set(e, pte(0x9000_0000, PTE_V));
    void g;
    use();
    expect(mmu.translate(0x5000, Fetch, S, VIRT)).toBe(GPF);
    expect(mmu.lastGuestFaultImplicit()).toBe(true);
    expect(mmu.lastGuestFaultWrite()).toBe(false);
    expect(mmu.lastGuestFaultGpa()).toBe(0x9000_0000 + 5 * 8);
  });

  it('the VS A/D update is a G-stage store: a read-only table page gives an implicit write fault', () => {
    const { mmu, g, vs, use } = twoStage();
    const leafEntry = vs.map(0x6000, GUEST_GPA + 0x7000, PTE_V | PTE_R | PTE_W | PTE_U); // A and D clear
    const leafTablePage = Math.floor(leafEntry / 4096) * 4096;
    // Remap that table page read-only at the G-stage (4 KiB G leaf inside a new table).
    const gEntry = g.slot(leafTablePage, 1);
    g.bus.write64(gEntry, 0n);
    for (let off = 0; off < 0x20_0000; off += 0x1000) {
      const flags = GUEST_GPA + off === leafTablePage ? PTE_V | PTE_R | PTE_U | AD : URWX;
      g.map(GUEST_GPA + off, GUEST_PA + off, flags);
    }
    use();
    expect(mmu.translate(0x6000, Load, U, VIRT)).toBe(GPF);
    expect(mmu.lastGuestFaultImplicit()).toBe(true);
    expect(mmu.lastGuestFaultWrite()).toBe(true);
    expect(mmu.lastGuestFaultGpa()).toBe(leafEntry);
    vs.set(leafEntry, pte(GUEST_GPA + 0x7000, PTE_V | PTE_R | PTE_W | PTE_U | AD));
    expect(mmu.translate(0x6000, Store, U, VIRT)).toBe(GUEST_PA + 0x7000);
  });

  it('Sv48 VS-stage', () => {
    const { mmu, vs, use } = twoStage({ vsLevels: 4 });
    vs.map(2 ** 46, GUEST_GPA + 0x8000, URWX);
    use();
    expect(mmu.translate(2 ** 46 + 4, Load, U, VIRT)).toBe(GUEST_PA + 0x8004);
    expect(mmu.translate(2 ** 47, Load, U, VIRT)).toBe(PF); // not canonical
  });

  it('HLVX needs execute permission at both stages instead of read', () => {
    const { mmu, vs, use } = twoStage();
    vs.map(0x7000, GUEST_GPA + 0x9000, PTE_V | PTE_X | PTE_U | AD);
    vs.map(0x8000, GUEST_GPA + 0xa000, PTE_V | PTE_R | PTE_U | AD);
    use();
    expect(mmu.translate(0x7000, Load, U, VIRT)).toBe(PF);
    expect(mmu.translate(0x7000, Load, U, VIRT | TRANSLATE_HLVX)).toBe(GUEST_PA + 0x9000);
    expect(mmu.translate(0x8000, Load, U, VIRT | TRANSLATE_HLVX)).toBe(PF);
  });
});

describe('V=1 TLB entries', () => {
  it('never hit for V=0 and V=0 entries never hit for V=1', () => {
    const { mmu, vs, use } = twoStage();
    vs.map(0x1000, GUEST_GPA + 0x3000, URWX);
    use();
    expect(mmu.translate(0x1000, Load, U, VIRT)).toBe(GUEST_PA + 0x3000);
    expect(mmu.translate(0x1000, Load, S)).toBe(0x1000); // satp Bare at V=0
    expect(mmu.translate(0x1000, Load, U, VIRT)).toBe(GUEST_PA + 0x3000);
  });

  it('are dropped by HFENCE.VVMA', () => {
    const { mmu, vs, use } = twoStage();
    const e = vs.map(0x1000, GUEST_GPA + 0x3000, URWX);
    use();
    expect(mmu.translate(0x1000, Load, U, VIRT)).toBe(GUEST_PA + 0x3000);
    vs.set(e, pte(GUEST_GPA + 0x4000, URWX));
    expect(mmu.translate(0x1000, Load, U, VIRT)).toBe(GUEST_PA + 0x3000); // cached
    mmu.hfenceVvma();
    expect(mmu.translate(0x1000, Load, U, VIRT)).toBe(GUEST_PA + 0x4000);
  });

  it('G-stage changes show after HFENCE.GVMA, and an hgatp change drops the old entries', () => {
    const { mmu, g, vs, use } = twoStage({ vs: false });
    const e = g.map(0x4000_0000, RAM_BASE, URWX);
    use();
    expect(mmu.translate(0x4000_0000, Load, U, VIRT)).toBe(RAM_BASE);
    g.set(e, pte(RAM_BASE + 0x1000, URWX));
    expect(mmu.translate(0x4000_0000, Load, U, VIRT)).toBe(RAM_BASE); // cached
    mmu.hfenceGvma();
    expect(mmu.translate(0x4000_0000, Load, U, VIRT)).toBe(RAM_BASE + 0x1000);
    mmu.configureGuest(...satp(0, 0, vs.root), ...hgatp(HgatpMode.Bare, 0), false, false, false);
    expect(mmu.translate(0x4000_0000, Load, U, VIRT)).toBe(0x4000_0000); // GPA = PA now
  });

  it('a store through a clean (D=0) G-stage leaf walks again to set D', () => {
    const { mmu, g, use } = twoStage({ vs: false });
    const e = g.map(0x4000_0000, RAM_BASE, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A);
    use();
    expect(mmu.translate(0x4000_0000, Load, S, VIRT)).toBe(RAM_BASE);
    expect(mmu.translate(0x4000_0000, Store, S, VIRT)).toBe(RAM_BASE);
    expect(g.get(e) & BigInt(PTE_D)).toBe(BigInt(PTE_D));
  });
});
