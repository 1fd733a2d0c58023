import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  createVm,
  type HostConsole,
  HostError,
  type NetConfig,
  type Vm,
  type VmConfig,
  type VmExit,
  VmStartError,
} from '@hvkit/hypervisor-type2';
import { NodeHostOs } from '@hvkit/hypervisor-type2/node';
import { EXIT_INTERNAL, EXIT_TIMEOUT, EXIT_USAGE, UsageError } from './errors.js';
import { resolveKernel } from './guests.js';
import type { CliIo } from './main.js';
import { detectKernel, parseBios, parseDisk, parseNet, parseSmp } from './options.js';
import { parseSeconds, parseSize } from './size.js';

/** The flags of `hvkit run` as commander hands them over (strings until validated). */
export interface RunFlags {
  readonly kernel: string;
  readonly bios?: string;
  readonly memory: string;
  readonly smp: string;
  readonly initrd?: string;
  readonly append?: string;
  readonly disk: readonly string[];
  readonly net: readonly string[];
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

/** Reads an input file named by a flag, with one-line errors ("cannot read kernel X: no such file"). */
export async function readInput(what: string, path: string, cwd: string): Promise<Uint8Array> {
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
    throw new UsageError(`cannot read ${what} ${path}: ${why}`);
  }
}

/** `hvkit run`: validates the flags, boots the kernel in a VM thread and returns the exit status. */
export async function runCommand(flags: RunFlags, io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  // Every flag is checked before any file is opened.
  const memory = parseSize(flags.memory);
  const vcpus = parseSmp(flags.smp);
  const timeoutSeconds = flags.timeout === undefined ? undefined : parseSeconds(flags.timeout);
  const biosChoice = flags.bios === undefined ? undefined : parseBios(flags.bios);
  const disks = flags.disk.map((spec) => parseDisk(spec, cwd));
  const nets: NetConfig[] = flags.net.map(parseNet);

  const kernelFile = resolveKernel(flags.kernel);
  const kernel = await readInput('kernel', kernelFile.path, cwd);
  // With real firmware (--bios FILE), a kernel that is neither an ELF nor an Image
  // is a raw binary at 0x80200000 (e.g. U-Boot under fw_jump.bin), as on QEMU.
  const kernelInfo = detectKernel(kernel, kernelFile.label, biosChoice?.kind === 'file');
  const initrd = flags.initrd === undefined ? undefined : await readInput('initrd', flags.initrd, cwd);
  // Without --bios the board chooses: native SBI for a Linux Image or an ELF linked
  // above DRAM base, none for an ELF at 0x80000000 (which owns M-mode).
  const bios =
    biosChoice === undefined
      ? undefined
      : biosChoice.kind === 'file'
        ? await readInput('firmware', biosChoice.path, cwd)
        : biosChoice.kind;

  const config: VmConfig = {
    kernel,
    kernelFormat: kernelInfo.format,
    memory,
    vcpus,
    disks,
    nets,
    onReset: 'reboot',
    trace: flags.trace === true,
    ...(bios === undefined ? {} : { bios }),
    ...(initrd === undefined ? {} : { initrd }),
    ...(flags.append === undefined ? {} : { bootargs: flags.append }),
    ...(timeoutSeconds === undefined ? {} : { timeoutMs: timeoutSeconds * 1000 }),
  };

  const host = new NodeHostOs({ stdin: io.stdin ?? null, stdout: io.stdout, stderr: io.stderr });
  let vm: Vm | undefined;
  let quit = false;
  const console = host.openConsole({
    onQuit: () => {
      quit = true;
      void vm?.stop();
    },
    ...(kernelFile.readyText === undefined ? {} : { holdPipedInputUntil: kernelFile.readyText }),
  });
  // A signal must still restore a raw terminal, and exit through process.exit so that
  // the disk locks are removed (a plain signal death would leave them stale).
  const restoreOnSignal = trapSignals(console);
  try {
    vm = createVm({ ...config, console }, host);
    if (flags.trace === true) {
      vm.on('trace', (text) => {
        console.flush(); // keep guest output and trace lines in order
        io.stderr.write(text);
      });
    }
    try {
      await vm.start();
    } catch (error) {
      return startProblem(
        error,
        kernelFile.label,
        biosChoice?.kind === 'file' ? biosChoice.path : 'firmware',
        io,
      );
    }
    const exit = await vm.exited;
    console.flush();
    return report(exit, quit, timeoutSeconds, console.isRaw, io);
  } finally {
    await vm?.stop();
    console.close();
    restoreOnSignal();
  }
}

/** Turns a failed `Vm.start` into one line and a status. */
function startProblem(error: unknown, kernelLabel: string, biosLabel: string, io: CliIo): number {
  if (error instanceof VmStartError) {
    if (error.reason === 'internal') {
      throw Object.assign(
        new Error(error.message),
        error.detail === undefined ? {} : { stack: error.detail },
      );
    }
    // The board says "firmware: ..." about --bios FILE; every other image problem is the kernel's.
    const firmware = /^firmware: /.exec(error.message);
    const line =
      firmware !== null
        ? `${biosLabel}: ${error.message.slice(firmware[0].length)}`
        : error.reason === 'image'
          ? `${kernelLabel}: ${error.message}`
          : error.message;
    io.stderr.write(`hvkit: ${line}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof HostError) {
    io.stderr.write(`hvkit: ${error.message}\n`);
    return EXIT_USAGE;
  }
  throw error;
}

/** Prints how the run ended (when there is something to say) and returns the exit status. */
function report(
  exit: VmExit,
  quit: boolean,
  timeoutSeconds: number | undefined,
  raw: boolean,
  io: CliIo,
): number {
  const newline = raw ? '\r\n' : '';
  switch (exit.kind) {
    case 'shutdown':
      return exitStatus(exit.code);
    case 'timeout':
      io.stderr.write(`${newline}hvkit: timed out after ${timeoutSeconds} s\n`);
      return EXIT_TIMEOUT;
    case 'stopped':
      io.stderr.write(`\r\nhvkit: terminated${quit ? ' (Ctrl-A x)' : ''}\n`);
      return 0;
    case 'reset':
      return 0;
    case 'error':
      io.stderr.write(`hvkit: ${exit.message}\n`);
      return 1;
    case 'failed':
      io.stderr.write(`hvkit: ${exit.message}\n`);
      return EXIT_USAGE;
    case 'crashed': {
      const debug = io.env.HVKIT_DEBUG === '1';
      io.stderr.write(
        `hvkit: internal error: ${exit.message.split('\n')[0]}${debug ? '' : ' (HVKIT_DEBUG=1 for details)'}\n`,
      );
      if (debug && exit.detail !== undefined) io.stderr.write(`${exit.detail}\n`);
      return EXIT_INTERNAL;
    }
  }
}

/**
 * While a VM runs, a signal (kill, hangup, Ctrl-C on a pipe) restores the terminal
 * and exits with 128 + n through `process.exit`, whose exit hooks remove disk locks;
 * the handlers also cover a plain `process.exit` from elsewhere. Returns the undo.
 */
function trapSignals(console: HostConsole): () => void {
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
