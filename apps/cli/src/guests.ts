// The guests `--kernel` knows by name.
import { existsSync } from 'node:fs';
import { linuxImagePath } from '@hvkit/guest-linux';
import { UsageError } from './errors.js';

/** A kernel to read: its path, and how messages name it. */
export interface KernelFile {
  readonly path: string;
  readonly label: string;
}

/**
 * Resolves `--kernel`: `linux` (the Linux guest of @hvkit/guest-linux), `os-stub`
 * (not available yet), or a file path. Write `./linux` for a file named linux.
 */
export function resolveKernel(spec: string): KernelFile {
  if (spec === 'linux') {
    const path = linuxImagePath();
    if (!existsSync(path)) {
      throw new UsageError(
        `--kernel linux: the Linux guest image ${path} has not been built (packages/guest-linux/build/build.sh)`,
      );
    }
    return { path, label: path };
  }
  if (spec === 'os-stub') throw new UsageError('--kernel os-stub: the OS stub guest is not available yet');
  return { path: spec, label: spec };
}
