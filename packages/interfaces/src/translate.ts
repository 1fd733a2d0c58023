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
   */
  translate(va: number, access: AccessType, priv: Privilege): number;
  /**
   * True when the most recent successful `translate` holds for every byte of its 4 KiB
   * page (same permissions, same PMP outcome), so the hart may cache that page for
   * later accesses of the same kind until its next fence or mode change. A translator
   * without this method is never cached around.
   */
  lastPageUniform?(): boolean;
  /** Called by the hart when satp, mstatus.SUM or mstatus.MXR change. satp is given as two 32-bit halves. */
  configure(satpLo: number, satpHi: number, sum: boolean, mxr: boolean): void;
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
