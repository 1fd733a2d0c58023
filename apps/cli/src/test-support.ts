// Test helpers for the CLI: captured stdio, a tiny ELF writer, and where the guest images are.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, onTestFinished } from 'vitest';
import type { CliIo } from './main.js';
import type { InputStream } from './terminal.js';

/** The repository root (apps/cli/src -> ../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The committed bare-metal guest images. */
export const IMAGES = join(REPO_ROOT, 'tests/guests/images');

/** Why guest tests cannot run yet, or undefined when they can. */
export function guestSkipReason(image = 'hello.elf'): string | undefined {
  // Until its body lands, cpu-core only declares the hart class (no runtime export).
  const hart = readFileSync(join(REPO_ROOT, 'packages/cpu-core/src/hart.ts'), 'utf8');
  if (/\bdeclare class RiscvHart\b/.test(hart)) return 'the hart (packages/cpu-core) has not landed yet';
  if (!existsSync(join(IMAGES, image))) return `tests/guests/images/${image} has not been built yet`;
  return undefined;
}

/** A `CliIo` whose stdout and stderr are captured as text. */
export function captureIo(stdin?: InputStream) {
  const out: string[] = [];
  const err: string[] = [];
  const text = (chunk: string | Uint8Array) =>
    typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1');
  const io: CliIo = {
    stdout: { write: (chunk) => out.push(text(chunk)) },
    stderr: { write: (chunk) => err.push(text(chunk)) },
    stdin,
    env: {},
    cwd: REPO_ROOT,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

/** A stdin that pretends to be a terminal: records raw-mode switches. */
export class FakeTty extends PassThrough implements InputStream {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];
  setRawMode(mode: boolean): this {
    this.rawModes.push(mode);
    return this;
  }
}

/** Fields of a minimal ELF64 with one PT_LOAD segment (defaults: RISC-V, 64-bit, at 0x80000000). */
export interface TinyElf {
  readonly machine?: number;
  readonly elfClass?: number;
  readonly paddr?: bigint;
  readonly memsz?: bigint;
  /** Instruction words; default `j .`. */
  readonly code?: readonly number[];
}

/** Builds a minimal ELF64 file: header, one program header, the code. */
export function tinyElf(spec: TinyElf = {}): Uint8Array {
  const code = spec.code ?? [0x0000_006f]; // j .
  const file = new Uint8Array(64 + 56 + code.length * 4);
  const view = new DataView(file.buffer);
  const paddr = spec.paddr ?? 0x8000_0000n;
  file.set([0x7f, 0x45, 0x4c, 0x46, spec.elfClass ?? 2, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, spec.machine ?? 243, true);
  view.setUint32(20, 1, true);
  view.setBigUint64(24, paddr, true); // e_entry
  view.setBigUint64(32, 64n, true); // e_phoff
  view.setUint16(52, 64, true);
  view.setUint16(54, 56, true);
  view.setUint16(56, 1, true);
  view.setUint32(64, 1, true); // PT_LOAD
  view.setBigUint64(64 + 8, 120n, true);
  view.setBigUint64(64 + 16, paddr, true);
  view.setBigUint64(64 + 24, paddr, true);
  view.setBigUint64(64 + 32, BigInt(code.length * 4), true);
  view.setBigUint64(64 + 40, spec.memsz ?? BigInt(code.length * 4), true);
  for (const [k, word] of code.entries()) view.setUint32(120 + k * 4, word, true);
  return file;
}

/** li t0, 0x100000; li t1, 0x7777; sw t1, 0(t0); j . -- asks the finisher for a reset. */
export const RESET_CODE = [0x001002b7, 0x00028293, 0x00007337, 0x77730313, 0x0062a023, 0x0000006f];

/** A fresh temporary folder, removed after the test file (left-over folders would pile up in /tmp). */
export function tempDir(prefix = 'hvkit-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  // Inside a test: when it ends; at collection time (a describe body): after the file.
  try {
    onTestFinished(cleanup);
  } catch {
    afterAll(cleanup);
  }
  return dir;
}

/** Writes `bytes` to a fresh temporary file (removed at exit) and returns its path. */
export function tempFile(name: string, bytes: Uint8Array | string): string {
  const dir = tempDir();
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Node's arguments that start the real command as the root `pnpm hvkit` script does. */
export const HVKIT_COMMAND: readonly string[] = ['scripts/run-bundled.mjs', 'hvkit'];

/** Starts the real command as the root `pnpm hvkit` script does (from the repository root). */
export function spawnHvkit(args: readonly string[]) {
  return spawn(process.execPath, [...HVKIT_COMMAND, ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs the real command with `input` (if any) on stdin; resolves with its status and output. */
export function runHvkit(args: readonly string[], input?: string) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawnHvkit(args);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('latin1').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('latin1').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}
