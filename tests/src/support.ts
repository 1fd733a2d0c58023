// Helpers shared by the cross-package scenarios.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CharBackend } from '@hvkit/interfaces';
import { type RunOutcome, VirtMachine } from '@hvkit/machine';

export const GUEST_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'guests', 'images');

/** Committed guests that are S-mode kernels for a hypervisor, not bare-metal M-mode programs. */
export const SUPERVISOR_GUESTS: readonly string[] = ['attacker'];

/** Every committed bare-metal (M-mode) guest image name (without .elf). */
export function guestNames(): string[] {
  return readdirSync(GUEST_DIR)
    .filter((f) => f.endsWith('.elf') && !SUPERVISOR_GUESTS.includes(f.slice(0, -4)))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** A UART backend fed from a string, collecting output as text. */
export class TextBackend implements CharBackend {
  private readonly input: number[];
  output = '';
  constructor(input = '') {
    this.input = [...Buffer.from(input, 'latin1')];
  }
  write(byte: number): void {
    this.output += String.fromCharCode(byte);
  }
  read(): number {
    return this.input.shift() ?? -1;
  }
}

/** Runs a committed guest on the hvkit virt board. */
export async function runOnHvkit(name: string, input = '', timeoutMs = 20_000) {
  const uart = new TextBackend(input);
  const machine = new VirtMachine({
    kernel: new Uint8Array(readFileSync(join(GUEST_DIR, `${name}.elf`))),
    bios: 'none',
    uart,
  });
  const outcome: RunOutcome = await machine.run({ timeoutMs });
  const status = outcome.kind === 'shutdown' ? outcome.code : -1;
  return { status, output: uart.output, outcome };
}

/** Why QEMU runs are skipped here, or undefined when qemu-system-riscv64 is installed. */
export function qemuSkipReason(): string | undefined {
  const r = spawnSync('qemu-system-riscv64', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'qemu-system-riscv64 not installed (Debian qemu-system-misc)';
}

/** Runs a committed guest on QEMU's virt board (`-bios none`, H extension on for isa-hyp), input on stdin. */
export function runOnQemu(name: string, input = '', timeoutMs = 20_000) {
  const r = spawnSync(
    'qemu-system-riscv64',
    [
      '-M',
      'virt',
      '-cpu',
      'rv64,h=true',
      '-m',
      '128M',
      '-bios',
      'none',
      '-kernel',
      join(GUEST_DIR, `${name}.elf`),
      '-nographic',
      '-monitor',
      'none',
      '-serial',
      'stdio',
    ],
    { input, encoding: 'latin1', timeout: timeoutMs },
  );
  return { status: r.status ?? -1, output: r.stdout ?? '' };
}

export const exists = existsSync;
