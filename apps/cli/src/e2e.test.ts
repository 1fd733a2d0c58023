import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { ESCAPE_HELP } from './index.js';
import { main } from './main.js';
import {
  captureIo,
  FakeTty,
  guestSkipReason,
  IMAGES,
  RESET_CODE,
  runHvkit,
  tempFile,
  tinyElf,
} from './test-support.js';

/** Skips (with the reason shown) until the hart and `image` exist. */
function needsGuest(ctx: TestContext, image = 'hello.elf'): void {
  const reason = guestSkipReason(image);
  ctx.skip(reason !== undefined, reason);
}

const HELLO = /^Hello from hvkit!\r\nhart 0, dtb 0x[0-9a-f]{16}\r\nmisa 0x[0-9a-f]{16}\r\ngoodbye\r\n$/;

const hvkit = runHvkit;

const image = (name: string) => join(IMAGES, name);

describe('hvkit as a process', () => {
  it('runs hello.elf: output on stdout, status 0', async (ctx) => {
    needsGuest(ctx);
    const result = await hvkit(['run', '--bios', 'none', '--kernel', 'tests/guests/images/hello.elf']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(HELLO);
    expect(result.status).toBe(0);
  });

  it('runs demo.elf to the end', async (ctx) => {
    needsGuest(ctx, 'demo.elf');
    const result = await hvkit(['run', '--kernel', image('demo.elf'), '--memory', '64M']);
    expect(result.stdout).toContain('(25 primes)');
    expect(result.stdout).toContain('demo: done\r\n');
    expect(result.status).toBe(0);
  });

  it("exits with the guest's failure code", async (ctx) => {
    needsGuest(ctx, 'fail.elf');
    const result = await hvkit(['run', '--kernel', image('fail.elf')]);
    expect(result).toEqual({ status: 3, stdout: 'fail: exiting with code 3\r\n', stderr: '' });
  });

  it('feeds piped stdin to the UART', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const result = await hvkit(
      ['run', '--kernel', image('echo.elf'), '--timeout', '30'],
      'hello there\nquit\n',
    );
    expect(result.stdout).toBe('echo: ready\r\necho: hello there\r\necho: bye\r\n');
    expect(result.status).toBe(0);
  });

  it('times out with status 124 and one line', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const result = await hvkit(['run', '--kernel', image('echo.elf'), '--timeout', '0.5']);
    expect(result.stdout).toBe('echo: ready\r\n');
    expect(result.stderr).toBe('hvkit: timed out after 0.5 s\n');
    expect(result.status).toBe(124);
  });

  it('reports bad input in one line with status 2 (no stack trace)', async () => {
    const result = await hvkit(['run', '--kernel', 'package.json']);
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: 'hvkit: package.json: not an ELF file or a RISC-V Linux Image\n',
    });
    const flag = await hvkit(['run', '--kernel', 'x.elf', '--bogus']);
    expect(flag).toEqual({ status: 2, stdout: '', stderr: "hvkit: unknown option '--bogus'\n" });
  });

  it('prints --version and --help', async () => {
    const version = await hvkit(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const help = await hvkit(['run', '--help']);
    expect(help.stdout).toContain('--kernel <file>');
  });
});

describe('hvkit on a terminal (in-process, fake TTY)', () => {
  async function onTty(args: string[], keys: string[]) {
    const tty = new FakeTty();
    const { io, stdout, stderr } = captureIo(tty);
    const running = main(['run', ...args], io);
    for (const k of keys) {
      await new Promise((r) => setTimeout(r, 50));
      tty.write(k);
    }
    const status = await running;
    return { status, stdout: stdout(), stderr: stderr(), rawModes: tty.rawModes };
  }

  it('Ctrl-A x quits with status 0 and restores the terminal', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const result = await onTty(['--kernel', image('echo.elf')], ['\x01x']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('echo: ready\r\n');
    expect(result.stderr).toContain('hvkit: terminated (Ctrl-A x)');
    expect(result.rawModes).toEqual([true, false]);
  });

  it('Ctrl-A h prints the keys; Ctrl-A Ctrl-A sends one Ctrl-A; Ctrl-C goes to the guest', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const result = await onTty(['--kernel', image('echo.elf')], ['\x01h', '\x01\x01a\x03\r', 'quit\r']);
    expect(result.stderr).toBe(ESCAPE_HELP);
    expect(result.stdout).toBe('echo: ready\r\necho: \x01a\x03\r\necho: bye\r\n');
    expect(result.status).toBe(0);
    expect(result.rawModes).toEqual([true, false]);
  });

  it('restores the terminal when the run times out', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const result = await onTty(['--kernel', image('echo.elf'), '--timeout', '0.2'], []);
    expect(result.status).toBe(124);
    expect(result.rawModes).toEqual([true, false]);
  });

  it('restores the terminal when the kernel is bad', async () => {
    const result = await onTty(['--kernel', 'package.json'], []);
    expect(result.status).toBe(2);
    expect(result.rawModes.at(-1) ?? false).toBe(false);
  });
});

describe('hvkit run: board behaviour', () => {
  it('--trace prints board events on stderr', async (ctx) => {
    needsGuest(ctx);
    const { io, stdout, stderr } = captureIo();
    const status = await main(['run', '--kernel', image('hello.elf'), '--trace'], io);
    expect(status).toBe(0);
    expect(stdout()).toMatch(HELLO);
    expect(stderr()).toMatch(/^hvkit: trace: load 0x80000000\.\./m);
    expect(stderr()).toMatch(/^hvkit: trace: elf entry 0x80000000/m);
    expect(stderr()).toMatch(/^0000000080000000: f14022f3 {2}csrrs t0, mhartid, zero$/m);
    expect(stderr()).toMatch(/^hvkit: trace: stopped: shutdown with code 0 \(finisher\); \d+ instructions/m);
  });

  it('reboots a guest that asks for a reset, as QEMU does', async (ctx) => {
    needsGuest(ctx);
    const kernel = tempFile('reset.elf', tinyElf({ code: RESET_CODE }));
    const { io, stderr } = captureIo();
    // 2 s, not less: each boot builds a new 128 MiB board, and under a loaded CI run (other
    // test files beside it on 2 CPUs) 0.3 s once held only 2 boots where 12-22 fit alone.
    const status = await main(['run', '--kernel', kernel, '--timeout', '2', '--trace'], io);
    expect(status).toBe(124);
    const boots = stderr().match(/trace: load /g) ?? [];
    expect(boots.length).toBeGreaterThan(2);
  });
});
