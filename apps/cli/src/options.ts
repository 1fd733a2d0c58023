// Parsers for the values of `hvkit run` flags; each problem is a one-line `UsageError`.
import { resolve } from 'node:path';
import { type DiskConfig, HUB_NAME_PATTERN, MAX_VCPUS, type NetConfig } from '@hvkit/hypervisor-type2';
import { ImageError, parseElf } from '@hvkit/machine';
import { UsageError } from './errors.js';

/** Parses `--smp N`: a whole number of vCPUs from 1 to 8. */
export function parseSmp(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_VCPUS) {
    throw new UsageError(`--smp ${JSON.stringify(text)}: the number of vCPUs must be 1 to ${MAX_VCPUS}`);
  }
  return n;
}

/** What `--bios` asked for. */
export type BiosChoice =
  | { readonly kind: 'none' | 'native' }
  | { readonly kind: 'file'; readonly path: string };

/** Parses `--bios none|native|FILE`. */
export function parseBios(text: string): BiosChoice {
  if (text === 'none' || text === 'native') return { kind: text };
  if (text === '') throw new UsageError('--bios "": give none, native or a firmware file');
  return { kind: 'file', path: text };
}

/** Parses `--disk FILE[,ro]` (also `,rw`, the default); paths are resolved against `cwd`. */
export function parseDisk(spec: string, cwd: string): DiskConfig {
  const [path = '', ...opts] = spec.split(',');
  if (path === '')
    throw new UsageError(`--disk ${JSON.stringify(spec)}: no file given (use --disk FILE[,ro])`);
  let readOnly = false;
  for (const opt of opts) {
    if (opt === 'ro') readOnly = true;
    else if (opt === 'rw') readOnly = false;
    else {
      throw new UsageError(`--disk ${JSON.stringify(spec)}: unknown option '${opt}' (use --disk FILE[,ro])`);
    }
  }
  return { path: resolve(cwd, path), readOnly };
}

/** Parses `--net hub:NAME`. */
export function parseNet(spec: string): NetConfig {
  const match = /^hub:(.*)$/.exec(spec);
  if (match === null) {
    throw new UsageError(`--net ${JSON.stringify(spec)}: only hub networks exist (use --net hub:NAME)`);
  }
  const hub = match[1]!;
  if (!HUB_NAME_PATTERN.test(hub)) {
    throw new UsageError(
      `--net ${JSON.stringify(spec)}: a hub name is 1 to 64 letters, digits, '.', '_' or '-'`,
    );
  }
  return { hub };
}

/** How the kernel's bytes are to be read. */
export interface KernelInfo {
  readonly format: 'elf' | 'image' | 'raw';
}

const startsWith = (bytes: Uint8Array, at: number, magic: readonly number[]) =>
  magic.every((b, i) => bytes[at + i] === b);

/** True for an ELF file (`\x7fELF`). */
export function isElfFile(bytes: Uint8Array): boolean {
  return startsWith(bytes, 0, [0x7f, 0x45, 0x4c, 0x46]);
}

/**
 * True for a RISC-V Linux Image: the 64-byte header with "RISCV\0\0\0" at 48 or
 * "RSC\x05" at 56 (Documentation/riscv/boot-image-header.rst).
 */
export function isLinuxImageFile(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 64 &&
    (startsWith(bytes, 48, [0x52, 0x49, 0x53, 0x43, 0x56, 0, 0, 0]) ||
      startsWith(bytes, 56, [0x52, 0x53, 0x43, 0x05]))
  );
}

/**
 * Checks the kernel's format before a VM is started: an ELF (parsed here, so a
 * corrupt one fails in one line without starting a VM thread) or a RISC-V Linux
 * Image (its header is checked by the board). Anything else is refused, unless
 * `raw` (real firmware was given with `--bios FILE`): then it is a raw binary,
 * loaded where the firmware jumps (0x80200000), as QEMU's `-kernel` does, e.g.
 * U-Boot's `u-boot.bin` under OpenSBI's `fw_jump.bin`. An empty file is never raw.
 */
export function detectKernel(bytes: Uint8Array, label: string, raw = false): KernelInfo {
  try {
    if (isLinuxImageFile(bytes) && !isElfFile(bytes)) return { format: 'image' };
    if (raw && !isElfFile(bytes) && bytes.length > 0) return { format: 'raw' };
    if (!isElfFile(bytes)) throw new ImageError('not an ELF file or a RISC-V Linux Image');
    parseElf(bytes);
    return { format: 'elf' };
  } catch (error) {
    if (error instanceof ImageError) throw new UsageError(`${label}: ${error.message}`);
    throw error;
  }
}
