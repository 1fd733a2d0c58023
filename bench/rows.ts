/*
 * The rows of `pnpm bench`: one entry per thing measured, run in this order.
 *
 * A row is a name, a kind (which decides the table it is printed in and the shape
 * of its result) and a `run` function. To add a row, write a `Row` (see
 * lib/guest.ts for the guest MIPS rows) and list it in `ROWS` below; `--only NAME`,
 * the tables and the JSON file pick it up from here.
 */
import { guestRow } from './lib/guest.js';
import { linuxBootRow } from './lib/linux.js';
import type { QemuInfo } from './lib/qemu.js';
import { hypervisorRow } from './lib/type1.js';

/** What every row is given. */
export interface RowContext {
  /** `--quick`: smaller inputs (the `-quick` guest images, a tenth of the work). */
  readonly quick: boolean;
  /** QEMU to compare with, or null (`--no-qemu`, or not installed). */
  readonly qemu: QemuInfo | null;
  /** `--repeat N`: runs per side; the fastest run is reported. */
  readonly repeat: number;
  /** Prints one progress line (to stderr, so stdout keeps only the tables). */
  log(line: string): void;
}

/** Whether a row passed; `fail` makes `pnpm bench` exit non-zero. */
export type RowStatus = 'ok' | 'fail' | 'skipped';

interface ResultBase {
  readonly name: string;
  readonly status: RowStatus;
  /** Why the row failed or was skipped, one line each (empty when ok). */
  readonly problems: readonly string[];
}

/** One run of a guest benchmark on hvkit. */
export interface HvkitGuestRun {
  /** Instructions retired in the measured region (the guest's minstret delta). */
  readonly instret: number;
  /** mtime ticks (10 MHz, real time) in the measured region. */
  readonly ticks: number;
  /** The guest's checksum, `0x` + 8 hex digits. */
  readonly check: string;
  /** instret / (ticks / 10 MHz) in millions: speed inside the measured region. */
  readonly mips: number;
  /** Host wall time of `VirtMachine.run` (boot to finisher), ms. */
  readonly wallMs: number;
  /** Instructions retired in the whole run (setup and printing included). */
  readonly instructions: number;
  /** instructions / wall time in millions: speed of the whole run. */
  readonly wallMips: number;
  /** CPU time of this process during the run, ms. */
  readonly cpuMs: number;
  /** instructions / CPU time in millions: the whole run's speed per CPU second (less load-sensitive). */
  readonly cpuMips: number;
}

/** One run of a guest benchmark on QEMU. */
export interface QemuGuestRun {
  /** mtime ticks (10 MHz, real time without -icount) in the measured region. */
  readonly ticks: number;
  readonly check: string;
  /** instret (counted by the -icount run, else hvkit's) / (ticks / 10 MHz) in millions. */
  readonly mips: number;
  /** Host wall time of the qemu-system-riscv64 process, ms (includes QEMU start-up). */
  readonly wallMs: number;
  /** minstret delta of the `-icount shift=0` run (exact instruction count), or null if not run. */
  readonly icountInstret: number | null;
}

/** Result of a `guest-mips` row: a CPU-bound bare-metal guest on hvkit and QEMU. */
export interface GuestMipsResult extends ResultBase {
  readonly kind: 'guest-mips';
  /** Image file name under bench/guests/images. */
  readonly image: string;
  /** The fastest hvkit run (null if hvkit did not produce a result line). */
  readonly hvkit: HvkitGuestRun | null;
  /** The fastest QEMU run (null without QEMU or when it failed). */
  readonly qemu: QemuGuestRun | null;
  /** hvkit MIPS / QEMU MIPS (both from guest ticks), or null. */
  readonly ratio: number | null;
}

/**
 * Result of a `boot-seconds` row: host seconds from the start of a run to a
 * milestone in the guest's console output (e.g. Linux's shell prompt).
 */
export interface BootSecondsResult extends ResultBase {
  readonly kind: 'boot-seconds';
  /** What was waited for, e.g. `shell prompt`. */
  readonly milestone: string;
  /** Seconds on hvkit, or null. */
  readonly hvkit: { readonly seconds: number; readonly instructions?: number } | null;
  /** Seconds on QEMU, or null. */
  readonly qemu: { readonly seconds: number } | null;
  /** hvkit seconds / QEMU seconds (lower is better), or null. */
  readonly ratio: number | null;
}

/** One run of an S-mode benchmark image under one hypervisor type (the guest's own counts). */
export interface HypervisorRun {
  /** rdinstret delta over the measured region. */
  readonly instret: number;
  /** rdtime delta (10 MHz, real time) over the measured region. */
  readonly ticks: number;
  readonly check: string;
  /** instret / (ticks / 10 MHz) in millions. */
  readonly mips: number;
  /** Host wall time of the whole run (boot included), ms. */
  readonly wallMs: number;
}

/** Result of a `hypervisor-mips` row: the same S-mode guest under type-2 and under type-1. */
export interface HypervisorMipsResult extends ResultBase {
  readonly kind: 'hypervisor-mips';
  /** Image file name under bench/guests/images. */
  readonly image: string;
  /** In S-mode on the hosted board with native SBI. */
  readonly type2: HypervisorRun | null;
  /** In VS-mode under @hvkit/hypervisor-type1. */
  readonly type1: HypervisorRun | null;
  /** type-1 MIPS / type-2 MIPS, or null. */
  readonly ratio: number | null;
}

export type RowResult = GuestMipsResult | BootSecondsResult | HypervisorMipsResult;
export type RowKind = RowResult['kind'];

/** One thing `pnpm bench` measures. */
export interface Row {
  /** Short unique name, used by `--only`. */
  readonly name: string;
  readonly kind: RowKind;
  /** One line for `--list` and the README. */
  readonly description: string;
  run(context: RowContext): Promise<RowResult>;
}

/**
 * Every row, in run order.
 *
 * `linux` (kind `boot-seconds`, lib/linux.ts): host seconds from `new VirtMachine`
 * to the shell prompt of the packages/guest-linux image, on hvkit and on QEMU.
 *
 * `type1-NAME` (kind `hypervisor-mips`, lib/type1.ts): the S-mode build of a guest
 * benchmark (NAME-s.elf) in S-mode on the type-2 board and in VS-mode under the
 * type-1 hypervisor, each alone on a one-hart board.
 */
export const ROWS: readonly Row[] = [
  guestRow('sieve', 'Sieve of Eratosthenes to 2,000,000 in a bit array, 12 times'),
  guestRow('crc32', 'table-driven CRC-32 over 64 KiB, 280 passes'),
  guestRow('sort', 'quicksort + heapsort of 50,000 random 64-bit keys, 10 rounds'),
  guestRow('matmul', '96x96 64-bit integer matrix multiply, 30 rounds'),
  guestRow('interp', 'bytecode interpreter: Collatz steps and a hash loop, 10 rounds'),
  guestRow('strsearch', 'naive + Boyer-Moore-Horspool search of 8 patterns in 64 KiB, 30 rounds'),
  linuxBootRow(),
  hypervisorRow('crc32', 'crc32 in S-mode: type-2 (native SBI) vs type-1 (VS-mode guest)'),
  hypervisorRow('sort', 'sort in S-mode: type-2 (native SBI) vs type-1 (VS-mode guest)'),
];
