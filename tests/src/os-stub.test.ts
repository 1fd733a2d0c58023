// The os-stub guest on every hypervisor built from hvkit (type-2's hosted board and
// the type-1 hypervisor's VS-mode partition), judged by the stub's report.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OS_STUB_CHECKS, OS_STUB_IMAGE_URL, osStubImage, parseOsStubReport } from '@hvkit/guest-os-stub';
import { checkTable, Type1Hypervisor } from '@hvkit/hypervisor-type1';
import type { BlockBackend, IrqLine } from '@hvkit/interfaces';
import { type RunOutcome, VirtMachine } from '@hvkit/machine';
import { describe, expect, it } from 'vitest';
import { qemuSkipReason, TextBackend } from './support.js';

/** A disk in memory; `corrupt` flips a bit in every read, as a broken device would. */
class MemoryDisk implements BlockBackend {
  readonly bytes: Uint8Array;
  readonly readOnly = false;
  flushes = 0;
  constructor(
    size = 1 << 20,
    readonly corrupt = false,
  ) {
    this.bytes = new Uint8Array(size);
  }
  get sizeBytes() {
    return this.bytes.length;
  }
  read(offset: number, dest: Uint8Array) {
    dest.set(this.bytes.subarray(offset, offset + dest.length));
    if (this.corrupt && dest.length > 0) dest[dest.length - 1]! ^= 1;
  }
  write(offset: number, src: Uint8Array) {
    this.bytes.set(src, offset);
  }
  flush() {
    this.flushes++;
  }
}

interface Scenario {
  readonly harts: 1 | 2;
  readonly disk?: BlockBackend;
  /** Breaks a part of each hypervisor on purpose before the run. */
  readonly sabotage?: {
    readonly 'type-2': (machine: VirtMachine) => void;
    readonly 'type-1': (hv: Type1Hypervisor) => void;
  };
  readonly timeoutMs?: number;
}

/** Hypervisor types built from hvkit that can run the stub. */
const HYPERVISORS = {
  /** type-2: the hosted virt board with native SBI (what `hvkit run` assembles). */
  'type-2': async (s: Scenario) => {
    const uart = new TextBackend();
    const machine = new VirtMachine({
      kernel: osStubImage(),
      harts: s.harts,
      uart,
      ...(s.disk ? { disks: [s.disk] } : {}),
    });
    s.sabotage?.['type-2'](machine);
    const outcome = await machine.run({ timeoutMs: s.timeoutMs ?? 30_000 });
    return { outcome, output: uart.output, sbi: machine.boot.mode === 'native' };
  },
  /** type-1: the stub alone in a partition of a board with as many harts, in VS-mode, SBI served by the hypervisor. */
  'type-1': async (s: Scenario) => {
    let output = '';
    const plan = checkTable({
      board: { harts: s.harts, memory: '160M' },
      guests: [
        {
          name: 'stub',
          harts: Array.from({ length: s.harts }, (_, h) => h),
          memory: '128M',
          kernel: 'os-stub',
          ...(s.disk ? { disks: ['disk'] } : {}),
        },
      ],
    });
    const hv = new Type1Hypervisor({
      plan,
      images: { stub: { kernel: osStubImage(), ...(s.disk ? { disks: [s.disk] } : {}) } },
      output: (_, b) => (output += String.fromCharCode(b)),
    });
    s.sabotage?.['type-1'](hv);
    const result = await hv.run({ timeoutMs: s.timeoutMs ?? 30_000 });
    const exit = result.guests[0]!.exit;
    // The same shape as a board's outcome: an SBI shutdown, code 1 for a failure.
    const outcome: RunOutcome =
      result.kind === 'done' && exit?.reason.startsWith('shutdown')
        ? { kind: 'shutdown', code: exit.clean ? 0 : 1, source: 'sbi' }
        : result.kind === 'timeout'
          ? { kind: 'timeout' }
          : { kind: 'error', message: result.message ?? exit?.reason ?? result.kind };
    return { outcome, output, sbi: true };
  },
};

/** Runs the stub in one scenario on every hypervisor type; the report is the verdict. */
async function runStub(s: Scenario) {
  const results = [];
  for (const [type, run] of Object.entries(HYPERVISORS)) {
    const r = await run(s);
    results.push({ type, ...r, report: parseOsStubReport(r.output) });
  }
  return results;
}

describe('os-stub on hvkit', () => {
  for (const harts of [1, 2] as const) {
    for (const withDisk of [false, true]) {
      it(`passes with ${harts} hart(s), ${withDisk ? 'a disk' : 'no disk'}`, async () => {
        const disk = withDisk ? new MemoryDisk() : undefined;
        for (const r of await runStub({ harts, ...(disk ? { disk } : {}) })) {
          expect(r.sbi, r.type).toBe(true);
          expect(r.report.verdict, `${r.type}:\n${r.output}`).toBe('PASS');
          expect(r.report.total).toBe(OS_STUB_CHECKS.length);
          expect(r.report.checks.map((c) => c.name)).toEqual([...OS_STUB_CHECKS]);
          expect(r.outcome).toEqual({ kind: 'shutdown', code: 0, source: 'sbi' });
          const blk = r.report.checks.find((c) => c.name === 'virtio-blk')!;
          if (withDisk) expect(blk.why).toContain('read back');
          else expect(blk.why).toContain('skipped');
          const hartsCheck = r.report.checks.find((c) => c.name === 'harts')!;
          expect(hartsCheck.why).toBe(harts === 1 ? 'skipped: one hart' : '1 secondary harts reported in');
          expect(r.output).toMatch(/task 1 step 2/);
        }
        if (disk) expect(disk.flushes).toBeGreaterThan(0);
      });
    }
  }

  it('fails virtio-blk, and powers off with failure, when the disk corrupts data', async () => {
    for (const r of await runStub({ harts: 1, disk: new MemoryDisk(1 << 20, true) })) {
      expect(r.report.verdict).toBe('FAIL');
      const failed = r.report.checks.filter((c) => !c.ok);
      expect(failed.map((c) => c.name)).toEqual(['virtio-blk']);
      expect(failed[0]!.why).toMatch(/read back differs/);
      expect(r.outcome).toEqual({ kind: 'shutdown', code: 1, source: 'sbi' });
    }
  });

  it('fails timer-sbi and sched, and powers off with failure, when the SBI timer never fires', async () => {
    const sabotage = {
      'type-2': (m: VirtMachine) => {
        (m.sbi as unknown as { setTimer: () => void }).setTimer = () => {};
      },
      // The guest's SBI platform, not the hypervisor's own timer.
      'type-1': (hv: Type1Hypervisor) => {
        const firmware = hv.guests[0]!.firmware as unknown as { platform: { setTimer: () => void } };
        firmware.platform.setTimer = () => {};
      },
    };
    for (const r of await runStub({ harts: 1, sabotage })) {
      expect(r.report.verdict, `${r.type}:\n${r.output}`).toBe('FAIL');
      const failed = r.report.checks.filter((c) => !c.ok);
      expect(failed.map((c) => c.name)).toEqual(['timer-sbi', 'sched']);
      expect(failed[0]!.why).toMatch(/no timer interrupt/);
      expect(failed[1]!.why).toMatch(/no timer preemption/);
      expect(r.outcome).toEqual({ kind: 'shutdown', code: 1, source: 'sbi' });
    }
  });

  it('fails plic, and powers off with failure, when the PLIC never delivers', async () => {
    // Cut every context's output line: sources still pend and claims still work,
    // but no hart ever sees SEIP (type-2) or VSEIP (type-1's virtual PLIC).
    const cut = (plic: unknown) => {
      const lines = (plic as { contextIrqs: IrqLine[] }).contextIrqs;
      lines.forEach((_, i) => {
        lines[i] = { set: () => {} };
      });
    };
    const sabotage = {
      'type-2': (m: VirtMachine) => cut(m.plic),
      'type-1': (hv: Type1Hypervisor) => cut(hv.guests[0]!.plic),
    };
    for (const r of await runStub({ harts: 1, disk: new MemoryDisk(), sabotage })) {
      expect(r.report.verdict, `${r.type}:\n${r.output}`).toBe('FAIL');
      const failed = r.report.checks.filter((c) => !c.ok);
      expect(failed.map((c) => c.name)).toEqual(['plic']);
      expect(failed[0]!.why).toMatch(/no external interrupt from the UART \(source 10\)/);
      expect(r.outcome).toEqual({ kind: 'shutdown', code: 1, source: 'sbi' });
    }
  });
});

describe('os-stub on QEMU', () => {
  const skip = qemuSkipReason();
  it.skipIf(skip !== undefined)(`passes with 2 harts and a disk ${skip ?? ''}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'os-stub-'));
    try {
      const disk = join(dir, 'disk.img');
      writeFileSync(disk, new Uint8Array(1 << 20));
      const r = spawnSync(
        'qemu-system-riscv64',
        [
          ...['-M', 'virt', '-m', '128M', '-smp', '2', '-nographic', '-monitor', 'none', '-serial', 'stdio'],
          ...['-kernel', fileURLToPath(OS_STUB_IMAGE_URL)],
          ...['-drive', `file=${disk},if=none,format=raw,id=d0`, '-device', 'virtio-blk-device,drive=d0'],
        ],
        { encoding: 'latin1', timeout: 30_000 },
      );
      const report = parseOsStubReport(r.stdout ?? '');
      expect(report.verdict, r.stdout).toBe('PASS');
      expect(report.total).toBe(OS_STUB_CHECKS.length);
      expect(report.checks.find((c) => c.name === 'virtio-blk')!.why).toContain('read back');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
