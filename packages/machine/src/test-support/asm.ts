// Test helper: a few RV64 instruction encoders (unprivileged spec, chapter "RV32I Base
// Integer Instruction Set", formats R/I/S/B/U/J) for hand-made board test programs.

/** ABI register numbers used by the tests. */
export const R = { zero: 0, ra: 1, sp: 2, t0: 5, t1: 6, t2: 7, a0: 10, a1: 11 } as const;

const i = (imm: number, rs1: number, f3: number, rd: number, op: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const s = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | 0x23) >>> 0;

export const addi = (rd: number, rs1: number, imm: number) => i(imm, rs1, 0, rd, 0x13);
export const slli = (rd: number, rs1: number, shamt: number) => i(shamt & 0x3f, rs1, 1, rd, 0x13);
export const add = (rd: number, rs1: number, rs2: number) =>
  ((rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33) >>> 0;
export const lui = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0;
export const auipc = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0;
export const lbu = (rd: number, rs1: number, imm: number) => i(imm, rs1, 4, rd, 0x03);
export const ld = (rd: number, rs1: number, imm: number) => i(imm, rs1, 3, rd, 0x03);
export const lw = (rd: number, rs1: number, imm: number) => i(imm, rs1, 2, rd, 0x03);
export const sb = (rs2: number, rs1: number, imm: number) => s(imm, rs2, rs1, 0);
export const sw = (rs2: number, rs1: number, imm: number) => s(imm, rs2, rs1, 2);
export const sd = (rs2: number, rs1: number, imm: number) => s(imm, rs2, rs1, 3);
export const andi = (rd: number, rs1: number, imm: number) => i(imm, rs1, 7, rd, 0x13);
/** csrrs rd, csr, rs1 (csrr when rs1 = 0, csrs when rd = 0). */
export const csrrs = (rd: number, csr: number, rs1: number) => i(csr, rs1, 2, rd, 0x73);
/** csrrw rd, csr, rs1 (csrw when rd = 0). */
export const csrrw = (rd: number, csr: number, rs1: number) => i(csr, rs1, 1, rd, 0x73);
export const wfi = () => 0x1050_0073;
/** `j .`: an infinite loop. */
export const spin = () => 0x0000_006f;

/** Branch to `offset` bytes from this instruction (B-type, funct3 selects beq/bne/...). */
function branch(f3: number, rs1: number, rs2: number, offset: number): number {
  const imm = offset & 0x1fff;
  return (
    ((((imm >> 12) & 1) << 31) |
      (((imm >> 5) & 0x3f) << 25) |
      (rs2 << 20) |
      (rs1 << 15) |
      (f3 << 12) |
      (((imm >> 1) & 0xf) << 8) |
      (((imm >> 11) & 1) << 7) |
      0x63) >>>
    0
  );
}
export const beq = (rs1: number, rs2: number, offset: number) => branch(0, rs1, rs2, offset);
export const bne = (rs1: number, rs2: number, offset: number) => branch(1, rs1, rs2, offset);

/** `li rd, value` for a signed 32-bit value: lui + addi (two instructions). */
export function li(rd: number, value: number): number[] {
  const hi = ((value + 0x800) >> 12) & 0xfffff;
  const lo = value - (((value + 0x800) >> 12) << 12);
  return [lui(rd, hi), addi(rd, rd, lo)];
}

/** Little-endian bytes of a list of 32-bit instructions. */
export function program(...words: (number | number[])[]): Uint8Array {
  const flat = words.flat();
  const bytes = new Uint8Array(flat.length * 4);
  const view = new DataView(bytes.buffer);
  for (const [k, w] of flat.entries()) view.setUint32(k * 4, w, true);
  return bytes;
}
