import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { EXIT_INTERNAL, EXIT_USAGE } from './errors.js';
import { internalError, main, VERSION } from './main.js';
import { exitStatus } from './run.js';
import { parseSeconds, parseSize } from './size.js';
import { captureIo, tempFile, tinyElf } from './test-support.js';

/** Runs main and returns its status and output. */
async function hvkit(...argv: string[]) {
  const { io, stdout, stderr } = captureIo();
  const status = await main(argv, io);
  return { status, stdout: stdout(), stderr: stderr() };
}

/** Expects exactly one `hvkit: ...` line on stderr, status 2 and no stdout. */
async function badInput(argv: string[], message: string | RegExp) {
  const result = await hvkit(...argv);
  expect(result.status).toBe(EXIT_USAGE);
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  expect(result.stderr.split('\n')).toHaveLength(2);
  expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  const line = result.stderr.trimEnd();
  if (typeof message === 'string') expect(line).toBe(`hvkit: ${message}`);
  else expect(line).toMatch(message);
}

describe('hvkit --help and --version', () => {
  it('prints the version', async () => {
    const result = await hvkit('--version');
    expect(result).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('prints help for the command and for run', async () => {
    const top = await hvkit('--help');
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/Usage: hvkit/);
    expect(top.stdout).toMatch(/run \[options\]/);
    const run = await hvkit('run', '--help');
    expect(run.status).toBe(0);
    for (const flag of [
      '--kernel <file>',
      '--initrd <file>',
      '--append <args>',
      '--bios',
      '--memory <size>',
      '--smp <n>',
      '--disk <file[,ro]>',
      '--net <hub:name>',
      '--timeout <seconds>',
      '--trace',
    ]) {
      expect(run.stdout).toContain(flag);
    }
    expect(run.stdout).toMatch(/Ctrl-A x/);
  });
});

describe('bad input: one line on stderr, status 2', () => {
  const elf = tempFile('tiny.elf', tinyElf());

  it('no command, unknown command, unknown flag, stray argument', async () => {
    await badInput([], "no command given; try 'hvkit --help'");
    await badInput(['boot'], "unknown command 'boot'");
    await badInput(['--frobnicate'], "unknown option '--frobnicate'");
    await badInput(
      ['run', '--kernel', elf, '--memroy', '64M'],
      /^hvkit: unknown option '--memroy' \(Did you mean --memory\?\)$/,
    );
    await badInput(['run', '--kernel', elf, 'extra'], /^hvkit: too many arguments for 'run'/);
  });

  it('missing --kernel or its value', async () => {
    await badInput(['run'], "required option '--kernel <file>' not specified");
    await badInput(['run', '--kernel'], "option '--kernel <file>' argument missing");
  });

  it('bad --bios values and firmware files', async () => {
    await badInput(['run', '--kernel', elf, '--bios', ''], '--bios "": give none, native or a firmware file');
    await badInput(
      ['run', '--kernel', elf, '--bios', 'opensbi'],
      'cannot read firmware opensbi: no such file',
    );
    await badInput(
      ['run', '--kernel', elf, '--bios', process.execPath],
      new RegExp(
        `^hvkit: ${process.execPath}: ELF is for machine (x86-64 \\(62\\)|AArch64 \\(183\\)), not RISC-V$`,
      ),
    );
  });

  it('bad --memory sizes', async () => {
    await badInput(['run', '--kernel', elf, '--memory', 'lots'], /^hvkit: --memory "lots": not a size/);
    await badInput(['run', '--kernel', elf, '--memory', '0'], '--memory "0": must be more than 0');
    await badInput(
      ['run', '--kernel', elf, '--memory', '1.3K'],
      '--memory "1.3K": not a whole number of bytes',
    );
    await badInput(
      ['run', '--kernel', elf, '--memory', '1000'],
      'memory size 1000 is not a multiple of 4 KiB',
    );
    await badInput(
      ['run', '--kernel', elf, '--memory', '8G'],
      'memory size 8589934592 is more than the 4 GiB hvkit supports',
    );
  });

  it('bad --timeout', async () => {
    await badInput(
      ['run', '--kernel', elf, '--timeout', 'soon'],
      '--timeout "soon": not a positive number of seconds',
    );
    await badInput(
      ['run', '--kernel', elf, '--timeout', '0'],
      '--timeout "0": not a positive number of seconds',
    );
    await badInput(
      ['run', '--kernel', elf, '--timeout=-3'],
      '--timeout "-3": not a positive number of seconds',
    );
  });

  it('kernel file missing or a directory', async () => {
    await badInput(
      ['run', '--kernel', '/nonexistent/k.elf'],
      'cannot read kernel /nonexistent/k.elf: no such file',
    );
    await badInput(['run', '--kernel', tmpdir()], `cannot read kernel ${tmpdir()}: is a directory`);
  });

  it('kernel that is not an ELF, or not for RV64', async () => {
    const text = tempFile('notes.txt', 'just some text\n');
    await badInput(['run', '--kernel', text], `${text}: not an ELF file or a RISC-V Linux Image`);
    await badInput(
      ['run', '--kernel', process.execPath],
      /^hvkit: .*: ELF is for machine (x86-64 \(62\)|AArch64 \(183\)), not RISC-V$/,
    );
    const rv32 = tempFile('rv32.elf', tinyElf({ elfClass: 1 }));
    await badInput(['run', '--kernel', rv32], `${rv32}: ELF is 32-bit; hvkit runs RV64`);
  });

  it('kernel that does not fit in RAM', async () => {
    const low = tempFile('low.elf', tinyElf({ paddr: 0x1000n }));
    await badInput(
      ['run', '--kernel', low],
      `${low}: segment at 0x00001000 (0x4 bytes) does not fit in RAM [0x80000000, 0x88000000)`,
    );
    const big = tempFile('big.elf', tinyElf({ memsz: 0x20_0000n }));
    await badInput(
      ['run', '--kernel', big, '--memory', '1M'],
      `${big}: segment at 0x80000000 (0x200000 bytes) does not fit in RAM [0x80000000, 0x80100000)`,
    );
  });
});

describe('internal errors', () => {
  it('print one line, and the stack only under HVKIT_DEBUG=1', () => {
    const quiet = captureIo();
    expect(internalError(new TypeError('boom\nsecond line'), quiet.io)).toBe(EXIT_INTERNAL);
    expect(quiet.stderr()).toBe('hvkit: internal error: boom second line (HVKIT_DEBUG=1 for details)\n');
    const loud = captureIo();
    internalError(new Error('boom'), { ...loud.io, env: { HVKIT_DEBUG: '1' } });
    expect(loud.stderr()).toMatch(/^hvkit: internal error: boom\nError: boom\n\s+at /);
  });
});

describe('sizes, seconds and exit statuses', () => {
  it('parses sizes as QEMU -m does, in bytes', () => {
    expect(parseSize('65536')).toBe(65536);
    expect(parseSize('64K')).toBe(65536);
    expect(parseSize('65536K')).toBe(64 * 2 ** 20);
    expect(parseSize('128M')).toBe(128 * 2 ** 20);
    expect(parseSize('128m')).toBe(128 * 2 ** 20);
    expect(parseSize('1G')).toBe(2 ** 30);
    expect(parseSize('1.5G')).toBe(1.5 * 2 ** 30);
    expect(parseSize('2GiB')).toBe(2 ** 31);
    expect(() => parseSize('-1M')).toThrow(/not a size/);
    expect(() => parseSize('12Q')).toThrow(/not a size/);
  });

  it('parses seconds', () => {
    expect(parseSeconds('10')).toBe(10);
    expect(parseSeconds('0.25')).toBe(0.25);
    expect(() => parseSeconds('1e3')).toThrow();
    expect(() => parseSeconds('')).toThrow();
  });

  it('never turns a failure into 0', () => {
    expect(exitStatus(0)).toBe(0);
    expect(exitStatus(3)).toBe(3);
    expect(exitStatus(255)).toBe(255);
    expect(exitStatus(256)).toBe(255);
    expect(exitStatus(2 ** 40)).toBe(255);
    expect(exitStatus(-5)).toBe(1);
  });
});
