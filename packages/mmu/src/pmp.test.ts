import { TRANSLATE_ACCESS_FAULT as AF } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { Mmu } from './mmu.js';
import { PMP_L, PmpMatch } from './pmp.js';
import { Fetch, Load, M, RAM_BASE, S, Store, setup, TestBus, U } from './test-helpers.js';

const R = 1;
const W = 2;
const X = 4;
const TOR = PmpMatch.Tor << 3;
const NA4 = PmpMatch.Na4 << 3;
const NAPOT = PmpMatch.Napot << 3;

/** pmpaddr for a NAPOT region of `size` bytes (a power of two >= 8) at `base`. */
function napot(base: number, size: number): [number, number] {
  const v = BigInt(base + size / 2 - 1) >> 2n;
  return [Number(v & 0xffff_ffffn) | 0, Number(v >> 32n) | 0];
}

/** pmpaddr holding address `pa` (for TOR and NA4). */
function word(pa: number): [number, number] {
  const v = BigInt(pa) >> 2n;
  return [Number(v & 0xffff_ffffn) | 0, Number(v >> 32n) | 0];
}

/** A fresh Mmu with every PMP entry OFF (reset state). */
function fresh(): Mmu {
  return new Mmu(new TestBus());
}

/** Writes pmp`i`cfg alone (entries 0..7), leaving the others zero. */
function cfg(mmu: Mmu, entries: number[]): void {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < entries.length && i < 8; i++) {
    if (i < 4) lo |= entries[i]! << (8 * i);
    else hi |= entries[i]! << (8 * (i - 4));
  }
  mmu.writePmpcfg(0, lo, hi);
}

function readCfg(mmu: Mmu, index: number): [number, number] {
  const out = new Int32Array(2);
  mmu.readPmpcfg(index, out);
  return [out[0]!, out[1]!];
}

function readAddr(mmu: Mmu, index: number): [number, number] {
  const out = new Int32Array(2);
  mmu.readPmpaddr(index, out);
  return [out[0]!, out[1]!];
}

describe('PMP with no entry enabled', () => {
  it('lets M-mode access anything and denies S and U (16 entries are implemented)', () => {
    const mmu = fresh();
    for (const access of [Fetch, Load, Store] as const) {
      expect(mmu.translate(RAM_BASE, access, M)).toBe(RAM_BASE);
      expect(mmu.translate(RAM_BASE, access, S)).toBe(AF);
      expect(mmu.translate(RAM_BASE, access, U)).toBe(AF);
    }
  });
});

describe('Bare translation', () => {
  it('is the identity for S and U once PMP allows them', () => {
    const { mmu } = setup();
    expect(mmu.translate(0x8020_1234, Load, S)).toBe(0x8020_1234);
    expect(mmu.translate(0x1000, Fetch, U)).toBe(0x1000);
    expect(mmu.translate(0, Store, S)).toBe(0);
  });

  it('faults addresses outside [0, 2^56) and those hvkit cannot hold (>= 2^53)', () => {
    const { mmu } = setup();
    for (const priv of [M, S] as const) {
      expect(mmu.translate(-4096, Load, priv)).toBe(AF);
      expect(mmu.translate(-1, Fetch, priv)).toBe(AF);
      expect(mmu.translate(2 ** 56, Store, priv)).toBe(AF);
      expect(mmu.translate(2 ** 53, Load, priv)).toBe(AF);
    }
    expect(mmu.translate(2 ** 53 - 8, Load, M)).toBe(2 ** 53 - 8);
  });

  it('never translates M-mode even with satp set', () => {
    const { mmu } = setup();
    mmu.configure(0x80100, 0x8000_0000 | 0, false, false);
    expect(mmu.translate(0x8000_0000, Fetch, M)).toBe(0x8000_0000);
  });
});

describe('PMP matching', () => {
  it('NAPOT of all ones covers the whole address space', () => {
    const { mmu } = setup();
    expect(mmu.translate(2 ** 53 - 4096, Store, U)).toBe(2 ** 53 - 4096);
  });

  it('NAPOT regions: base and size from the trailing ones', () => {
    const mmu = fresh();
    const [lo, hi] = napot(0x8000_0000, 0x1_0000); // 64 KiB
    mmu.writePmpaddr(0, lo, hi);
    cfg(mmu, [NAPOT | R]);
    expect(mmu.translate(0x8000_0000, Load, S)).toBe(0x8000_0000);
    expect(mmu.translate(0x8000_fffc, Load, S)).toBe(0x8000_fffc);
    expect(mmu.translate(0x8001_0000, Load, S)).toBe(AF);
    expect(mmu.translate(0x7fff_fffc, Load, S)).toBe(AF);
    expect(mmu.translate(0x8000_0000, Store, S)).toBe(AF);
    expect(mmu.translate(0x8000_0000, Fetch, S)).toBe(AF);
  });

  it('NAPOT of 8 bytes (pmpaddr ending in 0)', () => {
    const mmu = fresh();
    const [lo, hi] = napot(0x8000_0010, 8);
    expect(lo & 1).toBe(0);
    mmu.writePmpaddr(0, lo, hi);
    cfg(mmu, [NAPOT | R | W]);
    expect(mmu.translate(0x8000_000c, Load, S)).toBe(AF);
    expect(mmu.translate(0x8000_0010, Load, S)).toBe(0x8000_0010);
    expect(mmu.translate(0x8000_0014, Store, U)).toBe(0x8000_0014);
    expect(mmu.translate(0x8000_0018, Load, S)).toBe(AF);
  });

  it('NAPOT above 4 GiB uses the high half of pmpaddr', () => {
    const mmu = fresh();
    const [lo, hi] = napot(0x12_0000_0000, 0x1000);
    expect(hi).toBe(0x12 >> 2);
    mmu.writePmpaddr(0, lo, hi);
    cfg(mmu, [NAPOT | X]);
    expect(mmu.translate(0x12_0000_0ffc, Fetch, U)).toBe(0x12_0000_0ffc);
    expect(mmu.translate(0x12_0000_1000, Fetch, U)).toBe(AF);
    expect(mmu.translate(0x2_0000_0000, Fetch, U)).toBe(AF);
  });

  it('NA4 matches exactly four bytes', () => {
    const mmu = fresh();
    const [lo, hi] = word(0x8000_0104);
    mmu.writePmpaddr(0, lo, hi);
    cfg(mmu, [NA4 | W | R]);
    expect(mmu.translate(0x8000_0100, Store, S)).toBe(AF);
    expect(mmu.translate(0x8000_0104, Store, S)).toBe(0x8000_0104);
    expect(mmu.translate(0x8000_0107, Store, S)).toBe(0x8000_0107);
    expect(mmu.translate(0x8000_0108, Store, S)).toBe(AF);
    // Same page, asked again: a page holding an entry boundary is never cached.
    expect(mmu.translate(0x8000_0100, Store, S)).toBe(AF);
    expect(mmu.translate(0x8000_0104, Store, S)).toBe(0x8000_0104);
  });

  it('TOR: entry 0 uses zero as its bottom, entry i uses pmpaddr i-1', () => {
    const mmu = fresh();
    mmu.writePmpaddr(0, ...word(0x8000_0000));
    mmu.writePmpaddr(1, ...word(0x8020_0000));
    cfg(mmu, [TOR | R, TOR | R | W | X]);
    expect(mmu.translate(0, Load, U)).toBe(0);
    expect(mmu.translate(0x7fff_fffc, Load, U)).toBe(0x7fff_fffc);
    expect(mmu.translate(0x7fff_fffc, Store, U)).toBe(AF);
    expect(mmu.translate(0x8000_0000, Store, U)).toBe(0x8000_0000);
    expect(mmu.translate(0x801f_fffc, Fetch, S)).toBe(0x801f_fffc);
    expect(mmu.translate(0x8020_0000, Load, S)).toBe(AF);
  });

  it('TOR with pmpaddr i-1 >= pmpaddr i matches nothing', () => {
    const mmu = fresh();
    mmu.writePmpaddr(0, ...word(0x8020_0000));
    mmu.writePmpaddr(1, ...word(0x8000_0000));
    cfg(mmu, [0, TOR | R | W | X]);
    expect(mmu.translate(0x8010_0000, Load, S)).toBe(AF);
    expect(mmu.translate(0x7000_0000, Load, S)).toBe(AF);
  });

  it('the lowest-numbered matching entry wins', () => {
    const mmu = fresh();
    mmu.writePmpaddr(0, ...napot(0x8000_0000, 0x2_0000)); // firmware: no S/U access
    mmu.writePmpaddr(1, -1, -1);
    cfg(mmu, [NAPOT, NAPOT | R | W | X]);
    expect(mmu.translate(0x8001_fff8, Load, S)).toBe(AF);
    expect(mmu.translate(0x8002_0000, Load, S)).toBe(0x8002_0000);
    // M ignores the unlocked entry 0's missing permissions.
    expect(mmu.translate(0x8000_0000, Store, M)).toBe(0x8000_0000);
  });

  it('no match: M succeeds, S and U fail when an entry is implemented', () => {
    const mmu = fresh();
    mmu.writePmpaddr(0, ...napot(0x8000_0000, 0x1000));
    cfg(mmu, [NAPOT | R | W | X]);
    expect(mmu.translate(0x9000_0000, Load, M)).toBe(0x9000_0000);
    expect(mmu.translate(0x9000_0000, Load, S)).toBe(AF);
    expect(mmu.translate(0x9000_0000, Fetch, U)).toBe(AF);
  });

  it('a page split by an entry boundary is checked per address', () => {
    const mmu = fresh();
    mmu.writePmpaddr(0, ...word(0x8000_0800));
    cfg(mmu, [TOR | R | W | X]);
    expect(mmu.translate(0x8000_07fc, Load, S)).toBe(0x8000_07fc);
    expect(mmu.translate(0x8000_0800, Load, S)).toBe(AF);
    expect(mmu.translate(0x8000_07fc, Load, S)).toBe(0x8000_07fc);
  });
});

describe('PMP locking', () => {
  it('a locked entry applies its permissions to M-mode too', () => {
    const mmu = fresh();
    mmu.writePmpaddr(0, ...napot(0x8000_0000, 0x1000));
    cfg(mmu, [PMP_L | NAPOT | R | X]);
    expect(mmu.translate(0x8000_0000, Load, M)).toBe(0x8000_0000);
    expect(mmu.translate(0x8000_0000, Fetch, M)).toBe(0x8000_0000);
    expect(mmu.translate(0x8000_0000, Store, M)).toBe(AF);
    expect(mmu.translate(0x8000_1000, Store, M)).toBe(0x8000_1000); // no match: M succeeds
  });

  it('locked entries ignore pmpcfg and pmpaddr writes until reset', () => {
    const mmu = fresh();
    const [lo, hi] = napot(0x8000_0000, 0x1000);
    mmu.writePmpaddr(0, lo, hi);
    cfg(mmu, [PMP_L | NAPOT | R, 0]);
    mmu.writePmpcfg(0, NAPOT | R | W | X | ((TOR | R) << 8), 0);
    expect(readCfg(mmu, 0)).toEqual([PMP_L | NAPOT | R | ((TOR | R) << 8), 0]);
    mmu.writePmpaddr(0, 0x1234, 0);
    expect(readAddr(mmu, 0)).toEqual([lo, hi]);
    expect(mmu.translate(0x8000_0000, Store, M)).toBe(AF);
    mmu.reset();
    expect(readCfg(mmu, 0)).toEqual([0, 0]);
    expect(mmu.translate(0x8000_0000, Store, M)).toBe(0x8000_0000);
  });

  it('a locked TOR entry also locks the pmpaddr below it', () => {
    const mmu = fresh();
    mmu.writePmpaddr(1, ...word(0x8000_0000));
    mmu.writePmpaddr(2, ...word(0x8000_1000));
    cfg(mmu, [0, 0, PMP_L | TOR | R]);
    mmu.writePmpaddr(1, ...word(0x7000_0000));
    mmu.writePmpaddr(2, ...word(0x9000_0000));
    expect(readAddr(mmu, 1)).toEqual(word(0x8000_0000));
    expect(readAddr(mmu, 2)).toEqual(word(0x8000_1000));
    expect(mmu.translate(0x8000_0ffc, Store, M)).toBe(AF);
    expect(mmu.translate(0x8000_1000, Store, M)).toBe(0x8000_1000);
    // pmpaddr0 is not below a locked TOR entry: still writable.
    mmu.writePmpaddr(0, 0x55, 0);
    expect(readAddr(mmu, 0)).toEqual([0x55, 0]);
  });

  it('a locked NAPOT entry does not lock the pmpaddr below it', () => {
    const mmu = fresh();
    mmu.writePmpaddr(1, ...napot(0x8000_0000, 0x1000));
    cfg(mmu, [0, PMP_L | NAPOT | R]);
    mmu.writePmpaddr(0, 0x77, 0);
    expect(readAddr(mmu, 0)).toEqual([0x77, 0]);
  });

  it('L locks an entry even when A is OFF', () => {
    const mmu = fresh();
    cfg(mmu, [PMP_L]);
    mmu.writePmpaddr(0, 0x10, 0);
    mmu.writePmpcfg(0, NAPOT | R, 0);
    expect(readAddr(mmu, 0)).toEqual([0, 0]);
    expect(readCfg(mmu, 0)).toEqual([PMP_L, 0]);
  });
});

describe('PMP CSRs (WARL)', () => {
  it('packs entries 0..7 in pmpcfg0 and 8..15 in pmpcfg2', () => {
    const mmu = fresh();
    mmu.writePmpcfg(0, 0x0d0c0b0b, 0x19181009);
    mmu.writePmpcfg(2, 0x0f0f0f0f, 0x01010101);
    expect(readCfg(mmu, 0)).toEqual([0x0d0c0b0b, 0x19181009]);
    expect(readCfg(mmu, 2)).toEqual([0x0f0f0f0f, 0x01010101]);
  });

  it('drops W when R is clear (R=0 W=1 is reserved) and bits 6:5', () => {
    const mmu = fresh();
    mmu.writePmpcfg(0, W | ((W | X) << 8) | ((0x60 | R) << 16) | ((R | W) << 24), 0);
    expect(readCfg(mmu, 0)).toEqual([0 | (X << 8) | (R << 16) | ((R | W) << 24), 0]);
  });

  it('pmpaddr keeps bits 55:2 (54 bits) and G = 0', () => {
    const mmu = fresh();
    mmu.writePmpaddr(0, -1, -1);
    expect(readAddr(mmu, 0)).toEqual([-1, 0x3f_ffff]);
    cfg(mmu, [NAPOT]);
    expect(readAddr(mmu, 0)).toEqual([-1, 0x3f_ffff]);
  });

  it('entries 16..63 and odd pmpcfg registers read as zero and ignore writes', () => {
    const mmu = fresh();
    for (const index of [1, 3, 4, 6, 14, 15]) {
      mmu.writePmpcfg(index, -1, -1);
      expect(readCfg(mmu, index)).toEqual([0, 0]);
    }
    expect(readCfg(mmu, 0)).toEqual([0, 0]);
    for (const index of [16, 31, 63]) {
      mmu.writePmpaddr(index, -1, -1);
      expect(readAddr(mmu, index)).toEqual([0, 0]);
    }
  });
});

describe('PMP and cached translations', () => {
  it('a PMP write takes effect at once, even for pages already translated', () => {
    const { mmu } = setup();
    expect(mmu.translate(0x8000_0000, Store, S)).toBe(0x8000_0000);
    cfg(mmu, [NAPOT | R]);
    expect(mmu.translate(0x8000_0000, Store, S)).toBe(AF);
    expect(mmu.translate(0x8000_0000, Load, S)).toBe(0x8000_0000);
    cfg(mmu, [0]);
    expect(mmu.translate(0x8000_0000, Load, S)).toBe(AF);
    expect(mmu.translate(0x8000_0000, Load, M)).toBe(0x8000_0000);
  });
});

describe('snapshots', () => {
  it('save and restore carry the PMP registers, locks included, and drop cached answers', () => {
    const mmu = fresh();
    mmu.writePmpaddr(0, ...napot(0x8000_0000, 0x1000));
    mmu.writePmpaddr(1, -1, -1);
    mmu.writePmpcfg(0, PMP_L | NAPOT | R | ((NAPOT | R | W | X) << 8), 0);
    const state = mmu.save();
    expect(state).toMatchObject({ kind: 'mmu', version: 1 });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    const other = fresh();
    expect(other.translate(0x8000_0000, Store, M)).toBe(0x8000_0000); // cached before restore
    other.restore(state);
    expect(readCfg(other, 0)).toEqual(readCfg(mmu, 0));
    expect(readAddr(other, 0)).toEqual(readAddr(mmu, 0));
    expect(readAddr(other, 1)).toEqual([-1, 0x3f_ffff]);
    expect(other.translate(0x8000_0000, Store, M)).toBe(AF);
    expect(other.translate(0x8000_1000, Store, S)).toBe(0x8000_1000);
    expect(() => other.restore({ ...state, version: 2 } as never)).toThrow(RangeError);
  });
});

describe('lastPageUniform (lets the hart cache a page)', () => {
  it('is true when one PMP entry covers the whole page', () => {
    const mmu = fresh();
    const [lo, hi] = napot(RAM_BASE, 1 << 20);
    mmu.writePmpaddr(0, lo, hi);
    cfg(mmu, [NAPOT | R | W | X]);
    expect(mmu.translate(RAM_BASE + 0x10, Load, S)).toBe(RAM_BASE + 0x10);
    expect(mmu.lastPageUniform()).toBe(true);
  });
  it('is false when a PMP boundary falls inside the page', () => {
    const mmu = fresh();
    const [lo, hi] = word(RAM_BASE + 0x800); // TOR [0, RAM_BASE + 0x800)
    mmu.writePmpaddr(0, lo, hi);
    cfg(mmu, [TOR | R | W | X]);
    expect(mmu.translate(RAM_BASE + 0x10, Load, S)).toBe(RAM_BASE + 0x10);
    expect(mmu.lastPageUniform()).toBe(false);
    expect(mmu.translate(RAM_BASE + 0x900, Load, S)).toBe(AF);
  });
});
