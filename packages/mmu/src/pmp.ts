import type { Privilege } from '@hvkit/interfaces';

/** Number of implemented PMP entries (priv spec "Physical Memory Protection CSRs": 0, 16 or 64). */
export const PMP_ENTRIES = 16;

/** pmpcfg.R: the entry permits reads (priv spec, "PMP configuration register format"). */
export const PMP_R = 0x01;
/** pmpcfg.W: the entry permits writes. */
export const PMP_W = 0x02;
/** pmpcfg.X: the entry permits instruction fetch. */
export const PMP_X = 0x04;
/** pmpcfg.A: the address-matching mode field, bits 4:3. */
export const PMP_A = 0x18;
/** pmpcfg.L: the entry is locked and also applies to M-mode. */
export const PMP_L = 0x80;

/** pmpcfg.A values (priv spec, "Address Matching"). */
export const PmpMatch = { Off: 0, Tor: 1, Na4: 2, Napot: 3 } as const;

/** Bits of pmpcfg that exist: R, W, X, A, L (bits 6:5 are read-only zero). */
const CFG_WRITABLE = PMP_R | PMP_W | PMP_X | PMP_A | PMP_L;
/** pmpaddr holds bits 55:2 of the address: 32 bits in the low half and 22 in the high half. */
const ADDR_HI_MASK = 0x3f_ffff;
const PAGE_SIZE = 4096;

/**
 * Access-kind bit in a PMP permission mask: bit `access` (0 fetch, 1 load, 2 store)
 * for S/U-mode, bit `3 + access` for M-mode.
 */
export const PMP_MASK_M_SHIFT = 3;
/** Mask of a page no entry touches: M-mode may do anything, S and U nothing. */
const NO_MATCH_MASK = 0x7 << PMP_MASK_M_SHIFT;

/** Maps pmpcfg R/W/X (bits 0, 1, 2) to access-kind bits (fetch 0, load 1, store 2). */
function accessBits(cfg: number): number {
  return ((cfg >> 2) & 1) | ((cfg & PMP_R) << 1) | ((cfg & PMP_W) << 1);
}

/**
 * The 16 PMP entries of one hart (priv spec, machine.adoc "Physical Memory Protection").
 * Granularity G=0 (4 bytes). Registers are kept as written (WARL-legalised); the
 * matching ranges are recomputed as doubles on every write, so checks are compares only.
 */
export class Pmp {
  /** pmp0cfg..pmp15cfg, one byte each. */
  private readonly cfg = new Uint8Array(PMP_ENTRIES);
  /** pmpaddr low 32 bits (address bits 33:2). */
  private readonly addrLo = new Int32Array(PMP_ENTRIES);
  /** pmpaddr high 22 bits (address bits 55:34). */
  private readonly addrHi = new Int32Array(PMP_ENTRIES);
  /** First byte each entry matches (inclusive). */
  private readonly start = new Float64Array(PMP_ENTRIES);
  /** Last byte each entry matches (exclusive); start >= end matches nothing. */
  private readonly end = new Float64Array(PMP_ENTRIES);
  /** R/W/X as access-kind bits for S/U, and for M (all allowed unless locked), per entry. */
  private readonly perm = new Uint8Array(PMP_ENTRIES);
  /** Number of entries whose A field is not OFF. */
  private activeCount = 0;

  /** Reads pmpcfg`index` (even 0..14 on RV64) as [lo, hi]; unimplemented entries read as zero. */
  readCfg(index: number, out: Int32Array): void {
    out[0] = 0;
    out[1] = 0;
    const first = this.cfgFirstEntry(index);
    if (first < 0) return;
    const c = this.cfg;
    out[0] = c[first]! | (c[first + 1]! << 8) | (c[first + 2]! << 16) | (c[first + 3]! << 24);
    out[1] = c[first + 4]! | (c[first + 5]! << 8) | (c[first + 6]! << 16) | (c[first + 7]! << 24);
  }

  /**
   * Writes pmpcfg`index`. Locked entries keep their byte; bits 6:5 read as zero; the
   * reserved R=0,W=1 combination drops W (as Spike and QEMU do with mseccfg.MML=0).
   * Returns true when anything changed.
   */
  writeCfg(index: number, lo: number, hi: number): boolean {
    const first = this.cfgFirstEntry(index);
    if (first < 0) return false;
    let changed = false;
    for (let k = 0; k < 8; k++) {
      const e = first + k;
      const old = this.cfg[e]!;
      if ((old & PMP_L) !== 0) continue;
      let v = (k < 4 ? lo >>> (8 * k) : hi >>> (8 * (k - 4))) & 0xff & CFG_WRITABLE;
      if ((v & (PMP_R | PMP_W)) === PMP_W) v &= ~PMP_W;
      if (v !== old) {
        this.cfg[e] = v;
        changed = true;
      }
    }
    if (changed) this.recompute();
    return changed;
  }

  /** Reads pmpaddr`index` (0..63) as [lo, hi]; entries 16..63 read as zero. */
  readAddr(index: number, out: Int32Array): void {
    if (index >= 0 && index < PMP_ENTRIES) {
      out[0] = this.addrLo[index]!;
      out[1] = this.addrHi[index]!;
    } else {
      out[0] = 0;
      out[1] = 0;
    }
  }

  /**
   * Writes pmpaddr`index`: ignored when entry `index` is locked, or when entry
   * `index + 1` is a locked TOR entry (its bottom is this register). Returns true
   * when anything changed.
   */
  writeAddr(index: number, lo: number, hi: number): boolean {
    if (!(index >= 0 && index < PMP_ENTRIES)) return false;
    if ((this.cfg[index]! & PMP_L) !== 0) return false;
    if (index + 1 < PMP_ENTRIES) {
      const next = this.cfg[index + 1]!;
      if ((next & PMP_L) !== 0 && (next & PMP_A) >> 3 === PmpMatch.Tor) return false;
    }
    const newLo = lo | 0;
    const newHi = hi & ADDR_HI_MASK;
    if (this.addrLo[index] === newLo && this.addrHi[index] === newHi) return false;
    this.addrLo[index] = newLo;
    this.addrHi[index] = newHi;
    this.recompute();
    return true;
  }

  /**
   * Checks one access starting at `pa` (priv spec "Priority and Matching Logic"): the
   * lowest-numbered entry containing `pa` decides; with no match, M-mode succeeds and
   * S/U fail (16 entries are implemented). Only the start byte is matched: callers
   * split accesses that could cross an entry boundary (see README).
   */
  check(pa: number, access: number, priv: Privilege): boolean {
    const bit = 1 << (priv === 3 ? PMP_MASK_M_SHIFT + access : access);
    for (let i = 0; i < PMP_ENTRIES; i++) {
      if (pa >= this.start[i]! && pa < this.end[i]!) return (this.perm[i]! & bit) !== 0;
    }
    return priv === 3;
  }

  /**
   * The permission mask (bit `access` for S/U, bit `3 + access` for M) that holds for
   * every byte of the 4 KiB page at `pageBase`, or -1 when an entry boundary falls
   * inside the page so that the answer differs from byte to byte.
   */
  pageMask(pageBase: number): number {
    if (this.activeCount === 0) return NO_MATCH_MASK;
    const pageEnd = pageBase + PAGE_SIZE;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const s = this.start[i]!;
      const e = this.end[i]!;
      if (s >= e || e <= pageBase || s >= pageEnd) continue;
      if (s <= pageBase && e >= pageEnd) return this.perm[i]!;
      return -1;
    }
    return NO_MATCH_MASK;
  }

  /** Copies the registers out (for snapshots): cfg bytes and pmpaddr halves, entry by entry. */
  saveTo(cfg: number[], addrLo: number[], addrHi: number[]): void {
    for (let i = 0; i < PMP_ENTRIES; i++) {
      cfg.push(this.cfg[i]!);
      addrLo.push(this.addrLo[i]!);
      addrHi.push(this.addrHi[i]!);
    }
  }

  /** Loads registers saved by `saveTo`, locks notwithstanding (restore is not a CSR write). */
  loadFrom(cfg: readonly number[], addrLo: readonly number[], addrHi: readonly number[]): void {
    for (let i = 0; i < PMP_ENTRIES; i++) {
      this.cfg[i] = (cfg[i] ?? 0) & CFG_WRITABLE;
      this.addrLo[i] = addrLo[i] ?? 0;
      this.addrHi[i] = (addrHi[i] ?? 0) & ADDR_HI_MASK;
    }
    this.recompute();
  }

  /** Resets every entry to OFF, unlocked, address zero (hart reset). */
  reset(): void {
    this.cfg.fill(0);
    this.addrLo.fill(0);
    this.addrHi.fill(0);
    this.recompute();
  }

  /** First entry held by pmpcfg`index`, or -1 for odd, out-of-range or unimplemented registers. */
  private cfgFirstEntry(index: number): number {
    if ((index & 1) !== 0 || index < 0 || index > 14) return -1;
    const first = index * 4;
    return first < PMP_ENTRIES ? first : -1;
  }

  /** Recomputes the byte range and permission mask of every entry. */
  private recompute(): void {
    let active = 0;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const cfg = this.cfg[i]!;
      const a = (cfg & PMP_A) >> 3;
      const bits = accessBits(cfg);
      this.perm[i] = bits | (((cfg & PMP_L) !== 0 ? bits : 0x7) << PMP_MASK_M_SHIFT);
      let s = 0;
      let e = 0;
      const lo = this.addrLo[i]!;
      const hi = this.addrHi[i]!;
      if (a === PmpMatch.Tor) {
        s = i === 0 ? 0 : wordAddr(this.addrLo[i - 1]!, this.addrHi[i - 1]!) * 4;
        e = wordAddr(lo, hi) * 4;
      } else if (a === PmpMatch.Na4) {
        s = wordAddr(lo, hi) * 4;
        e = s + 4;
      } else if (a === PmpMatch.Napot) {
        // t trailing ones select a 2^(t+3)-byte region; the base clears bits t:0.
        const t = lo === -1 ? 32 + trailingOnes(hi) : trailingOnes(lo);
        const clear = t + 1;
        const baseLo = clear >= 32 ? 0 : lo & ~((1 << clear) - 1);
        const baseHi = clear <= 32 ? hi : clear >= 54 ? 0 : hi & ~((1 << (clear - 32)) - 1);
        s = wordAddr(baseLo, baseHi) * 4;
        e = s + 2 ** (t + 3);
      }
      this.start[i] = s;
      this.end[i] = a === PmpMatch.Off ? 0 : e;
      if (a !== PmpMatch.Off) active++;
    }
    this.activeCount = active;
  }
}

/** pmpaddr halves as a number (exact below 2^53; above that only PAs hvkit never uses are rounded). */
function wordAddr(lo: number, hi: number): number {
  return hi * 2 ** 32 + (lo >>> 0);
}

/** Number of consecutive one bits from bit 0 of a 32-bit value. */
function trailingOnes(x: number): number {
  const inv = ~x;
  if (inv === 0) return 32;
  return 31 - Math.clz32(inv & -inv);
}
