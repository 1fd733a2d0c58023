// The guests `--kernel` knows by name.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LINUX_PROMPT, linuxImagePath } from '@hvkit/guest-linux';
import { OS_STUB_IMAGE_URL } from '@hvkit/guest-os-stub';
import { UsageError } from './errors.js';

/** A kernel to read: its path, and how messages name it. */
export interface KernelFile {
  readonly path: string;
  readonly label: string;
  /**
   * What the guest prints when it is ready for input (the Linux guest's shell prompt):
   * piped stdin is held back until then, so the boot cannot drop it.
   */
  readonly readyText?: string;
}

/**
 * Resolves `--kernel`: `linux` (the Linux guest of @hvkit/guest-linux), `os-stub`
 * (the checking guest of @hvkit/guest-os-stub), or a file path. Write `./linux` for a file named linux.
 */
export function resolveKernel(spec: string): KernelFile {
  if (spec === 'linux') {
    const path = linuxImagePath();
    if (!existsSync(path)) {
      throw new UsageError(
        `--kernel linux: the Linux guest image ${path} has not been built (packages/guest-linux/build/build.sh)`,
      );
    }
    return { path, label: path, readyText: LINUX_PROMPT };
  }
  if (spec === 'os-stub') {
    const path = fileURLToPath(OS_STUB_IMAGE_URL);
    if (!existsSync(path)) throw new UsageError(`--kernel os-stub: the OS stub image ${path} is missing`);
    return { path, label: path };
  }
  return { path: spec, label: spec };
}
