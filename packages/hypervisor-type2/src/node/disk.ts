/*
 * Disk images as host files. The main thread opens the file (checking it and taking
 * its lock); the VM thread does the I/O on the same file descriptor with positional
 * synchronous reads and writes, which block only the VM. `flush` is fsync, so a
 * flushed write survives the process being killed (and, as far as the host's
 * storage keeps its promises, a power cut).
 *
 * Nothing here ever writes to an image except a guest write through a writable
 * backend: opening, checking, locking and closing leave the file untouched.
 *
 * What a hostile guest can do: read and write anywhere inside the image (virtio-blk
 * checks the bounds before the backend is called; the backend checks again), and
 * make the host sync as often as it likes. It cannot grow the file or reach past it.
 */
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { type BlockBackend, SECTOR_SIZE } from '@hvkit/interfaces';
import { HostError } from '../errors.js';
import type { DiskHandle, DiskImage, DiskOpenOptions } from '../host-os.js';

/** The lock file next to an image: `IMAGE.hvkit-lock`, holding "<pid> <token>\n". */
export const LOCK_SUFFIX = '.hvkit-lock';
/** A lock file without a readable pid is taken for a lock being written until it is this old (ms). */
const GARBLED_LOCK_GRACE_MS = 10_000;

type FdHandle = Extract<DiskHandle, { kind: 'fd' }>;

/** A `BlockBackend` on an open image file descriptor (any thread of the process). */
export class FileDisk implements BlockBackend {
  readonly sizeBytes: number;
  readonly readOnly: boolean;
  readonly id: string;
  private readonly fd: number;

  constructor(handle: FdHandle) {
    this.fd = handle.fd;
    this.sizeBytes = handle.sizeBytes;
    this.readOnly = handle.readOnly;
    // GET_ID: the file's name (its last 20 bytes), as QEMU uses the drive's serial.
    this.id = (handle.path.split(/[\\/]/).pop() ?? handle.path).slice(-20);
  }

  read(offset: number, dest: Uint8Array): void {
    this.check(offset, dest.length);
    let done = 0;
    while (done < dest.length) {
      const n = readSync(this.fd, dest, done, dest.length - done, offset + done);
      if (n === 0) {
        // The file shrank under us: what is gone reads as zeros.
        dest.fill(0, done);
        return;
      }
      done += n;
    }
  }

  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new Error('the disk image is read-only');
    this.check(offset, src.length);
    let done = 0;
    while (done < src.length) done += writeSync(this.fd, src, done, src.length - done, offset + done);
  }

  flush(): void {
    if (!this.readOnly) fsyncSync(this.fd);
  }

  private check(offset: number, length: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > this.sizeBytes) {
      throw new RangeError(`access [${offset}, ${offset + length}) outside the ${this.sizeBytes}-byte image`);
    }
  }
}

/** One line for a failed file operation on `what`. */
function fileProblem(what: string, error: unknown): HostError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'on a read-only file system'
            : code === 'ENOTDIR'
              ? 'a part of the path is not a directory'
              : code === 'ELOOP'
                ? 'too many symbolic links'
                : (code ?? (error instanceof Error ? error.message : String(error)));
  return new HostError(`${what}: ${why}`);
}

/** Who holds a lock file: its pid and the whole text, or why it cannot be told. */
type LockHolder =
  | { readonly state: 'held'; readonly pid: number; readonly text: string }
  | { readonly state: 'garbled'; readonly text: string; readonly ageMs: number }
  | { readonly state: 'missing' };

function readLock(lockPath: string): LockHolder {
  let text: string;
  let ageMs: number;
  try {
    text = readFileSync(lockPath, 'latin1');
    ageMs = Date.now() - statSync(lockPath).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    throw fileProblem(`cannot read lock file ${lockPath}`, error);
  }
  const match = /^(\d+) /.exec(text);
  const pid = match === null ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return { state: 'garbled', text, ageMs };
  return { state: 'held', pid, text };
}

/** True when process `pid` exists (ours included; EPERM means it exists but is not ours). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The one-line refusal for an image whose lock is held by a live process. */
function inUse(imagePath: string, lockPath: string, pid: number, readOnly: boolean): HostError {
  const who = pid === process.pid ? 'this hvkit process' : `process ${pid}`;
  const what = readOnly ? 'is open for writing by' : 'is already in use (writable) by';
  return new HostError(`disk image ${imagePath} ${what} ${who} (lock file ${lockPath})`);
}

/**
 * Removes a stale lock file whose text is `text`: renames it aside (atomic), checks
 * it is still the stale one (a racing process may have replaced it) and deletes it;
 * if it was not, puts it back. Returns when the caller should try to lock again.
 */
function removeStaleLock(lockPath: string, text: string): void {
  const aside = `${lockPath}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else cleaned up
    throw fileProblem(`cannot remove stale lock file ${lockPath}`, error);
  }
  let moved = '';
  try {
    moved = readFileSync(aside, 'latin1');
  } catch {}
  if (moved !== text) {
    // Not the lock we judged stale: a fresh one taken in between. Put it back.
    try {
      linkSync(aside, lockPath);
    } catch {}
  }
  try {
    unlinkSync(aside);
  } catch {}
}

/** Locks held by this process (lock path -> its text), removed on exit. */
const heldLocks = new Map<string, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [lockPath, text] of heldLocks) releaseLock(lockPath, text);
  });
}

/** Takes the lock of a writable image or throws a one-line `HostError`; returns the lock's text. */
function acquireLock(imagePath: string, lockPath: string): string {
  const text = `${process.pid} ${Math.random().toString(36).slice(2)}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw fileProblem(`disk image ${imagePath}: cannot create lock file ${lockPath}`, error);
      }
      const holder = readLock(lockPath);
      if (holder.state === 'missing') continue; // released just now: try again
      if (holder.state === 'held') {
        if (processAlive(holder.pid)) throw inUse(imagePath, lockPath, holder.pid, false);
        removeStaleLock(lockPath, holder.text);
        continue;
      }
      if (holder.ageMs < GARBLED_LOCK_GRACE_MS) {
        throw new HostError(
          `disk image ${imagePath} is being locked by another process (lock file ${lockPath})`,
        );
      }
      removeStaleLock(lockPath, holder.text);
      continue;
    }
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    installExitHook();
    heldLocks.set(lockPath, text);
    return text;
  }
  throw new HostError(`disk image ${imagePath}: cannot take lock file ${lockPath} (it keeps changing)`);
}

/** Removes our lock file, if it is still ours. */
function releaseLock(lockPath: string, text: string): void {
  heldLocks.delete(lockPath);
  try {
    if (readFileSync(lockPath, 'latin1') === text) unlinkSync(lockPath);
  } catch {}
}

/**
 * Opens a disk image file (see `HostOs.openDisk`): a regular file whose size is a
 * non-zero multiple of 512, read-only with O_RDONLY, writable with O_RDWR and the
 * lock file `IMAGE.hvkit-lock` (created with O_EXCL, holding our pid, removed on
 * close or exit, taken over when its pid is dead). A read-only open is refused
 * while a live process holds the lock. Problems are one-line `HostError`s; the
 * image is never modified.
 */
export function openDiskImage(path: string, options: DiskOpenOptions): DiskImage {
  const readOnly = options.readOnly;
  let fd: number;
  try {
    fd = openSync(path, readOnly ? constants.O_RDONLY : constants.O_RDWR);
  } catch (error) {
    const hint =
      !readOnly && (error as NodeJS.ErrnoException).code === 'EACCES'
        ? " (add ',ro' to attach it read-only)"
        : '';
    const problem = fileProblem(`cannot open disk image ${path}`, error);
    throw new HostError(`${problem.message}${hint}`);
  }
  let lockText: string | undefined;
  let lockPath = `${path}${LOCK_SUFFIX}`;
  try {
    // Lock the file itself, not one of its names: a symlink to a locked image is locked too.
    try {
      lockPath = `${realpathSync(path)}${LOCK_SUFFIX}`;
    } catch {}
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new HostError(`cannot open disk image ${path}: is a directory`);
    if (!stat.isFile()) throw new HostError(`disk image ${path} is not a regular file`);
    if (stat.size === 0) throw new HostError(`disk image ${path} is empty`);
    if (stat.size % SECTOR_SIZE !== 0) {
      throw new HostError(`disk image ${path}: size ${stat.size} bytes is not a multiple of ${SECTOR_SIZE}`);
    }
    if (!Number.isSafeInteger(stat.size)) throw new HostError(`disk image ${path} is too large`);
    if (readOnly) {
      const holder = readLock(lockPath);
      if (holder.state === 'held' && processAlive(holder.pid)) throw inUse(path, lockPath, holder.pid, true);
    } else {
      lockText = acquireLock(path, lockPath);
    }
    const handle: FdHandle = { kind: 'fd', fd, path, sizeBytes: stat.size, readOnly };
    return new OpenImage(handle, lockPath, lockText);
  } catch (error) {
    closeSync(fd);
    if (lockText !== undefined) releaseLock(lockPath, lockText);
    throw error;
  }
}

/** An open image file: its backend on this thread, its handle for the VM thread, and its lock. */
class OpenImage extends FileDisk implements DiskImage {
  readonly path: string;
  private closed = false;

  constructor(
    readonly handle: FdHandle,
    private readonly lockPath: string,
    private readonly lockText: string | undefined,
  ) {
    super(handle);
    this.path = handle.path;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      // As QEMU on close: what the guest wrote reaches the disk even if it never flushed.
      if (!this.readOnly) fsyncSync(this.handle.fd);
    } catch {}
    try {
      closeSync(this.handle.fd);
    } finally {
      if (this.lockText !== undefined) releaseLock(this.lockPath, this.lockText);
    }
  }
}
