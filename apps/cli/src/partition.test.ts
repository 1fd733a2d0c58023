// `hvkit partition TABLE.json`: bad tables are one line each and status 2; the table of
// the README boots Linux and the os-stub side by side.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linuxImagePath } from '@hvkit/guest-linux';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { isPromptLine } from './partition.js';
import { captureIo, FakeTty, REPO_ROOT, runHvkit, tempDir } from './test-support.js';

const README_TABLE = {
  board: { harts: 4, memory: '512M' },
  guests: [
    { name: 'linux', harts: [0, 1], memory: '128M', kernel: 'linux' },
    { name: 'stub', harts: [2], memory: '64M', kernel: 'os-stub', disks: ['disk.img'] },
  ],
};

/** A temp folder with `table.json` (and a 1 MiB disk.img unless `disk` is false). */
function tableDir(table: unknown, disk = true): string {
  const dir = tempDir('hvkit-partition-');
  writeFileSync(join(dir, 'table.json'), typeof table === 'string' ? table : JSON.stringify(table));
  if (disk) writeFileSync(join(dir, 'disk.img'), new Uint8Array(1 << 20));
  return dir;
}

async function partition(table: unknown, args: string[] = [], disk = true) {
  const dir = tableDir(table, disk);
  const cap = captureIo();
  const status = await main(['partition', join(dir, 'table.json'), ...args], cap.io);
  return { status, stdout: cap.stdout(), stderr: cap.stderr() };
}

describe('hvkit partition: bad input', () => {
  it('a hart given twice: one line, status 2', async () => {
    const table = structuredClone(README_TABLE);
    table.guests[1]!.harts = [2, 1];
    const r = await partition(table);
    expect(r.stderr).toBe('hvkit: table: guests[1].harts: hart 1 is already given to "linux"\n');
    expect(r.status).toBe(2);
  });

  it('every problem of the table, each on its own line', async () => {
    const table = structuredClone(README_TABLE) as {
      board: Record<string, unknown>;
      guests: Record<string, unknown>[];
    };
    table.guests[0]!.memory = '500M';
    table.guests[1]!.harts = [9];
    const r = await partition(table);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      'hvkit: table: guests[1].harts[0]: hart 9 does not exist (the board has harts 0-3)',
      'hvkit: table: guests: their memory adds up to 564 MiB, more than the 496 MiB the board has (512 MiB less 16 MiB for the hypervisor)',
    ]);
    expect(r.status).toBe(2);
  });

  it('a kernel that is neither built in nor a file, a missing disk, a missing table, bad JSON', async () => {
    const unknown = structuredClone(README_TABLE);
    unknown.guests[0]!.kernel = 'linx';
    expect((await partition(unknown)).stderr).toBe(
      'hvkit: table: guests[0].kernel: "linx" is neither a built-in kernel (linux, os-stub) nor a file\n',
    );
    const noDisk = await partition(README_TABLE, [], false);
    expect(noDisk.stderr).toMatch(
      /^hvkit: table: guests\[1\]\.disks\[0\]: cannot open disk image .*disk\.img: no such file\n$/,
    );
    expect(noDisk.status).toBe(2);
    const cap = captureIo();
    expect(await main(['partition', '/nonexistent/table.json'], cap.io)).toBe(2);
    expect(cap.stderr()).toBe('hvkit: cannot read table /nonexistent/table.json: no such file\n');
    const json = await partition('{ "board": ');
    expect(json.stderr).toMatch(/^hvkit: table: not JSON: .*\n$/);
    expect(json.status).toBe(2);
  });

  it('a kernel file it cannot load', async () => {
    const dir = tableDir({
      ...README_TABLE,
      guests: [{ name: 'x', harts: [0], memory: '16M', kernel: 'k.elf' }],
    });
    const elf32 = new Uint8Array(64);
    elf32.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
    writeFileSync(join(dir, 'k.elf'), elf32);
    const cap = captureIo();
    expect(await main(['partition', join(dir, 'table.json')], cap.io)).toBe(2);
    expect(cap.stderr()).toMatch(/^hvkit: table: guests\[0\]\.kernel: .+\n$/);
  });

  it('--console names a guest of the table', async () => {
    const r = await partition(README_TABLE, ['--console', 'nope']);
    expect(r.stderr).toBe('hvkit: --console nope: no guest of that name (guests: linux, stub)\n');
    expect(r.status).toBe(2);
  });
});

describe('piped input to a Linux Image of your own', () => {
  it('waits for a line that looks like a shell prompt', () => {
    for (const p of ['~ # ', '/ # ', '# ', '$ ', 'root@box:~# ', 'user@h:/tmp$ '])
      expect(isPromptLine(p), p).toBe(true);
    for (const p of [
      '[    0.000000] Linux version 6.1 #1 SMP',
      'Run /init as init process',
      'a b # ',
      '~ #',
    ]) {
      expect(isPromptLine(p), p).toBe(false);
    }
  });
});

describe('hvkit partition on a terminal', () => {
  it('raw mode; Ctrl-A n moves input to the next guest, Ctrl-A x quits (status 0), the terminal is restored', async () => {
    const dir = tempDir('hvkit-partition-');
    writeFileSync(join(dir, 'spin.bin'), new Uint8Array(new Uint32Array([0x0000_006f]).buffer)); // j .
    const guest = (name: string, hart: number) => ({
      name,
      harts: [hart],
      memory: '16M',
      kernel: 'spin.bin',
    });
    writeFileSync(
      join(dir, 'table.json'),
      JSON.stringify({ board: { harts: 2, memory: '64M' }, guests: [guest('a', 0), guest('b', 1)] }),
    );
    const tty = new FakeTty();
    const cap = captureIo(tty);
    const run = main(['partition', join(dir, 'table.json')], cap.io);
    setTimeout(() => tty.write('\u0001n'), 200);
    setTimeout(() => tty.write('\u0001x'), 400);
    expect(await run).toBe(0);
    expect(cap.stderr()).toBe('\r\nhvkit: input goes to "b"\r\nhvkit: terminated (Ctrl-A x)\r\n');
    expect(tty.rawModes).toEqual([true, false]);
  });
});

const hvkit = runHvkit;

describe('hvkit partition as a process', () => {
  it('boots the README table: Linux takes piped commands, the os-stub passes, both shut down, status 0', async () => {
    const dir = tableDir(README_TABLE);
    const r = await hvkit(['partition', join(dir, 'table.json')], 'uname -a\npoweroff\n');
    expect(r.stdout).toMatch(/^\[linux\] ~ # uname -a$/m);
    expect(r.stdout).toMatch(/^\[linux\] Linux hvkit 6\.1\.\d+ .* riscv64$/m);
    expect(r.stdout).toMatch(/^\[stub\] os-stub: ok virtio-blk \(.*read back.*\)$/m);
    expect(r.stdout).toMatch(/^\[stub\] os-stub: PASS 10\/10$/m);
    expect(r.stdout).toContain('[linux] reboot: Power down');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);

  it('boots a Linux Image file named by a relative path, with bootargs, taking piped input at its prompt', async () => {
    const dir = tableDir({
      board: { harts: 2, memory: '256M' },
      guests: [
        { name: 'mine', harts: [0, 1], memory: '128M', kernel: 'Image', bootargs: 'console=ttyS0 quiet' },
      ],
    });
    writeFileSync(join(dir, 'Image'), readFileSync(linuxImagePath()));
    const r = await hvkit(['partition', join(dir, 'table.json')], 'uname -a\npoweroff\n');
    expect(r.stdout).toMatch(/^\[mine\] Linux hvkit 6\.1\.\d+ .* riscv64$/m);
    expect(r.stdout).not.toContain('Run /init'); // quiet, from the table's bootargs
    expect(r.status).toBe(0);
  }, 120_000);

  it('reports the blocked accesses of a guest that attacks its partition', async () => {
    const attacker = join(REPO_ROOT, 'tests/guests/images/attacker.elf');
    const dir = tableDir({
      board: { harts: 2, memory: '256M' },
      guests: [
        { name: 'evil', harts: [0], memory: '64M', kernel: attacker },
        { name: 'stub', harts: [1], memory: '64M', kernel: 'os-stub', disks: ['disk.img'], bootargs: 'x' },
      ],
    });
    const r = await hvkit(['partition', join(dir, 'table.json'), '--console', 'stub'], '');
    expect(r.stdout).toContain('[evil] attacker: 48 probes, 0 escapes');
    expect(r.stderr).toBe('hvkit: evil: 35 blocked accesses, first at 0x84000000 (load at pc 0x80200092)\n');
    expect(r.status).toBe(0);
  }, 60_000);
});
