/*
 * Guest MIPS rows: one CPU-bound bare-metal guest (bench/guests) run on hvkit and,
 * when available, on QEMU. The guest measures itself: it reads mtime and minstret
 * around its work and prints `bench: name=... instret=... ticks=... check=...`.
 *
 *   hvkit MIPS  = instret / (ticks / 10 MHz)       (guest's view; mtime is real time)
 *   hvkit wall  = all instructions of the run / host wall time of VirtMachine.run
 *   QEMU MIPS   = instret / (QEMU ticks / 10 MHz)   (instret from QEMU -icount, see qemu.ts)
 *   ratio       = hvkit MIPS / QEMU MIPS
 *
 * Correctness: the guest checks its own results (a failure exits non-zero), and its
 * checksum must equal the expected value recorded here and QEMU's; hvkit's instret
 * must equal QEMU's exact -icount count.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GuestMipsResult, HvkitGuestRun, QemuGuestRun, Row, RowContext } from '../rows.js';
import { describeOutcome, runOnHvkit } from './hvkit.js';
import { type BenchLine, findFailLine, parseBenchLine, tail } from './line.js';
import { IMAGES_DIR } from './paths.js';
import { type QemuInfo, runOnQemu } from './qemu.js';

/** mtime frequency on QEMU virt and hvkit. */
const TIMEBASE_HZ = 10_000_000;
/** Longest one hvkit run may take (full size at ~1 MIPS would still fit). */
const HVKIT_TIMEOUT_MS = 300_000;
/** Longest one QEMU run may take. */
const QEMU_TIMEOUT_MS = 120_000;

/**
 * The checksum each image prints (recorded from QEMU 7.2 and hvkit, which agree).
 * Rebuilding the images with changed sources changes them: update these from a
 * QEMU run (`pnpm bench` prints what QEMU computed).
 */
const EXPECTED_CHECKS: Readonly<Record<string, { readonly full: string; readonly quick: string }>> = {
  sieve: { full: '0xa5886801', quick: '0x16f89e12' },
  crc32: { full: '0x33869c1f', quick: '0x797b5fbf' },
  sort: { full: '0x1a8cfd8b', quick: '0x9dc1b8c4' },
  matmul: { full: '0xee22e48c', quick: '0x777963c1' },
  interp: { full: '0xd76ea59b', quick: '0x0e2ec243' },
  strsearch: { full: '0xcae68156', quick: '0x84b2eb68' },
};

/** Millions of instructions per second over `ticks` of the 10 MHz timebase. */
function mips(instret: number, ticks: number): number {
  return ticks > 0 ? instret / (ticks / TIMEBASE_HZ) / 1e6 : Number.NaN;
}

/** The result line of a finished run, or a one-line reason why there is none. */
function resultLine(output: string, name: string, ended: string, passed: boolean): BenchLine | string {
  const fail = findFailLine(output);
  if (fail !== null) return `guest self-check failed (${ended}): ${fail}`;
  if (!passed) return `run did not pass (${ended}); output: ${tail(output)}`;
  const line = parseBenchLine(output);
  if (line === null) return `no "bench:" result line in the output: ${tail(output)}`;
  if (line.name !== name) return `result line is for "${line.name}", expected "${name}"`;
  return line;
}

/** Runs the image on hvkit `repeat` times; the fastest run, or problems. */
async function measureHvkit(
  name: string,
  kernel: Uint8Array,
  context: RowContext,
  problems: string[],
): Promise<HvkitGuestRun | null> {
  let best: HvkitGuestRun | null = null;
  for (let i = 0; i < context.repeat; i++) {
    const run = await runOnHvkit(kernel, HVKIT_TIMEOUT_MS);
    const ended = describeOutcome(run.outcome);
    const passed = run.outcome.kind === 'shutdown' && run.outcome.code === 0;
    const line = resultLine(run.output, name, ended, passed);
    if (typeof line === 'string') {
      problems.push(`hvkit: ${line}`);
      return null;
    }
    const result: HvkitGuestRun = {
      instret: line.instret,
      ticks: line.ticks,
      check: line.check,
      mips: mips(line.instret, line.ticks),
      wallMs: run.wallMs,
      instructions: run.stats.instructions,
      wallMips: run.stats.instructions / (run.wallMs / 1000) / 1e6,
      cpuMs: run.cpuMs,
      cpuMips: run.stats.instructions / (run.cpuMs / 1000) / 1e6,
    };
    context.log(
      `  hvkit  ${name}: ${result.mips.toFixed(1)} MIPS (${(result.wallMs / 1000).toFixed(2)} s wall, check ${result.check})`,
    );
    if (best === null || result.mips > best.mips) best = result;
  }
  return best;
}

/** Runs the image on QEMU: once with -icount for the exact count, `repeat` times timed. */
async function measureQemu(
  name: string,
  image: string,
  qemu: QemuInfo,
  hvkitInstret: number | null,
  context: RowContext,
  problems: string[],
): Promise<QemuGuestRun | null> {
  const counted = await runOnQemu(qemu, image, true, QEMU_TIMEOUT_MS);
  let icountInstret: number | null = null;
  let icountCheck: string | null = null;
  const countedLine = resultLine(
    counted.output,
    name,
    counted.timedOut ? 'timeout' : `exit ${counted.status}`,
    counted.status === 0,
  );
  if (typeof countedLine === 'string') problems.push(`QEMU -icount: ${countedLine}`);
  else {
    icountInstret = countedLine.instret;
    icountCheck = countedLine.check;
  }

  let best: QemuGuestRun | null = null;
  for (let i = 0; i < context.repeat; i++) {
    const run = await runOnQemu(qemu, image, false, QEMU_TIMEOUT_MS);
    const line = resultLine(
      run.output,
      name,
      run.timedOut ? 'timeout' : `exit ${run.status}`,
      run.status === 0,
    );
    if (typeof line === 'string') {
      problems.push(`QEMU: ${line}`);
      return null;
    }
    if (icountCheck !== null && line.check !== icountCheck) {
      problems.push(`QEMU: check ${line.check} differs from its -icount run's ${icountCheck}`);
    }
    const instret = icountInstret ?? hvkitInstret;
    const result: QemuGuestRun = {
      ticks: line.ticks,
      check: line.check,
      mips: instret === null ? Number.NaN : mips(instret, line.ticks),
      wallMs: run.wallMs,
      icountInstret,
    };
    context.log(
      `  QEMU   ${name}: ${result.mips.toFixed(1)} MIPS (${(result.wallMs / 1000).toFixed(2)} s wall, check ${result.check})`,
    );
    if (best === null || result.mips > best.mips) best = result;
  }
  return best;
}

/** A `guest-mips` row for bench/guests/images/NAME.elf (NAME-quick.elf with --quick). */
export function guestRow(name: string, description: string): Row {
  return {
    name,
    kind: 'guest-mips',
    description,
    async run(context: RowContext): Promise<GuestMipsResult> {
      const file = `${name}${context.quick ? '-quick' : ''}.elf`;
      const image = join(IMAGES_DIR, file);
      const problems: string[] = [];
      const done = (hvkit: HvkitGuestRun | null, qemu: QemuGuestRun | null): GuestMipsResult => ({
        name,
        kind: 'guest-mips',
        status: problems.length === 0 ? 'ok' : 'fail',
        problems,
        image: file,
        hvkit,
        qemu,
        ratio: hvkit !== null && qemu !== null ? hvkit.mips / qemu.mips : null,
      });
      if (!existsSync(image)) {
        problems.push(`bench/guests/images/${file} is missing: run bench/guests/build.sh`);
        return done(null, null);
      }

      const hvkit = await measureHvkit(name, readFileSync(image), context, problems);
      const expected = EXPECTED_CHECKS[name]?.[context.quick ? 'quick' : 'full'];
      if (hvkit !== null && expected !== undefined && hvkit.check !== expected) {
        problems.push(`hvkit: check ${hvkit.check}, expected ${expected} (wrong result, or images rebuilt?)`);
      }

      let qemu: QemuGuestRun | null = null;
      if (context.qemu !== null) {
        qemu = await measureQemu(name, image, context.qemu, hvkit?.instret ?? null, context, problems);
        if (qemu !== null && hvkit !== null && qemu.check !== hvkit.check) {
          problems.push(`checksums differ: hvkit ${hvkit.check}, QEMU ${qemu.check}`);
        }
        if (qemu?.icountInstret != null && hvkit !== null && qemu.icountInstret !== hvkit.instret) {
          problems.push(`instret differs: hvkit ${hvkit.instret}, QEMU -icount ${qemu.icountInstret}`);
        }
      }
      return done(hvkit, qemu);
    },
  };
}
