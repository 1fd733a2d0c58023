import {
  AccessType,
  type PhysicalBus,
  Privilege,
  type SnapshotState,
  type Snapshottable,
  TRANSLATE_ACCESS_FAULT,
  TRANSLATE_GUEST_PAGE_FAULT,
  TRANSLATE_HLVX,
  TRANSLATE_PAGE_FAULT,
  type Translator,
} from '@hvkit/interfaces';
import { PMP_MASK_M_SHIFT, Pmp } from './pmp.js';
import {
  LEVEL_SIZE,
  PageWalker,
  PHYS_LIMIT,
  type PhysicalChecker,
  PTE_D,
  PTE_R,
  PTE_U,
  PTE_W,
  PTE_X,
  WALK_OK,
  WALK_RETRY,
} from './walk.js';

/** satp.MODE values (priv spec, "Supervisor Address Translation and Protection Register"). */
export const SatpMode = { Bare: 0, Sv39: 8, Sv48: 9 } as const;

/** hgatp.MODE values (priv spec, "Hypervisor Guest Address Translation and Protection Register"). */
export const HgatpMode = { Bare: 0, Sv39x4: 8, Sv48x4: 9 } as const;

/** True for the satp.MODE values this MMU implements (Bare, Sv39, Sv48); the hart ignores satp writes with others. */
export function satpModeSupported(mode: number): boolean {
  return mode === SatpMode.Bare || mode === SatpMode.Sv39 || mode === SatpMode.Sv48;
}

/**
 * Saved MMU state (STYLE.md 7): the PMP registers. satp, SUM and MXR belong to the hart,
 * which calls `configure` again after restoring; cached translations are not state.
 */
export interface MmuState extends SnapshotState {
  readonly kind: 'mmu';
  readonly version: 1;
  /** pmp0cfg..pmp15cfg. */
  readonly pmpcfg: readonly number[];
  /** pmpaddr0..15, bits 31:0 (address bits 33:2), as signed 32-bit values. */
  readonly pmpaddrLo: readonly number[];
  /** pmpaddr0..15, bits 53:32 (address bits 55:34). */
  readonly pmpaddrHi: readonly number[];
}

/** Sizing of the translation caches. */
export interface MmuOptions {
  /** Entries per TLB side (a power of two); default 1024. */
  readonly tlbEntries?: number;
  /** Separate fetch and data TLBs (default) or one shared array. */
  readonly splitTlb?: boolean;
}

const PAGE_SIZE = 4096;
/** Entries of the physical-page PMP cache used for Bare mode, M-mode and PTE addresses. */
const PHYS_CACHE_ENTRIES = 256;
/** Address-space slots (mode, ASID, root) that tag non-global TLB entries. */
const CONTEXT_SLOTS = 64;
/** Context ids below this are "global entries of satp.MODE = id"; slot k is CONTEXT_BASE + k. */
const CONTEXT_BASE = 16;
/**
 * Walks tried when the A/D compare-and-store keeps failing. In RAM one retry cannot
 * happen (one thread runs this hart); a PTE in a device window whose value changes on
 * every read would otherwise hang the host, so the access faults instead (PMA: no
 * atomic update there).
 */
const MAX_WALK_ATTEMPTS = 4;
/**
 * Context id of every V=1 (two-stage) TLB entry: never equal to a V=0 context, so those
 * entries never hit for V=0. They are dropped together whenever vsatp, hgatp or
 * mstatus.MXR change and on every HFENCE (VMID and VS ASID are not tagged).
 */
const VIRT_CTX = 1 << 20;

// The permission word of a TLB entry has one bit per (privilege, access, SUM, MXR):
// bit = priv * 12 + access * 4 + SUM * 2 + MXR, with priv 0 (U) or 1 (S). A hit is one
// AND with the bit of the current request, so SUM/MXR changes need no flush.
const permBit = (priv: number, access: number, sum: number, mxr: number): number =>
  1 << (priv * 12 + access * 4 + sum * 2 + mxr);

/** Permission words of leaf PTEs, indexed by PTE bits 4:1 (R, W, X, U); stores ignore D here. */
const PTE_PERM = new Int32Array(16);
/** Every store bit of a permission word (cleared while the PTE's D bit is 0). */
let STORE_BITS = 0;
/** Expands a PMP S/U mask (fetch, load, store bits) into the permission-word layout. */
const PMP_EXPAND = new Int32Array(8);
for (let p = 0; p < 2; p++) {
  for (let a = 0; a < 3; a++) {
    for (let s = 0; s < 2; s++) {
      for (let m = 0; m < 2; m++) {
        const bit = permBit(p, a, s, m);
        if (a === AccessType.Store) STORE_BITS |= bit;
        for (let k = 0; k < 8; k++) if ((k & (1 << a)) !== 0) PMP_EXPAND[k]! |= bit;
        for (let bits = 0; bits < 16; bits++) {
          const r = (bits & 1) !== 0;
          const w = (bits & 2) !== 0;
          const x = (bits & 4) !== 0;
          const u = (bits & 8) !== 0;
          // priv spec "Memory Privilege in mstatus": U pages need U-mode, or S-mode with
          // SUM for loads and stores (never fetches); S pages are never reachable from U.
          const privOk = p === 0 ? u : !u || (s === 1 && a !== AccessType.Fetch);
          const kindOk = a === AccessType.Fetch ? x : a === AccessType.Load ? r || (m === 1 && x) : w;
          if (privOk && kindOk) PTE_PERM[bits]! |= bit;
        }
      }
    }
  }
}

/** PMP-cache request bits by `priv * 3 + access`: S/U share bits 2:0, M uses bits 5:3. */
const PHYS_NEED = new Int32Array(12);
for (let a = 0; a < 3; a++) {
  PHYS_NEED[Privilege.User * 3 + a] = 1 << a;
  PHYS_NEED[Privilege.Supervisor * 3 + a] = 1 << a;
  PHYS_NEED[Privilege.Machine * 3 + a] = 1 << (PMP_MASK_M_SHIFT + a);
}

/**
 * Address translation and PMP for one hart (DESIGN.md `@hvkit/mmu`): Bare, Sv39, Sv48 with
 * superpages, hardware A/D updates, 16 PMP entries, and typed-array TLBs. `translate`
 * allocates nothing and returns a physical address or a negative `TRANSLATE_*` code.
 */
export class Mmu implements Translator, PhysicalChecker, Snapshottable<MmuState> {
  /** Page-table walks started (TLB misses in Sv39/Sv48), for benchmarks and traces. */
  walks = 0;
  /** The PMP entries (CSR access goes through the Translator methods). */
  private readonly pmp = new Pmp();
  /** Set by every successful `translate`: no PMP boundary inside the page. */
  private uniform = false;
  private readonly walker: PageWalker;

  // Current satp and mstatus bits, as `configure` last gave them.
  private mode = 0;
  private levels = 3;
  // Addresses start as -0, a double: a field first stored as a small integer changes
  // representation when an address past 2^31 arrives, which deprecates the object's
  // map and throws away V8's optimized code that depends on it (the hart's run()).
  private rootPa = -0;
  private asid = 0;
  /** Context id tagging non-global entries filled now; -1 in Bare mode. */
  private ctx = -1;
  /** Context id of global entries for the current mode. */
  private globalCtx = -1;
  /** Request bit of each `priv * 3 + access` (priv U or S) for the current SUM/MXR. */
  private readonly need = new Int32Array(6);

  // The TLB: `tlbMask + 1` direct-mapped entries per side, fetch side first, data side at `dataOffset`.
  private readonly tlbMask: number;
  private readonly dataOffset: number;
  /** Virtual page number (va / 4096) of each entry; NaN when empty. */
  private readonly tlbVpn: Float64Array;
  /** pa - va for the page. */
  private readonly tlbDelta: Float64Array;
  /** Context id: a slot of (mode, ASID, root), or the mode for global mappings. */
  private readonly tlbCtx: Int32Array;
  /** ASID the entry was filled under, -1 for global mappings (for SFENCE.VMA). */
  private readonly tlbAsid: Int32Array;
  /** Permission word (see `permBit`), already intersected with PMP. */
  private readonly tlbPerm: Int32Array;
  /** Level of the leaf the entry came from (0 for 4 KiB, more for a slice of a superpage). */
  private readonly tlbLevel: Uint8Array;
  /** True when some entry may hold a slice of a superpage (SFENCE.VMA by address must scan). */
  private superpages = false;

  // Address-space slots: (mode, ASID, root) -> CONTEXT_BASE + slot.
  private readonly ctxMode = new Int32Array(CONTEXT_SLOTS).fill(-1);
  private readonly ctxAsid = new Int32Array(CONTEXT_SLOTS);
  private readonly ctxRoot = new Float64Array(CONTEXT_SLOTS);
  private ctxNext = 0;

  // Two-stage translation (H extension), as `configureGuest` last gave it.
  private vsMode = 0;
  private vsLevels = 3;
  private vsRoot = -0;
  private gMode = 0;
  private gLevels = 3;
  private gRoot = -0;
  /** mstatus.MXR: applies to both stages. */
  private gMxr = false;
  /** vsstatus.SUM and vsstatus.MXR || mstatus.MXR as 0/1, for VS-stage permission bits. */
  private vsSum = 0;
  private vsMxr = 0;
  /** Request bit of each `priv * 3 + access` at V=1. */
  private readonly vneed = new Int32Array(6);
  private readonly gWalker: PageWalker;
  private readonly vsWalker: PageWalker;
  /** D bit of the last G-stage leaf (a TLB entry may take stores only when both stages are dirty). */
  private gDirty = false;
  /** Access kinds (bit per AccessType) the last G-stage leaf allowed. */
  private gAllowed = 0;
  private faultGpa = -0;
  private faultImplicit = false;
  private faultWrite = false;

  // Identity cache: PMP masks of physical pages (Bare mode, M-mode, page-table accesses).
  private readonly physPage = new Float64Array(PHYS_CACHE_ENTRIES).fill(Number.NaN);
  private readonly physMask = new Int32Array(PHYS_CACHE_ENTRIES);

  constructor(bus: PhysicalBus, options: MmuOptions = {}) {
    const size = options.tlbEntries ?? 1024;
    if (!(size >= 1 && (size & (size - 1)) === 0 && size <= 1 << 16)) {
      throw new RangeError(`tlbEntries must be a power of two up to 65536, got ${size}`);
    }
    const split = options.splitTlb ?? true;
    this.tlbMask = size - 1;
    this.dataOffset = split ? size : 0;
    const total = split ? 2 * size : size;
    this.tlbVpn = new Float64Array(total).fill(Number.NaN);
    this.tlbDelta = new Float64Array(total);
    this.tlbCtx = new Int32Array(total);
    this.tlbAsid = new Int32Array(total);
    this.tlbPerm = new Int32Array(total);
    this.tlbLevel = new Uint8Array(total);
    this.walker = new PageWalker(bus, this);
    this.gWalker = new PageWalker(bus, this);
    this.vsWalker = new PageWalker(bus, this, (gpa, write) => {
      const pa = this.gTranslate(gpa, write ? AccessType.Store : AccessType.Load, false);
      if (pa === TRANSLATE_GUEST_PAGE_FAULT) {
        this.faultImplicit = true;
        this.faultWrite = write;
      }
      return pa;
    });
    this.configure(0, 0, false, false);
    this.configureGuest(0, 0, 0, 0, false, false, false);
  }

  /** Translates `va` for `access` at effective privilege `priv` (Translator.translate). */
  /** Whether the last successful translation holds for its whole 4 KiB page (Translator.lastPageUniform). */
  lastPageUniform(): boolean {
    return this.uniform;
  }

  translate(va: number, access: AccessType, priv: Privilege, flags?: number): number {
    if (flags) return this.translateVirt(va, access, priv, flags);
    const vpn = Math.floor(va / PAGE_SIZE);
    if (priv === 3 || this.mode === 0) {
      const j = vpn & (PHYS_CACHE_ENTRIES - 1);
      if (this.physPage[j] === vpn && (this.physMask[j]! & PHYS_NEED[priv * 3 + access]!) !== 0) {
        this.uniform = true;
        return va;
      }
      return this.translateBare(va, access, priv);
    }
    const i = (vpn & this.tlbMask) | (access === 0 ? 0 : this.dataOffset);
    const c = this.tlbCtx[i];
    if (
      this.tlbVpn[i] === vpn &&
      (c === this.ctx || c === this.globalCtx) &&
      (this.tlbPerm[i]! & this.need[priv * 3 + access]!) !== 0
    ) {
      this.uniform = true; // only page-uniform translations are ever cached
      return va + this.tlbDelta[i]!;
    }
    return this.translatePaged(va, access, priv);
  }

  /**
   * Records satp (MODE 63:60, ASID 59:44, PPN 43:0, as 32-bit halves) and mstatus.SUM/MXR.
   * Flushes nothing: TLB entries are tagged by (mode, ASID, root), global ones by mode.
   * Throws on an unsupported MODE: the hart must drop such satp writes (`satpModeSupported`).
   */
  configure(satpLo: number, satpHi: number, sum: boolean, mxr: boolean): void {
    const mode = satpHi >>> 28;
    if (!satpModeSupported(mode)) throw new RangeError(`unsupported satp.MODE ${mode}`);
    const s = sum ? 1 : 0;
    const m = mxr ? 1 : 0;
    for (let p = 0; p < 2; p++) {
      for (let a = 0; a < 3; a++) this.need[p * 3 + a] = permBit(p, a, s, m);
    }
    this.mode = mode;
    if (mode === SatpMode.Bare) {
      this.ctx = -1;
      this.globalCtx = -1;
      return;
    }
    const asid = (satpHi >>> 12) & 0xffff;
    const rootPa = ((satpHi & 0xfff) * 2 ** 32 + (satpLo >>> 0)) * PAGE_SIZE;
    this.levels = mode === SatpMode.Sv39 ? 3 : 4;
    this.globalCtx = mode;
    if (this.ctx >= CONTEXT_BASE && this.asid === asid && this.rootPa === rootPa) {
      const k = this.ctx - CONTEXT_BASE;
      if (this.ctxMode[k] === mode) return;
    }
    this.asid = asid;
    this.rootPa = rootPa;
    this.ctx = this.contextId(mode, asid, rootPa);
  }

  /**
   * Records the H extension's translation state: vsatp and hgatp as 32-bit halves,
   * vsstatus.SUM/MXR and mstatus.MXR. Drops the V=1 TLB entries when vsatp, hgatp or MXR
   * change. Throws on an unsupported MODE (the hart must drop such writes).
   */
  configureGuest(
    vsatpLo: number,
    vsatpHi: number,
    hgatpLo: number,
    hgatpHi: number,
    vsSum: boolean,
    vsMxr: boolean,
    mxr: boolean,
  ): void {
    const vsMode = vsatpHi >>> 28;
    const gMode = hgatpHi >>> 28;
    if (!satpModeSupported(vsMode)) throw new RangeError(`unsupported vsatp.MODE ${vsMode}`);
    if (!satpModeSupported(gMode)) throw new RangeError(`unsupported hgatp.MODE ${gMode}`);
    const vsRoot = ((vsatpHi & 0xfff) * 2 ** 32 + (vsatpLo >>> 0)) * PAGE_SIZE;
    // The G-stage root is 16 KiB aligned: PPN bits 1:0 are ignored.
    const gRoot = ((hgatpHi & 0xfff) * 2 ** 32 + ((hgatpLo & ~3) >>> 0)) * PAGE_SIZE;
    if (
      vsMode !== this.vsMode ||
      vsRoot !== this.vsRoot ||
      gMode !== this.gMode ||
      gRoot !== this.gRoot ||
      mxr !== this.gMxr
    ) {
      this.dropVirt();
    }
    this.vsMode = vsMode;
    this.vsLevels = vsMode === SatpMode.Sv48 ? 4 : 3;
    this.vsRoot = vsRoot;
    this.gMode = gMode;
    this.gLevels = gMode === HgatpMode.Sv48x4 ? 4 : 3;
    this.gRoot = gRoot;
    this.gMxr = mxr;
    this.vsSum = vsSum ? 1 : 0;
    this.vsMxr = vsMxr || mxr ? 1 : 0;
    for (let p = 0; p < 2; p++) {
      for (let a = 0; a < 3; a++) this.vneed[p * 3 + a] = permBit(p, a, this.vsSum, this.vsMxr);
    }
  }

  /** HFENCE.VVMA (and SFENCE.VMA at V=1): drops every V=1 translation. */
  hfenceVvma(_va?: number, _asid?: number): void {
    this.dropVirt();
  }

  /** HFENCE.GVMA: drops every V=1 translation (they are cached combined with the G-stage). */
  hfenceGvma(_gpa?: number, _vmid?: number): void {
    this.dropVirt();
  }

  /** The guest physical address of the last TRANSLATE_GUEST_PAGE_FAULT. */
  lastGuestFaultGpa(): number {
    return this.faultGpa;
  }

  /** Whether the last guest-page fault came from a VS-stage page-table access. */
  lastGuestFaultImplicit(): boolean {
    return this.faultImplicit;
  }

  /** Whether that implicit access was the A/D update. */
  lastGuestFaultWrite(): boolean {
    return this.faultWrite;
  }

  /**
   * SFENCE.VMA: with no `va`, every leaf translation (of `asid` only, when given);
   * with `va`, the translations of the page or superpage holding it. An `asid` never
   * drops global mappings (priv spec "Supervisor Memory-Management Fence Instruction").
   */
  flush(va?: number, asid?: number): void {
    const vpns = this.tlbVpn;
    if (va === undefined) {
      if (asid === undefined) {
        vpns.fill(Number.NaN);
        this.superpages = false;
        return;
      }
      for (let i = 0; i < vpns.length; i++) if (this.tlbAsid[i] === asid) vpns[i] = Number.NaN;
      return;
    }
    const vpn = Math.floor(va / PAGE_SIZE);
    if (this.superpages) {
      for (let i = 0; i < vpns.length; i++) {
        const span = LEVEL_SIZE[this.tlbLevel[i]!]! / PAGE_SIZE;
        if (
          Math.floor(vpns[i]! / span) === Math.floor(vpn / span) &&
          (asid === undefined || this.tlbAsid[i] === asid)
        ) {
          vpns[i] = Number.NaN;
        }
      }
      return;
    }
    const i = vpn & this.tlbMask;
    this.flushSlot(i, vpn, asid);
    if (this.dataOffset !== 0) this.flushSlot(i + this.dataOffset, vpn, asid);
  }

  /** Reads pmpcfg`index` as [lo, hi] (Translator.readPmpcfg). */
  readPmpcfg(index: number, out: Int32Array): void {
    this.pmp.readCfg(index, out);
  }

  /** Writes pmpcfg`index`; drops every cached translation when PMP changes. */
  writePmpcfg(index: number, lo: number, hi: number): void {
    if (this.pmp.writeCfg(index, lo, hi)) this.dropCaches();
  }

  /** Reads pmpaddr`index` as [lo, hi] (Translator.readPmpaddr). */
  readPmpaddr(index: number, out: Int32Array): void {
    this.pmp.readAddr(index, out);
  }

  /** Writes pmpaddr`index`; drops every cached translation when PMP changes. */
  writePmpaddr(index: number, lo: number, hi: number): void {
    if (this.pmp.writeAddr(index, lo, hi)) this.dropCaches();
  }

  /** The PMP registers as plain data. */
  save(): MmuState {
    const pmpcfg: number[] = [];
    const pmpaddrLo: number[] = [];
    const pmpaddrHi: number[] = [];
    this.pmp.saveTo(pmpcfg, pmpaddrLo, pmpaddrHi);
    return { kind: 'mmu', version: 1, pmpcfg, pmpaddrLo, pmpaddrHi };
  }

  /** Restores the PMP registers and empties every cache; the hart then calls `configure`. */
  restore(state: MmuState): void {
    if (state.kind !== 'mmu' || state.version !== 1) {
      throw new RangeError(`not an mmu v1 state: ${state.kind} v${state.version}`);
    }
    this.pmp.loadFrom(state.pmpcfg, state.pmpaddrLo, state.pmpaddrHi);
    this.dropCaches();
  }

  /** Hart reset: PMP entries unlocked and OFF, satp Bare, SUM/MXR clear, caches empty. */
  reset(): void {
    this.pmp.reset();
    this.dropCaches();
    this.ctxMode.fill(-1);
    this.ctx = -1;
    this.configure(0, 0, false, false);
    this.configureGuest(0, 0, 0, 0, false, false, false);
  }

  /** PMP check for the page walker and the slow paths (PhysicalChecker), through the page cache. */
  allows(pa: number, access: AccessType, priv: Privilege): boolean {
    const mask = this.physPageMask(pa);
    if (mask < 0) return this.pmp.check(pa, access, priv);
    return (mask & PHYS_NEED[priv * 3 + access]!) !== 0;
  }

  /** Drops TLB entry `i` when it holds `vpn` (of `asid`, when given). */
  private flushSlot(i: number, vpn: number, asid: number | undefined): void {
    if (this.tlbVpn[i] === vpn && (asid === undefined || this.tlbAsid[i] === asid)) {
      this.tlbVpn[i] = Number.NaN;
    }
  }

  /** Bare mode or M-mode: identity, then PMP. */
  private translateBare(va: number, access: AccessType, priv: Privilege): number {
    if (!(va >= 0 && va < PHYS_LIMIT)) return TRANSLATE_ACCESS_FAULT;
    this.uniform = this.physPageMask(va) >= 0;
    return this.allows(va, access, priv) ? va : TRANSLATE_ACCESS_FAULT;
  }

  /** Sv39/Sv48 TLB miss: walk, check, update A/D, check PMP, fill. */
  private translatePaged(va: number, access: AccessType, priv: Privilege): number {
    const half = this.levels === 3 ? 2 ** 38 : 2 ** 47;
    if (!(va >= -half && va < half)) return TRANSLATE_PAGE_FAULT; // not sign-extended
    const w = this.walker;
    const need = this.need[priv * 3 + access]!;
    for (let attempt = 1; ; attempt++) {
      this.walks++;
      const walked = w.walk(va, this.rootPa, this.levels, 0);
      if (walked !== WALK_OK) return walked;
      const perm = PTE_PERM[(w.pteLo >> 1) & 0xf]!;
      if ((perm & need) === 0) return TRANSLATE_PAGE_FAULT;
      const updated = w.setAccessedDirty(access === AccessType.Store);
      if (updated === WALK_RETRY) {
        if (attempt < MAX_WALK_ATTEMPTS) continue;
        return TRANSLATE_ACCESS_FAULT;
      }
      if (updated !== WALK_OK) return updated;
      const pageSize = LEVEL_SIZE[w.level]!;
      const pa = w.ppn * PAGE_SIZE + (va - Math.floor(va / pageSize) * pageSize);
      if (!(pa < PHYS_LIMIT)) return TRANSLATE_ACCESS_FAULT;
      const pmpMask = this.physPageMask(pa);
      this.uniform = pmpMask >= 0;
      if (pmpMask < 0) {
        // A PMP boundary inside this page: check this access alone and cache nothing.
        return this.pmp.check(pa, access, priv) ? pa : TRANSLATE_ACCESS_FAULT;
      }
      if ((pmpMask & (1 << access)) === 0) return TRANSLATE_ACCESS_FAULT;
      let cached = perm & PMP_EXPAND[pmpMask & 7]!;
      if ((w.pteLo & PTE_D) === 0) cached &= ~STORE_BITS; // the first store must walk to set D
      const vpn = Math.floor(va / PAGE_SIZE);
      const i = (vpn & this.tlbMask) | (access === AccessType.Fetch ? 0 : this.dataOffset);
      this.tlbVpn[i] = vpn;
      this.tlbDelta[i] = pa - va;
      this.tlbCtx[i] = w.global ? this.globalCtx : this.ctx;
      this.tlbAsid[i] = w.global ? -1 : this.asid;
      this.tlbPerm[i] = cached;
      this.tlbLevel[i] = w.level;
      if (w.level > 0) this.superpages = true;
      return pa;
    }
  }

  /**
   * Two-stage translation (priv spec, "Two-Stage Address Translation"): the VS-stage under
   * vsatp, whose page-table accesses go through the G-stage, then the G-stage under hgatp.
   * Combined translations are cached under VIRT_CTX; HLVX is never cached.
   */
  private translateVirt(va: number, access: AccessType, priv: Privilege, flags: number): number {
    const hlvx = (flags & TRANSLATE_HLVX) !== 0;
    const p = priv === 0 ? 0 : 1;
    const vpn = Math.floor(va / PAGE_SIZE);
    const i = (vpn & this.tlbMask) | (access === AccessType.Fetch ? 0 : this.dataOffset);
    if (
      !hlvx &&
      this.tlbVpn[i] === vpn &&
      this.tlbCtx[i] === VIRT_CTX &&
      (this.tlbPerm[i]! & this.vneed[p * 3 + access]!) !== 0
    ) {
      this.uniform = true;
      return va + this.tlbDelta[i]!;
    }
    this.faultImplicit = false;
    this.faultWrite = false;
    let gpa = va;
    let perm = -1; // VS-stage Bare: every access allowed there
    let vsDirty = true;
    if (this.vsMode !== SatpMode.Bare) {
      const half = this.vsLevels === 3 ? 2 ** 38 : 2 ** 47;
      if (!(va >= -half && va < half)) return TRANSLATE_PAGE_FAULT;
      const w = this.vsWalker;
      for (let attempt = 1; ; attempt++) {
        this.walks++;
        const walked = w.walk(va, this.vsRoot, this.vsLevels, 0);
        if (walked !== WALK_OK) return walked;
        perm = PTE_PERM[(w.pteLo >> 1) & 0xf]!;
        const ok = hlvx
          ? (w.pteLo & PTE_X) !== 0 && (perm & permBit(p, AccessType.Load, this.vsSum, 1)) !== 0
          : (perm & this.vneed[p * 3 + access]!) !== 0;
        if (!ok) return TRANSLATE_PAGE_FAULT;
        const updated = w.setAccessedDirty(access === AccessType.Store);
        if (updated === WALK_RETRY) {
          if (attempt < MAX_WALK_ATTEMPTS) continue;
          return TRANSLATE_ACCESS_FAULT;
        }
        if (updated !== WALK_OK) return updated;
        break;
      }
      const pageSize = LEVEL_SIZE[w.level]!;
      gpa = w.ppn * PAGE_SIZE + (va - Math.floor(va / pageSize) * pageSize);
      vsDirty = (w.pteLo & PTE_D) !== 0;
    }
    this.faultImplicit = false;
    const pa = this.gTranslate(gpa, access, hlvx);
    if (pa < 0) return pa;
    if (!(pa < PHYS_LIMIT)) return TRANSLATE_ACCESS_FAULT;
    const pmpMask = this.physPageMask(pa);
    this.uniform = pmpMask >= 0 && !hlvx;
    if (pmpMask < 0) return this.pmp.check(pa, access, priv) ? pa : TRANSLATE_ACCESS_FAULT;
    if ((pmpMask & (1 << access)) === 0) return TRANSLATE_ACCESS_FAULT;
    if (hlvx) return pa;
    let cached = perm & PMP_EXPAND[pmpMask & 7]! & PMP_EXPAND[this.gAllowed]!;
    if (!vsDirty || !this.gDirty) cached &= ~STORE_BITS; // the first store must walk to set D
    this.tlbVpn[i] = vpn;
    this.tlbDelta[i] = pa - va;
    this.tlbCtx[i] = VIRT_CTX;
    this.tlbAsid[i] = -2;
    this.tlbPerm[i] = cached;
    this.tlbLevel[i] = 0;
    return pa;
  }

  /**
   * G-stage translation of `gpa` for `access` (priv spec, "Guest Physical Address
   * Translation"): every access is a user access, leaves must have U=1, faults are
   * guest-page faults (the address lands in faultGpa). PMP of the result is the caller's.
   */
  private gTranslate(gpa: number, access: AccessType, hlvx: boolean): number {
    if (this.gMode === HgatpMode.Bare) {
      this.gDirty = true;
      this.gAllowed = 7;
      if (!(gpa >= 0 && gpa < PHYS_LIMIT)) return TRANSLATE_ACCESS_FAULT;
      return gpa;
    }
    const limit = this.gLevels === 3 ? 2 ** 41 : 2 ** 50;
    this.faultGpa = gpa;
    if (!(gpa >= 0 && gpa < limit)) return TRANSLATE_GUEST_PAGE_FAULT;
    const w = this.gWalker;
    for (let attempt = 1; ; attempt++) {
      this.walks++;
      const walked = w.walk(gpa, this.gRoot, this.gLevels, 2);
      if (walked === TRANSLATE_PAGE_FAULT) return TRANSLATE_GUEST_PAGE_FAULT;
      if (walked !== WALK_OK) return walked;
      const lo = w.pteLo;
      if ((lo & PTE_U) === 0) return TRANSLATE_GUEST_PAGE_FAULT;
      const r = (lo & PTE_R) !== 0 || (this.gMxr && (lo & PTE_X) !== 0);
      const allowed = ((lo & PTE_X) !== 0 ? 1 : 0) | (r ? 2 : 0) | ((lo & PTE_W) !== 0 ? 4 : 0);
      const ok = hlvx ? (lo & PTE_X) !== 0 : (allowed & (1 << access)) !== 0;
      if (!ok) return TRANSLATE_GUEST_PAGE_FAULT;
      const updated = w.setAccessedDirty(access === AccessType.Store);
      if (updated === WALK_RETRY) {
        if (attempt < MAX_WALK_ATTEMPTS) continue;
        return TRANSLATE_ACCESS_FAULT;
      }
      if (updated !== WALK_OK) return updated;
      this.gDirty = (w.pteLo & PTE_D) !== 0;
      this.gAllowed = allowed;
      const pageSize = LEVEL_SIZE[w.level]!;
      return w.ppn * PAGE_SIZE + (gpa - Math.floor(gpa / pageSize) * pageSize);
    }
  }

  /** Drops every V=1 TLB entry. */
  private dropVirt(): void {
    const ctx = this.tlbCtx;
    for (let i = 0; i < ctx.length; i++) if (ctx[i] === VIRT_CTX) this.tlbVpn[i] = Number.NaN;
  }

  /** PMP mask of the physical page holding `pa` (see `Pmp.pageMask`), cached; -1 when mixed. */
  private physPageMask(pa: number): number {
    const page = Math.floor(pa / PAGE_SIZE);
    const j = page & (PHYS_CACHE_ENTRIES - 1);
    if (this.physPage[j] === page) return this.physMask[j]!;
    const mask = this.pmp.pageMask(page * PAGE_SIZE);
    if (mask >= 0 && pa < PHYS_LIMIT) {
      this.physPage[j] = page;
      this.physMask[j] = mask;
    }
    return mask;
  }

  /** The context id of (mode, ASID, root), recycling the oldest slot and its entries if new. */
  private contextId(mode: number, asid: number, rootPa: number): number {
    for (let k = 0; k < CONTEXT_SLOTS; k++) {
      if (this.ctxMode[k] === mode && this.ctxAsid[k] === asid && this.ctxRoot[k] === rootPa) {
        return CONTEXT_BASE + k;
      }
    }
    const k = this.ctxNext;
    this.ctxNext = (k + 1) % CONTEXT_SLOTS;
    const id = CONTEXT_BASE + k;
    for (let i = 0; i < this.tlbCtx.length; i++) if (this.tlbCtx[i] === id) this.tlbVpn[i] = Number.NaN;
    this.ctxMode[k] = mode;
    this.ctxAsid[k] = asid;
    this.ctxRoot[k] = rootPa;
    return id;
  }

  /** Empties the TLB and the PMP page cache (after any PMP change). */
  private dropCaches(): void {
    this.tlbVpn.fill(Number.NaN);
    this.superpages = false;
    this.physPage.fill(Number.NaN);
  }
}
