// `hvkit run`'s VM flags: --kernel names, --initrd, --append, --bios, --disk, --smp, --net.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linuxImagePath } from '@hvkit/guest-linux';
import { describe, expect, it, type TestContext } from 'vitest';
import { EXIT_USAGE } from './errors.js';
import { main } from './main.js';
import { detectKernel } from './options.js';
import {
  captureIo,
  guestSkipReason,
  HVKIT_COMMAND,
  IMAGES,
  REPO_ROOT,
  tempFile,
  tinyElf,
} from './test-support.js';

const HELLO_ELF = join(IMAGES, 'hello.elf');

async function hvkit(...argv: string[]) {
  const { io, stdout, stderr } = captureIo();
  const status = await main(argv, io);
  return { status, stdout: stdout(), stderr: stderr() };
}

/** Expects exactly one `hvkit: ...` line on stderr, status 2 and no stdout. */
async function badInput(argv: string[], message: string | RegExp) {
  const result = await hvkit(...argv);
  expect(result.stderr.split('\n')).toHaveLength(2);
  expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  const line = result.stderr.trimEnd();
  if (typeof message === 'string') expect(line).toBe(`hvkit: ${message}`);
  else expect(line).toMatch(message);
  expect(result.status).toBe(EXIT_USAGE);
  expect(result.stdout).toBe('');
}

function needsGuest(ctx: TestContext, image = 'hello.elf'): void {
  const reason = guestSkipReason(image);
  ctx.skip(reason !== undefined, reason);
}

/** A disk image of `size` bytes with a recognisable pattern, and a way to check it is unchanged. */
function diskImage(size = 64 * 1024, name = 'disk.img') {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 13 + 1) & 0xff;
  const path = tempFile(name, bytes);
  const hash = () => createHash('sha256').update(readFileSync(path)).digest('hex');
  const before = hash();
  return { path, unchanged: () => hash() === before };
}

describe('--kernel by name', () => {
  it('os-stub boots the image of @hvkit/guest-os-stub and passes', async () => {
    const r = await hvkit('run', '--kernel', 'os-stub', '--smp', '2');
    expect(r.stdout).toMatch(/os-stub: PASS (\d+)\/\1/);
    expect(r.status).toBe(0);
  });

  it('os-stub with two harts and a disk passes all of its checks, the disk included', async () => {
    const disk = diskImage(1 << 20);
    const r = await hvkit('run', '--kernel', 'os-stub', '--smp', '2', '--disk', disk.path);
    const m = /os-stub: PASS (\d+)\/\1/.exec(r.stdout);
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(8);
    expect(r.stdout).toMatch(/os-stub: ok virtio-blk \(.*read back 1024 bytes\)/);
    expect(r.stdout).toMatch(/os-stub: ok harts \(1 secondary/);
    expect(r.status).toBe(0);
  });

  it('linux resolves to the image of @hvkit/guest-linux', async (ctx) => {
    const path = linuxImagePath();
    expect(path).toBe(join(REPO_ROOT, 'packages/guest-linux/images/Image'));
    if (!existsSync(path)) {
      await badInput(
        ['run', '--kernel', 'linux'],
        /^hvkit: --kernel linux: the Linux guest image .* has not been built/,
      );
      ctx.skip(true, 'packages/guest-linux/images/Image has not been built');
    }
    // Too little RAM for the kernel: refused before anything runs, naming the image.
    await badInput(
      ['run', '--kernel', 'linux', '--memory', '2M'],
      new RegExp(`^hvkit: ${path}: segment at 0x80200000 .* does not fit in RAM`),
    );
  });

  it('a corrupt kernel is one line', async () => {
    const truncated = tempFile('truncated.elf', readFileSync(HELLO_ELF).subarray(0, 100));
    await badInput(['run', '--kernel', truncated], new RegExp(`^hvkit: ${truncated}: `));
    const empty = tempFile('empty.elf', '');
    await badInput(['run', '--kernel', empty], `${empty}: not an ELF file or a RISC-V Linux Image`);
  });
});

describe('a raw kernel', () => {
  it('is accepted only with --bios FILE (loaded at 0x80200000, as QEMU does), never when empty', () => {
    const raw = new Uint8Array([0x13, 0, 0, 0, 0x6f, 0, 0, 0]); // nop; j .
    expect(() => detectKernel(raw, 'k.bin')).toThrow('k.bin: not an ELF file or a RISC-V Linux Image');
    expect(detectKernel(raw, 'k.bin', true)).toEqual({ format: 'raw' });
    expect(() => detectKernel(new Uint8Array(0), 'e.bin', true)).toThrow('not an ELF file');
    expect(detectKernel(readFileSync(HELLO_ELF), 'hello.elf', true)).toEqual({ format: 'elf' });
  });
});

describe('--initrd and --append', () => {
  it('a missing initrd, a directory, one too big for RAM', async () => {
    const elf = tempFile('k.elf', tinyElf());
    await badInput(
      ['run', '--kernel', elf, '--initrd', '/nonexistent/initrd'],
      'cannot read initrd /nonexistent/initrd: no such file',
    );
    await badInput(
      ['run', '--kernel', elf, '--initrd', tmpdir()],
      `cannot read initrd ${tmpdir()}: is a directory`,
    );
    const big = tempFile('big.cpio', new Uint8Array(3 * 2 ** 20));
    await badInput(
      ['run', '--kernel', elf, '--memory', '1M', '--initrd', big],
      /^hvkit: initrd of 3145728 bytes does not fit in RAM/,
    );
  });

  it('an initrd and a command line reach a guest that ignores them', async (ctx) => {
    needsGuest(ctx);
    const initrd = tempFile('initrd.cpio', new Uint8Array(4096).fill(7));
    const result = await hvkit(
      'run',
      '--kernel',
      HELLO_ELF,
      '--initrd',
      initrd,
      '--append',
      'console=ttyS0 quiet',
    );
    expect(result.stdout).toContain('Hello from hvkit!');
    expect(result.status).toBe(0);
  });
});

describe('--smp', () => {
  it('refuses counts outside 1..8 and non-numbers', async () => {
    const elf = tempFile('k.elf', tinyElf());
    for (const n of ['0', '9', 'two', '1.5', '-1', '']) {
      await badInput(
        ['run', '--kernel', elf, '--smp', n],
        `--smp ${JSON.stringify(n)}: the number of vCPUs must be 1 to 8`,
      );
    }
  });

  it('runs a guest with 4 vCPUs', async (ctx) => {
    needsGuest(ctx);
    const result = await hvkit('run', '--kernel', HELLO_ELF, '--smp', '4');
    expect(result.stdout).toContain('Hello from hvkit!');
    expect(result.status).toBe(0);
  });
});

describe('--disk', () => {
  it('refuses a missing image, a directory, a bad size, an unknown option, no file', async () => {
    const elf = tempFile('k.elf', tinyElf());
    await badInput(
      ['run', '--kernel', elf, '--disk', '/nonexistent/d.img'],
      'cannot open disk image /nonexistent/d.img: no such file',
    );
    await badInput(
      ['run', '--kernel', elf, '--disk', `${tmpdir()},ro`],
      `cannot open disk image ${tmpdir()}: is a directory`,
    );
    const odd = diskImage(1000, 'odd.img');
    await badInput(
      ['run', '--kernel', elf, '--disk', odd.path],
      `disk image ${odd.path}: size 1000 bytes is not a multiple of 512`,
    );
    expect(odd.unchanged()).toBe(true);
    const empty = diskImage(0, 'empty.img');
    await badInput(['run', '--kernel', elf, '--disk', empty.path], `disk image ${empty.path} is empty`);
    const ok = diskImage();
    await badInput(
      ['run', '--kernel', elf, '--disk', `${ok.path},cache=none`],
      `--disk "${ok.path},cache=none": unknown option 'cache=none' (use --disk FILE[,ro])`,
    );
    await badInput(
      ['run', '--kernel', elf, '--disk', ',ro'],
      '--disk ",ro": no file given (use --disk FILE[,ro])',
    );
    expect(ok.unchanged()).toBe(true);
  });

  it('refuses the same writable image twice (and leaves it unchanged, unlocked)', async () => {
    const elf = tempFile('k.elf', tinyElf());
    const disk = diskImage();
    const lock = `${disk.path}.hvkit-lock`;
    await badInput(
      ['run', '--kernel', elf, '--disk', disk.path, '--disk', disk.path],
      `disk image ${disk.path} is already in use (writable) by this hvkit process (lock file ${lock})`,
    );
    await badInput(
      ['run', '--kernel', elf, '--disk', disk.path, '--disk', `${disk.path},ro`],
      `disk image ${disk.path} is open for writing by this hvkit process (lock file ${lock})`,
    );
    expect(disk.unchanged()).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });

  it('refuses an image another hvkit process has attached writable', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const disk = diskImage();
    const first = spawn(
      process.execPath,
      [...HVKIT_COMMAND, 'run', '--kernel', join(IMAGES, 'echo.elf'), '--disk', disk.path],
      { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const ended = new Promise<number | null>((resolve) => first.on('exit', resolve));
    await new Promise<void>((resolve) =>
      first.stdout.on('data', (s: Buffer) => s.toString().includes('echo: ready') && resolve()),
    );
    const elf = tempFile('k.elf', tinyElf());
    await badInput(
      ['run', '--kernel', elf, '--disk', disk.path],
      `disk image ${disk.path} is already in use (writable) by process ${first.pid} (lock file ${disk.path}.hvkit-lock)`,
    );
    first.stdin.end('quit\n');
    expect(await ended).toBe(0);
    expect(existsSync(`${disk.path}.hvkit-lock`)).toBe(false);
    expect(disk.unchanged()).toBe(true);
  });

  it('two read-only attachments of one image are fine', async (ctx) => {
    needsGuest(ctx);
    const disk = diskImage();
    const result = await hvkit(
      'run',
      '--kernel',
      HELLO_ELF,
      '--disk',
      `${disk.path},ro`,
      '--disk',
      `${disk.path},ro`,
    );
    expect(result.status).toBe(0);
    expect(disk.unchanged()).toBe(true);
  });
});

describe('--net', () => {
  it('refuses anything but hub:NAME with a valid name', async () => {
    const elf = tempFile('k.elf', tinyElf());
    await badInput(
      ['run', '--kernel', elf, '--net', 'user'],
      '--net "user": only hub networks exist (use --net hub:NAME)',
    );
    await badInput(
      ['run', '--kernel', elf, '--net', 'tap:tap0'],
      '--net "tap:tap0": only hub networks exist (use --net hub:NAME)',
    );
    for (const name of ['', 'two words', 'a/b', 'x'.repeat(65)]) {
      await badInput(
        ['run', '--kernel', elf, '--net', `hub:${name}`],
        `--net "hub:${name}": a hub name is 1 to 64 letters, digits, '.', '_' or '-'`,
      );
    }
  });

  it('runs a guest with two interfaces on hubs', async (ctx) => {
    needsGuest(ctx);
    const hub = `cli-${process.pid}`;
    const result = await hvkit('run', '--kernel', HELLO_ELF, '--net', `hub:${hub}`, '--net', `hub:${hub}-b`);
    expect(result.stdout).toContain('Hello from hvkit!');
    expect(result.status).toBe(0);
  });

  it('two hvkit processes on one hub: their guests greet each other', async () => {
    const netHello = join(REPO_ROOT, 'packages/hypervisor-type2/guests/net-hello.elf');
    const hub = `procs-${process.pid}`;
    const run = () =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [...HVKIT_COMMAND, 'run', '--kernel', netHello, '--net', `hub:${hub}`, '--timeout', '60'],
          { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('latin1').on('data', (s: string) => (stdout += s));
        child.stderr.setEncoding('latin1').on('data', (s: string) => (stderr += s));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    const [a, b] = await Promise.all([run(), run()]);
    const mac = (out: string) => /^net: mac ([0-9a-f:]{17})\r\n/.exec(out)?.[1];
    expect(a.stderr + b.stderr).toBe('');
    expect(a.stdout).toContain(`net: got hello from ${mac(b.stdout)}\r\n`);
    expect(b.stdout).toContain(`net: got hello from ${mac(a.stdout)}\r\n`);
    expect([a.status, b.status]).toEqual([0, 0]);
  });

  it('refuses more virtio devices than the board has slots', async () => {
    const elf = tempFile('k.elf', tinyElf());
    const nets = Array.from({ length: 9 }, (_, i) => ['--net', `hub:slots-${process.pid}-${i}`]).flat();
    await badInput(
      ['run', '--kernel', elf, ...nets],
      /^hvkit: 9 virtio devices asked for, but the board has 8 slots$/,
    );
  });
});

describe('a disk file is never changed by bad input', () => {
  it('whatever else is wrong with the command line', async () => {
    const disk = diskImage();
    const elf = tempFile('k.elf', tinyElf());
    const bads = [
      ['--kernel', '/nonexistent.elf', '--disk', disk.path],
      ['--kernel', elf, '--disk', disk.path, '--memory', '1000'],
      ['--kernel', elf, '--disk', disk.path, '--smp', '99'],
      ['--kernel', elf, '--disk', disk.path, '--initrd', '/nonexistent'],
      ['--kernel', tempFile('text', 'hello'), '--disk', disk.path],
      ['--kernel', elf, '--disk', disk.path, '--net', 'hub:bad name'],
    ];
    for (const args of bads) {
      const result = await hvkit('run', ...args);
      expect(result.status).toBe(EXIT_USAGE);
      expect(result.stderr.split('\n')).toHaveLength(2);
    }
    expect(disk.unchanged()).toBe(true);
    expect(existsSync(`${disk.path}.hvkit-lock`)).toBe(false);
  });
});
