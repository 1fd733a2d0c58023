import { readdirSync } from 'node:fs';
import { describe, expect, it, type TestContext } from 'vitest';
import { ConfigError, ImageError } from '../errors.js';
import {
  add,
  addi,
  andi,
  auipc,
  beq,
  bne,
  csrrs,
  csrrw,
  lbu,
  ld,
  li,
  lw,
  program,
  R,
  sb,
  sd,
  slli,
  spin,
  sw,
  wfi,
} from '../test-support/asm.js';
import { BufferBackend, IMAGES, image, runSkipReason } from '../test-support/guests.js';
import { makeElf } from '../test-support/make-elf.js';
import { InstructionClock, ManualClock } from './clock.js';
import { type RunOutcome, VirtMachine, type VirtMachineOptions } from './machine.js';
import {
  VIRT_CLINT_BASE,
  VIRT_DRAM_BASE,
  VIRT_PLIC_BASE,
  VIRT_RTC_BASE,
  VIRT_TEST_BASE,
  VIRT_UART0_BASE,
} from './memory-map.js';

const { t0, t1, t2, a0, a1 } = R;
const MIE = 0x304;
const MIP = 0x344;
const MENVCFG = 0x30a;
const STIMECMP = 0x14d;
const TIME = 0xc01;
const MTIMECMP = VIRT_CLINT_BASE + 0x4000;
const MTIME = VIRT_CLINT_BASE + 0xbff8;

/** Finisher write of `value`, then spin. */
const finish = (value: number) => [...li(t0, VIRT_TEST_BASE), ...li(t1, value), sw(t1, t0, 0), spin()];
const PASS = finish(0x5555);

/** Skips the test (with its reason shown) until the hart, and the image if named, exist. */
function needsHart(ctx: TestContext, imageName?: string): void {
  const reason = runSkipReason(imageName);
  ctx.skip(reason !== undefined, reason);
}

/** An ELF with `code` at DRAM base and, when `tohost` is set, tohost/fromhost at +0x1000/+0x1040. */
function elf(code: Uint8Array, tohost = false): Uint8Array {
  return makeElf({
    segments: [
      { paddr: BigInt(VIRT_DRAM_BASE), data: code },
      { paddr: BigInt(VIRT_DRAM_BASE + 0x1000), data: new Uint8Array(0x80) },
    ],
    symbols: tohost
      ? [
          { name: 'tohost', value: BigInt(VIRT_DRAM_BASE + 0x1000) },
          { name: 'fromhost', value: BigInt(VIRT_DRAM_BASE + 0x1040) },
        ]
      : [],
  });
}

async function boot(code: Uint8Array, options: Partial<VirtMachineOptions> & { timeoutMs?: number } = {}) {
  const uart = new BufferBackend();
  const { timeoutMs = 10_000, ...rest } = options;
  const machine = new VirtMachine({ kernel: elf(code), uart, ...rest });
  const outcome = await machine.run({ timeoutMs });
  return { machine, outcome, uart };
}

describe('VirtMachine: construction', () => {
  it('refuses bad memory sizes, hart counts and firmware with ConfigError', () => {
    const kernel = elf(program(PASS));
    expect(() => new VirtMachine({ kernel, memorySize: 1000 })).toThrow(
      new ConfigError('memory size 1000 is not a multiple of 4 KiB'),
    );
    expect(() => new VirtMachine({ kernel, memorySize: 0 })).toThrow(ConfigError);
    expect(() => new VirtMachine({ kernel, memorySize: 8 * 2 ** 30 })).toThrow(/more than the 4 GiB/);
    expect(() => new VirtMachine({ kernel, harts: 9 })).toThrow(
      new ConfigError('the virt board runs 1 to 8 harts, not 9'),
    );
    expect(() => new VirtMachine({ kernel, harts: 0 })).toThrow(ConfigError);
    expect(() => new VirtMachine({ kernel, bios: 'opensbi' as 'none' })).toThrow(
      new ConfigError(`bios must be 'none', 'native' or firmware bytes, not 'opensbi'`),
    );
  });

  it('refuses images that do not load, with ImageError', () => {
    expect(() => new VirtMachine({ kernel: new Uint8Array(16) })).toThrow(new ImageError('not an ELF file'));
    expect(() => new VirtMachine({ kernel: elf(program(PASS)), memorySize: 4096 })).toThrow(
      /segment at 0x80001000 \(0x80 bytes\) does not fit in RAM \[0x80000000, 0x80001000\)/,
    );
    const misaligned = makeElf({ symbols: [{ name: 'tohost', value: BigInt(VIRT_DRAM_BASE + 4) }] });
    expect(() => new VirtMachine({ kernel: misaligned })).toThrow(
      /tohost at 0x80000004 is not an aligned 8-byte word/,
    );
  });

  it('starts hart 0 at the entry in M-mode with a0 = hartid and a1 = the device tree', (ctx) => {
    needsHart(ctx);
    const machine = new VirtMachine({ kernel: elf(program(PASS)) });
    expect(machine.boot.mode).toBe('none');
    expect(machine.hart.pc).toBe(VIRT_DRAM_BASE);
    expect(machine.hart.priv).toBe(3);
    expect(machine.hart.getX(a0)).toBe(0n);
    // As QEMU: the highest 2 MiB boundary that leaves room below the end of 128 MiB.
    expect(machine.boot.dtbAddress).toBe(0x87e0_0000);
    expect(machine.hart.getX(a1)).toBe(0x87e0_0000n);
    expect([...machine.ram.bytes.subarray(0, 4)]).toEqual([...program(PASS).subarray(0, 4)]);
  });
});

describe('VirtMachine: ending a run', () => {
  it('finisher 0x5555 is a pass', async (ctx) => {
    needsHart(ctx);
    const { outcome } = await boot(program(PASS));
    expect(outcome).toEqual({ kind: 'shutdown', code: 0, source: 'finisher' });
  });

  it('finisher 0x3333 | code << 16 is a failure with that code', async (ctx) => {
    needsHart(ctx);
    const { outcome } = await boot(program(finish(0x3333 | (3 << 16))));
    expect(outcome).toEqual({ kind: 'shutdown', code: 3, source: 'finisher' });
  });

  it('finisher 0x7777 asks for a reset', async (ctx) => {
    needsHart(ctx);
    expect((await boot(program(finish(0x7777)))).outcome).toEqual({ kind: 'reset' });
  });

  it('times out a guest that never ends, promptly', async (ctx) => {
    needsHart(ctx);
    const start = performance.now();
    const { outcome } = await boot(program(spin()), { timeoutMs: 100 });
    expect(outcome).toEqual({ kind: 'timeout' });
    expect(performance.now() - start).toBeLessThan(5000); // loose: the host may be loaded
  });

  it('stop() ends a run, and a finished machine keeps its outcome', async (ctx) => {
    needsHart(ctx);
    const machine = new VirtMachine({ kernel: elf(program(spin())) });
    setTimeout(() => machine.stop(), 50);
    expect(await machine.run()).toEqual({ kind: 'stopped' });
    expect(await machine.run()).toEqual({ kind: 'stopped' });
  });

  it('runs raw binaries loaded at DRAM base', async (ctx) => {
    needsHart(ctx);
    const machine = new VirtMachine({ kernel: program(PASS), kernelFormat: 'raw' });
    expect(machine.image.format).toBe('raw');
    expect(await machine.run({ timeoutMs: 10_000 })).toMatchObject({ kind: 'shutdown', code: 0 });
  });
});

describe('VirtMachine: UART', () => {
  it('sends UART0 output to the backend', async (ctx) => {
    needsHart(ctx);
    const code = [...li(t0, VIRT_UART0_BASE)];
    for (const c of 'Hi\n') code.push(...li(t1, c.charCodeAt(0)), sb(t1, t0, 0));
    const { outcome, uart } = await boot(program(code, PASS));
    expect(outcome).toMatchObject({ kind: 'shutdown', code: 0 });
    expect(uart.text()).toBe('Hi\n');
  });

  it('delivers host input that arrives while the guest polls', async (ctx) => {
    needsHart(ctx);
    // loop: wait for LSR.DR, read RBR, echo to THR, stop after '\n'.
    const echo = program(
      li(t0, VIRT_UART0_BASE),
      lbu(t1, t0, 5),
      andi(t1, t1, 1),
      beq(t1, 0, -8),
      lbu(t1, t0, 0),
      sb(t1, t0, 0),
      addi(t2, 0, 10),
      bne(t1, t2, -24),
      PASS,
    );
    const uart = new BufferBackend();
    const machine = new VirtMachine({ kernel: elf(echo), uart });
    setTimeout(() => uart.type('ok\n'), 30);
    expect(await machine.run({ timeoutMs: 10_000 })).toMatchObject({ kind: 'shutdown', code: 0 });
    expect(uart.text()).toBe('ok\n');
  });

  it('yields to the event loop while the guest computes', async (ctx) => {
    needsHart(ctx);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const { outcome, machine } = await boot(program(spin()), { timeoutMs: 300, sliceInstructions: 10_000 });
    clearInterval(timer);
    expect(outcome.kind).toBe('timeout');
    // Without yields the interval could not fire at all; how often it does depends on host load.
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(machine.stats().yields).toBeGreaterThanOrEqual(3);
  });
});

describe('VirtMachine: HTIF', () => {
  const htifExit = (code: number) => [auipc(t0, 1), ...li(t1, (code << 1) | 1), sd(t1, t0, 0), spin()];

  async function bootHtif(code: Uint8Array) {
    const uart = new BufferBackend();
    const machine = new VirtMachine({ kernel: elf(code, true), uart });
    return { machine, uart, outcome: await machine.run({ timeoutMs: 10_000 }) };
  }

  it('tohost 1 is a pass and (n << 1) | 1 a failure with code n', async (ctx) => {
    needsHart(ctx);
    expect((await bootHtif(program(htifExit(0)))).outcome).toEqual({
      kind: 'shutdown',
      code: 0,
      source: 'htif',
    });
    expect((await bootHtif(program(htifExit(5)))).outcome).toEqual({
      kind: 'shutdown',
      code: 5,
      source: 'htif',
    });
  });

  it('prints console putchars and clears tohost so the guest can go on', async (ctx) => {
    needsHart(ctx);
    // tohost = 0x0101 << 48 | 'A'; while (tohost) {} ; then the same for 'B'; exit 0.
    const putchar = (c: string) => [
      ...li(t1, 0x0101),
      slli(t1, t1, 48),
      addi(t1, t1, c.charCodeAt(0)),
      sd(t1, t0, 0),
      ld(t2, t0, 0),
      bne(t2, 0, -4),
    ];
    // auipc at 0x80000000 puts tohost (0x80001000) in t0 for the whole program.
    const code = program(auipc(t0, 1), putchar('A'), putchar('B'), htifExit(0).slice(1));
    const { outcome, uart, machine } = await bootHtif(code);
    expect(outcome).toEqual({ kind: 'shutdown', code: 0, source: 'htif' });
    expect(uart.text()).toBe('AB');
    const fromhost = new DataView(machine.ram.bytes.buffer, 0x1040, 8).getBigUint64(0, true);
    expect(fromhost).toBe((1n << 56n) | (1n << 48n) | 0x142n);
  });

  it('refuses HTIF syscalls with a clear message', async (ctx) => {
    needsHart(ctx);
    const code = program(auipc(t0, 1), ...li(t1, 0x1000), add(t1, t1, t0), sd(t1, t0, 0), spin());
    const { outcome } = await bootHtif(code);
    expect(outcome.kind).toBe('error');
    expect((outcome as Extract<RunOutcome, { kind: 'error' }>).message).toMatch(
      /HTIF syscall .*does not proxy/,
    );
  });
});

describe('VirtMachine: WFI and time', () => {
  /** Arms mtimecmp = mtime + ticks, enables MTIE (mstatus.MIE stays 0), waits in WFI, passes. */
  const sleep = (ticks: number) =>
    program(
      li(t0, MTIME),
      ld(t1, t0, 0),
      li(t2, ticks),
      add(t1, t1, t2),
      li(t0, MTIMECMP),
      sd(t1, t0, 0),
      li(t0, 0x80),
      csrrs(0, MIE, t0),
      wfi(),
      PASS,
    );

  it('sleeps on the host until the timer deadline instead of spinning', async (ctx) => {
    needsHart(ctx);
    const start = performance.now();
    const { outcome, machine } = await boot(sleep(1_000_000)); // 100 ms at 10 MHz
    const elapsed = performance.now() - start;
    expect(outcome).toMatchObject({ kind: 'shutdown', code: 0 });
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(8000);
    expect(machine.stats().sleptMs).toBeGreaterThan(0); // how much depends on host load
    expect(machine.stats().instructions).toBeLessThan(1000);
  });

  it('skips idle time with an instruction clock (deterministic mode)', async (ctx) => {
    needsHart(ctx);
    const clock = new InstructionClock();
    const start = performance.now();
    const { outcome, machine } = await boot(sleep(100_000_000), { clock }); // 10 s of guest time
    expect(outcome).toMatchObject({ kind: 'shutdown', code: 0 });
    expect(performance.now() - start).toBeLessThan(8000); // far below the 10 s a real clock takes
    expect(clock.now()).toBeGreaterThanOrEqual(100_000_000);
    expect(machine.stats().sleptMs).toBe(0);
  });

  it('ends slices near timer deadlines, so MTIP arrives on time', async (ctx) => {
    needsHart(ctx);
    // Deterministic time, 10 instructions per tick: mtimecmp = mtime + 95,000 ticks is
    // 950,000 instructions away, mid-slice. The guest counts loop iterations (4
    // instructions) until mip.MTIP shows up: about 237,500, give or take one short slice.
    const code = program(
      li(t0, MTIME),
      ld(t1, t0, 0),
      li(t2, 95_000),
      add(t1, t1, t2),
      li(t0, MTIMECMP),
      sd(t1, t0, 0),
      addi(a0, a0, 1),
      csrrs(t1, MIP, 0),
      andi(t1, t1, 0x80),
      beq(t1, 0, -12),
      PASS,
    );
    const { outcome, machine } = await boot(code, {
      clock: new InstructionClock({ instructionsPerTick: 10 }),
    });
    expect(outcome).toMatchObject({ kind: 'shutdown', code: 0 });
    const iterations = Number(machine.hart.getX(a0));
    expect(iterations).toBeGreaterThan(237_000);
    expect(iterations).toBeLessThan(238_000);
  });

  it('reads the time CSR from the CLINT mtime', async (ctx) => {
    needsHart(ctx);
    const clock = new ManualClock();
    clock.advanceTo(12_345);
    const { outcome, machine } = await boot(program(csrrs(a0, TIME, 0), PASS), { clock });
    expect(outcome).toMatchObject({ kind: 'shutdown', code: 0 });
    expect(machine.hart.getX(a0)).toBe(12_345n);
  });

  it('sleeps until an Sstc stimecmp deadline too', async (ctx) => {
    needsHart(ctx);
    // menvcfg.STCE = 1; stimecmp = time + 100 ms; mie.STIE = 1; wfi; pass.
    const code = program(
      addi(t0, 0, 1),
      slli(t0, t0, 63),
      csrrs(0, MENVCFG, t0),
      csrrs(t1, TIME, 0),
      li(t2, 1_000_000),
      add(t1, t1, t2),
      csrrw(0, STIMECMP, t1),
      li(t0, 0x20),
      csrrs(0, MIE, t0),
      wfi(),
      PASS,
    );
    const start = performance.now();
    const { outcome, machine } = await boot(code, { timeoutMs: 5000 });
    const elapsed = performance.now() - start;
    expect(outcome).toMatchObject({ kind: 'shutdown', code: 0 });
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(8000);
    expect(machine.stats().sleptMs).toBeGreaterThan(0); // how much depends on host load
    expect(machine.stats().instructions).toBeLessThan(1000);
  });

  it('still lets host input in while an idle guest skips time on a skippable clock', async (ctx) => {
    needsHart(ctx);
    // loop: mtimecmp = mtime + 1000; MTIE; wfi; until UART LSR.DR: again. Then pass.
    const code = program(
      li(t0, 0x80),
      csrrs(0, MIE, t0),
      li(t0, MTIME),
      ld(t1, t0, 0),
      addi(t1, t1, 1000),
      li(t0, MTIMECMP),
      sd(t1, t0, 0),
      wfi(),
      li(t0, VIRT_UART0_BASE),
      lbu(t1, t0, 5),
      andi(t1, t1, 1),
      beq(t1, 0, -48),
      PASS,
    );
    const uart = new BufferBackend();
    const machine = new VirtMachine({ kernel: elf(code), uart, clock: new InstructionClock() });
    setTimeout(() => uart.type('x'), 50);
    expect(await machine.run({ timeoutMs: 5000 })).toMatchObject({ kind: 'shutdown', code: 0 });
    expect(machine.stats().yields).toBeGreaterThan(0);
  });

  it('sleeps until the run deadline when nothing can wake the hart', async (ctx) => {
    needsHart(ctx);
    // mtimecmp = 0 raises MTIP at once, but MTIE is off: the timer cannot end the WFI.
    const code = program(li(t0, MTIMECMP), sd(0, t0, 0), wfi(), beq(0, 0, -4));
    const { outcome, machine } = await boot(code, { timeoutMs: 200 });
    expect(outcome).toEqual({ kind: 'timeout' });
    expect(machine.stats().sleptMs).toBeGreaterThanOrEqual(100);
    expect(machine.stats().instructions).toBeLessThan(10_000);
  });
});

describe('VirtMachine: external interrupts through the PLIC', () => {
  /** PLIC source `irq`: priority 1, enabled for context 0 (hart 0 M-mode); then mie.MEIE. */
  const enableIrq = (irq: number) => [
    ...li(t0, VIRT_PLIC_BASE + 4 * irq),
    addi(t1, 0, 1),
    sw(t1, t0, 0),
    ...li(t0, VIRT_PLIC_BASE + 0x2000),
    ...li(t1, 1 << irq),
    sw(t1, t0, 0),
    ...li(t0, 0x800),
    csrrs(0, MIE, t0),
  ];
  /** Claims (a0 = source) and completes the interrupt. */
  const claim = [...li(t0, VIRT_PLIC_BASE + 0x20_0004), lw(a0, t0, 0), sw(a0, t0, 0)];

  it('host input raises the UART interrupt and ends a WFI', async (ctx) => {
    needsHart(ctx);
    const code = program(
      enableIrq(10),
      li(t0, VIRT_UART0_BASE),
      addi(t1, 0, 1),
      sb(t1, t0, 1), // IER = received data available
      wfi(),
      claim,
      li(t0, VIRT_UART0_BASE),
      lbu(a1, t0, 0),
      PASS,
    );
    const uart = new BufferBackend();
    const machine = new VirtMachine({ kernel: elf(code), uart });
    setTimeout(() => uart.type('x'), 50);
    const start = performance.now();
    expect(await machine.run({ timeoutMs: 5000 })).toMatchObject({ kind: 'shutdown', code: 0 });
    expect(performance.now() - start).toBeLessThan(2000);
    expect(machine.hart.getX(a0)).toBe(10n);
    expect(machine.hart.getX(a1)).toBe(BigInt('x'.charCodeAt(0)));
    expect(machine.stats().instructions).toBeLessThan(1000);
  });

  it('an RTC alarm raises source 11 and ends a WFI', async (ctx) => {
    needsHart(ctx);
    // A wall clock starting at 0 ns; the alarm is armed at 600 ms, far enough ahead that
    // building the board on a loaded machine still leaves time to sleep.
    const t0ms = performance.now();
    const wallClock = () => BigInt(Math.round((performance.now() - t0ms) * 1e6));
    const code = program(
      enableIrq(11),
      li(t0, VIRT_RTC_BASE),
      addi(t1, 0, 1),
      sw(t1, t0, 0x10), // IRQ_ENABLED
      sw(0, t0, 0x0c), // ALARM_HIGH
      li(t1, 600_000_000),
      sw(t1, t0, 0x08), // ALARM_LOW arms
      wfi(),
      claim,
      PASS,
    );
    const machine = new VirtMachine({ kernel: elf(code), wallClock });
    const outcome = await machine.run({ timeoutMs: 10_000 });
    const elapsed = performance.now() - t0ms;
    expect(outcome).toMatchObject({ kind: 'shutdown', code: 0 });
    expect(machine.hart.getX(a0)).toBe(11n);
    expect(elapsed).toBeGreaterThanOrEqual(590);
    // Slept rather than spun (building the board already used part of the 100 ms).
    expect(machine.stats().sleptMs).toBeGreaterThan(0);
    expect(machine.stats().instructions).toBeLessThan(1000);
  });
});

describe('VirtMachine: guest images', () => {
  async function runImage(name: string, input?: string) {
    const uart = new BufferBackend();
    const machine = new VirtMachine({ kernel: image(name), uart });
    if (input !== undefined) setTimeout(() => uart.type(input), 20);
    const outcome = await machine.run({ timeoutMs: 60_000 });
    return { outcome, text: uart.text() };
  }

  it('hello.elf greets and passes', async (ctx) => {
    needsHart(ctx, 'hello.elf');
    const { outcome, text } = await runImage('hello.elf');
    expect(text).toMatch(
      /^Hello from hvkit!\r\nhart 0, dtb 0x0000000087e00000\r\nmisa 0x[0-9a-f]{16}\r\ngoodbye\r\n$/,
    );
    expect(outcome).toEqual({ kind: 'shutdown', code: 0, source: 'finisher' });
  });

  it('demo.elf prints primes and a Mandelbrot set', async (ctx) => {
    needsHart(ctx, 'demo.elf');
    const { outcome, text } = await runImage('demo.elf');
    expect(text).toContain('=== hvkit demo ===');
    expect(text).toContain('(25 primes)');
    expect(text).toContain('demo: done');
    expect(outcome).toMatchObject({ kind: 'shutdown', code: 0 });
  });

  it('fail.elf fails with code 3', async (ctx) => {
    needsHart(ctx, 'fail.elf');
    const { outcome, text } = await runImage('fail.elf');
    expect(text).toBe('fail: exiting with code 3\r\n');
    expect(outcome).toEqual({ kind: 'shutdown', code: 3, source: 'finisher' });
  });

  it('echo.elf echoes lines and quits', async (ctx) => {
    needsHart(ctx, 'echo.elf');
    const { outcome, text } = await runImage('echo.elf', 'hello\r\nquit\r');
    expect(text).toBe('echo: ready\r\necho: hello\r\necho: bye\r\n');
    expect(outcome).toMatchObject({ kind: 'shutdown', code: 0 });
  });

  const isa = (() => {
    try {
      return readdirSync(IMAGES).filter((f) => /^isa-.*\.elf$/.test(f));
    } catch {
      return [];
    }
  })();
  it.for(isa.length > 0 ? isa : ['isa-*.elf'])('%s passes', async (name, ctx) => {
    needsHart(ctx, isa.length > 0 ? name : 'isa-rv64i.elf');
    const { outcome } = await runImage(name);
    expect(outcome).toMatchObject({ kind: 'shutdown', code: 0 });
  });
});
