// Linux 6.1 (packages/guest-linux/images/Image) on the board: native SBI with SMP and
// a virtio disk, and Debian's OpenSBI. Skipped, with the reason shown, when the image
// or the firmware is not there.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BlockBackend } from '@hvkit/interfaces';
import { describe, expect, it, type TestContext } from 'vitest';
import { BufferBackend, REPO_ROOT, runSkipReason } from '../test-support/guests.js';
import { InstructionClock } from './clock.js';
import { VirtMachine, type VirtMachineOptions } from './machine.js';

const IMAGE = join(REPO_ROOT, 'packages/guest-linux/images/Image');
const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const PROMPT = '~ # ';

function needsLinux(ctx: TestContext): void {
  const reason =
    runSkipReason() ?? (existsSync(IMAGE) ? undefined : 'packages/guest-linux/images/Image is not built');
  ctx.skip(reason !== undefined, reason);
}

/** Boots Linux, types `commands` one per prompt, and returns the console text and how the run ended. */
async function session(options: Omit<VirtMachineOptions, 'kernel' | 'uart'>, commands: readonly string[]) {
  const uart = new BufferBackend();
  const machine = new VirtMachine({
    kernel: new Uint8Array(readFileSync(IMAGE)),
    kernelFormat: 'auto',
    uart,
    clock: new InstructionClock(),
    ...options,
  });
  let answered = 0;
  const typist = setInterval(() => {
    const prompts = uart.text().split(PROMPT).length - 1;
    if (prompts > answered && answered < commands.length) uart.type(`${commands[answered++]}\n`);
  }, 10);
  const outcome = await machine.run({ timeoutMs: 100_000 });
  clearInterval(typist);
  return { outcome, text: uart.text(), machine };
}

/** An in-memory disk whose first bytes say hello. */
function helloDisk(): BlockBackend {
  const data = new Uint8Array(1 << 20);
  data.set(new TextEncoder().encode('hello from vda'));
  return {
    sizeBytes: data.length,
    readOnly: false,
    read: (offset, dest) => dest.set(data.subarray(offset, offset + dest.length)),
    write: (offset, src) => data.set(src, offset),
    flush() {},
  };
}

describe('Linux', () => {
  it('boots to a shell under native SBI on 2 harts, reads /dev/vda and powers off', async (ctx) => {
    needsLinux(ctx);
    const { outcome, text } = await session({ harts: 2, disks: [helloDisk()] }, [
      'nproc',
      'hd /dev/vda',
      'poweroff',
    ]);
    expect(text).toContain('SBI implementation ID=0x48564b54');
    expect(text).toContain('riscv-timer: Timer interrupt in S-mode is available via sstc extension');
    expect(text).toContain('smp: Brought up 1 node, 2 CPUs');
    expect(text).toMatch(/virtio_blk virtio0: \[vda\]/);
    expect(text).toContain(`${PROMPT}nproc\r\n2\r\n`);
    expect(text).toContain('|hello from vda..|');
    expect(outcome).toEqual({ kind: 'shutdown', code: 0, source: 'sbi' });
  }, 120_000);

  it("boots to a shell under Debian's OpenSBI fw_jump and powers off through it", async (ctx) => {
    needsLinux(ctx);
    ctx.skip(!existsSync(FW_JUMP), `${FW_JUMP} is not installed (Debian package opensbi)`);
    const bios = new Uint8Array(readFileSync(FW_JUMP));
    const { outcome, text } = await session({ bios, harts: 2 }, ['nproc', 'poweroff']);
    expect(text).toMatch(/OpenSBI v\d+\.\d+/);
    expect(text).toContain('SBI implementation ID=0x1'); // OpenSBI
    expect(text).toContain(`${PROMPT}nproc\r\n2\r\n`);
    expect(outcome).toEqual({ kind: 'shutdown', code: 0, source: 'finisher' });
  }, 120_000);
});
