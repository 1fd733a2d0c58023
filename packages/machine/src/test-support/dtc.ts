// Test helper: the device tree compiler (Debian `device-tree-compiler`), when installed.
import { spawnSync } from 'node:child_process';

let available: boolean | undefined;

/** Why dtc tests are skipped here, or undefined when `dtc` runs. */
export function dtcSkipReason(): string | undefined {
  available ??= spawnSync('dtc', ['--version'], { encoding: 'utf8' }).status === 0;
  return available ? undefined : 'dtc is not installed (Debian package device-tree-compiler)';
}

function dtc(args: string[], input: Uint8Array | string): Buffer {
  const r = spawnSync('dtc', ['-q', ...args], { input });
  if (r.status !== 0) throw new Error(`dtc ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Compiles dts source to a blob. */
export function dtsToDtb(source: string): Uint8Array {
  return new Uint8Array(dtc(['-I', 'dts', '-O', 'dtb', '-'], source));
}

/** Decompiles a blob to dts source. */
export function dtbToDts(blob: Uint8Array): string {
  return dtc(['-I', 'dtb', '-O', 'dts', '-'], blob).toString('utf8');
}
