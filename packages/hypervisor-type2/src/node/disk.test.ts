import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostError } from '../errors.js';
import { LOCK_SUFFIX, openDiskImage } from './disk.js';
import { startFixture, tempDir } from './test-support.js';

/** A fresh image of `size` bytes filled with a recognisable pattern. */
function image(size = 8 * 512, name = 'disk.img'): string {
  const path = join(tempDir(), name);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + 3) & 0xff;
  writeFileSync(path, bytes);
  return path;
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Expects `open` to throw a one-line HostError matching `message`, leaving the file as it was. */
function refused(path: string, open: () => unknown, message: string | RegExp): void {
  const before = existsSync(path) && statSync(path).isFile() ? digest(path) : undefined;
  let error: unknown;
  try {
    open();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(HostError);
  const text = (error as Error).message;
  expect(text).not.toContain('\n');
  if (typeof message === 'string') expect(text).toBe(message);
  else expect(text).toMatch(message);
  if (before !== undefined) expect(digest(path)).toBe(before);
}

describe('disk images as host files', () => {
  it('reads, writes and flushes at any sector', () => {
    const path = image();
    const disk = openDiskImage(path, { readOnly: false });
    expect(disk.sizeBytes).toBe(4096);
    expect(disk.readOnly).toBe(false);
    expect(disk.id).toBe('disk.img');
    const sector = new Uint8Array(512);
    disk.read(512, sector);
    expect(sector[0]).toBe((512 * 7 + 3) & 0xff);
    const data = new Uint8Array(1024).fill(0xa5);
    disk.write(1024, data);
    disk.flush();
    const back = new Uint8Array(1024);
    disk.read(1024, back);
    expect(back).toEqual(data);
    disk.close();
    const file = readFileSync(path);
    expect(file.subarray(1024, 2048).every((b) => b === 0xa5)).toBe(true);
    expect(file[1023]).toBe((1023 * 7 + 3) & 0xff); // the neighbours are untouched
    expect(file[2048]).toBe((2048 * 7 + 3) & 0xff);
    expect(file.length).toBe(4096);
  });

  it('refuses accesses outside the image', () => {
    const disk = openDiskImage(image(), { readOnly: false });
    expect(() => disk.read(4096, new Uint8Array(512))).toThrow(RangeError);
    expect(() => disk.write(3584, new Uint8Array(1024))).toThrow(RangeError);
    expect(() => disk.read(-512, new Uint8Array(512))).toThrow(RangeError);
    disk.close();
  });

  it('read-only images refuse writes and leave no lock', () => {
    const path = image();
    const before = digest(path);
    const disk = openDiskImage(path, { readOnly: true });
    expect(disk.readOnly).toBe(true);
    expect(() => disk.write(0, new Uint8Array(512))).toThrow(/read-only/);
    disk.flush();
    expect(existsSync(path + LOCK_SUFFIX)).toBe(false);
    // Two read-only users are fine.
    const again = openDiskImage(path, { readOnly: true });
    again.close();
    disk.close();
    expect(digest(path)).toBe(before);
  });

  it('read-only open works on a file the user cannot write', () => {
    const path = image();
    chmodSync(path, 0o444);
    const disk = openDiskImage(path, { readOnly: true });
    const sector = new Uint8Array(512);
    disk.read(0, sector);
    expect(sector[1]).toBe(10);
    disk.close();
  });

  it('locks a writable image for this process: a second open is refused until close', () => {
    const path = image();
    const lock = path + LOCK_SUFFIX;
    const disk = openDiskImage(path, { readOnly: false });
    expect(readFileSync(lock, 'latin1')).toMatch(new RegExp(`^${process.pid} \\w+\\n$`));
    const message = `disk image ${path} is already in use (writable) by this hvkit process (lock file ${lock})`;
    refused(path, () => openDiskImage(path, { readOnly: false }), message);
    refused(
      path,
      () => openDiskImage(path, { readOnly: true }),
      `disk image ${path} is open for writing by this hvkit process (lock file ${lock})`,
    );
    disk.close();
    disk.close(); // harmless
    expect(existsSync(lock)).toBe(false);
    openDiskImage(path, { readOnly: false }).close();
  });

  it('locks the file, not the name: a symlink to a locked image is refused', () => {
    const path = image();
    const link = join(tempDir(), 'link.img');
    symlinkSync(path, link);
    const disk = openDiskImage(path, { readOnly: false });
    refused(path, () => openDiskImage(link, { readOnly: false }), /is already in use \(writable\)/);
    disk.close();
  });

  it('refuses sizes that are not a non-zero multiple of 512, missing files and directories', () => {
    const odd = image(1000);
    refused(
      odd,
      () => openDiskImage(odd, { readOnly: false }),
      `disk image ${odd}: size 1000 bytes is not a multiple of 512`,
    );
    refused(odd, () => openDiskImage(odd, { readOnly: true }), /not a multiple of 512/);
    expect(existsSync(odd + LOCK_SUFFIX)).toBe(false);
    const empty = image(0);
    refused(empty, () => openDiskImage(empty, { readOnly: false }), `disk image ${empty} is empty`);
    const missing = join(tempDir(), 'missing.img');
    refused(
      missing,
      () => openDiskImage(missing, { readOnly: false }),
      `cannot open disk image ${missing}: no such file`,
    );
    expect(existsSync(missing)).toBe(false); // opening never creates the image
    const dir = tempDir();
    refused(
      dir,
      () => openDiskImage(dir, { readOnly: true }),
      `cannot open disk image ${dir}: is a directory`,
    );
    refused(
      dir,
      () => openDiskImage(dir, { readOnly: false }),
      `cannot open disk image ${dir}: is a directory`,
    );
  });

  it('refuses a writable open of an image the user cannot write, with a hint', (ctx) => {
    ctx.skip(process.getuid?.() === 0, 'running as root: every file is writable');
    const path = image();
    chmodSync(path, 0o444);
    refused(path, () => openDiskImage(path, { readOnly: false }), /permission denied \(add ',ro'/);
  });

  it('recovers a stale lock whose process is gone', () => {
    const path = image();
    const lock = path + LOCK_SUFFIX;
    writeFileSync(lock, '2147483646 deadbeef\n'); // no such pid
    const disk = openDiskImage(path, { readOnly: false });
    expect(readFileSync(lock, 'latin1')).toMatch(new RegExp(`^${process.pid} `));
    disk.close();
    expect(existsSync(lock)).toBe(false);
  });

  it('takes a garbled lock for one being written, until it is old', () => {
    const path = image();
    const lock = path + LOCK_SUFFIX;
    writeFileSync(lock, '');
    refused(path, () => openDiskImage(path, { readOnly: false }), /is being locked by another process/);
    const old = new Date(Date.now() - 60_000);
    writeFileSync(lock, 'garbage');
    // An old garbled lock is stale.
    utimesSync(lock, old, old);
    openDiskImage(path, { readOnly: false }).close();
  });
});

describe('disk images across processes', () => {
  it('another hvkit process holding the image writable makes every open fail until it closes', async () => {
    const path = image();
    const lock = path + LOCK_SUFFIX;
    const holder = startFixture('disk-holder', [path, 'rw']);
    const pid = Number((await holder.line(/^open \d+/)).split(' ')[1]);
    refused(
      path,
      () => openDiskImage(path, { readOnly: false }),
      `disk image ${path} is already in use (writable) by process ${pid} (lock file ${lock})`,
    );
    refused(path, () => openDiskImage(path, { readOnly: true }), /is open for writing by process \d+/);
    holder.process.stdin!.end();
    await holder.line(/^closed/);
    expect(await holder.ended).toBe(0);
    expect(existsSync(lock)).toBe(false);
    openDiskImage(path, { readOnly: false }).close();
  });

  it('a second process is refused while this one holds the image', async () => {
    const path = image();
    const disk = openDiskImage(path, { readOnly: false });
    const other = startFixture('disk-holder', [path, 'rw']);
    const line = await other.line(/^error /);
    expect(line).toBe(
      `error disk image ${path} is already in use (writable) by process ${process.pid} (lock file ${path}${LOCK_SUFFIX})`,
    );
    expect(await other.ended).toBe(3);
    disk.close();
  });

  it('a flushed write survives the process being killed, and its stale lock is recovered', async () => {
    const path = image(16 * 512);
    const writer = startFixture('disk-holder', [path, 'rw', '2048', 'c0ffee00deadbeef']);
    await writer.line(/^flushed/);
    writer.process.kill('SIGKILL');
    expect(await writer.ended).toBe('SIGKILL');
    const file = readFileSync(path);
    expect(file.subarray(2048, 2056).toString('hex')).toBe('c0ffee00deadbeef');
    expect(file.length).toBe(16 * 512);
    // The killed process could not remove its lock; its pid is dead, so the lock is stale.
    expect(existsSync(path + LOCK_SUFFIX)).toBe(true);
    const disk = openDiskImage(path, { readOnly: false });
    const back = new Uint8Array(8);
    disk.read(2048, back);
    expect(Buffer.from(back).toString('hex')).toBe('c0ffee00deadbeef');
    disk.close();
  });
});
