// Test support: a hart on bare RAM with an identity translator, plus a tiny
// assembler written from the spec's encoding tables (independent of decode/table.ts).
import { type AccessSize, BUS_FAULT, type GuestPhysAddr, type PhysicalBus } from '@hvkit/interfaces';
import { type HartOptions, RiscvHart } from '../hart.js';
import { IdentityTranslator } from '../warmup.js';

export const RAM_BASE = 0x8000_0000;

/** RAM at 0x8000_0000 plus one MMIO scratch word at 0x1000_0000 that records writes. */
export class TestBus implements PhysicalBus {
  readonly ram;
  readonly mmioWrites: [number, number, number][] = [];
  mmioValue = 0x12345678;
  constructor(size = 1 << 20) {
    this.ram = { base: RAM_BASE as GuestPhysAddr, size, bytes: new Uint8Array(size) };
  }
  read(addr: GuestPhysAddr, size: AccessSize): number {
    if (addr >= 0x1000_0000 && addr + size <= 0x1000_0008) {
      const shift = (addr - 0x1000_0000) * 8;
      return size === 4 ? this.mmioValue >>> 0 : (this.mmioValue >>> shift) & ((1 << (size * 8)) - 1);
    }
    return BUS_FAULT;
  }
  write(addr: GuestPhysAddr, size: AccessSize, value: number): boolean {
    if (addr >= 0x1000_0000 && addr + size <= 0x1000_0008) {
      this.mmioWrites.push([addr, size, value]);
      return true;
    }
    return false;
  }
}

/** A hart with `program` (32-bit words or 16-bit halves) at RAM_BASE. */
export function hartWith(
  program: (number | { c: number })[],
  opts: { time?: () => number; hook?: HartOptions['machineTrapHook'] } = {},
) {
  const bus = new TestBus();
  let off = 0;
  for (const w of program) {
    if (typeof w === 'number') {
      new DataView(bus.ram.bytes.buffer).setUint32(off, w >>> 0, true);
      off += 4;
    } else {
      new DataView(bus.ram.bytes.buffer).setUint16(off, w.c, true);
      off += 2;
    }
  }
  const tr = new IdentityTranslator();
  const hart = new RiscvHart({
    hartId: 0,
    bus,
    translator: tr,
    ...(opts.time ? { readTime: opts.time } : {}),
    ...(opts.hook ? { machineTrapHook: opts.hook } : {}),
  });
  return { hart, bus, tr, view: new DataView(bus.ram.bytes.buffer) };
}

/** Runs until the hart executes `ebreak`-free `budget` instructions or returns early. */
export function steps(hart: RiscvHart, n: number) {
  return hart.run(n);
}

// ---- a tiny assembler: encodings from unpriv/rv-32-64g.adoc ----
const R = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number) =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const I = (imm: number, rs1: number, f3: number, rd: number, op: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const S = (imm: number, rs2: number, rs1: number, f3: number, op: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op) >>> 0;
const B = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 12) & 1) << 31) |
    (((imm >> 5) & 0x3f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((imm >> 1) & 0xf) << 8) |
    (((imm >> 11) & 1) << 7) |
    0x63) >>>
  0;

export const asm = {
  lui: (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0,
  auipc: (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0,
  jal: (rd: number, imm: number) =>
    ((((imm >> 20) & 1) << 31) |
      (((imm >> 1) & 0x3ff) << 21) |
      (((imm >> 11) & 1) << 20) |
      (((imm >> 12) & 0xff) << 12) |
      (rd << 7) |
      0x6f) >>>
    0,
  jalr: (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x67),
  beq: (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 0),
  bne: (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 1),
  blt: (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 4),
  bge: (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 5),
  bltu: (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 6),
  bgeu: (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 7),
  load: (f3: number, rd: number, rs1: number, imm: number) => I(imm, rs1, f3, rd, 0x03),
  store: (f3: number, rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, f3, 0x23),
  opimm: (f3: number, rd: number, rs1: number, imm: number) => I(imm, rs1, f3, rd, 0x13),
  addi: (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x13),
  addiw: (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x1b),
  shift: (f3: number, f6: number, rd: number, rs1: number, sh: number) =>
    I((f6 << 6) | sh, rs1, f3, rd, 0x13),
  shiftw: (f3: number, f7: number, rd: number, rs1: number, sh: number) =>
    I((f7 << 5) | sh, rs1, f3, rd, 0x1b),
  op: (f7: number, f3: number, rd: number, rs1: number, rs2: number) => R(f7, rs2, rs1, f3, rd, 0x33),
  op32: (f7: number, f3: number, rd: number, rs1: number, rs2: number) => R(f7, rs2, rs1, f3, rd, 0x3b),
  amo: (f5: number, f3: number, rd: number, rs1: number, rs2: number) => R(f5 << 2, rs2, rs1, f3, rd, 0x2f),
  csr: (f3: number, rd: number, csr: number, rs1: number) => I(csr, rs1, f3, rd, 0x73),
  ecall: 0x00000073,
  ebreak: 0x00100073,
  mret: 0x30200073,
  sret: 0x10200073,
  wfi: 0x10500073,
  fencei: 0x0000100f,
  fence: 0x0ff0000f,
};
