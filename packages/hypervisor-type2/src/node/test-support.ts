// Test helpers: where the guest images are, a tiny ELF writer, temporary files, child processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (packages/hypervisor-type2/src/node -> ../../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The committed bare-metal guest images. */
export const IMAGES = join(REPO_ROOT, 'tests/guests/images');

/** This package's own test guests (guests/build.sh). */
export const OWN_GUESTS = join(REPO_ROOT, 'packages/hypervisor-type2/guests');

/** Why a guest image cannot be used, or undefined when it can. */
export function guestSkipReason(image: string): string | undefined {
  return existsSync(join(IMAGES, image)) ? undefined : `tests/guests/images/${image} has not been built`;
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hvkit-t2-'));
}

/** Writes `bytes` to a fresh temporary file and returns its path. */
export function tempFile(name: string, bytes: Uint8Array | string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

/** A minimal RV64 ELF with one PT_LOAD segment of `code` at 0x80000000. */
export function tinyElf(code: readonly number[] = [0x0000_006f]): Uint8Array {
  const file = new Uint8Array(64 + 56 + code.length * 4);
  const view = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 243, true); // EM_RISCV
  view.setUint32(20, 1, true);
  view.setBigUint64(24, 0x8000_0000n, true);
  view.setBigUint64(32, 64n, true);
  view.setUint16(52, 64, true);
  view.setUint16(54, 56, true);
  view.setUint16(56, 1, true);
  view.setUint32(64, 1, true); // PT_LOAD
  view.setBigUint64(64 + 8, 120n, true);
  view.setBigUint64(64 + 16, 0x8000_0000n, true);
  view.setBigUint64(64 + 24, 0x8000_0000n, true);
  view.setBigUint64(64 + 32, BigInt(code.length * 4), true);
  view.setBigUint64(64 + 40, BigInt(code.length * 4), true);
  for (const [k, word] of code.entries()) view.setUint32(120 + k * 4, word, true);
  return file;
}

/** li t0, 0x100000; li t1, 0x7777; sw t1, 0(t0); j . -- asks the finisher for a reset. */
export const RESET_CODE = [0x001002b7, 0x00028293, 0x00007337, 0x77730313, 0x0062a023, 0x0000006f];

/** A child process running a TypeScript fixture from src/node/fixtures with the workspace's source condition. */
export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal) once the child has ended. */
  readonly ended: Promise<number | NodeJS.Signals>;
}

/** Starts `node --conditions=@hvkit/source --import tsx src/node/fixtures/<name>.ts ...args`. */
export function startFixture(name: string, args: readonly string[]): Child {
  const script = join(REPO_ROOT, 'packages/hypervisor-type2/src/node/fixtures', `${name}.ts`);
  const child = spawn(process.execPath, ['--conditions=@hvkit/source', '--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const ended = new Promise<number | NodeJS.Signals>((resolveEnd) => {
    child.on('exit', (code, signal) => {
      resolveEnd(code ?? signal ?? -1);
      for (const w of waiters.splice(0)) w();
    });
  });
  return {
    process: child,
    stderr: () => err,
    ended,
    line(pattern, timeoutMs = 20_000) {
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} from ${name}; stdout: ${out}; stderr: ${err}`)),
          timeoutMs,
        );
        const check = () => {
          const found = out.split('\n').find((l) => pattern.test(l));
          if (found !== undefined) {
            clearTimeout(timer);
            resolveLine(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            reject(new Error(`${name} ended without a line matching ${pattern}; stderr: ${err}`));
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}
