import {
  AccessType,
  BUS_FAULT,
  GUEST_PHYS_LIMIT,
  type GuestPhysAddr,
  type PhysicalBus,
  Privilege,
  TRANSLATE_ACCESS_FAULT,
  TRANSLATE_PAGE_FAULT,
} from '@hvkit/interfaces';

/** PTE.V: the entry is valid (priv spec, "Sv32 page table entry", same bits in Sv39/Sv48). */
export const PTE_V = 0x01;
/** PTE.R: readable leaf. */
export const PTE_R = 0x02;
/** PTE.W: writable leaf (W without R is reserved). */
export const PTE_W = 0x04;
/** PTE.X: executable leaf. */
export const PTE_X = 0x08;
/** PTE.U: accessible to U-mode. */
export const PTE_U = 0x10;
/** PTE.G: global mapping (present in every address space). */
export const PTE_G = 0x20;
/** PTE.A: accessed. */
export const PTE_A = 0x40;
/** PTE.D: dirty. */
export const PTE_D = 0x80;
/**
 * PTE bits 63:54 as they sit in the high word: N (63, Svnapot), PBMT (62:61, Svpbmt) and
 * 60:54 reserved. None of these extensions is implemented, so any set bit is a page fault.
 */
export const PTE_HI_RESERVED = 0xffc0_0000 | 0;
/** PTE bits 53:32 (the top 22 bits of the 44-bit PPN) as they sit in the high word. */
const PTE_HI_PPN = 0x3f_ffff;

/** `walk` and `setAccessedDirty` result: the leaf is in `pteLo`/`pteHi`/`level`/`pteAddr`/`ppn`. */
export const WALK_OK = 0;
/** `setAccessedDirty` result: the PTE changed under us; walk again (priv spec step 9). */
export const WALK_RETRY = 1;

/** Bytes mapped by a leaf at each level: 4 KiB, 2 MiB, 1 GiB, 512 GiB (a table: `2 ** n` is a libm call). */
export const LEVEL_SIZE = new Float64Array([2 ** 12, 2 ** 21, 2 ** 30, 2 ** 39, 2 ** 48]);

/** Physical addresses at or above this hold nothing in hvkit (PMA: access fault). */
export const PHYS_LIMIT = GUEST_PHYS_LIMIT;

/** Who decides whether the walker may touch a physical address (PMP, possibly cached). */
export interface PhysicalChecker {
  /** True when an access of kind `access` at `pa` from privilege `priv` passes PMP. */
  allows(pa: number, access: AccessType, priv: Privilege): boolean;
}

/**
 * The page-table walk of priv spec "Virtual Address Translation Process", steps 2-5 and 9,
 * for any RISC-V radix scheme with 8-byte PTEs and 9-bit indices: Sv39/Sv48 (levels 3/4,
 * topBits 0) and the G-stage Sv39x4/Sv48x4 (same levels, topBits 2: the root table is
 * 16 KiB and its index is 11 bits). The permission checks of steps 6-8 differ between
 * stages and belong to the caller. The result lands in fields, so a walk allocates nothing.
 *
 * Implicit page-table accesses are PMP-checked as S-mode reads (and writes for A/D).
 */
export class PageWalker {
  /** Low 32 bits of the leaf PTE found by the last successful walk. */
  pteLo = 0;
  /** High 32 bits of the leaf PTE. */
  pteHi = 0;
  /** Level of the leaf: 0 for a 4 KiB page, 1 for 2 MiB, 2 for 1 GiB, 3 for 512 GiB. */
  level = 0;
  /** Physical address of the leaf PTE (-0: a double field from the start; see Mmu.rootPa). */
  pteAddr = -0;
  /** The leaf's 44-bit physical page number. */
  ppn = 0;
  /** True when the leaf or any PTE above it has G set (a global mapping). */
  global = false;
  /** Address of the leaf PTE before `ptTranslate` (a guest physical address for the VS-stage). */
  pteGpa = -0;

  /**
   * `ptTranslate`, for the VS-stage of two-stage translation, maps each page-table address
   * (a guest physical address) through the G-stage: it returns the physical address or a
   * negative `TRANSLATE_*` code, which the walk returns as is. `write` is the A/D update.
   */
  constructor(
    private readonly bus: PhysicalBus,
    private readonly checker: PhysicalChecker,
    private readonly ptTranslate?: (gpa: number, write: boolean) => number,
  ) {}

  /**
   * Walks the table rooted at `rootPa` for `va` (already checked canonical by the caller).
   * Returns `WALK_OK`, `TRANSLATE_PAGE_FAULT` or `TRANSLATE_ACCESS_FAULT`.
   */
  walk(va: number, rootPa: number, levels: number, topBits: number): number {
    let a = rootPa;
    let global = false;
    for (let i = levels - 1; i >= 0; i--) {
      const indexMask = i === levels - 1 ? (1 << (9 + topBits)) - 1 : 0x1ff;
      // Math.floor keeps negative (sign-extended) addresses right; `&` takes the low bits.
      const index = Math.floor(va / LEVEL_SIZE[i]!) & indexMask;
      const pteGpa = a + index * 8;
      let pteAddr = pteGpa;
      if (this.ptTranslate !== undefined) {
        pteAddr = this.ptTranslate(pteGpa, false);
        if (pteAddr < 0) return pteAddr;
      }
      if (!(pteAddr < PHYS_LIMIT)) return TRANSLATE_ACCESS_FAULT;
      if (!this.checker.allows(pteAddr, AccessType.Load, Privilege.Supervisor)) return TRANSLATE_ACCESS_FAULT;
      if (!this.readPte(pteAddr)) return TRANSLATE_ACCESS_FAULT;
      const lo = this.pteLo;
      const hi = this.pteHi;
      if ((lo & PTE_V) === 0 || (lo & (PTE_R | PTE_W)) === PTE_W || (hi & PTE_HI_RESERVED) !== 0) {
        return TRANSLATE_PAGE_FAULT;
      }
      global ||= (lo & PTE_G) !== 0;
      const ppn = (hi & PTE_HI_PPN) * 2 ** 22 + (lo >>> 10);
      if ((lo & (PTE_R | PTE_X)) === 0) {
        // Pointer to the next level; D, A and U are reserved in non-leaf PTEs.
        if ((lo & (PTE_D | PTE_A | PTE_U)) !== 0) return TRANSLATE_PAGE_FAULT;
        a = ppn * 4096;
        continue;
      }
      // Misaligned superpage: PPN[i-1:0] (at most 27 bits, in bits 36:10 of the PTE) not zero.
      if (i > 0 && (((lo >>> 10) | ((hi & 0x1f) << 22)) & ((1 << (9 * i)) - 1)) !== 0) {
        return TRANSLATE_PAGE_FAULT;
      }
      this.level = i;
      this.pteAddr = pteAddr;
      this.pteGpa = pteGpa;
      this.ppn = ppn;
      this.global = global;
      return WALK_OK;
    }
    return TRANSLATE_PAGE_FAULT;
  }

  /**
   * Step 9, Svadu-style: sets A (and D for a store) in the leaf found by the last walk,
   * as one compare-and-store of the PTE. Returns `WALK_OK`, `WALK_RETRY` when the PTE
   * no longer matches what the walk read, or `TRANSLATE_ACCESS_FAULT` when PMP forbids
   * the S-mode write or nothing answers at the PTE address (or a `ptTranslate` code).
   */
  setAccessedDirty(store: boolean): number {
    const set = PTE_A | (store ? PTE_D : 0);
    const lo = this.pteLo;
    if ((lo & set) === set) return WALK_OK;
    const hi = this.pteHi;
    let addr = this.pteAddr;
    if (this.ptTranslate !== undefined) {
      // The A/D update is an implicit store at the G-stage (needs W there, sets its D).
      addr = this.ptTranslate(this.pteGpa, true);
      if (addr < 0) return addr;
    }
    if (!this.checker.allows(addr, AccessType.Store, Privilege.Supervisor)) return TRANSLATE_ACCESS_FAULT;
    // Compare and store. One JS thread runs this hart, so nothing can intervene between
    // the re-read and the write; harts on other threads would need Atomics here.
    if (!this.readPte(addr)) return TRANSLATE_ACCESS_FAULT;
    if (this.pteLo !== lo || this.pteHi !== hi) return WALK_RETRY;
    const next = lo | set;
    if (!this.writePteLo(addr, next)) return TRANSLATE_ACCESS_FAULT;
    this.pteLo = next;
    return WALK_OK;
  }

  /** Reads the 8-byte PTE at `addr` into pteLo/pteHi; false when nothing answers there. */
  private readPte(addr: number): boolean {
    const ram = this.bus.ram;
    const off = addr - ram.base;
    if (off >= 0 && off + 8 <= ram.size) {
      const b = ram.bytes;
      this.pteLo = b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24);
      this.pteHi = b[off + 4]! | (b[off + 5]! << 8) | (b[off + 6]! << 16) | (b[off + 7]! << 24);
      return true;
    }
    const lo = this.bus.read(addr as GuestPhysAddr, 4);
    if (lo === BUS_FAULT) return false;
    const hi = this.bus.read((addr + 4) as GuestPhysAddr, 4);
    if (hi === BUS_FAULT) return false;
    this.pteLo = lo | 0;
    this.pteHi = hi | 0;
    return true;
  }

  /** Writes the low word of the PTE at `addr` (A and D live there); false when nothing answers. */
  private writePteLo(addr: number, value: number): boolean {
    const ram = this.bus.ram;
    const off = addr - ram.base;
    if (off >= 0 && off + 8 <= ram.size) {
      const b = ram.bytes;
      b[off] = value;
      b[off + 1] = value >>> 8;
      b[off + 2] = value >>> 16;
      b[off + 3] = value >>> 24;
      return true;
    }
    return this.bus.write(addr as GuestPhysAddr, 4, value >>> 0);
  }
}
