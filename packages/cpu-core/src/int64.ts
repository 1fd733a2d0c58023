/**
 * 64-bit integer helpers over lo/hi Int32 pairs, the representation DESIGN.md
 * measured fastest for the interpreter. Results land in `r.lo` / `r.hi` so that
 * nothing is allocated per call.
 */
export const r = { lo: 0, hi: 0 };

const TWO32 = 4294967296;

/** The signed 64-bit value of a pair as a JS number (exact while |value| < 2^53). */
export function toNum(lo: number, hi: number): number {
  return hi * TWO32 + (lo >>> 0);
}

/** Splits an integer-valued number into a pair (two's complement, exact for |v| < 2^53). */
export function fromNum(v: number): void {
  r.lo = v | 0;
  r.hi = Math.floor(v / TWO32) | 0;
}

/** The pair as a signed bigint (slow path). */
export function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

/** Sets r from a bigint, truncated to 64 bits. */
export function fromBig(v: bigint): void {
  // `| 0`: Number() of a bigint is a heap number, which would turn r's fields into doubles.
  r.lo = Number(BigInt.asIntN(32, v)) | 0;
  r.hi = Number(BigInt.asIntN(32, v >> 32n)) | 0;
}

/** Low 64 bits of a 64 x 64 product. */
export function mul64(al: number, ah: number, bl: number, bh: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  r.lo = ((mid & 0xffff) << 16) | (p00 & 0xffff);
  const hi32 = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  r.hi = (hi32 + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
}

/** High 64 bits of the unsigned 128-bit product, with 16-bit limbs (no bigint). */
export function mulhu(al: number, ah: number, bl: number, bh: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const a2 = ah & 0xffff;
  const a3 = ah >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const b2 = bh & 0xffff;
  const b3 = bh >>> 16;
  // Column sums stay below 2^35: exact in doubles.
  let c = a0 * b0;
  c = Math.floor(c / 65536) + a0 * b1 + a1 * b0;
  c = Math.floor(c / 65536) + a0 * b2 + a1 * b1 + a2 * b0;
  c = Math.floor(c / 65536) + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  c = Math.floor(c / 65536) + a1 * b3 + a2 * b2 + a3 * b1;
  const l4 = c % 65536;
  c = Math.floor(c / 65536) + a2 * b3 + a3 * b2;
  const l5 = c % 65536;
  c = Math.floor(c / 65536) + a3 * b3;
  const l6 = c % 65536;
  const l7 = Math.floor(c / 65536) % 65536;
  r.lo = l4 | (l5 << 16);
  r.hi = l6 | (l7 << 16);
}

/** High 64 bits of the signed x signed product. */
export function mulh(al: number, ah: number, bl: number, bh: number): void {
  mulhu(al, ah, bl, bh);
  let lo = r.lo;
  let hi = r.hi;
  if (ah < 0) {
    const s = (lo >>> 0) - (bl >>> 0);
    hi = (hi - bh - (s < 0 ? 1 : 0)) | 0;
    lo = s | 0;
  }
  if (bh < 0) {
    const s = (lo >>> 0) - (al >>> 0);
    hi = (hi - ah - (s < 0 ? 1 : 0)) | 0;
    lo = s | 0;
  }
  r.lo = lo;
  r.hi = hi;
}

/** High 64 bits of signed a x unsigned b. */
export function mulhsu(al: number, ah: number, bl: number, bh: number): void {
  mulhu(al, ah, bl, bh);
  if (ah < 0) {
    const s = (r.lo >>> 0) - (bl >>> 0);
    r.hi = (r.hi - bh - (s < 0 ? 1 : 0)) | 0;
    r.lo = s | 0;
  }
}

const isSmall = (lo: number, hi: number) => hi === lo >> 31;

/**
 * DIV, DIVU, REM, REMU on 64 bits with RISC-V's results for division by zero
 * (quotient all ones, remainder the dividend) and overflow (-2^63 / -1).
 */
export function divrem(al: number, ah: number, bl: number, bh: number, signed: boolean, rem: boolean): void {
  if (bl === 0 && bh === 0) {
    if (rem) {
      r.lo = al;
      r.hi = ah;
    } else {
      r.lo = -1;
      r.hi = -1;
    }
    return;
  }
  if (signed && isSmall(al, ah) && isSmall(bl, bh)) {
    // Both fit in int32: exact in doubles. -2^31 / -1 = 2^31 is fine in 64 bits.
    const q = rem ? al % bl : Math.trunc(al / bl);
    fromNum(q === 0 ? 0 : q); // drop -0
    return;
  }
  if (!signed && ah === 0 && bh === 0) {
    const a = al >>> 0;
    const b = bl >>> 0;
    // Truncated before the store: r's fields stay small integers.
    r.lo = (rem ? a % b : Math.floor(a / b)) | 0;
    r.hi = 0;
    return;
  }
  let a = toBig(al, ah);
  let b = toBig(bl, bh);
  if (!signed) {
    a = BigInt.asUintN(64, a);
    b = BigInt.asUintN(64, b);
  } else if (a === -(1n << 63n) && b === -1n) {
    if (rem) {
      r.lo = 0;
      r.hi = 0;
    } else {
      r.lo = al;
      r.hi = ah;
    }
    return;
  }
  fromBig(rem ? a % b : a / b);
}

/** DIVW, DIVUW, REMW, REMUW: 32-bit operation, result sign-extended. Returns the low word. */
export function divrem32(a: number, b: number, signed: boolean, rem: boolean): number {
  if (b === 0) return rem ? a : -1;
  if (signed) {
    if (a === -2147483648 && b === -1) return rem ? 0 : a;
    return (rem ? a % b : Math.trunc(a / b)) | 0;
  }
  const ua = a >>> 0;
  const ub = b >>> 0;
  return (rem ? ua % ub : Math.floor(ua / ub)) | 0;
}
