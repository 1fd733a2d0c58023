/*
 * The Linux boot row: host seconds from the start of a run to the shell prompt
 * (`~ # `) of the packages/guest-linux Image, on hvkit and on QEMU.
 *
 *   hvkit  `VirtMachine` in this process: kernel = the Image bytes
 *          (kernelFormat 'auto'), native SBI, 128 MiB, 1 hart, real-time clock;
 *          timed from `new VirtMachine` to the prompt.
 *   QEMU   `qemu-system-riscv64 -M virt -m 128M -nographic -kernel Image`
 *          (QEMU's bundled OpenSBI); timed from spawn to the prompt.
 *
 * Both then get `poweroff\n` and must power off; a run that does not reach the
 * prompt or does not power off fails the row. The guest's shell is ours
 * (packages/guest-linux), so importing its path and prompt by relative path is
 * as for @hvkit/machine in lib/hvkit.ts.
 */

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { LINUX_PROMPT, linuxImagePath } from '../../packages/guest-linux/src/index.js';
import { RealTimeClock, VirtMachine } from '../../packages/machine/src/index.js';
import type { BootSecondsResult, Row, RowContext } from '../rows.js';
import { describeOutcome } from './hvkit.js';
import { tail } from './line.js';
import type { QemuInfo } from './qemu.js';

type CharBackend = NonNullable<ConstructorParameters<typeof VirtMachine>[0]['uart']>;

/** Longest one run (boot, prompt, power-off) may take, on either side. */
const TIMEOUT_MS = 180_000;
const MEMORY = 128 * 2 ** 20;

/**
 * A UART backend that keeps the guest's output, calls `onPrompt` once when the
 * output ends with the shell prompt, and then types `input`.
 */
class PromptBackend implements CharBackend {
  private readonly out: number[] = [];
  private readonly input: number[] = [];
  private readonly listeners: (() => void)[] = [];
  private seen = false;

  constructor(private readonly onPrompt: () => void) {}

  write(byte: number): void {
    this.out.push(byte);
    if (!this.seen && endsWith(this.out, LINUX_PROMPT)) {
      this.seen = true;
      this.onPrompt();
      for (const c of Buffer.from('poweroff\n', 'latin1')) this.input.push(c);
      for (const l of this.listeners) l();
    }
  }

  read(): number {
    return this.input.shift() ?? -1;
  }

  onReadable(listener: () => void): void {
    this.listeners.push(listener);
  }

  text(): string {
    return Buffer.from(this.out).toString('latin1').replaceAll('\r', '');
  }
}

function endsWith(bytes: readonly number[], s: string): boolean {
  if (bytes.length < s.length) return false;
  for (let i = 0; i < s.length; i++) {
    if (bytes[bytes.length - s.length + i] !== s.charCodeAt(i)) return false;
  }
  return true;
}

interface BootRun {
  /** Seconds to the prompt, or null when it never came. */
  readonly seconds: number | null;
  /** Instructions retired up to the prompt (hvkit only; counted at slice granularity). */
  readonly instructions?: number;
  /** Why the run failed, or null. */
  readonly problem: string | null;
}

/** One boot on hvkit, in this process. */
async function bootHvkit(kernel: Uint8Array): Promise<BootRun> {
  let promptMs: number | null = null;
  let promptInstructions = 0;
  // Set before the machine exists; the backend only writes once the machine runs.
  let machine: VirtMachine | undefined;
  const uart = new PromptBackend(() => {
    promptMs = performance.now() - start;
    promptInstructions = machine!.stats().instructions;
  });
  const start = performance.now();
  machine = new VirtMachine({
    kernel,
    kernelFormat: 'auto',
    bios: 'native',
    memorySize: MEMORY,
    harts: 1,
    uart,
    clock: new RealTimeClock(),
  });
  const outcome = await machine.run({ timeoutMs: TIMEOUT_MS });
  const total = machine.stats().instructions;
  if (promptMs === null) {
    return { seconds: null, problem: `no prompt (${describeOutcome(outcome)}): ${tail(uart.text())}` };
  }
  const off = outcome.kind === 'shutdown' && outcome.code === 0;
  return {
    seconds: promptMs / 1000,
    // The hart's instret is brought up to date at the end of each slice, so the
    // count at the prompt can lag by up to one slice; never above the total.
    instructions: Math.min(promptInstructions || total, total),
    problem: off ? null : `did not power off after the prompt (${describeOutcome(outcome)})`,
  };
}

/** One boot on QEMU (its bundled OpenSBI), as a child process. */
function bootQemu(qemu: QemuInfo, image: string): Promise<BootRun> {
  const args = ['-M', 'virt', '-m', '128M', '-nographic', '-kernel', image];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(qemu.binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let promptMs: number | null = null;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('latin1');
      if (promptMs === null && output.endsWith(LINUX_PROMPT)) {
        promptMs = performance.now() - start;
        child.stdin.write('poweroff\n');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('latin1');
    });
    child.stdin.on('error', () => {});
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      const text = output.replaceAll('\r', '');
      const ended = timedOut ? 'timeout' : `exit ${status}`;
      if (promptMs === null) resolve({ seconds: null, problem: `no prompt (${ended}): ${tail(text)}` });
      else
        resolve({
          seconds: promptMs / 1000,
          problem: status === 0 ? null : `did not power off after the prompt (${ended})`,
        });
    });
  });
}

/** Runs `boot` `repeat` times; the fastest run, or null after the first failure. */
async function best(
  side: string,
  repeat: number,
  boot: () => Promise<BootRun>,
  context: RowContext,
  problems: string[],
): Promise<BootRun | null> {
  let fastest: BootRun | null = null;
  for (let i = 0; i < repeat; i++) {
    const run = await boot();
    if (run.problem !== null || run.seconds === null) {
      problems.push(`${side}: ${run.problem ?? 'no prompt'}`);
      return null;
    }
    const instr =
      run.instructions === undefined ? '' : `, ${(run.instructions / 1e6).toFixed(1)} M instructions`;
    context.log(`  ${side.padEnd(6)} linux: prompt after ${run.seconds.toFixed(2)} s${instr}`);
    if (fastest === null || run.seconds < fastest.seconds!) fastest = run;
  }
  return fastest;
}

/** The `linux` row (kind `boot-seconds`). `--quick` changes nothing: there is one Image. */
export function linuxBootRow(): Row {
  return {
    name: 'linux',
    kind: 'boot-seconds',
    description: 'Linux 6.1 (packages/guest-linux) to its shell prompt, 1 hart, 128 MiB; then poweroff',
    async run(context: RowContext): Promise<BootSecondsResult> {
      const image = linuxImagePath();
      const problems: string[] = [];
      const done = (hvkit: BootRun | null, qemu: BootRun | null): BootSecondsResult => ({
        name: 'linux',
        kind: 'boot-seconds',
        status: problems.length === 0 ? 'ok' : 'fail',
        problems,
        milestone: 'shell prompt',
        hvkit:
          hvkit?.seconds == null
            ? null
            : {
                seconds: hvkit.seconds,
                ...(hvkit.instructions === undefined ? {} : { instructions: hvkit.instructions }),
              },
        qemu: qemu?.seconds == null ? null : { seconds: qemu.seconds },
        ratio: hvkit?.seconds != null && qemu?.seconds != null ? hvkit.seconds / qemu.seconds : null,
      });
      if (!existsSync(image)) {
        problems.push(`${image} is missing: run packages/guest-linux/build/build.sh`);
        return done(null, null);
      }
      const kernel = readFileSync(image);
      const hvkit = await best('hvkit', context.repeat, () => bootHvkit(kernel), context, problems);
      const { qemu } = context;
      const q =
        qemu === null
          ? null
          : await best('QEMU', context.repeat, () => bootQemu(qemu, image), context, problems);
      return done(hvkit, q);
    },
  };
}
