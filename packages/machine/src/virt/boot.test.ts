// Boot modes, native SBI, SMP, HSM and virtio slots of the virt board, with
// hand-assembled guests (src/test-support/asm.ts).
import { existsSync, readFileSync } from 'node:fs';
import { CSR } from '@hvkit/cpu-core';
import { type BlockBackend, Privilege } from '@hvkit/interfaces';
import { NATIVE_FIRMWARE_MEDELEG, NATIVE_FIRMWARE_MIDELEG, SbiCallCounter } from '@hvkit/sbi';
import { describe, expect, it, type TestContext } from 'vitest';
import { ConfigError, ImageError } from '../errors.js';
import {
  Asm,
  add,
  addi,
  andi,
  beq,
  bne,
  csrrs,
  ecall,
  jal,
  ld,
  li,
  linuxImageHeader,
  program,
  R,
  sd,
  spin,
  sw,
  wfi,
} from '../test-support/asm.js';
import { BufferBackend, runSkipReason } from '../test-support/guests.js';
import { makeElf } from '../test-support/make-elf.js';
import { InstructionClock } from './clock.js';
import { VirtMachine } from './machine.js';
import { VIRT_CLINT_BASE, VIRT_TEST_BASE } from './memory-map.js';

const { t0, t1, t2, s0, a0, a1, a2, a6, a7, s2, s3, s4, s5 } = R;
const MIE = 0x304;
const MIP = 0x344;
const SIE = 0x104;
const SIP = 0x144;
const TIME = 0xc01;
const SBI_BASE = 0x10;
const SBI_TIME = 0x5449_4d45;
const SBI_HSM = 0x48_534d;
const SBI_SRST = 0x5352_5354;
const SBI_DBCN = 0x4442_434e;
const MiB = 1024 * 1024;
const DTB_128M = 0x87e0_0000;
const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';

/** Skips the test (with its reason shown) until the hart exists. */
function needsHart(ctx: TestContext): void {
  const reason = runSkipReason();
  ctx.skip(reason !== undefined, reason);
}

/** `ecall` with a7 = eid, a6 = fid (argument registers set by the caller). */
const sbiCall = (eid: number, fid: number) => [...li(a7, eid), ...li(a6, fid), ecall()];
/** SBI system_reset(shutdown, no reason), then spin. */
const srstShutdown = () => [...li(a0, 0), ...li(a1, 0), ...sbiCall(SBI_SRST, 0), spin()];
/** Finisher pass, then spin. */
const PASS = [...li(t0, VIRT_TEST_BASE), ...li(t1, 0x5555), sw(t1, t0, 0), spin()];

/** A Linux Image (header + `body`) of `imageSize` bytes in memory. */
function image(body: Asm, imageSize = 0x4000): Uint8Array {
  const code = body.bytes();
  const out = new Uint8Array(64 + code.length);
  out.set(program(linuxImageHeader(imageSize)));
  out.set(code, 64);
  return out;
}

/** An ELF with `code` at `paddr`. */
const elfAt = (code: Uint8Array, paddr = 0x8000_0000) =>
  makeElf({ segments: [{ paddr: BigInt(paddr), data: code }] });

/** An in-memory disk. */
function memoryDisk(sizeBytes = 64 * 1024): BlockBackend {
  const data = new Uint8Array(sizeBytes);
  return {
    sizeBytes,
    readOnly: false,
    read: (offset, dest) => dest.set(data.subarray(offset, offset + dest.length)),
    write: (offset, src) => data.set(src, offset),
    flush() {},
  };
}

describe('boot modes', () => {
  it("bios 'none': every hart at the kernel's entry in M-mode, a0 = hartid, a1 = DTB", (ctx) => {
    needsHart(ctx);
    const machine = new VirtMachine({ kernel: elfAt(program(PASS)), harts: 3 });
    expect(machine.boot.mode).toBe('none');
    for (const [id, hart] of machine.harts.entries()) {
      expect(hart.pc).toBe(0x8000_0000);
      expect(hart.priv).toBe(Privilege.Machine);
      expect(hart.getX(a0)).toBe(BigInt(id));
      expect(hart.getX(a1)).toBe(BigInt(DTB_128M));
      expect(machine.isHartRunning(id)).toBe(true);
    }
    // The blob is in RAM at that address.
    const at = DTB_128M - 0x8000_0000;
    expect([...machine.ram.bytes.subarray(at, at + 4)]).toEqual([0xd0, 0x0d, 0xfe, 0xed]);
    expect(machine.ram.bytes.subarray(at, at + machine.boot.dtb.length)).toEqual(machine.boot.dtb);
  });

  it("bios 'native': hart 0 in S-mode at 0x80200000 with OpenSBI's M-mode setup, the others stopped", (ctx) => {
    needsHart(ctx);
    const machine = new VirtMachine({
      kernel: image(new Asm().emit(spin())),
      kernelFormat: 'auto',
      harts: 2,
    });
    expect(machine.boot.mode).toBe('native');
    expect(machine.image.format).toBe('image');
    const hart = machine.hart;
    expect(hart.pc).toBe(0x8020_0000);
    expect(hart.priv).toBe(Privilege.Supervisor);
    expect(hart.getX(a0)).toBe(0n);
    expect(hart.getX(a1)).toBe(BigInt(machine.boot.dtbAddress));
    expect(hart.readCsrBig(CSR.satp)).toBe(0n);
    expect(hart.readCsrBig(CSR.medeleg)).toBe(BigInt(NATIVE_FIRMWARE_MEDELEG));
    // With the H extension, mideleg's VS-level bits (2, 6, 10) read as one.
    expect(hart.readCsrBig(CSR.mideleg)).toBe(BigInt(NATIVE_FIRMWARE_MIDELEG) | 0x444n);
    expect(hart.readCsrBig(CSR.mcounteren)).toBe(0xffff_ffffn);
    expect(hart.readCsrBig(CSR.menvcfg)).toBe(1n << 63n); // STCE: the DTB says sstc
    expect(hart.readCsrBig(CSR.pmpcfg0) & 0xffn).toBe(0x1fn); // NAPOT RWX
    expect((hart.readCsrBig(CSR.mstatus) >> 13n) & 3n).toBe(1n); // FS Initial
    expect(machine.isHartRunning(0)).toBe(true);
    expect(machine.isHartRunning(1)).toBe(false);
    expect(machine.sbi?.hartState(1)).toBe('stopped');
    // The Image is where its header says (DRAM base + text_offset), .bss zeroed to image_size.
    expect([...machine.ram.bytes.subarray(0x20_0000, 0x20_0004)]).toEqual([...program([jal(0, 64)])]);
  });

  it('firmware bytes: every hart at 0x80000000 in M-mode, a2 = 0, the kernel at 0x80200000', (ctx) => {
    needsHart(ctx);
    const firmware = program(spin());
    const kernel = program(PASS);
    const machine = new VirtMachine({ kernel, kernelFormat: 'raw', bios: firmware, harts: 2 });
    expect(machine.boot.mode).toBe('firmware');
    expect(machine.boot.entry).toBe(0x8000_0000);
    expect(machine.boot.kernelEntry).toBe(0x8020_0000);
    for (const [id, hart] of machine.harts.entries()) {
      expect(hart.pc).toBe(0x8000_0000);
      expect(hart.priv).toBe(Privilege.Machine);
      expect(hart.getX(a0)).toBe(BigInt(id));
      expect(hart.getX(a1)).toBe(BigInt(DTB_128M));
      expect(hart.getX(a2)).toBe(0n);
    }
    expect(machine.ram.bytes.subarray(0, 4)).toEqual(firmware);
    expect(machine.ram.bytes.subarray(0x20_0000, 0x20_0000 + kernel.length)).toEqual(kernel);
  });

  it('picks the firmware from the kernel when bios is not given, and reads kernelFormat auto as QEMU', () => {
    const code = program(spin());
    const mode = (kernel: Uint8Array, kernelFormat?: 'auto' | 'raw') =>
      new VirtMachine({ kernel, memorySize: 16 * MiB, ...(kernelFormat ? { kernelFormat } : {}) }).boot.mode;
    expect(mode(elfAt(code))).toBe('none');
    expect(mode(elfAt(code, 0x8020_0000))).toBe('native');
    expect(mode(image(new Asm().emit(spin())), 'auto')).toBe('native');
    expect(mode(code, 'raw')).toBe('none');
    expect(mode(code, 'auto')).toBe('none');
    const raw = new VirtMachine({ kernel: code, kernelFormat: 'auto', memorySize: 16 * MiB });
    expect([raw.image.format, raw.image.entry]).toEqual(['raw', 0x8000_0000]);
    const native = new VirtMachine({
      kernel: code,
      kernelFormat: 'raw',
      bios: 'native',
      memorySize: 16 * MiB,
    });
    expect(native.image.entry).toBe(0x8020_0000);
    expect(new VirtMachine({ kernel: elfAt(code), kernelFormat: 'auto' }).image.format).toBe('elf');
  });

  it('places an initrd as QEMU does and names it in /chosen', () => {
    const initrd = new Uint8Array(8192).fill(0xab);
    const machine = new VirtMachine({
      kernel: image(new Asm().emit(spin())),
      kernelFormat: 'image',
      initrd,
      bootargs: 'console=ttyS0',
    });
    // kernel entry + min(RAM / 2, 128 MiB)
    expect(machine.boot.initrd).toEqual({ start: 0x8420_0000, end: 0x8420_2000 });
    expect(machine.ram.bytes.subarray(0x420_0000, 0x420_2000)).toEqual(initrd);
    expect(machine.boot.dtbAddress).toBe(DTB_128M);
  });

  it('refuses what does not fit, with one-line errors', () => {
    const kernel = image(new Asm().emit(spin()));
    expect(
      () =>
        new VirtMachine({
          kernel,
          kernelFormat: 'image',
          memorySize: 8 * MiB,
          initrd: new Uint8Array(6 * MiB),
        }),
    ).toThrow(
      new ConfigError(
        'initrd of 6291456 bytes does not fit in RAM above the kernel (RAM ends at 0x80800000)',
      ),
    );
    expect(
      () => new VirtMachine({ kernel, kernelFormat: 'image', disks: Array(9).fill(memoryDisk()) }),
    ).toThrow(new ConfigError('9 virtio devices asked for, but the board has 8 slots'));
    expect(
      () => new VirtMachine({ kernel, kernelFormat: 'image', disks: [{ ...memoryDisk(), sizeBytes: 1000 }] }),
    ).toThrow(new ConfigError('disk 0: size 1000 is not a whole number of 512-byte sectors'));
    const net = { send() {}, onReceive() {}, mac: new Uint8Array(5) };
    expect(() => new VirtMachine({ kernel, kernelFormat: 'image', nets: [net] })).toThrow(
      new ConfigError('network interface 0: MAC address has 5 bytes, not 6'),
    );
    const bigFirmware = new Uint8Array(3 * MiB);
    expect(() => new VirtMachine({ kernel: elfAt(program(spin()), 0x8020_0000), bios: bigFirmware })).toThrow(
      new ImageError('kernel segment at 0x80200000 overlaps the firmware at [0x80000000, 0x80300000)'),
    );
    expect(() => new VirtMachine({ kernel, kernelFormat: 'image', bios: new Uint8Array(0) })).toThrow(
      new ConfigError('firmware image is empty'),
    );
    expect(() => new VirtMachine({ kernel: program(spin()), kernelFormat: 'image' })).toThrow(
      /not a RISC-V Linux Image/,
    );
  });
});

describe('virtio slots', () => {
  it('fills slots from the top, as QEMU: the first disk is slot 7 (Linux probes it first: /dev/vda)', () => {
    const machine = new VirtMachine({
      kernel: elfAt(program(spin())),
      disks: [memoryDisk(), memoryDisk()],
      nets: [{ send() {}, onReceive() {} }],
      rng: true,
      console: new BufferBackend(),
    });
    expect(machine.boot.virtioSlots).toEqual([0, 0, 0, 3, 4, 1, 2, 2]);
    const reg = (slot: number, offset: number) =>
      machine.bus.read((0x1000_1000 + slot * 0x1000 + offset) as never, 4);
    expect(reg(7, 0)).toBe(0x7472_6976); // "virt"
    expect(reg(7, 4)).toBe(2); // version 2
    expect(reg(7, 8)).toBe(2); // DeviceID: block
    expect(reg(5, 8)).toBe(1); // network
    expect(reg(4, 8)).toBe(4); // entropy
    expect(reg(3, 8)).toBe(3); // console
    expect(reg(0, 0)).toBe(0x7472_6976); // an empty slot still answers...
    expect(reg(0, 8)).toBe(0); // ...with DeviceID 0
  });
});

describe('native SBI', () => {
  it('serves probe, DBCN write, set_timer and SRST to an S-mode kernel', async (ctx) => {
    needsHart(ctx);
    const body = new Asm()
      // s2 = probe_extension(DBCN)
      .emit(li(a0, SBI_DBCN), sbiCall(SBI_BASE, 3), addi(s2, a1, 0))
      // console_write(len, msg, 0): s3 = error, s4 = bytes written
      .emit(li(a0, 10))
      .la(a1, 'msg')
      .emit(li(a2, 0), sbiCall(SBI_DBCN, 0), addi(s3, a0, 0), addi(s4, a1, 0))
      // set_timer(time + 1 ms), sie.STIE, wait in WFI until sip.STIP
      .emit(csrrs(t0, TIME, 0), li(t1, 10_000), add(a0, t0, t1), sbiCall(SBI_TIME, 0))
      .emit(li(t0, 0x20), csrrs(0, SIE, t0))
      .label('wait')
      .emit(wfi(), csrrs(t1, SIP, 0), andi(t1, t1, 0x20))
      .to('wait', (off) => beq(t1, 0, off))
      .emit(addi(s5, t1, 0), csrrs(s0, TIME, 0))
      // set_timer(never) clears STIP: a1 = sip.STIP afterwards
      .emit(li(a0, -1), sbiCall(SBI_TIME, 0), csrrs(t1, SIP, 0), andi(a1, t1, 0x20))
      .emit(addi(t2, a1, 0), srstShutdown())
      .label('msg')
      .ascii('hello sbi\n');
    const uart = new BufferBackend();
    const counter = new SbiCallCounter();
    const clock = new InstructionClock();
    const machine = new VirtMachine({
      kernel: image(body),
      kernelFormat: 'auto',
      uart,
      clock,
      sbiEvents: counter,
    });
    const outcome = await machine.run({ timeoutMs: 10_000 });
    expect(outcome).toEqual({ kind: 'shutdown', code: 0, source: 'sbi' });
    expect(uart.text()).toBe('hello sbi\n');
    const hart = machine.hart;
    expect(hart.getX(s2)).toBe(1n);
    expect([hart.getX(s3), hart.getX(s4)]).toEqual([0n, 10n]);
    expect(hart.getX(s5)).toBe(0x20n);
    expect(hart.getX(s0)).toBeGreaterThanOrEqual(10_000n); // woke no earlier than the deadline
    expect(hart.getX(t2)).toBe(0n);
    expect(counter.calls).toMatchObject({ base: 1, dbcn: 1, time: 2, srst: 1 });
    // Idle time was skipped, not slept (the clock is skippable).
    expect(machine.stats().sleptMs).toBe(0);
  });

  it('hart_start runs hart 1 at the given address with a0 = 1, a1 = opaque; hart_stop parks it', async (ctx) => {
    needsHart(ctx);
    const body = new Asm()
      // s2 = hart_get_status(1): stopped (1)
      .emit(li(a0, 1), sbiCall(SBI_HSM, 2), addi(s2, a1, 0))
      // s3 = hart_start(1, secondary, 0x1234)
      .emit(li(a0, 1))
      .la(a1, 'secondary')
      .emit(li(a2, 0x1234), sbiCall(SBI_HSM, 0), addi(s3, a0, 0))
      .la(t0, 'flag')
      .label('loop')
      .emit(ld(t1, t0, 0))
      .to('loop', (off) => beq(t1, 0, off))
      // wait until hart 1 reports stopped again
      .label('stopped')
      .emit(li(a0, 1), sbiCall(SBI_HSM, 2), li(t2, 1))
      .to('stopped', (off) => bne(a1, t2, off))
      .emit(srstShutdown())
      .label('secondary')
      .la(t0, 'flag')
      .emit(sd(a0, t0, 8), sd(a1, t0, 0), sbiCall(SBI_HSM, 1), spin())
      .label('flag')
      .space(16);
    const machine = new VirtMachine({ kernel: image(body), kernelFormat: 'image', harts: 2 });
    expect(machine.isHartRunning(1)).toBe(false);
    const outcome = await machine.run({ timeoutMs: 10_000 });
    expect(outcome).toEqual({ kind: 'shutdown', code: 0, source: 'sbi' });
    expect(machine.hart.getX(s2)).toBe(1n);
    expect(machine.hart.getX(s3)).toBe(0n);
    const flag = machine.boot.kernelEntry + 64 + body.bytes().length - 16 - 0x8000_0000;
    const view = new DataView(machine.ram.bytes.buffer);
    expect(view.getBigUint64(flag, true)).toBe(0x1234n);
    expect(view.getBigUint64(flag + 8, true)).toBe(1n);
    expect(machine.harts[1]!.priv).toBe(Privilege.Supervisor);
    expect(machine.isHartRunning(1)).toBe(false);
    expect(machine.sbi?.hartState(1)).toBe('stopped');
  });

  it('ends the run with an error when a trap reaches M-mode', async (ctx) => {
    needsHart(ctx);
    // Native firmware delegates every exception it does not serve; take that away from
    // illegal instructions and execute one (the all-zero word) in S-mode.
    const machine = new VirtMachine({ kernel: image(new Asm().emit(0)), kernelFormat: 'image' });
    machine.hart.writeCsr(CSR.medeleg, 0, 0);
    const outcome = await machine.run({ timeoutMs: 5000 });
    expect(outcome).toEqual({
      kind: 'error',
      message:
        'hart 0: illegal_instruction at pc 0x80200040 trapped into M-mode, where native firmware runs no code',
    });
  });
});

describe('SMP', () => {
  it('runs two harts interleaved: each writes RAM, hart 0 wakes hart 1 with a CLINT IPI', async (ctx) => {
    needsHart(ctx);
    const code = new Asm()
      .la(t0, 'data')
      .to('hart1', (off) => bne(a0, 0, off))
      // hart 0: data[0] = a1 (the DTB), MSIP of hart 1, wait for data[1]
      .emit(sd(a1, t0, 0), li(t1, VIRT_CLINT_BASE + 4), li(t2, 1), sw(t2, t1, 0))
      .label('wait')
      .emit(ld(t1, t0, 8))
      .to('wait', (off) => beq(t1, 0, off))
      .emit(PASS)
      // hart 1: mie.MSIE, WFI until mip.MSIP, clear it, data[1] = hartid + 0x100
      .label('hart1')
      .emit(li(t1, 8), csrrs(0, MIE, t1))
      .label('w1')
      .emit(wfi(), csrrs(t1, MIP, 0), andi(t1, t1, 8))
      .to('w1', (off) => beq(t1, 0, off))
      .emit(li(t1, VIRT_CLINT_BASE + 4), sw(0, t1, 0), addi(t2, a0, 0x100), sd(t2, t0, 8))
      .label('park')
      .emit(wfi())
      .to('park', (off) => jal(0, off))
      .label('data')
      .space(16);
    const bytes = code.bytes();
    const machine = new VirtMachine({ kernel: elfAt(bytes), harts: 2, clock: new InstructionClock() });
    expect(await machine.run({ timeoutMs: 10_000 })).toEqual({
      kind: 'shutdown',
      code: 0,
      source: 'finisher',
    });
    const view = new DataView(machine.ram.bytes.buffer);
    const data = bytes.length - 16;
    expect(view.getBigUint64(data, true)).toBe(BigInt(DTB_128M));
    expect(view.getBigUint64(data + 8, true)).toBe(0x101n);
    expect(machine.harts[1]!.instret).toBeGreaterThan(0);
  });

  it('wires each hart to its own CLINT lines and PLIC contexts 2h (M) and 2h + 1 (S)', () => {
    const machine = new VirtMachine({ kernel: elfAt(program(spin())), harts: 2 });
    const [h0, h1] = machine.harts as [(typeof machine.harts)[0], (typeof machine.harts)[0]];
    machine.bus.write((VIRT_CLINT_BASE + 4) as never, 4, 1); // MSIP of hart 1
    expect([h0.mip & 8, h1.mip & 8]).toEqual([0, 8]);
    // Source 5: priority 1, enabled for context 3 (hart 1, S-mode) only.
    machine.bus.write((0x0c00_0000 + 4 * 5) as never, 4, 1);
    machine.bus.write((0x0c00_2000 + 0x80 * 3) as never, 4, 1 << 5);
    machine.plic.source(5).set(true);
    expect([h0.mip & 0xa00, h1.mip & 0xa00]).toEqual([0, 0x200]);
    machine.bus.write((0x0c00_2000 + 0x80 * 2) as never, 4, 1 << 5);
    expect(h1.mip & 0xa00).toBe(0xa00);
  });

  it('a PLIC interrupt does not stick in mip.SEIP when firmware sets SSIP with csrs mip', (ctx) => {
    needsHart(ctx);
    // What OpenSBI does to forward an IPI to S-mode, while the UART's interrupt is pending.
    const machine = new VirtMachine({ kernel: elfAt(program(li(t0, 2), csrrs(0, MIP, t0), spin())) });
    machine.bus.write((0x0c00_0000 + 4 * 5) as never, 4, 1);
    machine.bus.write((0x0c00_2000 + 0x80 * 1) as never, 4, 1 << 5); // context 1: hart 0 S-mode
    machine.plic.source(5).set(true);
    machine.hart.run(10);
    expect(machine.hart.mip & 0x202).toBe(0x202);
    machine.plic.source(5).set(false);
    expect(machine.hart.mip & 0x202).toBe(0x2);
  });

  it('sleeps when every hart waits in WFI', async (ctx) => {
    needsHart(ctx);
    const machine = new VirtMachine({ kernel: elfAt(program(wfi(), jal(0, -4))), harts: 4 });
    expect(await machine.run({ timeoutMs: 200 })).toEqual({ kind: 'timeout' });
    expect(machine.stats().sleptMs).toBeGreaterThanOrEqual(100);
    expect(machine.stats().instructions).toBeLessThan(100);
  });
});

describe('real firmware', () => {
  it("boots Debian's OpenSBI fw_jump.bin and its S-mode payload, which shuts down through SRST", async (ctx) => {
    needsHart(ctx);
    ctx.skip(!existsSync(FW_JUMP), `${FW_JUMP} is not installed (Debian package opensbi)`);
    const payload = new Asm();
    for (const c of 'hvkit payload in S-mode\n') payload.emit(li(a0, c.charCodeAt(0)), li(a7, 1), ecall());
    payload.emit(srstShutdown());
    const uart = new BufferBackend();
    const machine = new VirtMachine({
      kernel: payload.bytes(),
      kernelFormat: 'raw',
      bios: new Uint8Array(readFileSync(FW_JUMP)),
      harts: 2,
      uart,
    });
    const outcome = await machine.run({ timeoutMs: 60_000 });
    const text = uart.text();
    expect(text).toMatch(/OpenSBI v\d+\.\d+/);
    expect(text).toContain('Platform Name             : riscv-virtio,qemu');
    expect(text).toContain('hvkit payload in S-mode\r\n'); // OpenSBI's console adds the CR
    expect(outcome).toEqual({ kind: 'shutdown', code: 0, source: 'finisher' });
  });
});
