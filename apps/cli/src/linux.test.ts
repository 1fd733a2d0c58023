// End to end: the Linux guest of @hvkit/guest-linux under `hvkit run`, in a VM thread,
// driven over a stdin pipe like a user at a terminal. Slow (an interpreter boots a
// kernel), hence the generous timeouts.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { linuxImagePath } from '@hvkit/guest-linux';
import { VirtMachine } from '@hvkit/machine';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import { HVKIT_COMMAND, REPO_ROOT, tempFile } from './test-support.js';

const PROMPT = '~ # ';
const LINUX_TIMEOUT_MS = 300_000;

/** Why the Linux guest cannot run here, or undefined. */
function linuxSkipReason(): string | undefined {
  const image = linuxImagePath();
  if (!existsSync(image)) return 'packages/guest-linux/images/Image has not been built';
  try {
    // Build (never run) a board with native firmware: refused while the machine lacks it.
    new VirtMachine({ kernel: new Uint8Array(readFileSync(image)), kernelFormat: 'auto', bios: 'native' });
  } catch (error) {
    return `the virt board cannot boot it yet: ${(error as Error).message}`;
  }
  return undefined;
}

function needsLinux(ctx: TestContext): void {
  const reason = linuxSkipReason();
  ctx.skip(reason !== undefined, reason);
}

/** Starts `hvkit run --kernel linux ...args` with stdio on pipes. */
function hvkitLinux(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...HVKIT_COMMAND, 'run', '--kernel', 'linux', ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/**
 * Runs `hvkit run --kernel linux ...args`; at each shell prompt sends the next
 * command. Resolves with the status and all output once the process ends.
 */
function session(args: string[], commands: string[]) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = hvkitLinux(args);
    let stdout = '';
    let stderr = '';
    let prompts = 0;
    child.stdout.setEncoding('latin1').on('data', (s: string) => {
      stdout += s;
      const seen = stdout.split(PROMPT).length - 1;
      if (seen > prompts) {
        prompts = seen;
        const next = commands.shift();
        if (next !== undefined && stdout.endsWith(PROMPT)) child.stdin.write(`${next}\n`);
      }
    });
    child.stderr.setEncoding('latin1').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('Linux under hvkit run', () => {
  it(
    'boots to the prompt, runs echo hello, powers off with status 0',
    async (ctx) => {
      needsLinux(ctx);
      const result = await session(['--timeout', '280'], ['echo hello', 'poweroff']);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('hvkit guest-linux: ');
      expect(result.stdout).toContain(`${PROMPT}echo hello\r\nhello\r\n${PROMPT}`);
      expect(result.stdout).toContain('reboot: Power down');
      expect(result.status).toBe(0);
    },
    LINUX_TIMEOUT_MS,
  );

  it(
    'writes a writable disk, cannot write a read-only one, and sees every vCPU',
    async (ctx) => {
      needsLinux(ctx);
      const rw = tempFile('rw.img', new Uint8Array(64 * 1024));
      const roBytes = new Uint8Array(64 * 1024).fill(0x2e);
      const ro = tempFile('ro.img', roBytes);
      const result = await session(
        ['--disk', rw, '--disk', `${ro},ro`, '--smp', '2', '--memory', '256M', '--timeout', '280'],
        [
          'nproc',
          'blksize /dev/vda',
          "blkwrite /dev/vda 'written by linux' 512",
          'blkwrite /dev/vdb nope',
          'poweroff',
        ],
      );
      expect(result.stdout).toContain('nproc\r\n2\r\n');
      expect(result.stdout).toContain('blksize /dev/vda\r\n65536\r\n');
      // Linux sees VIRTIO_BLK_F_RO and refuses to open the device for writing.
      expect(result.stdout).toMatch(
        /blkwrite \/dev\/vdb nope\r\nblkwrite: \/dev\/vdb: (EPERM|EROFS|EACCES|EIO)\r\n/,
      );
      expect(result.status).toBe(0);
      const written = readFileSync(rw);
      expect(written.subarray(512, 512 + 16).toString('latin1')).toBe('written by linux');
      expect(written.subarray(0, 512).every((b) => b === 0)).toBe(true);
      expect(readFileSync(ro).equals(Buffer.from(roBytes))).toBe(true);
      expect(existsSync(`${rw}.hvkit-lock`)).toBe(false);
    },
    LINUX_TIMEOUT_MS,
  );
});

/** A Linux VM driven interactively: type a line, wait for output or the next prompt. */
class Guest {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('latin1').on('data', (s: string) => {
      this.stdout += s;
      for (const wake of this.waiters.splice(0)) wake();
    });
    child.stderr.setEncoding('latin1').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((resolve) =>
      child.on('close', (status) => {
        resolve(status);
        for (const wake of this.waiters.splice(0)) wake();
      }),
    );
  }

  /** Resolves once the output holds `text` at least `count` times. */
  async waitFor(text: string, count = 1): Promise<void> {
    while (this.stdout.split(text).length - 1 < count) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`guest exited waiting for ${JSON.stringify(text)}`);
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
  }

  /** Types `line`. */
  type(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Types `line` and waits for the prompt after it. */
  async run(line: string): Promise<void> {
    const prompts = this.stdout.split(PROMPT).length - 1;
    this.type(line);
    await this.waitFor(PROMPT, prompts + 1);
  }
}

/** The guests a test started; killed after it if still running (a failed or timed-out test). */
const guests: Guest[] = [];
afterEach(() => {
  for (const guest of guests.splice(0)) if (guest.child.exitCode === null) guest.child.kill('SIGKILL');
});

describe('Linux guests on a hub', () => {
  it(
    'two VMs on one hub exchange a UDP datagram',
    async (ctx) => {
      needsLinux(ctx);
      const hub = `t${process.pid}x${Date.now() % 100_000}`;
      const a = new Guest(hvkitLinux(['--net', `hub:${hub}`, '--timeout', '280']));
      const b = new Guest(hvkitLinux(['--net', `hub:${hub}`, '--timeout', '280']));
      guests.push(a, b);
      await Promise.all([a.waitFor(PROMPT), b.waitFor(PROMPT)]);
      await a.run('ifconfig eth0 10.0.0.1');
      await b.run('ifconfig eth0 10.0.0.2');
      await a.run('ifconfig');
      expect(a.stdout).toMatch(/eth0: UP inet 10\.0\.0\.1 netmask 255\.0\.0\.0 ether [0-9a-f:]{17}\r\n/);
      expect(a.stdout).toContain('lo: UP inet 127.0.0.1 netmask 255.0.0.0\r\n');
      // A waits (it echoes the command line at once); then B sends. ARP is the kernels' business.
      a.type('udprecv 5000 60');
      await a.waitFor('udprecv 5000 60\r\n');
      await b.run('udpsend 10.0.0.1 5000 hello-from-b');
      expect(b.stdout).toContain('udpsend: 12 bytes to 10.0.0.1:5000\r\n');
      await a.waitFor('udprecv: 10.0.0.2: hello-from-b\r\n');
      a.type('poweroff');
      b.type('poweroff');
      expect(await a.exited).toBe(0);
      expect(await b.exited).toBe(0);
      expect(a.stderr + b.stderr).toBe('');
    },
    LINUX_TIMEOUT_MS,
  );
});

describe('Linux under hvkit run, stdin piped', () => {
  it(
    'runs the piped commands, and the end of input powers the guest off with status 0',
    async (ctx) => {
      needsLinux(ctx);
      const child = hvkitLinux(['--timeout', '280']);
      const guest = new Guest(child);
      guests.push(guest);
      // All input at once, before the guest has booted, as `printf 'echo piped\n' | hvkit ...`.
      child.stdin.end('echo piped\n');
      const status = await guest.exited;
      expect(guest.stderr).toBe('');
      expect(guest.stdout).toContain(`${PROMPT}echo piped\r\npiped\r\n${PROMPT}\r\n`);
      expect(guest.stdout).toContain('reboot: Power down');
      expect(status).toBe(0);
    },
    LINUX_TIMEOUT_MS,
  );
});
