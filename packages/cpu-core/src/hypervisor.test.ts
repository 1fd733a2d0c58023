// The H extension in the hart: CSRs and their WARL rules, trap routing to M, HS and VS,
// virtual-instruction exceptions, HLV/HSV/HFENCE, VS interrupts, and the hsTrapHook contract.
import {
  type AccessType,
  type Privilege,
  TRANSLATE_GUEST_PAGE_FAULT,
  TRANSLATE_HLVX,
  TRANSLATE_VIRT,
} from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { CSR } from './csr-names.js';
import { decode, newDecoded } from './decode/decoder.js';
import { disassemble } from './decode/disasm.js';
import { ENCODINGS } from './decode/table.js';
import { CAUSE, type HartOptions, IRQ, RiscvHart } from './hart.js';
import { asm, RAM_BASE, TestBus } from './testing/board.js';
import { IdentityTranslator } from './warmup.js';

/** G-stage window of the fake translator: V=1 accesses here are guest-page faults (emulated MMIO). */
const GPF_BASE = 0x1000_0000;
const GPF_GPA_DELTA = 0x2_0000_0000; // reported GPA = va + delta, to tell stval and htval apart
/** A second guest-page-fault page, inside RAM, so that an access can straddle into it. */
const GPF_RAM = 0x8000_8000;
/** At V=1 this page maps 4 KiB higher (8 KiB once vsatp's low word is nonzero): stale caches show. */
const SHIFTED = 0x8000_a000;

/** Identity translation at both stages, with a guest-page-fault window and a log of V=1 requests. */
class GuestTranslator extends IdentityTranslator {
  readonly virtCalls: { va: number; access: AccessType; priv: Privilege; flags: number }[] = [];
  guest: number[] = [];
  vvma = 0;
  gvma = 0;
  private gpa = 0;
  override translate(va: number, access: AccessType, priv: Privilege, flags = 0): number {
    if (flags === 0) return super.translate(va, access, priv);
    this.virtCalls.push({ va, access, priv, flags });
    if ((va >= GPF_BASE && va < GPF_BASE + 0x1000) || (va >= GPF_RAM && va < GPF_RAM + 0x1000)) {
      this.gpa = va + GPF_GPA_DELTA;
      return TRANSLATE_GUEST_PAGE_FAULT;
    }
    if (va >= SHIFTED && va < SHIFTED + 0x1000) return va + ((this.guest[0] ?? 0) === 0 ? 0x1000 : 0x2000);
    return va;
  }
  configureGuest(...args: [number, number, number, number, boolean, boolean, boolean]): void {
    this.guest = args.map(Number);
  }
  hfenceVvma(): void {
    this.vvma++;
  }
  hfenceGvma(): void {
    this.gvma++;
  }
  lastGuestFaultGpa(): number {
    return this.gpa;
  }
  lastGuestFaultImplicit(): boolean {
    return false;
  }
}

const HS = {
  GVA: 1n << 6n,
  SPV: 1n << 7n,
  SPVP: 1n << 8n,
  HU: 1n << 9n,
  VTVM: 1n << 20n,
  VTW: 1n << 21n,
  VTSR: 1n << 22n,
};
const MPV = 1n << 39n;
const GVA_M = 1n << 38n;
const SPP = 1n << 8n;
const SIE = 1n << 1n;
const INT = 1n << 63n;
const GUEST_PC = RAM_BASE + 0x1000;
const STVEC = RAM_BASE + 0x3000;
const VSTVEC = RAM_BASE + 0x4000;
const MTVEC = RAM_BASE + 0x5000;

/** A hart with `guest` code at GUEST_PC, trap vectors set, and the fake two-stage translator. */
function hvHart(guest: (number | { c: number })[], opts: Partial<HartOptions> = {}) {
  const bus = new TestBus();
  const view = new DataView(bus.ram.bytes.buffer);
  let off = GUEST_PC - RAM_BASE;
  for (const w of guest) {
    if (typeof w === 'number') {
      view.setUint32(off, w >>> 0, true);
      off += 4;
    } else {
      view.setUint16(off, w.c, true);
      off += 2;
    }
  }
  // Every trap vector (and VS's vectored timer/external slots) spins in place.
  for (const v of [STVEC, VSTVEC, MTVEC, VSTVEC + 20, VSTVEC + 36])
    view.setUint32(v - RAM_BASE, asm.jal(0, 0), true);
  const tr = new GuestTranslator();
  const hart = new RiscvHart({ hartId: 0, bus, translator: tr, readTime: () => 1000, ...opts });
  hart.writeCsrBig(CSR.mtvec, BigInt(MTVEC));
  hart.writeCsrBig(CSR.stvec, BigInt(STVEC));
  hart.writeCsrBig(CSR.vstvec, BigInt(VSTVEC));
  return { hart, bus, tr, view };
}

/** Enters the guest at GUEST_PC in VS-mode (or VU) the way an HS hypervisor does: SRET with SPV=1. */
function enter(hart: RiscvHart, vu = false) {
  hart.priv = 1;
  hart.writeCsrBig(CSR.hstatus, hart.readCsrBig(CSR.hstatus) | HS.SPV);
  const ss = hart.readCsrBig(CSR.sstatus);
  hart.writeCsrBig(CSR.sstatus, vu ? ss & ~SPP : ss | SPP);
  hart.writeCsrBig(CSR.sepc, BigInt(GUEST_PC));
  hart.sret();
  expect(hart.virt).toBe(true);
  expect(hart.priv).toBe(vu ? 0 : 1);
}

const csrr = (rd: number, csr: number) => asm.csr(2, rd, csr, 0);
const csrw = (csr: number, rs1: number) => asm.csr(1, 0, csr, rs1);
const hlv = (funct7: number, variant: number, rd: number, rs1: number) =>
  ((funct7 << 25) | (variant << 20) | (rs1 << 15) | (4 << 12) | (rd << 7) | 0x73) >>> 0;
const hsv = (funct7: number, rs2: number, rs1: number) =>
  ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (4 << 12) | 0x73) >>> 0;
const HLV_W = (rd: number, rs1: number) => hlv(0x34, 0, rd, rs1);
const HFENCE_GVMA = 0x62000073;
const HFENCE_VVMA = 0x22000073;
const SFENCE_VMA = 0x12000073;

describe('H instructions in the decode table', () => {
  // Encodings from GNU as/objdump 2.40 (-march=rv64gch, -M no-aliases).
  const objdump: [number, string][] = [
    [0x6005c573, 'hlv.b a0, (a1)'],
    [0x6015c573, 'hlv.bu a0, (a1)'],
    [0x6405c573, 'hlv.h a0, (a1)'],
    [0x6415c573, 'hlv.hu a0, (a1)'],
    [0x6435c573, 'hlvx.hu a0, (a1)'],
    [0x6805c573, 'hlv.w a0, (a1)'],
    [0x6815c573, 'hlv.wu a0, (a1)'],
    [0x6835c573, 'hlvx.wu a0, (a1)'],
    [0x6c05c573, 'hlv.d a0, (a1)'],
    [0x62c5c073, 'hsv.b a2, (a1)'],
    [0x66c5c073, 'hsv.h a2, (a1)'],
    [0x6ac5c073, 'hsv.w a2, (a1)'],
    [0x6ec5c073, 'hsv.d a2, (a1)'],
    [0x22c58073, 'hfence.vvma a1, a2'],
    [0x62c58073, 'hfence.gvma a1, a2'],
  ];
  it.each(objdump)('0x%s decodes and disassembles as objdump does', (inst, text) => {
    const d = newDecoded();
    expect(ENCODINGS[decode(inst, d)]?.name).toBe(text.split(' ')[0]);
    expect(disassemble(inst)).toBe(text);
  });
  it('reserved variants stay illegal (hlv with rs2 = 2, hsv with rd != 0)', () => {
    const d = newDecoded();
    expect(decode(0x6025c573, d)).toBe(-1);
    expect(decode(0x62c5c0f3, d)).toBe(-1);
  });
});

describe('H CSRs and their WARL rules', () => {
  it('misa.H is set; mideleg has the VS interrupts read-only one', () => {
    const { hart } = hvHart([]);
    expect(hart.readCsrBig(CSR.misa) & (1n << 7n)).toBe(1n << 7n);
    hart.writeCsrBig(CSR.mideleg, 0n);
    expect(hart.readCsrBig(CSR.mideleg)).toBe(0x444n);
    hart.writeCsrBig(CSR.mideleg, 0xffffn);
    expect(hart.readCsrBig(CSR.mideleg)).toBe(0x666n);
  });

  it('hstatus: VSXL reads 2, only GVA SPV SPVP HU VTVM VTW VTSR are writable', () => {
    const { hart } = hvHart([]);
    hart.writeCsrBig(CSR.hstatus, (1n << 64n) - 1n);
    expect(hart.readCsrBig(CSR.hstatus)).toBe((2n << 32n) | 0x7003c0n);
    hart.writeCsrBig(CSR.hstatus, 0n);
    expect(hart.readCsrBig(CSR.hstatus)).toBe(2n << 32n);
  });

  it('hedeleg keeps 9-11 and 20-23 zero; hideleg only the VS interrupts', () => {
    const { hart } = hvHart([]);
    hart.writeCsrBig(CSR.hedeleg, (1n << 64n) - 1n);
    expect(hart.readCsrBig(CSR.hedeleg)).toBe(0xb1ffn);
    hart.writeCsrBig(CSR.hideleg, (1n << 64n) - 1n);
    expect(hart.readCsrBig(CSR.hideleg)).toBe(0x444n);
    hart.writeCsrBig(CSR.medeleg, (1n << 64n) - 1n);
    expect(hart.readCsrBig(CSR.medeleg)).toBe(0xf0b7ffn); // 10 and 20-23 delegable to HS
  });

  it('hvip drives hip and mip VS bits; hip.VSSIP is writable, VSTIP/VSEIP are not', () => {
    const { hart } = hvHart([]);
    hart.writeCsrBig(CSR.hvip, 0xffffn);
    expect(hart.readCsrBig(CSR.hvip)).toBe(0x444n);
    expect(hart.readCsrBig(CSR.hip)).toBe(0x444n);
    expect(hart.readCsrBig(CSR.mip) & 0x444n).toBe(0x444n);
    hart.writeCsrBig(CSR.hip, 0n);
    expect(hart.readCsrBig(CSR.hvip)).toBe(0x440n);
    hart.writeCsrBig(CSR.mip, 0n);
    expect(hart.readCsrBig(CSR.hvip)).toBe(0x440n);
    hart.writeCsrBig(CSR.hie, 0xffffn);
    expect(hart.readCsrBig(CSR.hie)).toBe(0x444n);
    expect(hart.readCsrBig(CSR.mie) & 0x444n).toBe(0x444n);
    expect(hart.readCsrBig(CSR.sie)).toBe(0n); // HS sie never shows VS bits
    expect(hart.readCsrBig(CSR.hgeip)).toBe(0n);
    hart.writeCsrBig(CSR.hgeie, -1n);
    expect(hart.readCsrBig(CSR.hgeie)).toBe(0n);
  });

  it('vsip/vsie show hip/hie bits shifted down, only where hideleg delegates', () => {
    const { hart } = hvHart([]);
    hart.writeCsrBig(CSR.hvip, 0x444n);
    hart.writeCsrBig(CSR.hie, 0x444n);
    expect(hart.readCsrBig(CSR.vsip)).toBe(0n);
    hart.writeCsrBig(CSR.hideleg, 0x40n);
    expect(hart.readCsrBig(CSR.vsip)).toBe(0x20n);
    expect(hart.readCsrBig(CSR.vsie)).toBe(0x20n);
    hart.writeCsrBig(CSR.hideleg, 0x444n);
    hart.writeCsrBig(CSR.vsip, 0n); // clears VSSIP only
    expect(hart.readCsrBig(CSR.hvip)).toBe(0x440n);
    hart.writeCsrBig(CSR.vsie, 0x20n);
    expect(hart.readCsrBig(CSR.hie)).toBe(0x40n);
  });

  it('hgatp: Bare/Sv39x4/Sv48x4 only, VMID zero-width, PPN[1:0] zero; the translator is told', () => {
    const { hart, tr } = hvHart([]);
    hart.writeCsrBig(CSR.hgatp, (8n << 60n) | (0x3fffn << 44n) | 0x80203n);
    expect(hart.readCsrBig(CSR.hgatp)).toBe((8n << 60n) | 0x80200n);
    expect(tr.guest[2]).toBe(0x80200);
    expect(tr.guest[3]! >>> 28).toBe(8);
    hart.writeCsrBig(CSR.hgatp, (10n << 60n) | 0x1000n); // Sv57x4: not supported, ignored
    expect(hart.readCsrBig(CSR.hgatp)).toBe((8n << 60n) | 0x80200n);
    hart.writeCsrBig(CSR.hgatp, 9n << 60n);
    expect(hart.readCsrBig(CSR.hgatp)).toBe(9n << 60n);
  });

  it('vsatp takes Bare/Sv39/Sv48 and is handed to the translator with vsstatus.SUM/MXR and mstatus.MXR', () => {
    const { hart, tr } = hvHart([]);
    hart.writeCsrBig(CSR.vsatp, (8n << 60n) | (5n << 44n) | 0x1234n);
    expect(hart.readCsrBig(CSR.vsatp)).toBe((8n << 60n) | (5n << 44n) | 0x1234n);
    hart.writeCsrBig(CSR.vsatp, 1n << 60n);
    expect(hart.readCsrBig(CSR.vsatp)).toBe((8n << 60n) | (5n << 44n) | 0x1234n);
    hart.writeCsrBig(CSR.vsstatus, 1n << 18n); // SUM
    expect(tr.guest.slice(4)).toEqual([1, 0, 0]);
    hart.writeCsrBig(CSR.mstatus, 1n << 19n); // MXR
    expect(tr.guest.slice(4)).toEqual([1, 0, 1]);
  });

  it('vsstatus: UXL reads 2, only the sstatus fields are writable, SD follows FS', () => {
    const { hart } = hvHart([]);
    hart.writeCsrBig(CSR.vsstatus, (1n << 64n) - 1n);
    expect(hart.readCsrBig(CSR.vsstatus)).toBe((1n << 63n) | (2n << 32n) | 0xc6122n);
  });

  it('mstatus.MPV and GVA are writable; henvcfg keeps FIOM only; htinst/htval/mtinst/mtval2 hold values', () => {
    const { hart } = hvHart([]);
    hart.writeCsrBig(CSR.mstatus, MPV | GVA_M);
    expect(hart.readCsrBig(CSR.mstatus) & (MPV | GVA_M)).toBe(MPV | GVA_M);
    hart.writeCsrBig(CSR.henvcfg, (1n << 64n) - 1n);
    expect(hart.readCsrBig(CSR.henvcfg)).toBe(1n);
    for (const c of [CSR.htval, CSR.htinst, CSR.mtval2, CSR.mtinst, CSR.vsscratch, CSR.vstval]) {
      hart.writeCsrBig(c, 0x1234_5678_9abcn);
      expect(hart.readCsrBig(c)).toBe(0x1234_5678_9abcn);
    }
    hart.writeCsrBig(CSR.vsepc, 0x1003n);
    expect(hart.readCsrBig(CSR.vsepc)).toBe(0x1002n);
    hart.writeCsrBig(CSR.vstvec, 0x1003n);
    expect(hart.readCsrBig(CSR.vstvec)).toBe(0x1000n);
  });

  it('H CSRs are illegal from U-mode; hgatp is illegal from HS-mode with mstatus.TVM', () => {
    const { hart, view } = hvHart([]);
    view.setUint32(0x6000, csrr(5, CSR.hstatus), true);
    hart.writeCsrBig(CSR.medeleg, 1n << 2n);
    hart.priv = 0;
    hart.pc = RAM_BASE + 0x6000;
    hart.run(1);
    expect(hart.readCsrBig(CSR.scause)).toBe(2n);
    const { hart: hs, view: v2 } = hvHart([]);
    v2.setUint32(0x6000, csrr(5, CSR.hgatp), true);
    v2.setUint32(0x6004, csrr(5, CSR.hgatp), true);
    hs.priv = 1;
    hs.pc = RAM_BASE + 0x6000;
    hs.run(1);
    expect(hs.pc).toBe(RAM_BASE + 0x6004); // HS reaches hgatp
    hs.writeCsrBig(CSR.mstatus, 1n << 20n);
    hs.run(1);
    expect(hs.readCsrBig(CSR.mcause)).toBe(2n);
  });

  it('writeCsrBig throws for a CSR that does not exist', () => {
    const { hart } = hvHart([]);
    expect(() => hart.writeCsrBig(0x7ff, 0n)).toThrow(RangeError);
  });
});

describe('S CSRs at V=1 reach the VS CSRs', () => {
  it('sscratch, sepc, stvec, sstatus, satp written in VS-mode land in vs*', () => {
    const { hart } = hvHart([
      csrw(CSR.sscratch, 5),
      csrw(CSR.sepc, 5),
      csrw(CSR.satp, 6),
      csrr(7, CSR.sstatus),
      csrr(8, CSR.sscratch),
    ]);
    hart.writeCsrBig(CSR.vsstatus, SPP | SIE);
    hart.writeCsrBig(CSR.sscratch, 0x77n);
    enter(hart);
    hart.setX(5, 0x8000_1234n);
    hart.setX(6, (9n << 60n) | 0x42n);
    hart.run(5);
    expect(hart.readCsrBig(CSR.vsscratch)).toBe(0x8000_1234n);
    expect(hart.readCsrBig(CSR.sscratch)).toBe(0x77n);
    expect(hart.readCsrBig(CSR.vsepc)).toBe(0x8000_1234n);
    expect(hart.readCsrBig(CSR.vsatp)).toBe((9n << 60n) | 0x42n);
    expect(hart.readCsrBig(CSR.satp)).toBe(0n);
    expect(BigInt.asUintN(64, hart.getX(7))).toBe((2n << 32n) | SPP | SIE);
    expect(hart.getX(8)).toBe(0x8000_1234n);
  });

  it('time at V=1 is time + htimedelta', () => {
    const { hart } = hvHart([csrr(5, CSR.time)]);
    hart.writeCsrBig(CSR.htimedelta, -10n);
    hart.writeCsrBig(CSR.mcounteren, 2n);
    hart.writeCsrBig(CSR.hcounteren, 2n);
    enter(hart);
    hart.run(1);
    expect(hart.getX(5)).toBe(990n);
  });
});

describe("the hart's own page caches", () => {
  it('are dropped when V changes and when vsatp changes, so V=0 and V=1 never share a cached page', () => {
    // HS loads the page (caching it), the guest loads the same VA, writes satp (vsatp), loads again, ECALLs.
    const { hart, view } = hvHart([asm.load(3, 5, 6, 0), csrw(CSR.satp, 7), asm.load(3, 8, 6, 0), asm.ecall]);
    view.setUint32(0x6000, asm.load(3, 9, 6, 0), true);
    view.setUint32(0x6004, asm.jal(0, 0), true);
    view.setBigUint64(SHIFTED - RAM_BASE, 0x11n, true);
    view.setBigUint64(SHIFTED + 0x1000 - RAM_BASE, 0x22n, true);
    view.setBigUint64(SHIFTED + 0x2000 - RAM_BASE, 0x33n, true);
    hart.writeCsrBig(CSR.medeleg, 1n << 10n);
    hart.writeCsrBig(CSR.stvec, BigInt(RAM_BASE + 0x6000));
    hart.priv = 1;
    hart.pc = RAM_BASE + 0x6000;
    hart.setX(6, BigInt(SHIFTED));
    hart.run(1);
    expect(hart.getX(9)).toBe(0x11n);
    enter(hart);
    hart.setX(7, (8n << 60n) | 5n);
    hart.run(4); // ld, csrw satp, ld, ecall -> HS at 0x6000
    expect(hart.getX(5)).toBe(0x22n);
    expect(hart.getX(8)).toBe(0x33n);
    hart.run(1);
    expect(hart.virt).toBe(false);
    expect(hart.getX(9)).toBe(0x11n);
  });
});

describe('trap routing', () => {
  it('ECALL from VS-mode is cause 10 and goes to M-mode by default, with MPV=1 and MPP=S', () => {
    const { hart } = hvHart([asm.ecall]);
    enter(hart);
    hart.run(1);
    expect(hart.virt).toBe(false);
    expect(hart.priv).toBe(3);
    expect(hart.pc).toBe(MTVEC);
    expect(hart.readCsrBig(CSR.mcause)).toBe(10n);
    const ms = hart.readCsrBig(CSR.mstatus);
    expect(ms & MPV).toBe(MPV);
    expect((ms >> 11n) & 3n).toBe(1n);
    expect(hart.readCsrBig(CSR.mepc)).toBe(BigInt(GUEST_PC));
  });

  it('delegated by medeleg: to HS-mode with hstatus.SPV=1, SPVP=nominal privilege, V=0', () => {
    const { hart } = hvHart([asm.ecall]);
    hart.writeCsrBig(CSR.medeleg, 1n << 10n);
    enter(hart);
    hart.run(1);
    expect(hart.virt).toBe(false);
    expect(hart.priv).toBe(1);
    expect(hart.pc).toBe(STVEC);
    expect(hart.readCsrBig(CSR.scause)).toBe(10n);
    expect(hart.readCsrBig(CSR.sepc)).toBe(BigInt(GUEST_PC));
    const hs = hart.readCsrBig(CSR.hstatus);
    expect(hs & (HS.SPV | HS.SPVP | HS.GVA)).toBe(HS.SPV | HS.SPVP);
    expect(hart.readCsrBig(CSR.sstatus) & SPP).toBe(SPP);
    expect(hart.readCsrBig(CSR.htval)).toBe(0n);
    expect(hart.readCsrBig(CSR.htinst)).toBe(0n);
  });

  it('from VU-mode with medeleg and hedeleg: to VS-mode, V stays 1, vs* CSRs written', () => {
    const { hart } = hvHart([asm.ecall]);
    hart.writeCsrBig(CSR.medeleg, 1n << 8n);
    hart.writeCsrBig(CSR.hedeleg, 1n << 8n);
    hart.writeCsrBig(CSR.vsstatus, SIE | SPP);
    enter(hart, true);
    hart.run(1);
    expect(hart.virt).toBe(true);
    expect(hart.priv).toBe(1);
    expect(hart.pc).toBe(VSTVEC);
    expect(hart.readCsrBig(CSR.vscause)).toBe(8n);
    expect(hart.readCsrBig(CSR.vsepc)).toBe(BigInt(GUEST_PC));
    const vs = hart.readCsrBig(CSR.vsstatus);
    expect(vs & (SPP | SIE | (1n << 5n))).toBe(1n << 5n); // SPP=0 (from VU), SIE -> SPIE
    expect(hart.readCsrBig(CSR.scause)).toBe(0n); // HS untouched
    expect(hart.readCsrBig(CSR.hstatus) & HS.SPV).toBe(0n); // not written (the entering SRET cleared it)
  });

  it('SRET at V=1 returns within the guest through vsstatus and vsepc', () => {
    const { hart } = hvHart([asm.sret]);
    hart.writeCsrBig(CSR.vsstatus, 1n << 5n); // SPIE, SPP=0
    hart.writeCsrBig(CSR.vsepc, BigInt(GUEST_PC + 0x100));
    enter(hart);
    hart.run(1);
    expect(hart.virt).toBe(true);
    expect(hart.priv).toBe(0);
    expect(hart.pc).toBe(GUEST_PC + 0x100);
    expect(hart.readCsrBig(CSR.vsstatus) & SIE).toBe(SIE);
  });

  it('SRET from HS clears hstatus.SPV; MRET returns to V=MPV and clears it', () => {
    const { hart, view } = hvHart([]);
    view.setUint32(0, asm.mret, true);
    hart.pc = RAM_BASE;
    hart.writeCsrBig(CSR.mstatus, MPV | (1n << 11n));
    hart.writeCsrBig(CSR.mepc, BigInt(GUEST_PC));
    hart.run(1);
    expect(hart.virt).toBe(true);
    expect(hart.priv).toBe(1);
    expect(hart.readCsrBig(CSR.mstatus) & MPV).toBe(0n);
    const { hart: h2 } = hvHart([]);
    enter(h2);
    expect(h2.readCsrBig(CSR.hstatus) & HS.SPV).toBe(0n);
  });

  it('guest-page faults from VS-mode loads/stores/fetches: causes 21/23/20, htval = GPA >> 2, GVA=1', () => {
    const { hart } = hvHart([asm.load(2, 5, 6, 8), asm.store(3, 5, 6, 0x10)]);
    hart.writeCsrBig(CSR.medeleg, (1n << 20n) | (1n << 21n) | (1n << 23n));
    enter(hart);
    hart.setX(6, BigInt(GPF_BASE));
    hart.run(1);
    expect(hart.readCsrBig(CSR.scause)).toBe(21n);
    expect(hart.readCsrBig(CSR.stval)).toBe(BigInt(GPF_BASE + 8));
    expect(hart.readCsrBig(CSR.htval)).toBe(BigInt(GPF_BASE + 8 + GPF_GPA_DELTA) >> 2n);
    expect(hart.readCsrBig(CSR.htinst)).toBe(0x2283n); // lw x5, 0(x0)
    expect(hart.readCsrBig(CSR.hstatus) & HS.GVA).toBe(HS.GVA);
    // The store, then a fetch from the window.
    hart.writeCsrBig(CSR.sepc, BigInt(GUEST_PC + 4));
    hart.writeCsrBig(CSR.hstatus, hart.readCsrBig(CSR.hstatus) | HS.SPV);
    hart.sret();
    hart.run(1);
    expect(hart.readCsrBig(CSR.scause)).toBe(23n);
    expect(hart.readCsrBig(CSR.htinst)).toBe(0x00503023n); // sd x5, 0(x0)
    hart.writeCsrBig(CSR.sepc, BigInt(GPF_BASE + 0x20));
    hart.writeCsrBig(CSR.hstatus, hart.readCsrBig(CSR.hstatus) | HS.SPV);
    hart.sret();
    hart.run(1);
    expect(hart.readCsrBig(CSR.scause)).toBe(20n);
    expect(hart.readCsrBig(CSR.stval)).toBe(BigInt(GPF_BASE + 0x20));
    expect(hart.readCsrBig(CSR.htinst)).toBe(0n);
  });

  it('a guest-page fault taken into M-mode writes mtval2 and mtinst, and mstatus.GVA', () => {
    const { hart } = hvHart([asm.load(3, 5, 6, 0)]);
    enter(hart);
    hart.setX(6, BigInt(GPF_BASE));
    hart.run(1);
    expect(hart.readCsrBig(CSR.mcause)).toBe(21n);
    expect(hart.readCsrBig(CSR.mtval2)).toBe(BigInt(GPF_BASE + GPF_GPA_DELTA) >> 2n);
    expect(hart.readCsrBig(CSR.mtinst)).toBe(0x3283n);
    expect(hart.readCsrBig(CSR.mstatus) & (GVA_M | MPV)).toBe(GVA_M | MPV);
  });

  it('htinst of a compressed load has bits 1:0 = 01 and the expanded rd', () => {
    // c.lw a0, 0(a1) = 0x4188
    const { hart } = hvHart([{ c: 0x4188 }]);
    hart.writeCsrBig(CSR.medeleg, 1n << 21n);
    enter(hart);
    hart.setX(11, BigInt(GPF_BASE));
    hart.run(1);
    expect(hart.readCsrBig(CSR.scause)).toBe(21n);
    expect(hart.readCsrBig(CSR.htinst)).toBe(0x2501n); // lw a0, 0(x0) with bit 1 cleared
  });

  it('htinst of a misaligned load that faults on its second page carries the address offset', () => {
    const { hart } = hvHart([asm.load(3, 5, 6, 0)]);
    hart.writeCsrBig(CSR.medeleg, 1n << 21n);
    enter(hart);
    hart.setX(6, BigInt(GPF_RAM - 3));
    hart.run(1);
    expect(hart.readCsrBig(CSR.scause)).toBe(21n);
    expect(hart.readCsrBig(CSR.stval)).toBe(BigInt(GPF_RAM));
    expect(hart.readCsrBig(CSR.htval)).toBe(BigInt(GPF_RAM + GPF_GPA_DELTA) >> 2n);
    expect(hart.readCsrBig(CSR.htinst)).toBe(BigInt(0x3283 | (3 << 15))); // ld x5 with offset 3
  });

  it('htinst of an AMO keeps everything but rs1', () => {
    const amo = asm.amo(0x00, 3, 5, 6, 7); // amoadd.d x5, x7, (x6)
    const { hart } = hvHart([amo]);
    hart.writeCsrBig(CSR.medeleg, 1n << 23n);
    enter(hart);
    hart.setX(6, BigInt(GPF_BASE));
    hart.run(1);
    expect(hart.readCsrBig(CSR.scause)).toBe(23n);
    expect(hart.readCsrBig(CSR.htinst)).toBe(BigInt((amo & ~(0x1f << 15)) >>> 0));
  });
});

describe('virtual-instruction exceptions (cause 22)', () => {
  /** Runs `inst` in VS-mode (or VU) with virtual-instruction and illegal traps delegated to HS; returns scause. */
  function cause(inst: number, setup: (h: RiscvHart) => void = () => {}, vu = false): bigint {
    const { hart } = hvHart([inst]);
    hart.writeCsrBig(CSR.medeleg, (1n << 22n) | (1n << 2n));
    setup(hart);
    enter(hart, vu);
    hart.run(1);
    expect(hart.virt).toBe(false);
    if (hart.readCsrBig(CSR.scause) === 22n) expect(hart.readCsrBig(CSR.stval)).toBe(BigInt(inst));
    return hart.readCsrBig(CSR.scause);
  }
  it('hypervisor and VS CSRs from VS-mode; M CSRs are illegal; S CSRs from VU-mode', () => {
    expect(cause(csrr(5, CSR.hstatus))).toBe(22n);
    expect(cause(csrr(5, CSR.vsstatus))).toBe(22n);
    expect(cause(csrr(5, CSR.hgatp))).toBe(22n);
    expect(cause(csrr(5, 0x6ff))).toBe(2n); // no such hypervisor CSR
    expect(cause(csrr(5, CSR.mstatus))).toBe(2n);
    expect(cause(csrr(5, CSR.sstatus), undefined, true)).toBe(22n);
    expect(cause(csrw(CSR.hgeip, 5))).toBe(2n); // a write HS could not do either
  });
  it('WFI in VU-mode, and in VS-mode with VTW; illegal with mstatus.TW', () => {
    expect(cause(asm.wfi, undefined, true)).toBe(22n);
    expect(cause(asm.wfi, (h) => h.writeCsrBig(CSR.hstatus, HS.VTW))).toBe(22n);
    expect(cause(asm.wfi, (h) => h.writeCsrBig(CSR.mstatus, 1n << 21n))).toBe(2n);
  });
  it('SRET in VU-mode and with VTSR; SFENCE.VMA and satp with VTVM', () => {
    expect(cause(asm.sret, undefined, true)).toBe(22n);
    expect(cause(asm.sret, (h) => h.writeCsrBig(CSR.hstatus, HS.VTSR))).toBe(22n);
    expect(cause(SFENCE_VMA, (h) => h.writeCsrBig(CSR.hstatus, HS.VTVM))).toBe(22n);
    expect(cause(SFENCE_VMA, undefined, true)).toBe(22n);
    expect(cause(csrr(5, CSR.satp), (h) => h.writeCsrBig(CSR.hstatus, HS.VTVM))).toBe(22n);
  });
  it('HLV, HSV and HFENCE at V=1', () => {
    expect(cause(HLV_W(5, 6))).toBe(22n);
    expect(cause(hsv(0x35, 5, 6), undefined, true)).toBe(22n);
    expect(cause(HFENCE_GVMA)).toBe(22n);
    expect(cause(HFENCE_VVMA, undefined, true)).toBe(22n);
  });
  it('counters: hcounteren clear with mcounteren set; illegal when mcounteren is clear', () => {
    expect(cause(csrr(5, CSR.cycle), (h) => h.writeCsrBig(CSR.mcounteren, 1n))).toBe(22n);
    expect(cause(csrr(5, CSR.cycle))).toBe(2n);
    const vuCycle = (h: RiscvHart) => {
      h.writeCsrBig(CSR.mcounteren, 1n);
      h.writeCsrBig(CSR.hcounteren, 1n);
    };
    expect(cause(csrr(5, CSR.cycle), vuCycle, true)).toBe(22n); // scounteren clear
  });
  it('an FP instruction with vsstatus.FS off is illegal at V=1; one that runs makes vsstatus dirty', () => {
    const fmv = 0xf0000053; // fmv.w.x f0, x0
    expect(cause(fmv, (h) => h.writeCsrBig(CSR.mstatus, 1n << 13n))).toBe(2n);
    const { hart } = hvHart([fmv]);
    hart.writeCsrBig(CSR.mstatus, 1n << 13n);
    hart.writeCsrBig(CSR.vsstatus, 1n << 13n);
    enter(hart);
    hart.run(1);
    expect(hart.pc).toBe(GUEST_PC + 4);
    expect((hart.readCsrBig(CSR.vsstatus) >> 13n) & 3n).toBe(3n);
  });
});

describe('HLV, HLVX, HSV and HFENCE at V=0', () => {
  function hsRun(insts: number[], hstatus: bigint, priv = 1) {
    const { hart, tr, view, bus } = hvHart([]);
    for (const [i, w] of insts.entries()) view.setUint32(i * 4, w, true);
    hart.writeCsrBig(CSR.hstatus, hstatus);
    hart.writeCsrBig(CSR.medeleg, (1n << 2n) | (1n << 21n) | (1n << 23n));
    hart.pc = RAM_BASE;
    hart.priv = priv as 0 | 1 | 3;
    return { hart, tr, view, bus };
  }
  it('use the V=1 translation at hstatus.SPVP and extend like loads', () => {
    const { hart, tr, view } = hsRun([HLV_W(5, 6), hlv(0x34, 1, 7, 6), hlv(0x30, 0, 8, 6)], HS.SPVP);
    view.setUint32(0x2000, 0x8000_00f0, true);
    hart.setX(6, BigInt(RAM_BASE + 0x2000));
    hart.run(3);
    expect(hart.getX(5)).toBe(-0x7fff_ff10n);
    expect(hart.getX(7)).toBe(0x8000_00f0n);
    expect(hart.getX(8)).toBe(-0x10n);
    const last = tr.virtCalls.at(-1)!;
    expect(last).toEqual({ va: RAM_BASE + 0x2000, access: 1, priv: 1, flags: TRANSLATE_VIRT });
    expect(hart.virt).toBe(false);
  });
  it('HLVX asks for execute permission; HSV stores; SPVP=0 means VU', () => {
    const { hart, tr, view } = hsRun([hlv(0x32, 3, 5, 6), hsv(0x37, 7, 6)], 0n);
    view.setUint16(0x2000, 0xbeef, true);
    hart.setX(6, BigInt(RAM_BASE + 0x2000));
    hart.setX(7, 0x1122_3344_5566_7788n);
    hart.run(2);
    expect(hart.getX(5)).toBe(0xbeefn);
    expect(tr.virtCalls[0]).toEqual({
      va: RAM_BASE + 0x2000,
      access: 1,
      priv: 0,
      flags: TRANSLATE_VIRT | TRANSLATE_HLVX,
    });
    expect(view.getBigUint64(0x2000, true)).toBe(0x1122_3344_5566_7788n);
    expect(tr.virtCalls[1]!.access).toBe(2);
  });
  it('in U-mode need hstatus.HU; HFENCE is never allowed in U-mode', () => {
    expect(hsRun([HLV_W(5, 6)], 0n, 0).hart.run(1) && 0).toBe(0);
    const a = hsRun([HLV_W(5, 6)], 0n, 0);
    a.hart.setX(6, BigInt(RAM_BASE + 0x2000));
    a.hart.run(1);
    expect(a.hart.readCsrBig(CSR.scause)).toBe(2n);
    const b = hsRun([HLV_W(5, 6)], HS.HU, 0);
    b.hart.setX(6, BigInt(RAM_BASE + 0x2000));
    b.hart.run(1);
    expect(b.hart.pc).toBe(RAM_BASE + 4);
    const c = hsRun([HFENCE_VVMA], HS.HU, 0);
    c.hart.run(1);
    expect(c.hart.readCsrBig(CSR.scause)).toBe(2n);
  });
  it('a fault in HLV reports a guest virtual address: GVA=1 with SPV=0, htinst keeps rd', () => {
    const { hart } = hsRun([HLV_W(5, 6)], HS.SPVP);
    hart.setX(6, BigInt(GPF_BASE + 4));
    hart.run(1);
    expect(hart.readCsrBig(CSR.scause)).toBe(21n);
    expect(hart.readCsrBig(CSR.stval)).toBe(BigInt(GPF_BASE + 4));
    const hs = hart.readCsrBig(CSR.hstatus);
    expect(hs & (HS.GVA | HS.SPV)).toBe(HS.GVA);
    expect(hart.readCsrBig(CSR.htinst)).toBe(BigInt(HLV_W(5, 0)));
  });
  it('HFENCE.VVMA and HFENCE.GVMA reach the translator; GVMA is illegal in HS with mstatus.TVM', () => {
    const { hart, tr } = hsRun([HFENCE_VVMA, HFENCE_GVMA, HFENCE_GVMA], 0n);
    hart.run(2);
    expect([tr.vvma, tr.gvma]).toEqual([1, 1]);
    hart.writeCsrBig(CSR.mstatus, 1n << 20n);
    hart.run(1);
    expect(hart.readCsrBig(CSR.scause)).toBe(2n);
    hart.hfenceGvma();
    hart.hfenceVvma();
    expect([tr.vvma, tr.gvma]).toEqual([2, 2]);
  });
});

describe('Sstc under H: vstimecmp', () => {
  const STCE = 1n << 63n;
  it('raises hip.VSTIP when time + htimedelta reaches vstimecmp, with henvcfg.STCE', () => {
    const { hart } = hvHart([]);
    hart.writeCsrBig(CSR.henvcfg, STCE);
    expect(hart.readCsrBig(CSR.henvcfg)).toBe(0n); // read-only zero while menvcfg.STCE = 0
    hart.writeCsrBig(CSR.menvcfg, STCE);
    hart.writeCsrBig(CSR.henvcfg, STCE | 1n);
    expect(hart.readCsrBig(CSR.henvcfg)).toBe(STCE | 1n);
    hart.writeCsrBig(CSR.vstimecmp, 995n); // time is 1000
    expect(hart.readCsrBig(CSR.hip) & 0x40n).toBe(0x40n);
    expect(hart.readCsrBig(CSR.hvip)).toBe(0n); // not hvip's bit
    hart.writeCsrBig(CSR.vstimecmp, 2000n);
    expect(hart.readCsrBig(CSR.hip) & 0x40n).toBe(0n);
    expect(hart.timerDeadline()).toBe(2000);
    hart.writeCsrBig(CSR.htimedelta, 1500n);
    expect(hart.readCsrBig(CSR.hip) & 0x40n).toBe(0x40n);
    expect(hart.timerDeadline()).toBe(500);
  });
  it('stimecmp at V=1 is vstimecmp; without henvcfg.STCE or hcounteren.TM it is a virtual instruction', () => {
    const setup = (h: RiscvHart, stce: boolean, tm: boolean) => {
      h.writeCsrBig(CSR.menvcfg, STCE);
      h.writeCsrBig(CSR.mcounteren, 2n);
      if (stce) h.writeCsrBig(CSR.henvcfg, STCE);
      if (tm) h.writeCsrBig(CSR.hcounteren, 2n);
      h.writeCsrBig(CSR.medeleg, 1n << 22n);
    };
    const { hart } = hvHart([csrw(CSR.stimecmp, 5)]);
    setup(hart, true, true);
    enter(hart);
    hart.setX(5, 123456n);
    hart.run(1);
    expect(hart.readCsrBig(CSR.vstimecmp)).toBe(123456n);
    expect(hart.readCsrBig(CSR.stimecmp)).toBe((1n << 64n) - 1n);
    for (const [stce, tm] of [
      [false, true],
      [true, false],
    ] as const) {
      const { hart: h } = hvHart([csrw(CSR.stimecmp, 5)]);
      setup(h, stce, tm);
      enter(h);
      h.run(1);
      expect(h.readCsrBig(CSR.scause)).toBe(22n);
    }
  });
});

describe('VS interrupts', () => {
  const SPIN = asm.jal(0, 0);
  it('hvip.VSTIP delegated by hideleg reaches VS-mode as a supervisor timer interrupt (cause 5)', () => {
    const { hart } = hvHart([SPIN]);
    hart.writeCsrBig(CSR.hideleg, 0x40n);
    hart.writeCsrBig(CSR.vsstatus, SIE);
    hart.writeCsrBig(CSR.vsie, 0x20n);
    hart.writeCsrBig(CSR.hvip, 0x40n);
    enter(hart);
    hart.run(2);
    expect(hart.virt).toBe(true);
    expect(hart.pc).toBe(VSTVEC);
    expect(hart.readCsrBig(CSR.vscause)).toBe(INT | 5n);
  });
  it('is masked by vsstatus.SIE in VS-mode, not in VU-mode, and never taken at V=0', () => {
    const { hart } = hvHart([SPIN]);
    hart.writeCsrBig(CSR.hideleg, 0x400n);
    hart.writeCsrBig(CSR.hie, 0x400n);
    hart.writeCsrBig(CSR.hvip, 0x400n);
    enter(hart);
    hart.run(3);
    expect(hart.pc).toBe(GUEST_PC);
    const { hart: vu } = hvHart([SPIN]);
    vu.writeCsrBig(CSR.hideleg, 0x400n);
    vu.writeCsrBig(CSR.hie, 0x400n);
    vu.writeCsrBig(CSR.hvip, 0x400n);
    vu.writeCsrBig(CSR.vstvec, BigInt(VSTVEC) | 1n); // vectored: cause 9 -> +36
    enter(vu, true);
    vu.run(2);
    expect(vu.pc).toBe(VSTVEC + 36);
    expect(vu.readCsrBig(CSR.vscause)).toBe(INT | 9n);
    const { hart: hs, view } = hvHart([]);
    view.setUint32(0x6000, asm.addi(0, 0, 0), true);
    hs.writeCsrBig(CSR.hideleg, 0x400n);
    hs.writeCsrBig(CSR.hie, 0x400n);
    hs.writeCsrBig(CSR.hvip, 0x400n);
    hs.writeCsrBig(CSR.sstatus, SIE);
    hs.priv = 1;
    hs.pc = RAM_BASE + 0x6000;
    hs.run(1);
    expect(hs.pc).toBe(RAM_BASE + 0x6004);
  });
  it('not delegated by hideleg, a VS interrupt goes to HS even with sstatus.SIE=0 when V=1', () => {
    const { hart } = hvHart([SPIN]);
    hart.writeCsrBig(CSR.hie, 0x4n);
    hart.writeCsrBig(CSR.hvip, 0x4n);
    enter(hart);
    hart.run(2);
    expect(hart.virt).toBe(false);
    expect(hart.pc).toBe(STVEC);
    expect(hart.readCsrBig(CSR.scause)).toBe(INT | 2n);
    expect(hart.readCsrBig(CSR.hstatus) & HS.SPV).toBe(HS.SPV);
  });
  it('HS interrupts preempt VS-mode regardless of vsstatus.SIE', () => {
    const { hart } = hvHart([SPIN]);
    hart.writeCsrBig(CSR.mideleg, 0x20n);
    hart.writeCsrBig(CSR.mie, 0x20n);
    hart.setPending(IRQ.STIP, true);
    enter(hart);
    hart.run(2);
    expect(hart.priv).toBe(1);
    expect(hart.virt).toBe(false);
    expect(hart.readCsrBig(CSR.scause)).toBe(INT | 5n);
  });
});

describe('hsTrapHook (the native type-1 hypervisor contract)', () => {
  it('serves an ecall from VS-mode and an emulated MMIO load (guest-page fault) and resumes the guest', () => {
    const seen: {
      cause: number;
      interrupt: boolean;
      virt: boolean;
      pc: number;
      htval: bigint;
      htinst: bigint;
    }[] = [];
    const mmio = 0xcafe_f00dn;
    const hook: HartOptions['hsTrapHook'] = (h, cause, interrupt) => {
      seen.push({
        cause,
        interrupt,
        virt: h.virt,
        pc: h.pc,
        htval: h.readCsrBig(CSR.htval),
        htinst: h.readCsrBig(CSR.htinst),
      });
      if (cause === CAUSE.ECALL_VS) {
        h.setX(10, h.getX(17) + 1n); // "SBI": a0 = a7 + 1
      } else if (cause === CAUSE.LOAD_GUEST_PAGE_FAULT) {
        const tinst = Number(h.readCsrBig(CSR.htinst));
        const gpa = (h.readCsrBig(CSR.htval) << 2n) | (h.readCsrBig(CSR.stval) & 3n);
        expect(gpa).toBe(BigInt(GPF_BASE + GPF_GPA_DELTA));
        h.setX((tinst >>> 7) & 31, BigInt.asIntN(32, mmio)); // an emulated lw
      } else return false;
      const len =
        cause === CAUSE.LOAD_GUEST_PAGE_FAULT && (Number(h.readCsrBig(CSR.htinst)) & 2) === 0 ? 2n : 4n;
      h.writeCsrBig(CSR.sepc, h.readCsrBig(CSR.sepc) + len);
      h.sret();
      return true;
    };
    const { hart } = hvHart(
      [asm.addi(17, 0, 41), asm.ecall, asm.load(2, 12, 6, 0), asm.addi(13, 12, 1), asm.jal(0, 0)],
      {
        hsTrapHook: hook,
      },
    );
    hart.writeCsrBig(CSR.medeleg, (1n << 10n) | (1n << 21n));
    enter(hart);
    hart.setX(6, BigInt(GPF_BASE));
    hart.run(6);
    expect(seen).toEqual([
      { cause: 10, interrupt: false, virt: false, pc: STVEC, htval: 0n, htinst: 0n },
      {
        cause: 21,
        interrupt: false,
        virt: false,
        pc: STVEC,
        htval: BigInt(GPF_BASE + GPF_GPA_DELTA) >> 2n,
        htinst: 0x2603n, // lw a2, 0(x0)
      },
    ]);
    expect(hart.virt).toBe(true);
    expect(hart.priv).toBe(1);
    expect(hart.getX(10)).toBe(42n);
    expect(hart.getX(12)).toBe(BigInt.asIntN(32, mmio));
    expect(hart.getX(13)).toBe(BigInt.asIntN(32, mmio) + 1n);
    expect(hart.pc).toBe(GUEST_PC + 16);
  });

  it('may park the hart in HS-mode instead of resuming the guest', () => {
    const { hart, view } = hvHart([asm.ecall], {
      hsTrapHook: (h) => {
        h.pc = RAM_BASE + 0x6000; // an idle loop in HS-mode
        return true;
      },
    });
    view.setUint32(0x6000, asm.jal(0, 0), true);
    hart.writeCsrBig(CSR.medeleg, 1n << 10n);
    enter(hart);
    hart.run(3);
    expect(hart.virt).toBe(false);
    expect(hart.priv).toBe(1);
    expect(hart.pc).toBe(RAM_BASE + 0x6000);
  });

  it('is not called for traps to M or to VS; returning false leaves the hart at stvec', () => {
    let calls = 0;
    const { hart } = hvHart([asm.ecall], {
      hsTrapHook: () => {
        calls++;
        return false;
      },
    });
    enter(hart);
    hart.run(1);
    expect(calls).toBe(0); // went to M
    const { hart: h2 } = hvHart([asm.ecall], {
      hsTrapHook: () => {
        calls++;
        return false;
      },
    });
    h2.writeCsrBig(CSR.medeleg, 1n << 10n);
    enter(h2);
    h2.run(1);
    expect(calls).toBe(1);
    expect(h2.pc).toBe(STVEC);
    expect(h2.priv).toBe(1);
  });

  it('sees interrupts too, with interrupt = true', () => {
    const got: [number, boolean][] = [];
    const { hart } = hvHart([asm.jal(0, 0)], {
      hsTrapHook: (_h, c, i) => {
        got.push([c, i]);
        return false;
      },
    });
    hart.writeCsrBig(CSR.hie, 0x400n);
    hart.writeCsrBig(CSR.hvip, 0x400n);
    enter(hart);
    hart.run(1);
    expect(got).toEqual([[10, true]]);
  });
});
