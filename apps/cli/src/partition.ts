/*
 * `hvkit partition TABLE.json`: the type-1 hypervisor on a board described by a
 * resource allocation table. The CLI is the app around it: it reads the table, the
 * kernels and initrds, opens the disk files, and wires the guests' consoles to stdio;
 * the hypervisor itself gets only bytes and block backends.
 *
 * Consoles: every guest's output goes to stdout, line by line, prefixed `[name] `.
 * Input goes to one guest at a time: the first one, or `--console NAME`. On a
 * terminal (raw mode) Ctrl-A n moves input to the next guest, Ctrl-A x quits, Ctrl-A h
 * lists the keys. Piped input is held until the guest is ready for it (the Linux
 * guest's prompt), and its end is passed on as Ctrl-D, as `hvkit run` does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LINUX_PROMPT, linuxImagePath } from '@hvkit/guest-linux';
import { OS_STUB_IMAGE_URL } from '@hvkit/guest-os-stub';
import {
  BUILTIN_KERNELS,
  ConsoleMux,
  type GuestImages,
  type PartitionOutcome,
  type Plan,
  parseTable,
  TableError,
  Type1Hypervisor,
} from '@hvkit/hypervisor-type1';
import { type DiskImage, HostError } from '@hvkit/hypervisor-type2';
import { openDiskImage } from '@hvkit/hypervisor-type2/node';
import { isLinuxImage } from '@hvkit/machine';
import { EXIT_TIMEOUT, EXIT_USAGE, UsageError } from './errors.js';
import type { CliIo } from './main.js';
import { exitStatus } from './run.js';
import { parseSeconds } from './size.js';
import type { InputStream, OutputStream } from './terminal.js';

/** The flags of `hvkit partition`. */
export interface PartitionFlags {
  readonly console?: string;
  readonly timeout?: string;
}

const ESCAPE = 0x01;
const END_OF_INPUT = 0x04;

/** What Ctrl-A h prints under `hvkit partition`. */
export const PARTITION_ESCAPE_HELP = [
  'C-a h    print this help',
  'C-a n    send input to the next guest',
  'C-a x    exit',
  'C-a C-a  sends C-a',
  '',
].join('\n');

/** Reads one file the table names; a problem is one table line. */
function readNamed(where: string, path: string, base: string): Uint8Array {
  const full = resolve(base, path);
  try {
    return readFileSync(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? String(error));
    throw new TableError([`table: ${where}: cannot read ${path}: ${why}`]);
  }
}

/** True when `line` (the guest's current output line) is a shell prompt: `~ # `, `/ # `, `$ `, `root@box:~# `. */
export function isPromptLine(line: string): boolean {
  return line.length < 64 && /^\S*\s?[#$] $/.test(line);
}

/** Whether a guest is ready for piped input, judged from its current output line. */
type Ready = (line: string) => boolean;

/**
 * A kernel named in the table: built-in name or file, and when its console is ready
 * for piped input (bytes that reach a UART while Linux's serial driver starts are
 * lost): the bundled Linux at its prompt, another Linux Image at a line that looks
 * like a shell prompt, anything else at once.
 */
function readKernel(index: number, spec: string, base: string): { bytes: Uint8Array; ready?: Ready } {
  const where = `guests[${index}].kernel`;
  if (spec === 'linux') {
    const path = linuxImagePath();
    if (!existsSync(path))
      throw new TableError([`table: ${where}: the Linux guest image ${path} has not been built`]);
    return { bytes: readFileSync(path), ready: (line) => line.endsWith(LINUX_PROMPT) };
  }
  if (spec === 'os-stub') return { bytes: readFileSync(fileURLToPath(OS_STUB_IMAGE_URL)) };
  const full = resolve(base, spec);
  if (!existsSync(full)) {
    throw new TableError([
      `table: ${where}: "${spec}" is neither a built-in kernel (${BUILTIN_KERNELS.join(', ')}) nor a file`,
    ]);
  }
  const bytes = readNamed(where, spec, base);
  return isLinuxImage(bytes) ? { bytes, ready: isPromptLine } : { bytes };
}

/** Guest output on stdout: batched, LF as CRLF on a raw terminal. */
class Output {
  private pending = '';
  private scheduled = false;
  constructor(
    private readonly stdout: OutputStream,
    private readonly raw: boolean,
  ) {}
  write(text: string): void {
    this.pending += this.raw ? text.replace(/\n/g, '\r\n') : text;
    if (this.pending.length >= 65536) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }
  flush(): void {
    if (this.pending === '') return;
    this.stdout.write(Buffer.from(this.pending, 'latin1'));
    this.pending = '';
  }
}

/** Runs `hvkit partition`; returns the exit status. */
export async function partitionCommand(tablePath: string, flags: PartitionFlags, io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const timeoutSeconds = flags.timeout === undefined ? undefined : parseSeconds(flags.timeout);
  const file = resolve(cwd, tablePath);
  const base = dirname(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read table ${tablePath}: ${code === 'ENOENT' ? 'no such file' : (code ?? error)}`,
    );
  }
  const disks: DiskImage[] = [];
  try {
    let plan: Plan;
    const images: Record<string, GuestImages> = {};
    const ready = new Map<string, Ready>();
    try {
      plan = parseTable(text, (p) => resolve(base, p));
      for (const g of plan.guests) {
        const kernel = readKernel(g.index, g.kernel, base);
        if (kernel.ready !== undefined) ready.set(g.name, kernel.ready);
        const backends = g.disks.map((d, j) => {
          try {
            const disk = openDiskImage(resolve(base, d.path), { readOnly: d.readOnly });
            disks.push(disk);
            return disk;
          } catch (error) {
            if (error instanceof HostError)
              throw new TableError([`table: guests[${g.index}].disks[${j}]: ${error.message}`]);
            throw error;
          }
        });
        images[g.name] = {
          kernel: kernel.bytes,
          disks: backends,
          ...(g.initrd === undefined
            ? {}
            : { initrd: readNamed(`guests[${g.index}].initrd`, g.initrd, base) }),
        };
      }
    } catch (error) {
      if (error instanceof TableError) {
        for (const line of error.problems) io.stderr.write(`hvkit: ${line}\n`);
        return EXIT_USAGE;
      }
      throw error;
    }
    const names = plan.guests.map((g) => g.name);
    let focus = flags.console ?? names[0]!;
    if (!names.includes(focus))
      throw new UsageError(`--console ${focus}: no guest of that name (guests: ${names.join(', ')})`);

    const stdin: InputStream | undefined = io.stdin;
    const raw = stdin?.isTTY === true && typeof stdin.setRawMode === 'function';
    const output = new Output(io.stdout, raw);
    const mux = new ConsoleMux((t) => output.write(t));
    // Piped input waits until the focused guest is ready for it (if it has a way to tell).
    let hold: Ready | undefined = raw ? undefined : ready.get(focus);
    let line = '';
    const held: Uint8Array[] = [];
    let hv: Type1Hypervisor | undefined;
    let quit = false;
    const deliver = (bytes: Uint8Array) => {
      if (hold !== undefined || hv === undefined) held.push(bytes);
      else hv.sendInput(focus, bytes);
    };
    const watch = (guest: string, byte: number) => {
      mux.put(guest, byte);
      if (hold === undefined || guest !== focus) return;
      if (byte === 10) line = '';
      else if (byte !== 13 && line.length < 256) line += String.fromCharCode(byte);
      if (hold(line)) {
        hold = undefined;
        // Not from inside the guest's store: the UART may read at once.
        setImmediate(() => {
          for (const b of held.splice(0)) hv?.sendInput(focus, b);
        });
      }
    };
    try {
      hv = new Type1Hypervisor({ plan, images, output: watch });
    } catch (error) {
      if (error instanceof TableError) {
        for (const line of error.problems) io.stderr.write(`hvkit: ${line}\n`);
        return EXIT_USAGE;
      }
      throw error;
    }

    let escapePending = false;
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (!raw) return deliver(new Uint8Array(bytes));
      const kept: number[] = [];
      for (const b of bytes) {
        if (!escapePending) {
          if (b === ESCAPE) escapePending = true;
          else kept.push(b);
          continue;
        }
        escapePending = false;
        if (b === ESCAPE) kept.push(ESCAPE);
        else if (b === 0x78 /* x */) {
          quit = true;
          hv?.stop();
        } else if (b === 0x6e /* n */) {
          if (kept.length > 0) deliver(Uint8Array.from(kept.splice(0)));
          focus = names[(names.indexOf(focus) + 1) % names.length]!;
          io.stderr.write(`\r\nhvkit: input goes to "${focus}"\r\n`);
        } else if (b === 0x68 /* h */ || b === 0x3f /* ? */) {
          io.stderr.write(PARTITION_ESCAPE_HELP.replace(/\n/g, '\r\n'));
        }
      }
      if (kept.length > 0) deliver(Uint8Array.from(kept));
    };
    const onEnd = () => deliver(Uint8Array.of(END_OF_INPUT));
    if (stdin !== undefined) {
      if (raw) stdin.setRawMode!(true);
      stdin.on('data', onData);
      if (!raw) stdin.on('end', onEnd);
      stdin.resume();
    }
    const restore = () => {
      if (stdin === undefined) return;
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.pause();
      if (raw) stdin.setRawMode!(false);
    };
    const onSignal = () => {
      restore();
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let outcome: PartitionOutcome;
    try {
      outcome = await hv.run(timeoutSeconds === undefined ? {} : { timeoutMs: timeoutSeconds * 1000 });
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      restore();
      mux.end();
      output.flush();
    }
    return report(outcome, quit, timeoutSeconds, raw, io);
  } finally {
    for (const d of disks) d.close();
  }
}

/** Prints what happened to each guest that did not end cleanly, and the blocked accesses; returns the status. */
function report(
  outcome: PartitionOutcome,
  quit: boolean,
  timeoutSeconds: number | undefined,
  raw: boolean,
  io: CliIo,
): number {
  const nl = raw ? '\r\n' : '\n';
  for (const g of outcome.guests) {
    if (g.blocked > 0 && g.firstBlocked !== undefined) {
      const f = g.firstBlocked;
      io.stderr.write(
        `hvkit: ${g.name}: ${g.blocked} blocked access${g.blocked === 1 ? '' : 'es'}, first at 0x${f.gpa.toString(16)} (${f.kind} at pc 0x${f.pc.toString(16)})${nl}`,
      );
    }
    if (g.exit !== undefined && !g.exit.clean) io.stderr.write(`hvkit: ${g.name}: ${g.exit.reason}${nl}`);
  }
  switch (outcome.kind) {
    case 'done':
      return outcome.clean ? 0 : exitStatus(1);
    case 'timeout':
      io.stderr.write(`hvkit: timed out after ${timeoutSeconds} s${nl}`);
      return EXIT_TIMEOUT;
    case 'stopped':
      io.stderr.write(`hvkit: terminated${quit ? ' (Ctrl-A x)' : ''}${nl}`);
      return quit ? 0 : 1;
    case 'error':
      io.stderr.write(`hvkit: ${outcome.message}${nl}`);
      return 1;
  }
}
