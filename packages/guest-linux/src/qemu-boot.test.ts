/**
 * Boots the committed Image on QEMU's virt board (QEMU's bundled OpenSBI as
 * firmware) and drives the guest shell. Skipped, with the reason shown, when
 * qemu-system-riscv64 is not installed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LINUX_BANNER, LINUX_POWER_DOWN, linuxImagePath } from './index.js';
import { findQemu, QemuSession } from './testing/qemu-session.js';

const qemu = findQemu();
const SKIP_NOTE = 'qemu-system-riscv64 not found on PATH (Debian: apt-get install qemu-system-misc)';
const BOOT_TIMEOUT_MS = 20_000;

// Say why once, so the reason shows with the default reporter too.
if (!qemu) console.warn(`@hvkit/guest-linux: QEMU boot tests skipped: ${SKIP_NOTE}`);

function boot(...extra: string[]): QemuSession {
  if (!qemu) throw new Error(SKIP_NOTE);
  return QemuSession.start(qemu, [
    '-M',
    'virt',
    '-m',
    '128M',
    '-nographic',
    '-kernel',
    linuxImagePath(),
    ...extra,
  ]);
}

/** Run `poweroff` and check that QEMU exits cleanly through the guest's power-off path. */
async function powerOff(session: QemuSession): Promise<void> {
  session.send('poweroff');
  expect(await session.waitExit(10_000)).toBe(0);
  expect(session.output).toContain(LINUX_POWER_DOWN);
}

describe('guest-linux on qemu-system-riscv64', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'hvkit-guest-linux-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('boots to the prompt; echo, uname -a and poweroff work', async (ctx) => {
    ctx.skip(!qemu, SKIP_NOTE);
    const session = boot();
    try {
      await session.waitForPrompt(BOOT_TIMEOUT_MS);
      expect(session.output).toContain(`${LINUX_BANNER}Linux 6.1.`);
      expect(await session.command('echo hi')).toBe('hi\n');
      expect(await session.command('uname -a')).toMatch(/^Linux hvkit 6\.1\.\d+ #1 SMP .+ riscv64\n$/);
      expect(await session.command('nproc')).toBe('1\n');
      expect(await session.command('no-such-command')).toBe('sh: no-such-command: not found\n');
      await powerOff(session);
    } finally {
      session.kill();
    }
  });

  it('brings up both harts with -smp 2', async (ctx) => {
    ctx.skip(!qemu, SKIP_NOTE);
    const session = boot('-smp', '2');
    try {
      await session.waitForPrompt(BOOT_TIMEOUT_MS);
      expect(await session.command('nproc')).toBe('2\n');
      expect(await session.command('cat /sys/devices/system/cpu/online')).toBe('0-1\n');
      await powerOff(session);
    } finally {
      session.kill();
    }
  });

  it('reads and writes a virtio-blk disk', async (ctx) => {
    ctx.skip(!qemu, SKIP_NOTE);
    const disk = join(scratch, 'disk.img');
    const image = Buffer.alloc(1 << 20);
    image.write('HOSTDATA', 4096, 'latin1');
    writeFileSync(disk, image);

    const session = boot(
      '-drive',
      `file=${disk},if=none,format=raw,id=d0`,
      '-device',
      'virtio-blk-device,drive=d0',
    );
    try {
      await session.waitForPrompt(BOOT_TIMEOUT_MS);
      expect(await session.command('blksize /dev/vda')).toBe('1048576\n');
      expect(await session.command('blkread /dev/vda 8 4096')).toBe(
        '00001000  48 4f 53 54 44 41 54 41                           |HOSTDATA|\n00001008\n',
      );
      expect(await session.command('blkwrite /dev/vda "hello from linux" 512')).toBe(
        'blkwrite: 16 bytes at offset 512\n',
      );
      await powerOff(session);
    } finally {
      session.kill();
    }
    expect(readFileSync(disk).subarray(512, 528).toString('latin1')).toBe('hello from linux');
  });
});
