import type { Privilege } from './hart.js';

/** The kind of access being translated; faults are reported per kind. */
export const AccessType = { Fetch: 0, Load: 1, Store: 2 } as const;
/** 0 fetch, 1 load, 2 store (AMOs and SC translate as stores). */
export type AccessType = (typeof AccessType)[keyof typeof AccessType];

/** `translate` result: the access needs a page fault (cause 12, 13 or 15 by access type). */
export const TRANSLATE_PAGE_FAULT = -1;
/** `translate` result: the access needs an access fault (cause 1, 5 or 7), from PMP or a bad PTE address. */
export const TRANSLATE_ACCESS_FAULT = -2;
/**
 * `translate` result (H extension): the G-stage refused the access: a guest-page fault
 * (cause 20, 21 or 23 by access type). `lastGuestFault*` tell the guest physical address.
 */
export const TRANSLATE_GUEST_PAGE_FAULT = -3;

/** `translate` flag: the access is made with V=1 (two-stage translation: VS-stage, then G-stage). */
export const TRANSLATE_VIRT = 1;
/** `translate` flag, with TRANSLATE_VIRT on a load: HLVX, which needs execute permission instead of read at both stages. */
export const TRANSLATE_HLVX = 2;

/**
 * Address translation for one hart (DESIGN.md, `@hvkit/mmu`). The hart owns its CSRs
 * and tells the translator what it needs of them; the translator knows nothing else
 * of the hart. Virtual addresses travel as JS numbers holding the signed 64-bit value,
 * so every canonical Sv39/Sv48 address and every physical address below 2^53 is exact;
 * the hart faults anything else before asking.
 */
export interface Translator {
  /**
   * Translates `va` for an access of kind `access` at privilege `priv` (the effective
   * privilege: MPRV already applied by the hart). Checks PMP on the result and on every
   * page-table access. Returns the physical address (>= 0) or a negative `TRANSLATE_*` code.
   * `flags` (TRANSLATE_VIRT, TRANSLATE_HLVX; 0 when omitted) selects two-stage translation
   * under the state given to `configureGuest`; `priv` is then the nominal privilege (VS = S, VU = U).
   */
  translate(va: number, access: AccessType, priv: Privilege, flags?: number): number;
  /**
   * True when the most recent successful `translate` holds for every byte of its 4 KiB
   * page (same permissions, same PMP outcome), so the hart may cache that page for
   * later accesses of the same kind until its next fence or mode change. A translator
   * without this method is never cached around.
   */
  lastPageUniform?(): boolean;
  /** Called by the hart when satp, mstatus.SUM or mstatus.MXR change. satp is given as two 32-bit halves. */
  configure(satpLo: number, satpHi: number, sum: boolean, mxr: boolean): void;
  /**
   * H extension: records vsatp and hgatp (as 32-bit halves), vsstatus.SUM/MXR (VS-stage) and
   * mstatus.MXR (both stages). A translator without it cannot translate with TRANSLATE_VIRT.
   */
  configureGuest?(
    vsatpLo: number,
    vsatpHi: number,
    hgatpLo: number,
    hgatpHi: number,
    vsSum: boolean,
    vsMxr: boolean,
    mxr: boolean,
  ): void;
  /** HFENCE.VVMA (and SFENCE.VMA at V=1): drops VS-stage translations (`va`, `asid` as for `flush`; may drop more). */
  hfenceVvma?(va?: number, asid?: number): void;
  /** HFENCE.GVMA: drops G-stage translations for guest physical address `gpa` (or all) and `vmid` (or all); may drop more. */
  hfenceGvma?(gpa?: number, vmid?: number): void;
  /** After TRANSLATE_GUEST_PAGE_FAULT: the guest physical address that faulted. */
  lastGuestFaultGpa?(): number;
  /** After TRANSLATE_GUEST_PAGE_FAULT: true when the fault came from an implicit VS-stage page-table access (and whether it was the A/D write, see `lastGuestFaultWrite`). */
  lastGuestFaultImplicit?(): boolean;
  /** After an implicit TRANSLATE_GUEST_PAGE_FAULT: true when the implicit access was the A/D update (a write). */
  lastGuestFaultWrite?(): boolean;
  /** SFENCE.VMA: drops cached translations for `va` (or all when undefined) and `asid` (or all when undefined). */
  flush(va?: number, asid?: number): void;
  /** Reads pmpcfg register `index` (0, 2, 4, ... 14 on RV64) as [lo, hi] 32-bit halves into `out`. */
  readPmpcfg(index: number, out: Int32Array): void;
  /** Writes pmpcfg register `index` from 32-bit halves; locked entries and WARL fields are kept as the spec says. */
  writePmpcfg(index: number, lo: number, hi: number): void;
  /** Reads pmpaddr register `index` (0..63) as [lo, hi] into `out`. */
  readPmpaddr(index: number, out: Int32Array): void;
  /** Writes pmpaddr register `index` (0..63); ignored when its entry is locked. */
  writePmpaddr(index: number, lo: number, hi: number): void;
}
