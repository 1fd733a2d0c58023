/*
 * The line every benchmark guest prints (bench/guests/src/bench.h):
 *   bench: name=sieve instret=203964022 ticks=2039640 check=0xa5886801
 * and, when a self-check fails, before exiting with that code:
 *   bench: FAIL name=sieve code=1
 */

/** A parsed result line. */
export interface BenchLine {
  readonly name: string;
  /** minstret delta over the measured region. */
  readonly instret: number;
  /** mtime delta over the measured region (10 MHz). */
  readonly ticks: number;
  /** `0x` + 8 lowercase hex digits. */
  readonly check: string;
}

const LINE = /^bench: name=(\S+) instret=(\d+) ticks=(\d+) check=(0x[0-9a-f]{8})$/m;
const FAIL = /^bench: FAIL name=(\S+) code=(\d+)$/m;

/** The result line in `output`, or null. */
export function parseBenchLine(output: string): BenchLine | null {
  const m = LINE.exec(output);
  if (m === null) return null;
  return { name: m[1]!, instret: Number(m[2]), ticks: Number(m[3]), check: m[4]! };
}

/** The guest's own failure line (`bench: FAIL ...`) in `output`, or null. */
export function findFailLine(output: string): string | null {
  return FAIL.exec(output)?.[0] ?? null;
}

/** The last `n` non-empty lines of `output`, joined with ` | ` (for one-line error messages). */
export function tail(output: string, n = 3): string {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-n).join(' | ') || '(no output)';
}
