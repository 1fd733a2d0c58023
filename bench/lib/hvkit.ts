/*
 * Runs an image on hvkit in this process: `VirtMachine` from @hvkit/machine with
 * no firmware (`-bios none`), the default 128 MiB of RAM, the real-time clock
 * (mtime follows the host clock at 10 MHz, as on QEMU without -icount) and the
 * UART captured into memory.
 *
 * bench/ is not a workspace package, so @hvkit/machine is imported by path; only
 * the package's public entry point (its src/index.ts) is used. `pnpm bench` runs
 * with `--conditions=@hvkit/source`, so the machine's own @hvkit/* imports
 * resolve to their sources too.
 */
import {
  RealTimeClock,
  type RunOutcome,
  type RunStats,
  VirtMachine,
} from '../../packages/machine/src/index.js';

type CharBackend = NonNullable<ConstructorParameters<typeof VirtMachine>[0]['uart']>;

/** A UART backend that keeps every byte the guest writes and has no input. */
export class CaptureBackend implements CharBackend {
  private readonly bytes: number[] = [];

  write(byte: number): void {
    this.bytes.push(byte);
  }

  read(): number {
    return -1;
  }

  /** Output so far, with `\r` removed. */
  text(): string {
    return Buffer.from(this.bytes).toString('latin1').replaceAll('\r', '');
  }
}

/** What one hvkit run gave. */
export interface HvkitRun {
  readonly outcome: RunOutcome;
  /** Console output (`\r` removed). */
  readonly output: string;
  readonly stats: RunStats;
  /** Host wall time of `run()`, ms. */
  readonly wallMs: number;
  /** CPU time (user + system) this process used during `run()`, ms: less skewed by other load than wall time. */
  readonly cpuMs: number;
}

/** Boots `kernel` (ELF bytes) and runs it until it powers off or `timeoutMs` passes. */
export async function runOnHvkit(kernel: Uint8Array, timeoutMs: number): Promise<HvkitRun> {
  const uart = new CaptureBackend();
  const machine = new VirtMachine({ kernel, bios: 'none', uart, clock: new RealTimeClock() });
  const cpu = process.cpuUsage();
  const start = performance.now();
  const outcome = await machine.run({ timeoutMs });
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return {
    outcome,
    output: uart.text(),
    stats: machine.stats(),
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
  };
}

/** One line describing how a run ended, e.g. `finisher pass`, `finisher code 3`, `timeout`. */
export function describeOutcome(outcome: RunOutcome): string {
  switch (outcome.kind) {
    case 'shutdown':
      return outcome.code === 0 ? `${outcome.source} pass` : `${outcome.source} code ${outcome.code}`;
    case 'error':
      return `error: ${outcome.message}`;
    default:
      return outcome.kind;
  }
}
