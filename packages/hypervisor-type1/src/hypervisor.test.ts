// Scenarios of the type-1 hypervisor on a board with H harts: the bundled guests side
// by side, vCPUs time-sharing a hart, a guest attacking its partition.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LINUX_PROMPT, linuxImagePath } from '@hvkit/guest-linux';
import { osStubImage, parseOsStubReport } from '@hvkit/guest-os-stub';
import type { BlockBackend, Clock } from '@hvkit/interfaces';
import { InstructionClock } from '@hvkit/machine';
import { describe, expect, it } from 'vitest';
import { ConsoleMux } from './console.js';
import type { GuestImages } from './guest.js';
import { Type1Hypervisor } from './hypervisor.js';
import { checkTable, TableError } from './table.js';

const ATTACKER = fileURLToPath(new URL('../../../tests/guests/images/attacker.elf', import.meta.url));

class MemoryDisk implements BlockBackend {
  readonly bytes = new Uint8Array(1 << 20);
  readonly readOnly = false;
  flushes = 0;
  get sizeBytes() {
    return this.bytes.length;
  }
  read(offset: number, dest: Uint8Array) {
    dest.set(this.bytes.subarray(offset, offset + dest.length));
  }
  write(offset: number, src: Uint8Array) {
    this.bytes.set(src, offset);
  }
  flush() {
    this.flushes++;
  }
}

/** Runs a table; returns the outcome, the interleaved console and each guest's own output. */
async function partition(
  table: unknown,
  images: Record<string, GuestImages>,
  options: { input?: Record<string, string>; timeoutMs?: number; clock?: Clock } = {},
) {
  let text = '';
  const own: Record<string, string> = {};
  const mux = new ConsoleMux((t) => (text += t));
  const hv: Type1Hypervisor = new Type1Hypervisor({
    plan: checkTable(table),
    images,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    output: (g, b) => {
      mux.put(g, b);
      own[g] = (own[g] ?? '') + String.fromCharCode(b);
      const input = options.input?.[g];
      if (input !== undefined && own[g]!.endsWith(LINUX_PROMPT) && !own[g]!.includes('\u0000sent')) {
        own[g] += '\u0000sent';
        setImmediate(() => hv.sendInput(g, new TextEncoder().encode(input)));
      }
    },
  });
  const outcome = await hv.run({ timeoutMs: options.timeoutMs ?? 60_000 });
  mux.end();
  return { outcome, text, own, hv };
}

const stub = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  memory: '64M',
  kernel: 'os-stub',
  ...extra,
});

describe('type-1 hypervisor', () => {
  it('runs the os-stub on its own hart: every check passes, it shuts down cleanly', async () => {
    const { outcome, own } = await partition(
      { board: { harts: 1, memory: '128M' }, guests: [stub('stub', { harts: [0] })] },
      { stub: { kernel: osStubImage() } },
    );
    const report = parseOsStubReport(own.stub!);
    expect(report.verdict, own.stub).toBe('PASS');
    expect(report.checks.find((c) => c.name === 'timer-sstc')?.why).toBe('skipped: sstc not in riscv,isa');
    expect(outcome).toMatchObject({ kind: 'done', clean: true });
    expect(outcome.guests[0]).toMatchObject({ exit: { clean: true, reason: 'shutdown' }, blocked: 0 });
  });

  it('time-shares 2 vCPUs on 1 hart, and drives a virtio disk by DMA into guest RAM', async () => {
    const disk = new MemoryDisk();
    const { outcome, own } = await partition(
      { board: { harts: 1, memory: '128M' }, guests: [stub('stub', { harts: [0], vcpus: 2, disks: ['d'] })] },
      { stub: { kernel: osStubImage(), disks: [disk] } },
    );
    const report = parseOsStubReport(own.stub!);
    expect(report.verdict, own.stub).toBe('PASS');
    expect(report.checks.find((c) => c.name === 'harts')?.why).toBe('1 secondary harts reported in');
    expect(report.checks.find((c) => c.name === 'virtio-blk')?.why).toContain('read back');
    expect(disk.flushes).toBeGreaterThan(0);
    expect(outcome.clean).toBe(true);
  });

  it('shares the pool by weight between guests without harts of their own', async () => {
    const { outcome, own } = await partition(
      {
        board: { harts: 2, memory: '256M' },
        guests: [stub('a', { vcpus: 2, cpuShare: 100 }), stub('b', { vcpus: 1, cpuShare: 25 })],
      },
      { a: { kernel: osStubImage() }, b: { kernel: osStubImage() } },
    );
    expect(parseOsStubReport(own.a!).verdict, own.a).toBe('PASS');
    expect(parseOsStubReport(own.b!).verdict, own.b).toBe('PASS');
    expect(outcome.clean).toBe(true);
  });

  it('gives vCPUs that share a hart time in proportion to their weights', async () => {
    const spin = new Uint8Array(new Uint32Array([0x0000_006f]).buffer); // j . (a raw binary at 0x80200000)
    const { outcome } = await partition(
      {
        board: { harts: 2, memory: '128M' },
        guests: [
          { name: 'big', vcpus: 1, memory: '16M', kernel: 'spin', cpuShare: 100 },
          { name: 'small', vcpus: 1, memory: '16M', kernel: 'spin', cpuShare: 25 },
          { name: 'own', harts: [0], memory: '16M', kernel: 'spin' },
        ],
      },
      { big: { kernel: spin }, small: { kernel: spin }, own: { kernel: spin } },
      // Board time from instructions retired: slices do not depend on how busy the host is.
      { timeoutMs: 2_000, clock: new InstructionClock() },
    );
    expect(outcome.kind).toBe('timeout');
    const [big, small, own] = outcome.guests.map((g) => g.cpuMs);
    // Hart 1 is shared 4:1; hart 0 belongs to `own` alone.
    expect(big! / small!).toBeGreaterThan(2.5);
    expect(big! / small!).toBeLessThan(6);
    expect(own!).toBeGreaterThan(big!);
  });

  it("gives an ended guest's harts to the pool", async () => {
    const spin = new Uint8Array(new Uint32Array([0x0000_006f]).buffer);
    const { outcome, hv } = await partition(
      {
        board: { harts: 2, memory: '256M' },
        guests: [
          stub('stub', { harts: [0] }),
          { name: 'a', vcpus: 1, memory: '16M', kernel: 'spin' },
          { name: 'b', vcpus: 1, memory: '16M', kernel: 'spin' },
        ],
      },
      { stub: { kernel: osStubImage() }, a: { kernel: spin }, b: { kernel: spin } },
      { timeoutMs: 3_000, clock: new InstructionClock() },
    );
    expect(outcome.guests[0]!.exit?.clean).toBe(true);
    // On hart 1 alone the two spinning guests would get at most the run's board time; once
    // the stub is gone, both harts run them.
    const boardMs = hv.machine.clint.mtime() / 10_000;
    expect(outcome.guests[1]!.cpuMs + outcome.guests[2]!.cpuMs).toBeGreaterThan(boardMs * 1.3);
  });

  it('moves vCPUs between pool harts with their state (Linux 3 vCPUs with the RTC passed through, os-stub 2, on 3 harts)', async () => {
    const { outcome, own } = await partition(
      {
        board: { harts: 3, memory: '512M' },
        guests: [
          { name: 'linux', vcpus: 3, memory: '128M', kernel: 'linux', passthrough: ['rtc'] },
          stub('stub', { vcpus: 2, cpuShare: 50 }),
        ],
      },
      { linux: { kernel: new Uint8Array(readFileSync(linuxImagePath())) }, stub: { kernel: osStubImage() } },
      { input: { linux: 'uname -a\npoweroff\n' } },
    );
    expect(own.linux).toContain('3 CPUs');
    // The board's RTC, passed through: mapped in its G-stage, read with no trap and no blocked access.
    expect(own.linux).toContain('goldfish_rtc 101000.rtc: registered as rtc0');
    expect(outcome.guests[0]!.blocked).toBe(0);
    expect(own.linux).toContain('reboot: Power down');
    expect(parseOsStubReport(own.stub!).verdict, own.stub).toBe('PASS');
    expect(outcome.clean).toBe(true);
  }, 90_000);

  it('boots Linux and the os-stub side by side on a 4-hart board; Linux takes commands', async () => {
    const { outcome, own, text } = await partition(
      {
        board: { harts: 4, memory: '512M' },
        guests: [
          { name: 'linux', harts: [0, 1], memory: '128M', kernel: 'linux' },
          stub('stub', { harts: [2], disks: ['disk.img'] }),
        ],
      },
      {
        linux: { kernel: new Uint8Array(readFileSync(linuxImagePath())) },
        stub: { kernel: osStubImage(), disks: [new MemoryDisk()] },
      },
      { input: { linux: 'uname -a\npoweroff\n' } },
    );
    expect(own.linux).toContain('2 CPUs');
    expect(own.linux).toMatch(/Linux hvkit 6\.1\.\d+ .* riscv64/);
    expect(own.linux).toContain('reboot: Power down');
    expect(parseOsStubReport(own.stub!).verdict, own.stub).toBe('PASS');
    expect(text).toMatch(/^\[linux\] ~ # uname -a$/m);
    expect(text).toMatch(/^\[stub\] os-stub: PASS 10\/10$/m);
    expect(outcome).toMatchObject({ kind: 'done', clean: true });
    expect(outcome.guests.map((g) => g.blocked)).toEqual([0, 0]);
  }, 90_000);

  it('keeps an attacker in its partition: every probe faults, is counted, and nothing else changes', async () => {
    const { outcome, own, hv } = await partition(
      {
        board: { harts: 2, memory: '256M' },
        guests: [stub('evil', { harts: [0] }), stub('stub', { harts: [1] })],
      },
      { evil: { kernel: new Uint8Array(readFileSync(ATTACKER)) }, stub: { kernel: osStubImage() } },
    );
    expect(own.evil).toContain('attacker: 48 probes, 0 escapes');
    expect(own.evil).not.toContain('ESCAPED');
    expect(parseOsStubReport(own.stub!).verdict, own.stub).toBe('PASS');
    const evil = outcome.guests[0]!;
    // 16 outside RAM, 14 unassigned MMIO, 2 fetches, 3 through its own page tables; SBI refusals are not faults.
    expect(evil.blocked).toBe(35);
    expect(evil.firstBlocked).toMatchObject({ kind: 'load', gpa: 0x8400_0000 });
    expect(evil.exit).toEqual({ clean: true, reason: 'finisher pass' });
    expect(outcome.clean).toBe(true);
    // The attacker's stores wrote 0x6b6b...6b; no byte of the board outside its window holds that pattern.
    const ram = hv.machine.ram.bytes;
    const view = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
    const own0 = hv.guests[0]!.plan.hostBase - 0x8000_0000;
    for (let at = 0; at < ram.length; at += 8) {
      if (at >= own0 && at < own0 + 64 * 1024 * 1024) continue;
      if (view.getBigUint64(at, true) === 0x6b6b_6b6b_6b6b_6b6bn)
        throw new Error(`attacker data at board offset ${at}`);
    }
  });

  it('boots a guest again when it reboots, with the same console, and ends it at its shutdown', async () => {
    let out = '';
    let prompts = 0;
    const hv: Type1Hypervisor = new Type1Hypervisor({
      plan: checkTable({
        board: { harts: 2, memory: '256M' },
        guests: [
          { name: 'linux', harts: [0], memory: '128M', kernel: 'linux' },
          stub('stub', { harts: [1] }),
        ],
      }),
      images: {
        linux: { kernel: new Uint8Array(readFileSync(linuxImagePath())) },
        stub: { kernel: osStubImage() },
      },
      output: (g, b) => {
        if (g !== 'linux') return;
        out += String.fromCharCode(b);
        if (!out.endsWith(LINUX_PROMPT)) return;
        const command = ++prompts === 1 ? 'reboot\n' : 'poweroff\n';
        setImmediate(() => hv.sendInput('linux', new TextEncoder().encode(command)));
      },
    });
    const outcome = await hv.run({ timeoutMs: 60_000 });
    expect(out).toContain('reboot: Restarting system');
    expect(out.split('hvkit guest-linux: Linux').length - 1).toBe(2);
    expect(outcome.guests[0]).toMatchObject({ exit: { clean: true, reason: 'shutdown' }, reboots: 1 });
    expect(outcome.clean).toBe(true);
  }, 90_000);

  it("forwards a passed-through device's interrupt to its guest's PLIC, once per completion", async () => {
    const spin = new Uint8Array(new Uint32Array([0x0000_006f]).buffer);
    const hv = new Type1Hypervisor({
      plan: checkTable({
        board: { harts: 1, memory: '64M', reserved: '4M' },
        guests: [{ name: 'g', harts: [0], memory: '16M', kernel: 'spin', passthrough: ['rtc'] }],
      }),
      images: { g: { kernel: spin } },
    });
    const guest = hv.guests[0]!;
    const plic = guest.deviceAt(0x0c00_0000)!.device; // as the guest reaches it
    const rtcLine = hv.machine.plic.source(11);
    const pending = () => (guest.plic.read(0x1000, 4) >>> 11) & 1;
    const seen: number[] = [];
    const at = (ms: number, step: () => void) => setTimeout(step, ms);
    at(50, () => rtcLine.set(true)); // the board's RTC raises its line
    at(150, () => {
      seen.push(pending());
      // The guest's driver: source 11 on for vCPU 0's S-context (context 1), claim, complete.
      plic.write(4 * 11, 4, 1);
      plic.write(0x2080, 4, 1 << 11);
      plic.write(0x20_1000, 4, 0);
      seen.push(plic.read(0x20_1004, 4));
      plic.write(0x20_1004, 4, 11); // the device still asserts: it comes again
    });
    at(250, () => {
      seen.push(pending());
      seen.push(plic.read(0x20_1004, 4));
      rtcLine.set(false); // served: the device is quiet
      plic.write(0x20_1004, 4, 11);
    });
    at(350, () => {
      seen.push(pending());
      hv.stop();
    });
    expect((await hv.run({ timeoutMs: 10_000 })).kind).toBe('stopped');
    expect(seen).toEqual([1, 11, 1, 11, 0]);
  });

  it('says which guest a kernel it cannot load belongs to', () => {
    const plan = checkTable({
      board: { harts: 1, memory: '64M' },
      guests: [stub('s', { harts: [0], memory: '16M' })],
    });
    const bad = new Uint8Array(64).fill(0x7f);
    bad.set([0x7f, 0x45, 0x4c, 0x46, 1]); // a 32-bit ELF
    expect(() => new Type1Hypervisor({ plan, images: { s: { kernel: bad } } })).toThrow(TableError);
    expect(() => new Type1Hypervisor({ plan, images: { s: { kernel: bad } } })).toThrow(
      /^table: guests\[0\]\.kernel: /,
    );
  });
});
