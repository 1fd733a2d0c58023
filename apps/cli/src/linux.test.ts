// End to end: the Linux guest of @hvkit/guest-linux under `hvkit run`, in a VM thread,
// driven over a stdin pipe like a user at a terminal. Slow (an interpreter boots a
// kernel), hence the generous timeouts.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { linuxImagePath } from '@hvkit/guest-linux';
import { VirtMachine } from '@hvkit/machine';
import { describe, expect, it, type TestContext } from 'vitest';
import { REPO_ROOT, tempFile } from './test-support.js';

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

/**
 * Runs `hvkit run --kernel linux ...args`; at each shell prompt sends the next
 * command. Resolves with the status and all output once the process ends.
 */
function session(args: string[], commands: string[]) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@hvkit/source',
        '--import',
        'tsx',
        'apps/cli/src/bin.ts',
        'run',
        '--kernel',
        'linux',
        ...args,
      ],
      { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
    );
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
