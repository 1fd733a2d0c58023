/*
 * `pnpm bench --guest FILE`: a bare-metal guest that is not ours (CoreMark, say:
 * rv64imac, M-mode, UART output, exits through the virt test finisher) run on
 * hvkit and QEMU side by side. Such a guest does not print our `bench:` line, so
 * speed is whole-run instructions over host wall time on both sides:
 *
 *   hvkit MIPS = minstret of the whole run / wall time of VirtMachine.run
 *   QEMU MIPS  = see below (its wall time includes QEMU's start-up, ~0.05 s here)
 *
 * QEMU's instruction count is not visible from outside without -icount, which
 * also makes its clock virtual (and a self-calibrating guest like CoreMark then
 * runs a different number of iterations). So when the guest prints its own score
 * (CoreMark's `Iterations/Sec`), QEMU MIPS = hvkit MIPS x QEMU score / hvkit
 * score (same binary, same instructions per iteration); otherwise the guest is
 * taken to do fixed work and hvkit's instruction count is used for both. The
 * guest's last lines are logged so its own numbers sit beside ours. Both sides
 * must exit 0.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { GuestMipsResult, HvkitGuestRun, QemuGuestRun, Row, RowContext } from '../rows.js';
import { describeOutcome, runOnHvkit } from './hvkit.js';
import { parseBenchLine, tail } from './line.js';
import { runOnQemu } from './qemu.js';

/** Longest one run of a foreign guest may take on either side. */
const TIMEOUT_MS = 600_000;
/** A guest's own speed score: CoreMark's `Iterations/Sec`, or Dhrystone's `per Second`. */
const SCORE = /(?:Iterations\/Sec|Dhrystones per Second)[^\d]*([\d.]+)/i;

/** The guest's own score from its output, or null. */
function score(output: string): number | null {
  const m = SCORE.exec(output);
  const v = m ? Number(m[1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** Last `n` non-empty lines of `text`, joined with " | ". */
function lastLines(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-n)
    .join(' | ');
}

/** A row for the ELF at `file` (resolved against the working directory). */
export function externalGuestRow(file: string): Row {
  const path = resolve(file);
  const name = basename(file).replace(/\.elf$/, '');
  return {
    name,
    kind: 'guest-mips',
    description: `foreign guest ${file}: whole-run instructions / wall time`,
    async run(context: RowContext): Promise<GuestMipsResult> {
      const problems: string[] = [];
      const done = (hvkit: HvkitGuestRun | null, qemu: QemuGuestRun | null): GuestMipsResult => ({
        name,
        kind: 'guest-mips',
        status: problems.length === 0 ? 'ok' : 'fail',
        problems,
        image: path,
        hvkit,
        qemu,
        ratio: hvkit !== null && qemu !== null ? hvkit.mips / qemu.mips : null,
      });
      if (!existsSync(path)) {
        problems.push(`${file}: no such file`);
        return done(null, null);
      }
      const kernel = readFileSync(path);

      let hvkit: HvkitGuestRun | null = null;
      let hvkitOutput = '';
      for (let i = 0; i < context.repeat; i++) {
        const run = await runOnHvkit(kernel, TIMEOUT_MS);
        const passed = run.outcome.kind === 'shutdown' && run.outcome.code === 0;
        if (!passed) {
          problems.push(`hvkit: run did not pass (${describeOutcome(run.outcome)}): ${tail(run.output)}`);
          break;
        }
        const wallMips = run.stats.instructions / (run.wallMs / 1000) / 1e6;
        const line = parseBenchLine(run.output);
        const result: HvkitGuestRun = {
          instret: run.stats.instructions,
          ticks: Math.round((run.wallMs / 1000) * 10_000_000),
          check: line?.check ?? '-',
          mips: wallMips,
          wallMs: run.wallMs,
          instructions: run.stats.instructions,
          wallMips,
          cpuMs: run.cpuMs,
          cpuMips: run.stats.instructions / (run.cpuMs / 1000) / 1e6,
        };
        context.log(
          `  hvkit  ${name}: ${wallMips.toFixed(1)} MIPS (${(run.wallMs / 1000).toFixed(2)} s, ` +
            `${(run.stats.instructions / 1e6).toFixed(1)} M instructions); guest said: ${lastLines(run.output, 3)}`,
        );
        if (hvkit === null || result.mips > hvkit.mips) {
          hvkit = result;
          hvkitOutput = run.output;
        }
      }

      let qemu: QemuGuestRun | null = null;
      if (context.qemu !== null) {
        for (let i = 0; i < context.repeat; i++) {
          const run = await runOnQemu(context.qemu, path, false, TIMEOUT_MS);
          if (run.status !== 0) {
            problems.push(`QEMU: exit ${run.timedOut ? 'timeout' : run.status}: ${tail(run.output)}`);
            break;
          }
          // Same binary, same work per iteration: the guest's own scores give the speed
          // ratio; without a score, assume the same instruction count as hvkit's run.
          const hScore = hvkit === null ? null : score(hvkitOutput);
          const qScore = score(run.output);
          let mips = Number.NaN;
          let how = 'no hvkit run to compare';
          if (hvkit !== null && hScore !== null && qScore !== null) {
            mips = (hvkit.mips * qScore) / hScore;
            how = `from the scores, ${qScore} vs hvkit ${hScore}`;
          } else if (hvkit !== null) {
            mips = hvkit.instructions / (run.wallMs / 1000) / 1e6;
            how = "assuming hvkit's instruction count";
          }
          context.log(
            `  QEMU   ${name}: ${mips.toFixed(1)} MIPS (${how}; ${(run.wallMs / 1000).toFixed(2)} s); guest said: ${lastLines(run.output, 3)}`,
          );
          const result: QemuGuestRun = {
            ticks: Math.round((run.wallMs / 1000) * 10_000_000),
            check: '-',
            mips,
            wallMs: run.wallMs,
            icountInstret: null,
          };
          if (qemu === null || result.mips > qemu.mips) qemu = result;
        }
      }
      return done(hvkit, qemu);
    },
  };
}
