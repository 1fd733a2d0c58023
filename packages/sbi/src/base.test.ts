import { describe, expect, it } from 'vitest';
import {
  HVKIT_SBI_IMPL_ID,
  NATIVE_FIRMWARE_MEDELEG,
  NATIVE_FIRMWARE_MIDELEG,
  SBI_ERR_NOT_SUPPORTED,
  SBI_EXT_BASE,
  SBI_EXT_DBCN,
  SBI_EXT_HSM,
  SBI_EXT_IPI,
  SBI_EXT_RFENCE,
  SBI_EXT_SRST,
  SBI_EXT_TIME,
  SBI_SPEC_VERSION,
} from './constants.js';
import { SbiCallCounter, type SbiEvents, type SbiExtensionName } from './events.js';
import { A0, A1, A6, A7, ECALL_PC, ecall, FakeHart, setup } from './testing/fakes.js';

const BASE = SBI_EXT_BASE;

describe('BASE extension', () => {
  it('reports SBI spec version 2.0: major 2 in bits 30:24, minor 0', () => {
    const { fw, hart } = setup();
    expect(SBI_SPEC_VERSION).toBe(0x0200_0000);
    expect(ecall(fw, hart, BASE, 0)).toEqual({ a0: 0n, a1: 0x0200_0000n });
  });

  it('reports implementation id "HVKT" (not in the spec registry 0-11) and version 0.1', () => {
    const { fw, hart } = setup();
    expect(ecall(fw, hart, BASE, 1)).toEqual({ a0: 0n, a1: 0x4856_4b54n });
    expect(HVKIT_SBI_IMPL_ID).toBeGreaterThan(11);
    expect(ecall(fw, hart, BASE, 2)).toEqual({ a0: 0n, a1: 1n });
  });

  it('returns 0 for mvendorid, marchid and mimpid, overwriting a1', () => {
    const { fw, hart } = setup();
    for (const fid of [4, 5, 6]) {
      hart.set(A1, 0x1234n);
      expect(ecall(fw, hart, BASE, fid)).toEqual({ a0: 0n, a1: 0n });
    }
  });

  it.each([
    ['BASE', SBI_EXT_BASE],
    ['TIME', 0x5449_4d45],
    ['IPI', 0x73_5049],
    ['RFENCE', 0x5246_4e43],
    ['HSM', 0x48_534d],
    ['SRST', 0x5352_5354],
    ['DBCN', 0x4442_434e],
    ['legacy set_timer', 0x00],
    ['legacy putchar', 0x01],
    ['legacy getchar', 0x02],
    ['legacy clear_ipi', 0x03],
    ['legacy send_ipi', 0x04],
    ['legacy remote_fence_i', 0x05],
    ['legacy remote_sfence_vma', 0x06],
    ['legacy remote_sfence_vma_asid', 0x07],
    ['legacy shutdown', 0x08],
  ])('probe_extension(%s) is 1', (_name, eid) => {
    const { fw, hart } = setup();
    expect(ecall(fw, hart, BASE, 3, BigInt(eid))).toEqual({ a0: 0n, a1: 1n });
  });

  it('constants match the spec EIDs', () => {
    expect([SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN]).toEqual([
      0x5449_4d45, 0x73_5049, 0x5246_4e43, 0x48_534d, 0x5352_5354, 0x4442_434e,
    ]);
  });

  it.each([
    ['reserved legacy 0x09', 0x09n],
    ['reserved legacy 0x0F', 0x0fn],
    ['PMU', 0x504d55n],
    ['SUSP', 0x5355_5350n],
    ['experimental', 0x0800_0000n],
    ['-1', -1n],
    ['TIME with bits above 31 set', 0x1_5449_4d45n],
    ['BASE with bits above 31 set', 0xffff_ffff_0000_0010n],
  ])('probe_extension(%s) is 0', (_name, eid) => {
    const { fw, hart } = setup();
    expect(ecall(fw, hart, BASE, 3, eid)).toEqual({ a0: 0n, a1: 0n });
  });

  it('answers unknown BASE functions with SBI_ERR_NOT_SUPPORTED and a1 = 0', () => {
    const { fw, hart } = setup();
    hart.set(A1, 99n);
    expect(ecall(fw, hart, BASE, 7)).toEqual({ a0: -2n, a1: 0n });
    expect(ecall(fw, hart, BASE, -1)).toEqual({ a0: -2n, a1: 0n });
  });
});

describe('dispatch', () => {
  it('answers an unknown EID with SBI_ERR_NOT_SUPPORTED (-2)', () => {
    const { fw, hart } = setup();
    expect(ecall(fw, hart, 0x1234_5678, 0)).toEqual({ a0: -2n, a1: 0n });
    expect(ecall(fw, hart, 0x504d55, 0)).toEqual({ a0: -2n, a1: 0n }); // PMU: not provided
    expect(ecall(fw, hart, -0x8000_0000, 0)).toEqual({ a0: -2n, a1: 0n });
    expect(SBI_ERR_NOT_SUPPORTED).toBe(-2);
  });

  it('requires EIDs and FIDs to be sign-extended 32-bit values', () => {
    const { fw, hart } = setup();
    expect(ecall(fw, hart, 0x1_0000_0010n, 0).a0).toBe(-2n); // BASE with junk above bit 31
    expect(ecall(fw, hart, 0xffff_ffff_0000_0010n, 0).a0).toBe(-2n);
    expect(ecall(fw, hart, BASE, 0x1_0000_0000n).a0).toBe(-2n); // FID 0 with junk above bit 31
    expect(ecall(fw, hart, 0x1_0000_0001n, 0).a0).toBe(-2n); // not legacy putchar
    expect(ecall(fw, hart, BASE, 0)).toEqual({ a0: 0n, a1: 0x0200_0000n });
  });

  it('preserves every register but a0 and a1', () => {
    const { fw, hart } = setup();
    for (let i = 1; i < 32; i++) hart.set(i, BigInt(i) * 0x0101_0101_0101n);
    hart.set(A7, BigInt(BASE));
    hart.set(A6, 0n);
    const before = { xl: hart.xl.slice(), xh: hart.xh.slice() };
    expect(fw.handleTrap(hart, 9)).toBe(true);
    expect(hart.pc).toBe(ECALL_PC + 4);
    for (let i = 0; i < 33; i++) {
      if (i === A0 || i === A1) continue;
      expect([i, hart.xl[i], hart.xh[i]]).toEqual([i, before.xl[i], before.xh[i]]);
    }
  });

  it('steps a pc above 2^32 by 4', () => {
    const { fw, hart } = setup();
    hart.set(A7, BigInt(BASE));
    hart.set(A6, 0n);
    hart.pc = 0x1_0000_0ffe;
    fw.handleTrap(hart, 9);
    expect(hart.pc).toBe(0x1_0000_1002);
  });

  it('handleEcall serves a call whatever the trap cause (for a hypervisor)', () => {
    const { fw } = setup();
    const hart = new FakeHart(2);
    hart.set(A7, BigInt(BASE));
    hart.set(A6, 1n);
    fw.handleEcall(hart);
    expect(hart.get(A0)).toBe(0n);
    expect(hart.get(A1)).toBe(BigInt(HVKIT_SBI_IMPL_ID));
    expect(hart.pc).toBe(ECALL_PC + 4);
  });
});

describe('handleTrap with other causes', () => {
  it.each([
    [2, 'illegal instruction'],
    [8, 'ECALL from U-mode'],
    [10, 'ECALL from VS-mode'],
    [11, 'ECALL from M-mode'],
    [13, 'load page fault'],
  ])('returns false for cause %i (%s), touches nothing and reports it', (cause) => {
    const { fw, platform } = setup();
    const hart = new FakeHart(3);
    hart.set(A7, BigInt(BASE));
    hart.set(A0, 0x55n);
    hart.pc = 0x8000_1234;
    expect(fw.handleTrap(hart, cause)).toBe(false);
    expect(hart.pc).toBe(0x8000_1234);
    expect(hart.get(A0)).toBe(0x55n);
    expect(platform.unhandled).toEqual([[3, cause, 0x8000_1234]]);
    expect(platform.actions).toEqual([]);
  });
});

describe('events', () => {
  it('counts calls per extension, errors and unhandled traps', () => {
    const counter = new SbiCallCounter();
    const { fw, hart } = setup(4, [], { events: counter });
    ecall(fw, hart, BASE, 0);
    ecall(fw, hart, BASE, 99); // error
    ecall(fw, hart, SBI_EXT_TIME, 0, 5n);
    ecall(fw, hart, 0x01, 0, 0x41n); // legacy putchar
    ecall(fw, hart, 0x0a, 0); // reserved legacy EID
    ecall(fw, hart, 0x7777, 0); // unknown
    fw.handleTrap(hart, 2);
    expect(counter.calls).toEqual({
      base: 2,
      time: 1,
      ipi: 0,
      rfence: 0,
      hsm: 0,
      srst: 0,
      dbcn: 0,
      legacy: 1,
      unknown: 2,
    });
    expect(counter.total).toBe(6);
    expect(counter.errors).toBe(3);
    expect(counter.unhandledTraps).toBe(1);
  });

  it('passes hart, extension, eid, fid and a0 to a custom observer', () => {
    const seen: unknown[] = [];
    const events: SbiEvents = {
      call(hartId: number, ext: SbiExtensionName, eid: number, fid: number, result: number) {
        seen.push([hartId, ext, eid, fid, result]);
      },
      unhandledTrap(hartId, cause, pc) {
        seen.push(['trap', hartId, cause, pc]);
      },
    };
    const { fw } = setup(4, [], { events });
    const hart = new FakeHart(1);
    ecall(fw, hart, SBI_EXT_HSM, 2, 9n); // bad hart id
    ecall(fw, hart, 0x02, 77); // legacy getchar, no input: a0 = -1, fid reported as 0
    fw.handleTrap(hart, 11);
    expect(seen).toEqual([
      [1, 'hsm', SBI_EXT_HSM, 2, -3],
      [1, 'legacy', 2, 0, -1],
      ['trap', 1, 11, ECALL_PC + 4],
    ]);
  });

  it('works without any observer', () => {
    const { fw, hart } = setup();
    expect(() => ecall(fw, hart, BASE, 0)).not.toThrow();
  });
});

describe('delegation constants', () => {
  it('delegate every delegable exception except ECALL from S, and the S-level interrupts', () => {
    // Causes 0-8, 12, 13, 15 (hand-computed: 0x1ff | 0x1000 | 0x2000 | 0x8000).
    expect(NATIVE_FIRMWARE_MEDELEG).toBe(0xb1ff);
    expect((NATIVE_FIRMWARE_MEDELEG >> 9) & 1).toBe(0);
    // SSIP (1), STIP (5), SEIP (9).
    expect(NATIVE_FIRMWARE_MIDELEG).toBe(0x222);
  });
});
