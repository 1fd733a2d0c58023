/**
 * Why `run(budget)` returned (STYLE.md 6):
 * - `budget`: the instruction budget ran out; call again.
 * - `wfi`: the hart executed WFI with no interrupt pending; the board may sleep until one is.
 * - `exit`: the board asked the hart to stop (power off, end of test, a VM stop).
 * - `breakpoint`: EBREAK was executed with a debugger attached.
 */
export type StopReason = 'budget' | 'wfi' | 'exit' | 'breakpoint';

/** Privilege levels in their mstatus.MPP encoding. */
export const Privilege = { User: 0, Supervisor: 1, Machine: 3 } as const;
/** A privilege level: 0 user, 1 supervisor, 3 machine. */
export type Privilege = (typeof Privilege)[keyof typeof Privilege];

/** What a board needs of a hart. */
export interface Hart {
  /** This hart's mhartid. */
  readonly hartId: number;
  /** Runs at most `budget` instructions and says why it stopped. */
  run(budget: number): StopReason;
  /** Makes the current or next `run` return `exit` at the next block boundary. */
  requestExit(): void;
  /** Instructions retired so far (minstret). */
  readonly instret: number;
}
