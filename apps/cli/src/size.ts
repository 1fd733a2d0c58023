import { UsageError } from './errors.js';

const UNITS: Readonly<Record<string, number>> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/**
 * Parses a memory size as QEMU's `-m` writes them, in bytes: `65536`, `64K`, `128M`,
 * `1G`, `1.5G` (suffixes are binary, case does not matter, a trailing `B`/`iB` is
 * allowed). Throws a `UsageError` naming `flag` for anything else.
 */
export function parseSize(text: string, flag = '--memory'): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  const bad = (why: string) => new UsageError(`${flag} ${JSON.stringify(text)}: ${why}`);
  if (match === null) throw bad('not a size (use bytes or a K, M or G suffix, e.g. 128M)');
  const bytes = Number(match[1]) * UNITS[match[2]!.toUpperCase()]!;
  if (!Number.isSafeInteger(bytes)) throw bad('not a whole number of bytes');
  if (bytes === 0) throw bad('must be more than 0');
  return bytes;
}

/** Parses a timeout in seconds: a positive, finite decimal number. */
export function parseSeconds(text: string, flag = '--timeout'): number {
  const seconds = /^\d+(?:\.\d*)?$|^\.\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new UsageError(`${flag} ${JSON.stringify(text)}: not a positive number of seconds`);
  }
  return seconds;
}
