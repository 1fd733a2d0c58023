/*
 * `pnpm bench`: runs every row of bench/rows.ts (the guest benchmarks of
 * bench/guests on hvkit and QEMU, later a Linux boot row), prints the tables and
 * writes the results as JSON. See bench/README.md.
 *
 *   pnpm bench                   full size (about 200 million instructions per guest)
 *   pnpm bench --quick           the -quick images (a tenth of the work)
 *   pnpm bench --only sieve      one row (repeat the flag or use commas for more)
 *   pnpm bench --no-qemu         hvkit only
 *   pnpm bench --json PATH       write the JSON there (default bench/results/latest.json)
 *   pnpm bench --repeat 3        run each side 3 times, report the fastest
 *   pnpm bench --list            list the rows
 *   pnpm bench --guest X.elf     also run a foreign bare-metal guest (CoreMark, say) on both
 *
 * Exit status: 0 when every row passed, 1 when a row failed (a guest self-check,
 * a checksum or instruction count that differs from QEMU's or from the expected
 * value, a timeout), 2 on a usage error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { externalGuestRow } from './lib/external.js';
import { loadAverage, machineInfo } from './lib/machine-info.js';
import { RESULTS_DIR } from './lib/paths.js';
import { findQemu } from './lib/qemu.js';
import { formatTable, num } from './lib/table.js';
import {
  type BootSecondsResult,
  type GuestMipsResult,
  type HypervisorMipsResult,
  ROWS,
  type RowContext,
  type RowResult,
} from './rows.js';

const DEFAULT_JSON = join(RESULTS_DIR, 'latest.json');

const USAGE = `usage: pnpm bench [--quick] [--only NAME[,NAME...]] [--guest FILE.elf ...] [--no-qemu] [--json PATH] [--repeat N] [--list]`;

class UsageError extends Error {}

interface Options {
  readonly quick: boolean;
  readonly only: readonly string[];
  readonly guests: readonly string[];
  readonly noQemu: boolean;
  readonly json: string;
  readonly repeat: number;
  readonly list: boolean;
}

/** The command line, parsed by node:util (throws on unknown flags and missing values). */
function readArgs(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true, default: [] as string[] },
      guest: { type: 'string', multiple: true, default: [] as string[] },
      'no-qemu': { type: 'boolean', default: false },
      json: { type: 'string', default: DEFAULT_JSON },
      repeat: { type: 'string', default: '1' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
}

function parseOptions(argv: string[]): Options {
  let values: ReturnType<typeof readArgs>;
  try {
    values = readArgs(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = values.only.flatMap((o) => o.split(',')).filter((o) => o !== '');
  const known = ROWS.map((r) => r.name);
  const unknown = only.filter((o) => !known.includes(o));
  if (unknown.length > 0)
    throw new UsageError(`unknown row ${unknown.join(', ')} (rows: ${known.join(', ')})`);
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) {
    throw new UsageError(`--repeat wants a whole number from 1 to 100, got ${values.repeat}`);
  }
  return {
    quick: values.quick,
    only,
    guests: values.guest,
    noQemu: values['no-qemu'],
    json: resolve(values.json),
    repeat,
    list: values.list,
  };
}

/** Geometric mean of the finite positive values, or NaN. */
function geomean(values: readonly (number | null | undefined)[]): number {
  const xs = values.filter((v): v is number => v != null && Number.isFinite(v) && v > 0);
  if (xs.length === 0) return Number.NaN;
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/** `x` as "N.NNx" slower/faster factor of hvkit against QEMU. */
function slowdown(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) || ratio <= 0 ? '-' : `${(1 / ratio).toFixed(1)}x`;
}

function guestTable(results: readonly GuestMipsResult[]): string {
  const rows = results.map((r) => [
    r.name,
    num(r.hvkit === null ? null : r.hvkit.instret / 1e6, 1),
    num(r.hvkit?.mips),
    num(r.hvkit?.wallMips),
    num(r.hvkit?.cpuMips),
    num(r.hvkit === null ? null : r.hvkit.wallMs / 1000, 2),
    num(r.qemu?.mips),
    num(r.ratio, 4),
    slowdown(r.ratio),
    r.hvkit?.check ?? r.qemu?.check ?? '-',
    r.status,
  ]);
  if (results.length > 1) {
    const ratio = geomean(results.map((r) => r.ratio));
    rows.push([
      'geomean',
      '',
      num(geomean(results.map((r) => r.hvkit?.mips))),
      num(geomean(results.map((r) => r.hvkit?.wallMips))),
      num(geomean(results.map((r) => r.hvkit?.cpuMips))),
      '',
      num(geomean(results.map((r) => r.qemu?.mips))),
      num(ratio, 4),
      slowdown(ratio),
      '',
      '',
    ]);
  }
  return formatTable(
    [
      { header: 'benchmark' },
      { header: 'Minstr', right: true },
      { header: 'hvkit MIPS', right: true },
      { header: 'wall MIPS', right: true },
      { header: 'CPU MIPS', right: true },
      { header: 'hvkit s', right: true },
      { header: 'QEMU MIPS', right: true },
      { header: 'hvkit/QEMU', right: true },
      { header: 'slower', right: true },
      { header: 'check' },
      { header: 'status' },
    ],
    rows,
  );
}

function hypervisorTable(results: readonly HypervisorMipsResult[]): string {
  return formatTable(
    [
      { header: 'guest' },
      { header: 'Minstr', right: true },
      { header: 'type-2 MIPS', right: true },
      { header: 'type-1 MIPS', right: true },
      { header: 'type-1/type-2', right: true },
      { header: 'check' },
      { header: 'status' },
    ],
    results.map((r) => [
      r.name,
      num(r.type2 === null ? null : r.type2.instret / 1e6, 1),
      num(r.type2?.mips),
      num(r.type1?.mips),
      num(r.ratio, 2),
      r.type1?.check ?? r.type2?.check ?? '-',
      r.status,
    ]),
  );
}

function bootTable(results: readonly BootSecondsResult[]): string {
  return formatTable(
    [
      { header: 'boot' },
      { header: 'until' },
      { header: 'hvkit s', right: true },
      { header: 'Minstr', right: true },
      { header: 'QEMU s', right: true },
      { header: 'hvkit/QEMU', right: true },
      { header: 'status' },
    ],
    results.map((r) => [
      r.name,
      r.milestone,
      num(r.hvkit?.seconds, 2),
      num(r.hvkit?.instructions === undefined ? null : r.hvkit.instructions / 1e6, 1),
      num(r.qemu?.seconds, 2),
      num(r.ratio, 2),
      r.status,
    ]),
  );
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (options.list) {
    for (const row of ROWS)
      process.stdout.write(`${row.name.padEnd(12)} ${row.kind.padEnd(13)} ${row.description}\n`);
    return 0;
  }

  const info = machineInfo();
  const qemu = options.noQemu ? null : findQemu();
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const context: RowContext = { quick: options.quick, qemu, repeat: options.repeat, log };
  // --guest alone runs just the foreign guests; with --only, those rows too.
  const foreign = options.guests.map((file) => externalGuestRow(file));
  const own =
    options.only.length === 0
      ? foreign.length > 0
        ? []
        : ROWS
      : ROWS.filter((r) => options.only.includes(r.name));
  const selected = [...own, ...foreign];

  log(
    `bench: ${selected.length} row(s), ${options.quick ? 'quick' : 'full'} size, ` +
      `${qemu === null ? (options.noQemu ? 'no QEMU (--no-qemu)' : 'QEMU not installed: hvkit only') : qemu.version}; ` +
      `load average ${info.loadAverageAtStart.join(' ')} on ${info.cpus} CPU(s)`,
  );
  const started = new Date();
  const results: RowResult[] = [];
  for (const row of selected) {
    log(`${row.name}: ${row.description}`);
    try {
      results.push(await row.run(context));
    } catch (error) {
      // A row that throws is a failed row; the others still run.
      const message = error instanceof Error ? error.message : String(error);
      log(`  ${row.name}: threw ${message}`);
      results.push(failedRow(row.kind, row.name, `threw: ${message}`));
    }
  }
  const loadAtEnd = loadAverage();

  const guest = results.filter((r): r is GuestMipsResult => r.kind === 'guest-mips');
  const boot = results.filter((r): r is BootSecondsResult => r.kind === 'boot-seconds');
  const out: string[] = [];
  if (guest.length > 0) {
    out.push(
      'Guest MIPS: hvkit/QEMU MIPS = measured instructions / guest mtime (real time);',
      'wall MIPS = whole hvkit run / host wall time; CPU MIPS = whole hvkit run / process CPU time.',
      guestTable(guest),
      '',
    );
  }
  if (boot.length > 0) out.push('Boot time (host seconds)', bootTable(boot), '');
  const hyper = results.filter((r): r is HypervisorMipsResult => r.kind === 'hypervisor-mips');
  if (hyper.length > 0) {
    out.push(
      'Type-1 vs type-2: the same S-mode guest, MIPS from its own rdinstret / rdtime, one-hart board each',
      hypervisorTable(hyper),
      '',
    );
  }
  for (const r of results) for (const p of r.problems) out.push(`${r.status.toUpperCase()} ${r.name}: ${p}`);
  out.push(
    `node ${info.node}, ${info.cpuModel} (${info.cpus} CPUs), ${qemu?.version ?? 'no QEMU'}; ` +
      `load average ${info.loadAverageAtStart.join(' ')} at start, ${loadAtEnd.join(' ')} at end`,
  );
  process.stdout.write(`${out.join('\n')}\n`);

  const report = {
    schema: 1,
    date: started.toISOString(),
    durationSeconds: Math.round((Date.now() - started.getTime()) / 100) / 10,
    options: { quick: options.quick, only: options.only, qemu: !options.noQemu, repeat: options.repeat },
    machine: { ...info, loadAverageAtEnd: loadAtEnd },
    qemu,
    rows: results,
  };
  mkdirSync(dirname(options.json), { recursive: true });
  writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  const shown = relative(process.cwd(), options.json);
  log(`bench: wrote ${shown.startsWith('..') ? options.json : shown}`);

  const failed = results.filter((r) => r.status === 'fail');
  if (failed.length > 0) {
    log(`bench: FAILED: ${failed.map((r) => r.name).join(', ')}`);
    return 1;
  }
  return 0;
}

/** The result of a row whose `run` threw. */
function failedRow(kind: RowResult['kind'], name: string, problem: string): RowResult {
  if (kind === 'hypervisor-mips') {
    return {
      kind,
      name,
      status: 'fail',
      problems: [problem],
      image: '-',
      type2: null,
      type1: null,
      ratio: null,
    };
  }
  if (kind === 'boot-seconds') {
    return {
      kind,
      name,
      status: 'fail',
      problems: [problem],
      milestone: '-',
      hvkit: null,
      qemu: null,
      ratio: null,
    };
  }
  return {
    kind,
    name,
    status: 'fail',
    problems: [problem],
    image: '-',
    hvkit: null,
    qemu: null,
    ratio: null,
  };
}

process.exitCode = await main();
