// Every committed guest (the ISA and device test programs, and the -quick benchmark
// guests) runs with cpu-core's compiling tier on and off: exit status, UART output and
// instructions retired must be identical. Time is instruction-driven, so both runs
// see the same mtime at the same instruction. A third run compiles every page on
// first entry, so the ISA tests' code goes through the compiler too.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InstructionClock, VirtMachine } from '@hvkit/machine';
import { describe, expect, it } from 'vitest';
import { GUEST_DIR, SUPERVISOR_GUESTS, TextBackend } from './support.js';

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'guests', 'images');

const INPUT: Record<string, string> = { echo: 'abc\nquit\n' };

async function runGuest(
  path: string,
  input: string,
  jit: boolean | { enterHot: number; tickHot: number; compileShare: number },
) {
  const uart = new TextBackend(input);
  const machine = new VirtMachine({
    kernel: new Uint8Array(readFileSync(path)),
    // The -s bench images are S-mode kernels: they need SBI below them.
    bios: /-s(-quick)?\.elf$/.test(path) ? 'native' : 'none',
    uart,
    clock: new InstructionClock(),
    jit,
  });
  const outcome = await machine.run({ timeoutMs: 120_000 });
  return { outcome, output: uart.output, instret: machine.hart.instret, jit: machine.hart.jitStats };
}

const guests = [
  ...readdirSync(GUEST_DIR)
    // Supervisor guests (the type-1 attacker) need a hypervisor around them: their runs are in hypervisor-type1.
    .filter((f) => f.endsWith('.elf') && !SUPERVISOR_GUESTS.includes(f.slice(0, -4)))
    .map((f) => [f.slice(0, -4), join(GUEST_DIR, f)] as const),
  ...readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('-quick.elf'))
    .map((f) => [`bench/${f.slice(0, -4)}`, join(BENCH_DIR, f)] as const),
];

describe('compiling tier vs interpreter', () => {
  it('finds the guests', () => {
    expect(guests.length).toBeGreaterThanOrEqual(20);
  });
  it.each(guests)(
    '%s: same status, output and instret with the JIT on and off',
    async (name, path) => {
      const input = INPUT[name] ?? '';
      const off = await runGuest(path, input, false);
      const on = await runGuest(path, input, true);
      expect(on.outcome).toEqual(off.outcome);
      expect(on.output).toBe(off.output);
      expect(on.instret).toBe(off.instret);
      // Compiling every page on first entry puts all of each guest's code through the compiler.
      const eager = await runGuest(path, input, {
        enterHot: 1,
        tickHot: 1,
        compileShare: Number.POSITIVE_INFINITY,
      });
      expect(eager.outcome).toEqual(off.outcome);
      expect(eager.output).toBe(off.output);
      expect(eager.instret).toBe(off.instret);
      expect(eager.jit!.compiles).toBeGreaterThan(0);
      expect(off.outcome.kind).toBe('shutdown');
      expect(off.jit).toBeUndefined();
      // The benchmark loops are hot: they must really have run compiled.
      if (name.startsWith('bench/')) expect(on.jit!.compiles).toBeGreaterThan(0);
    },
    180_000,
  );
});
