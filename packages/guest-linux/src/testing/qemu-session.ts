/**
 * A small expect-style driver for `qemu-system-riscv64 -nographic`, used by
 * this package's tests (not exported from the package): start QEMU, wait for
 * the guest's prompt, type commands and collect what they print.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LINUX_PROMPT } from '../index.js';

/** Absolute path of `qemu-system-riscv64` on PATH, or undefined. */
export function findQemu(name = 'qemu-system-riscv64'): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

export class QemuSession {
  readonly startedAt = performance.now();
  private text = '';
  private heldCR = '';
  private exitCode: number | null | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly child: ChildProcessWithoutNullStreams;

  private constructor(qemu: string, args: readonly string[]) {
    this.child = spawn(qemu, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer) => {
      // The guest's tty turns "\n" into "\r\n"; tests compare plain "\n".
      // A chunk may end between the two, so hold a trailing "\r" back.
      let piece = this.heldCR + chunk.toString('latin1');
      this.heldCR = piece.endsWith('\r') ? '\r' : '';
      if (this.heldCR) piece = piece.slice(0, -1);
      this.text += piece.replace(/\r\n/g, '\n');
      this.notify();
    };
    this.child.stdout.on('data', onData);
    this.child.stderr.on('data', onData);
    this.child.on('exit', (code) => {
      this.text += this.heldCR;
      this.heldCR = '';
      this.exitCode = code;
      this.notify();
    });
    this.child.on('error', (err) => {
      this.text += `\n[spawn error: ${err.message}]\n`;
      this.exitCode = null;
      this.notify();
    });
  }

  static start(qemu: string, args: readonly string[]): QemuSession {
    return new QemuSession(qemu, args);
  }

  /** Everything QEMU has printed so far (firmware, kernel, shell), with "\r\n" folded to "\n". */
  get output(): string {
    return this.text;
  }

  /** Wait until the output after `from` contains `needle`; resolves to the index just past it. */
  waitFor(needle: string, timeoutMs: number, from = 0): Promise<number> {
    return this.until(
      () => {
        const at = this.text.indexOf(needle, from);
        return at < 0 ? undefined : at + needle.length;
      },
      timeoutMs,
      `"${needle}"`,
    );
  }

  /** Wait for the first prompt; resolves to the milliseconds since QEMU was started. */
  async waitForPrompt(timeoutMs: number): Promise<number> {
    await this.waitFor(LINUX_PROMPT, timeoutMs);
    return performance.now() - this.startedAt;
  }

  /** Type a line (the shell accepts "\n" as Enter). */
  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /**
   * Run one shell command and return what it printed: the text between the
   * echoed command line and the next prompt.
   */
  async command(line: string, timeoutMs = 10_000): Promise<string> {
    const mark = this.text.length;
    this.send(line);
    const echoEnd = await this.waitFor(`${line}\n`, timeoutMs, mark);
    const promptEnd = await this.waitFor(LINUX_PROMPT, timeoutMs, echoEnd);
    return this.text.slice(echoEnd, promptEnd - LINUX_PROMPT.length);
  }

  /** Wait for QEMU to exit by itself; resolves to its exit code. */
  waitExit(timeoutMs: number): Promise<number | null> {
    return this.until(
      () => (this.exitCode === undefined ? undefined : { code: this.exitCode }),
      timeoutMs,
      'QEMU to exit',
    ).then((r) => r.code);
  }

  /** Stop QEMU if it is still running. */
  kill(): void {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = (): boolean => {
        const value = check();
        if (value === undefined) return false;
        finish();
        resolve(value);
        return true;
      };
      const onChange = () => {
        if (attempt()) return;
        if (this.exitCode !== undefined) {
          finish();
          reject(new Error(`QEMU exited (code ${this.exitCode}) while waiting for ${what}.\n${this.tail()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}.\n${this.tail()}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(onChange);
      };
      this.listeners.add(onChange);
      onChange();
    });
  }

  private tail(): string {
    return `--- last output ---\n${this.text.slice(-2000)}`;
  }
}
