/*
 * A disk held in a SharedArrayBuffer: every thread sees the same bytes, so it works
 * with VM threads on any host. For tests, scratch disks and hosts without files.
 */
import { type BlockBackend, SECTOR_SIZE } from '@hvkit/interfaces';
import { HostError } from './errors.js';
import type { DiskHandle, DiskImage } from './host-os.js';

/** Options of `memoryDisk`. */
export interface MemoryDiskOptions {
  /** Name for messages and the GET_ID serial; default `memory`. */
  readonly name?: string;
  /** Refuse guest writes. */
  readonly readOnly?: boolean;
}

/** The `BlockBackend` over a memory disk handle (on whichever thread holds it). */
export function memoryDiskBackend(handle: Extract<DiskHandle, { kind: 'memory' }>): BlockBackend {
  const bytes = new Uint8Array(handle.buffer);
  const check = (offset: number, length: number) => {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > bytes.length) {
      throw new RangeError(`access [${offset}, ${offset + length}) outside the ${bytes.length}-byte disk`);
    }
  };
  return {
    sizeBytes: bytes.length,
    readOnly: handle.readOnly,
    id: handle.path.slice(-20),
    read(offset, dest) {
      check(offset, dest.length);
      dest.set(bytes.subarray(offset, offset + dest.length));
    },
    write(offset, src) {
      if (handle.readOnly) throw new Error(`${handle.path} is read-only`);
      check(offset, src.length);
      bytes.set(src, offset);
    },
    flush() {},
  };
}

/**
 * A disk of `size` zero bytes, or holding a copy of `contents`; the length must be a
 * non-zero multiple of 512 (a one-line `HostError` otherwise).
 */
export function memoryDisk(contents: Uint8Array | number, options: MemoryDiskOptions = {}): DiskImage {
  const name = options.name ?? 'memory';
  const size = typeof contents === 'number' ? contents : contents.length;
  if (!Number.isSafeInteger(size) || size <= 0 || size % SECTOR_SIZE !== 0) {
    throw new HostError(`disk ${name}: size ${size} bytes is not a non-zero multiple of ${SECTOR_SIZE}`);
  }
  const buffer = new SharedArrayBuffer(size);
  if (typeof contents !== 'number') new Uint8Array(buffer).set(contents);
  const handle = { kind: 'memory', buffer, path: name, readOnly: options.readOnly === true } as const;
  return { ...memoryDiskBackend(handle), path: name, handle, close() {} };
}
