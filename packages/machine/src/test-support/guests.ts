// Test helpers: a buffer CharBackend and where the committed guest images live.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CharBackend } from '@hvkit/interfaces';

/** The repository root (packages/machine/src/test-support -> ../../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The committed bare-metal guest images. */
export const IMAGES = join(REPO_ROOT, 'tests/guests/images');

/** True once cpu-core's hart has a body (until then hart.ts only declares the class). */
export function hartLanded(): boolean {
  const source = readFileSync(join(REPO_ROOT, 'packages/cpu-core/src/hart.ts'), 'utf8');
  return !/\bdeclare class RiscvHart\b/.test(source);
}

/** Why tests that run code cannot run yet (undefined when they can). */
export function runSkipReason(image?: string): string | undefined {
  if (!hartLanded()) return 'the hart (packages/cpu-core) has not landed yet';
  if (image !== undefined && !existsSync(join(IMAGES, image))) {
    return `tests/guests/images/${image} has not been built yet`;
  }
  return undefined;
}

/** Reads a guest image. */
export function image(name: string): Uint8Array {
  return readFileSync(join(IMAGES, name));
}

/** A CharBackend over memory: collects output, serves queued input, wakes listeners. */
export class BufferBackend implements CharBackend {
  readonly output: number[] = [];
  private readonly input: number[] = [];
  private readonly listeners: (() => void)[] = [];

  write(byte: number): void {
    this.output.push(byte);
  }

  read(): number {
    return this.input.shift() ?? -1;
  }

  onReadable(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Queues `text` as input and tells the listeners. */
  type(text: string): void {
    for (const c of Buffer.from(text, 'latin1')) this.input.push(c);
    for (const l of this.listeners) l();
  }

  /** Output so far as text. */
  text(): string {
    return Buffer.from(this.output).toString('latin1');
  }
}
