/*
 * Hypervisor rows: one S-mode benchmark image (bench/guests/images/NAME-s.elf,
 * entered under SBI at 0x80200000) run under both hypervisor types built from
 * hvkit, each on the same one-hart board:
 *
 *   type-2  the hosted virt board, native SBI in M-mode, the guest in S-mode
 *   type-1  @hvkit/hypervisor-type1 alone on the board, the guest in VS-mode behind
 *           its G-stage tables, SBI served by the hypervisor
 *
 * The guest measures itself (rdtime, rdinstret around the work), so MIPS is the
 * same quantity on both sides; the checksums must agree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkTable, Type1Hypervisor } from '../../packages/hypervisor-type1/src/index.js';
import { RealTimeClock, VirtMachine } from '../../packages/machine/src/index.js';
import type { HypervisorMipsResult, HypervisorRun, Row, RowContext } from '../rows.js';
import { CaptureBackend, describeOutcome } from './hvkit.js';
import { findFailLine, parseBenchLine, tail } from './line.js';
import { IMAGES_DIR } from './paths.js';

const TIMEBASE_HZ = 10_000_000;
const TIMEOUT_MS = 300_000;

/** The image under type-2: VirtMachine with native SBI. */
async function runType2(kernel: Uint8Array): Promise<{ ok: boolean; output: string; ended: string }> {
  const uart = new CaptureBackend();
  const machine = new VirtMachine({ kernel, uart, clock: new RealTimeClock() });
  const outcome = await machine.run({ timeoutMs: TIMEOUT_MS });
  return {
    ok: outcome.kind === 'shutdown' && outcome.code === 0,
    output: uart.text(),
    ended: describeOutcome(outcome),
  };
}

/** The image as the only guest of the type-1 hypervisor on a one-hart board. */
async function runType1(kernel: Uint8Array): Promise<{ ok: boolean; output: string; ended: string }> {
  const plan = checkTable({
    board: { harts: 1, memory: '192M' },
    guests: [{ name: 'bench', harts: [0], memory: '128M', kernel: 'bench.elf' }],
  });
  let output = '';
  const hv = new Type1Hypervisor({
    plan,
    images: { bench: { kernel } },
    output: (_, byte) => {
      if (byte !== 13) output += String.fromCharCode(byte);
    },
  });
  const result = await hv.run({ timeoutMs: TIMEOUT_MS });
  const exit = result.guests[0]?.exit;
  return {
    ok: result.kind === 'done' && result.clean,
    output,
    ended:
      result.kind === 'done'
        ? (exit?.reason ?? 'done')
        : `${result.kind}${result.message ? `: ${result.message}` : ''}`,
  };
}

/** A `hypervisor-mips` row for bench/guests/images/NAME-s.elf (NAME-s-quick.elf with --quick). */
export function hypervisorRow(name: string, description: string): Row {
  const rowName = `type1-${name}`;
  return {
    name: rowName,
    kind: 'hypervisor-mips',
    description,
    async run(context: RowContext): Promise<HypervisorMipsResult> {
      const file = `${name}-s${context.quick ? '-quick' : ''}.elf`;
      const path = join(IMAGES_DIR, file);
      const problems: string[] = [];
      const runs: Record<'type2' | 'type1', HypervisorRun | null> = { type2: null, type1: null };
      if (!existsSync(path)) {
        problems.push(`bench/guests/images/${file} is missing: run bench/guests/build.sh`);
      } else {
        const kernel = new Uint8Array(readFileSync(path));
        for (const [side, run] of [
          ['type2', runType2],
          ['type1', runType1],
        ] as const) {
          for (let i = 0; i < context.repeat; i++) {
            const start = performance.now();
            const r = await run(kernel);
            const wallMs = performance.now() - start;
            const fail = findFailLine(r.output);
            const line = parseBenchLine(r.output);
            if (fail !== null || !r.ok || line === null) {
              problems.push(`${side}: ${fail ?? `run did not pass (${r.ended})`}: ${tail(r.output)}`);
              break;
            }
            const mips = line.ticks > 0 ? line.instret / (line.ticks / TIMEBASE_HZ) / 1e6 : Number.NaN;
            context.log(
              `  ${side}  ${name}: ${mips.toFixed(1)} MIPS (${(wallMs / 1000).toFixed(2)} s wall, check ${line.check})`,
            );
            const result: HypervisorRun = {
              instret: line.instret,
              ticks: line.ticks,
              check: line.check,
              mips,
              wallMs,
            };
            if (runs[side] === null || mips > runs[side]!.mips) runs[side] = result;
          }
        }
        if (runs.type1 !== null && runs.type2 !== null && runs.type1.check !== runs.type2.check) {
          problems.push(`checksums differ: type-2 ${runs.type2.check}, type-1 ${runs.type1.check}`);
        }
      }
      return {
        name: rowName,
        kind: 'hypervisor-mips',
        status: problems.length === 0 ? 'ok' : 'fail',
        problems,
        image: file,
        type2: runs.type2,
        type1: runs.type1,
        ratio: runs.type1 !== null && runs.type2 !== null ? runs.type1.mips / runs.type2.mips : null,
      };
    },
  };
}
