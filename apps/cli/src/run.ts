import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { hex } from '@hvkit/interfaces';
import {
  type BootImage,
  ImageError,
  InputError,
  type MachineEvents,
  type RunOutcome,
  type RunStats,
  VirtMachine,
} from '@hvkit/machine';
import { EXIT_TIMEOUT, EXIT_USAGE, UsageError } from './errors.js';
import type { CliIo } from './main.js';
import { parseSeconds, parseSize } from './size.js';
import { StdioConsole } from './terminal.js';

/** The flags of `hvkit run` as commander hands them over (strings until validated). */
export interface RunFlags {
  readonly kernel: string;
  readonly bios: string;
  readonly memory: string;
  readonly timeout?: string;
  readonly trace?: boolean;
}

/** Signals that end the process while the terminal may be in raw mode, with their exit status (128 + n). */
const SIGNALS = { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143 } as const;

/** Maps a guest's power-off code to a process exit status: 0 stays 0, failures clamp to 1..255. */
export function exitStatus(code: number): number {
  if (code === 0) return 0;
  return Math.min(Math.max(Math.trunc(code), 1), 255);
}

/** Reads the kernel file with one-line errors. */
async function readKernel(path: string, cwd: string): Promise<Uint8Array> {
  try {
    return await readFile(resolve(cwd, path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (code ?? String(error));
    throw new UsageError(`cannot read kernel ${path}: ${why}`);
  }
}

/** Instruction trace lines buffered before one write to stderr. */
const TRACE_BATCH = 512;

/** Formats a pc (a signed 64-bit value in a number) as 16 hex digits. */
function pcHex(pc: number): string {
  return (pc >= 0 ? pc.toString(16) : BigInt.asUintN(64, BigInt(pc)).toString(16)).padStart(16, '0');
}

/**
 * `--trace`: every instruction (`<pc>: <encoding>  <disassembly>`) and the board's
 * events (`hvkit: trace: ...`) on stderr, in order, batched into large writes.
 */
function traceEvents(io: CliIo): MachineEvents {
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    io.stderr.write(`${lines.join('\n')}\n`);
    lines = [];
  };
  const line = (text: string) => {
    lines.push(`hvkit: trace: ${text}`);
    flush();
  };
  return {
    instruction(pc, inst, text) {
      const encoding =
        (inst & 3) === 3 ? (inst >>> 0).toString(16).padStart(8, '0') : inst.toString(16).padStart(4, '0');
      lines.push(`${pcHex(pc)}: ${encoding.padEnd(8)}  ${text}`);
      if (lines.length >= TRACE_BATCH) flush();
    },
    loaded(image: BootImage) {
      for (const s of image.segments) {
        line(`load ${hex(s.paddr)}..${hex(s.paddr + s.memsz)} (${s.bytes.length} bytes from the file)`);
      }
      const tohost = image.symbol('tohost');
      line(
        `${image.format} entry ${hex(image.entry)}${tohost === undefined ? '' : `, tohost at ${hex(tohost.value)}`}`,
      );
    },
    idle(ms) {
      line(Number.isFinite(ms) ? `wfi: sleeping up to ${ms.toFixed(3)} ms` : 'wfi: sleeping until input');
    },
    htif(kind, at) {
      if (kind !== 'putchar') line(`htif ${kind} (tohost at ${hex(at)})`);
    },
    stopped(outcome: RunOutcome, stats: RunStats) {
      const mips = stats.wallMs > 0 ? stats.instructions / stats.wallMs / 1000 : 0;
      line(
        `stopped: ${describe(outcome)}; ${stats.instructions} instructions in ${stats.wallMs.toFixed(1)} ms ` +
          `(${mips.toFixed(1)} MIPS), ${stats.sleptMs.toFixed(1)} ms asleep, ${stats.yields} yields`,
      );
    },
  };
}

function describe(outcome: RunOutcome): string {
  switch (outcome.kind) {
    case 'shutdown':
      return `shutdown with code ${outcome.code} (${outcome.source})`;
    case 'error':
      return `error: ${outcome.message}`;
    default:
      return outcome.kind;
  }
}

/** `hvkit run`: validates the flags, boots the kernel and returns the exit status. */
export async function runCommand(flags: RunFlags, io: CliIo): Promise<number> {
  if (flags.bios !== 'none') {
    throw new UsageError(`--bios ${flags.bios} is not supported yet (only --bios none)`);
  }
  const memorySize = parseSize(flags.memory);
  const timeoutSeconds = flags.timeout === undefined ? undefined : parseSeconds(flags.timeout);
  const kernel = await readKernel(flags.kernel, io.cwd ?? process.cwd());
  const events = flags.trace === true ? traceEvents(io) : {};

  let machine: VirtMachine | undefined;
  const console = new StdioConsole({
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
    onQuit: () => machine?.stop(),
  });
  const restoreOnSignal = console.isRaw ? trapSignals(console) : undefined;
  try {
    const boot = () => {
      console.clearListeners();
      return new VirtMachine({ kernel, bios: 'none', memorySize, uart: console, events });
    };
    try {
      machine = boot();
    } catch (error) {
      if (error instanceof InputError) {
        const where = error instanceof ImageError ? `${flags.kernel}: ` : '';
        io.stderr.write(`hvkit: ${where}${error.message}\n`);
        return EXIT_USAGE;
      }
      throw error;
    }
    const deadline = timeoutSeconds === undefined ? undefined : performance.now() + timeoutSeconds * 1000;
    for (;;) {
      const timeoutMs = deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
      const outcome = await machine.run(timeoutMs === undefined ? {} : { timeoutMs });
      console.flush();
      switch (outcome.kind) {
        case 'shutdown':
          return exitStatus(outcome.code);
        case 'reset':
          // As QEMU: the guest asked for a reboot. Yield first, so that a guest that
          // resets in a loop still lets input, signals and the timeout through.
          await new Promise((resolve) => setImmediate(resolve));
          if (deadline === undefined || performance.now() < deadline) {
            machine = boot();
            continue;
          }
          io.stderr.write(`${console.isRaw ? '\r\n' : ''}hvkit: timed out after ${timeoutSeconds} s\n`);
          return EXIT_TIMEOUT;
        case 'timeout':
          io.stderr.write(`${console.isRaw ? '\r\n' : ''}hvkit: timed out after ${timeoutSeconds} s\n`);
          return EXIT_TIMEOUT;
        case 'stopped':
          io.stderr.write('\r\nhvkit: terminated (Ctrl-A x)\n');
          return 0;
        case 'error':
          io.stderr.write(`hvkit: ${outcome.message}\n`);
          return 1;
      }
    }
  } finally {
    console.close();
    restoreOnSignal?.();
  }
}

/**
 * While the terminal is raw, a signal (kill, hangup) must still restore it; the
 * handlers also cover a plain `process.exit` from elsewhere. Returns the undo.
 */
function trapSignals(console: StdioConsole): () => void {
  const handlers = Object.entries(SIGNALS).map(([signal, status]) => {
    const handler = () => {
      console.close();
      process.exit(status);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  const onExit = () => console.close();
  process.once('exit', onExit);
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    process.removeListener('exit', onExit);
  };
}
