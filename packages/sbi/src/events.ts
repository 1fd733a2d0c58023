/** Which extension served a call, for traces: the v0.2+ extensions, the legacy EIDs 0x00-0x08, or none. */
export type SbiExtensionName =
  | 'base'
  | 'time'
  | 'ipi'
  | 'rfence'
  | 'hsm'
  | 'srst'
  | 'dbcn'
  | 'legacy'
  | 'unknown';

/**
 * Optional observers of the firmware (STYLE.md 8): every member may be left out;
 * the default is no observer at all, so an unused hook costs one property check per call.
 */
export interface SbiEvents {
  /**
   * An SBI call was served. `eid`/`fid` are the low 32 bits of a7/a6 (`fid` is 0 for
   * legacy calls); `result` is the a0 written: the error code, or for legacy calls
   * their a0 return value.
   */
  call?(hartId: number, extension: SbiExtensionName, eid: number, fid: number, result: number): void;
  /** A trap other than an ECALL from S-mode reached the firmware (also reported to the platform). */
  unhandledTrap?(hartId: number, cause: number, pc: number): void;
}

/** The default observer: none. */
export const NO_SBI_EVENTS: SbiEvents = {};

/** An observer counting calls per extension and failed calls, for traces and tests. */
export class SbiCallCounter implements SbiEvents {
  /** Calls served, per extension. */
  readonly calls: Record<SbiExtensionName, number> = {
    base: 0,
    time: 0,
    ipi: 0,
    rfence: 0,
    hsm: 0,
    srst: 0,
    dbcn: 0,
    legacy: 0,
    unknown: 0,
  };
  /** v0.2+ calls that returned an error (legacy results are not errors by convention). */
  errors = 0;
  /** Traps the firmware did not serve. */
  unhandledTraps = 0;

  call(_hartId: number, extension: SbiExtensionName, _eid: number, _fid: number, result: number): void {
    this.calls[extension]++;
    if (extension !== 'legacy' && result !== 0) this.errors++;
  }

  unhandledTrap(): void {
    this.unhandledTraps++;
  }

  /** All calls served. */
  get total(): number {
    let n = 0;
    for (const v of Object.values(this.calls)) n += v;
    return n;
  }
}
