// Test helper: a few RV64 instruction encoders (unprivileged spec, chapter "RV32I Base
// Integer Instruction Set", formats R/I/S/B/U/J) for hand-made board test programs.

/** ABI register numbers used by the tests. */
export const R = {
  zero: 0,
  ra: 1,
  sp: 2,
  t0: 5,
  t1: 6,
  t2: 7,
  s0: 8,
  s1: 9,
  a0: 10,
  a1: 11,
  a2: 12,
  a3: 13,
  a4: 14,
  a5: 15,
  a6: 16,
  a7: 17,
  s2: 18,
  s3: 19,
  s4: 20,
  s5: 21,
} as const;

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

export const ecall = () => 0x0000_0073;
export const sret = () => 0x1020_0073;
export const mret = () => 0x3020_0073;
/** jal rd, offset (J-type). */
export function jal(rd: number, offset: number): number {
  const imm = offset & 0x1f_ffff;
  return (
    ((((imm >> 20) & 1) << 31) |
      (((imm >> 1) & 0x3ff) << 21) |
      (((imm >> 11) & 1) << 20) |
      (((imm >> 12) & 0xff) << 12) |
      (rd << 7) |
      0x6f) >>>
    0
  );
}

/** One word whose encoding depends on where a label is (offset from this word's address). */
type Fixup = (offset: number) => number;

/**
 * A tiny two-pass assembler over the encoders above: words, labels, and words that
 * refer to labels (branches, jumps, auipc-relative addresses).
 */
export class Asm {
  private readonly items: (number | { readonly fixup: Fixup; readonly label: string })[] = [];
  private readonly labels = new Map<string, number>();

  /** Appends instructions (or data words). */
  emit(...words: (number | number[])[]): this {
    for (const w of words.flat()) this.items.push(w);
    return this;
  }

  /** Defines `name` at the current position. */
  label(name: string): this {
    this.labels.set(name, this.items.length * 4);
    return this;
  }

  /** Appends one word built from the offset to `label` (relative to this word). */
  to(label: string, fixup: Fixup): this {
    this.items.push({ fixup, label });
    return this;
  }

  /** `la rd, label`: auipc + addi (the label within ±2 KiB). */
  la(rd: number, label: string): this {
    this.emit(auipc(rd, 0));
    return this.to(label, (off) => addi(rd, rd, off + 4));
  }

  /** Zero words up to a multiple of `bytes`. */
  align(bytes: number): this {
    while ((this.items.length * 4) % bytes !== 0) this.items.push(0);
    return this;
  }

  /** `n` zero bytes (a multiple of 4). */
  space(n: number): this {
    for (let k = 0; k < n; k += 4) this.items.push(0);
    return this;
  }

  /** ASCII bytes, NUL-padded to a multiple of 4. */
  ascii(text: string): this {
    const bytes = Buffer.from(text, 'latin1');
    for (let k = 0; k < bytes.length; k += 4) {
      this.items.push(
        (bytes[k]! |
          ((bytes[k + 1] ?? 0) << 8) |
          ((bytes[k + 2] ?? 0) << 16) |
          ((bytes[k + 3] ?? 0) << 24)) >>>
          0,
      );
    }
    return this;
  }

  /** The little-endian bytes, labels resolved. */
  bytes(): Uint8Array {
    const words = this.items.map((item, k) => {
      if (typeof item === 'number') return item;
      const at = this.labels.get(item.label);
      if (at === undefined) throw new Error(`asm: no label ${item.label}`);
      return item.fixup(at - k * 4);
    });
    return program(words);
  }
}

/**
 * The 64-byte RISC-V Linux Image header as 16 words: `j 64` over the header, then
 * text_offset, image_size, flags 0, version 0.2, both magics. Code follows at +64.
 */
export function linuxImageHeader(imageSize: number, textOffset = 0x20_0000): number[] {
  return [
    jal(0, 64),
    0,
    textOffset,
    0,
    imageSize,
    0,
    0,
    0,
    0x2, // version 0.2
    0,
    0,
    0,
    0x4353_4952, // "RISC"
    0x56, // "V\0\0\0"
    0x0543_5352, // "RSC\x05"
    0,
  ];
}
