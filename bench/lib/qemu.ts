/*
 * Runs an image on QEMU's virt board:
 *   qemu-system-riscv64 -M virt -bios none -kernel X -nographic -serial stdio -monitor none
 *
 * Note on QEMU's minstret: without -icount, QEMU 7.2 answers minstret (and
 * mcycle) with the host's cycle counter, not with instructions retired, so the
 * `instret=` a guest prints there is meaningless. Its mtime does follow real
 * time (10 MHz), so `ticks=` is a good clock. The exact instruction count comes
 * from a second run with `-icount shift=0,sleep=off`, where minstret is the
 * instruction count (and mtime is virtual, so that run is not timed).
 */
import { execFileSync, spawn } from 'node:child_process';

/** The QEMU binary found on PATH. */
export interface QemuInfo {
  readonly binary: string;
  /** First line of `--version`, e.g. `QEMU emulator version 7.2.x (Debian ...)`. */
  readonly version: string;
}

/** Finds `binary` on PATH (null when absent or not runnable). */
export function findQemu(binary = 'qemu-system-riscv64'): QemuInfo | null {
  try {
    const out = execFileSync(binary, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return { binary, version: out.split('\n')[0]!.trim() };
  } catch {
    return null;
  }
}

/** What one QEMU run gave. */
export interface QemuRun {
  /** Exit status (the finisher code: 0 = pass), or null when killed. */
  readonly status: number | null;
  /** True when the run was killed after `timeoutMs`. */
  readonly timedOut: boolean;
  /** stdout + stderr (`\r` removed). */
  readonly output: string;
  /** Host wall time of the process, ms. */
  readonly wallMs: number;
}

/** Runs `image` on QEMU; `icount` adds `-icount shift=0,sleep=off` (exact minstret, virtual time). */
export function runOnQemu(
  qemu: QemuInfo,
  image: string,
  icount: boolean,
  timeoutMs: number,
): Promise<QemuRun> {
  const args = ['-M', 'virt', '-bios', 'none', '-kernel', image, '-nographic', '-serial', 'stdio'];
  args.push('-monitor', 'none');
  if (icount) args.push('-icount', 'shift=0,sleep=off');
  return new Promise((resolve, reject) => {
    const start = performance.now();
    // stdin is /dev/null: with a terminal there, QEMU would switch it to raw mode.
    const child = spawn(qemu.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      const output = Buffer.concat(chunks).toString('latin1').replaceAll('\r', '');
      resolve({ status, timedOut, output, wallMs: performance.now() - start });
    });
  });
}
