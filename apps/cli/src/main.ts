import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { EXIT_INTERNAL, EXIT_USAGE, UsageError } from './errors.js';
import { type PartitionFlags, partitionCommand } from './partition.js';
import { type RunFlags, runCommand } from './run.js';
import type { InputStream, OutputStream } from './terminal.js';

/** The process resources `main` uses, injected so tests can call it in-process. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Guest input; undefined for none. */
  readonly stdin: InputStream | undefined;
  /** Environment (HVKIT_DEBUG=1 prints stack traces of internal errors). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Working directory that relative paths are resolved against; default process.cwd(). */
  readonly cwd?: string;
}

/** The CLI's version, from its package.json (one level up from both src/ and dist/). */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;

/** Turns a commander message ("error: unknown option '--x'\n(Did you mean --y?)") into one line. */
function oneLine(message: string): string {
  return message
    .replace(/^error: /, '')
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join(' ');
}

/**
 * Runs the `hvkit` command with `argv` (without `node` and the script) and returns
 * the exit status. Never throws: every problem becomes one `hvkit: ...` line on
 * stderr (internal errors add their stack under HVKIT_DEBUG=1).
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let status = 0;
  const program = new Command('hvkit')
    .description('Run RISC-V guests on an emulated QEMU virt board.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .helpCommand(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {},
    });

  const repeat = (value: string, previous: string[]) => [...previous, value];
  program
    .command('run')
    .description('boot a kernel on the virt board in a VM thread; UART0 is stdin/stdout')
    .requiredOption(
      '--kernel <file>',
      "kernel: a RISC-V ELF64 or Linux Image file, or 'linux' (the Linux guest of @hvkit/guest-linux)",
    )
    .option('--initrd <file>', 'initial RAM disk, loaded into RAM and named in the device tree')
    .option('--append <args>', 'kernel command line (/chosen/bootargs)')
    .option(
      '--bios <firmware>',
      "firmware: 'none' (kernel in M-mode), 'native' (hvkit's SBI) or a file (e.g. OpenSBI); " +
        'default native for a Linux Image or an ELF above 0x80000000, none for an ELF at 0x80000000',
    )
    .option('--memory <size>', 'RAM size: bytes or with a K, M, G suffix', '128M')
    .option('--smp <n>', 'number of vCPUs (harts), 1 to 8', '1')
    .option(
      '--disk <file[,ro]>',
      'a virtio-blk disk on an image file (repeatable; ,ro for read-only)',
      repeat,
      [],
    )
    .option('--net <hub:name>', 'a virtio-net interface on the host hub NAME (repeatable)', repeat, [])
    .option('--timeout <seconds>', 'give up after this many seconds (exit status 124)')
    .option(
      '--trace',
      'print every instruction and the board events (loading, HTIF, WFI sleeps, the end) to stderr',
    )
    .addHelpText(
      'after',
      [
        '',
        'Exit status: 0 when the guest passes (power-off, finisher 0x5555, HTIF exit 0), the',
        'guest failure code (1-255) when it fails, 124 on timeout, 2 for bad input. On a',
        'terminal, Ctrl-A x quits and Ctrl-A h lists the keys.',
      ].join('\n'),
    )
    .action(async (flags: RunFlags) => {
      status = await runCommand(flags, io);
    });

  program
    .command('partition')
    .argument('<table>', 'the resource allocation table (JSON; see @hvkit/hypervisor-type1)')
    .description('run the type-1 hypervisor: guests side by side on a board, as the table allocates it')
    .option('--console <name>', 'the guest that gets stdin (default: the first guest)')
    .option('--timeout <seconds>', 'give up after this many seconds (exit status 124)')
    .addHelpText(
      'after',
      [
        '',
        "Each guest's console is shown line by line, prefixed [name]. Exit status: 0 when every",
        'guest shut down cleanly, 1 when one failed or broke, 124 on timeout, 2 for a bad table.',
        'On a terminal, Ctrl-A n sends input to the next guest, Ctrl-A x quits, Ctrl-A h lists the keys.',
      ].join('\n'),
    )
    .action(async (table: string, flags: PartitionFlags) => {
      status = await partitionCommand(table, flags, io);
    });

  try {
    if (argv.length === 0) throw new UsageError("no command given; try 'hvkit --help'");
    await program.parseAsync(argv as string[], { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0; // --help, --version
      io.stderr.write(`hvkit: ${oneLine(error.message)}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`hvkit: ${error.message}\n`);
      return EXIT_USAGE;
    }
    return internalError(error, io);
  }
}

/** Reports a bug in hvkit as one line (the stack under HVKIT_DEBUG=1). */
export function internalError(error: unknown, io: CliIo): number {
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(
    `hvkit: internal error: ${oneLine(message)}${io.env.HVKIT_DEBUG === '1' ? '' : ' (HVKIT_DEBUG=1 for details)'}\n`,
  );
  if (io.env.HVKIT_DEBUG === '1' && error instanceof Error && error.stack !== undefined) {
    io.stderr.write(`${error.stack}\n`);
  }
  return EXIT_INTERNAL;
}
