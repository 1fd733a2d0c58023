/**
 * Hand-checked conversions: float to integer (rounding, saturation and its flags),
 * integer to float, and between the two formats. Per-mode rows are RNE, RTZ, RDN, RUP, RMM.
 */
import { describe, expect, it } from 'vitest';
import { FFlags, nanBox32, SoftFloat, unbox32 } from './index.js';
import { f32, f64, withFlags } from './test-util.js';

const { NX, UF, OF, NV } = FFlags;
const UX = UF | NX;
const OX = OF | NX;

type Result = number | bigint;
type Row = readonly [Result, number];

function modes<T extends Result>(op: (sf: SoftFloat, rm: number) => T): [T, number][] {
  return [0, 1, 2, 3, 4].map((rm) => withFlags((sf) => op(sf, rm)));
}

function same<T extends Result>(r: T, f: number): [T, number][] {
  return [0, 1, 2, 3, 4].map(() => [r, f]);
}

const I32_MAX = 0x7fffffff;
const I32_MIN = -0x80000000;
const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);
const U64_MAX = 2n ** 64n - 1n;

describe('float to integer rounding: 0.5, 1.5, 2.5 and their negatives', () => {
  // RNE, RTZ, RDN, RUP, RMM
  const table: [number, number[]][] = [
    [0.5, [0, 0, 0, 1, 1]],
    [1.5, [2, 1, 1, 2, 2]],
    [2.5, [2, 2, 2, 3, 3]],
    [-0.5, [0, 0, -1, 0, -1]],
    [-1.5, [-2, -1, -2, -1, -2]],
    [-2.5, [-2, -2, -3, -2, -3]],
    [0.75, [1, 0, 0, 1, 1]],
    [-0.25, [0, 0, -1, 0, 0]],
  ];
  for (const [x, want] of table) {
    it(`${x}`, () => {
      const rows = want.map((v) => [v, NX]);
      expect(modes((sf, rm) => sf.f32ToI32(f32(x), rm))).toEqual(rows);
      expect(modes((sf, rm) => sf.f64ToI32(f64(x), rm))).toEqual(rows);
      const rows64 = want.map((v) => [BigInt(v), NX]);
      expect(modes((sf, rm) => sf.f32ToI64(f32(x), rm))).toEqual(rows64);
      expect(modes((sf, rm) => sf.f64ToI64(f64(x), rm))).toEqual(rows64);
    });
  }

  it('unsigned: a negative value that rounds to 0 is inexact, one that rounds to -1 is invalid', () => {
    const want: Row[] = [
      [0, NX],
      [0, NX],
      [0, NV],
      [0, NX],
      [0, NV],
    ];
    expect(modes((sf, rm) => sf.f32ToU32(f32(-0.5), rm))).toEqual(want);
    expect(modes((sf, rm) => sf.f64ToU32(f64(-0.5), rm))).toEqual(want);
    const want64 = want.map(([, fl]) => [0n, fl]);
    expect(modes((sf, rm) => sf.f32ToU64(f32(-0.5), rm))).toEqual(want64);
    expect(modes((sf, rm) => sf.f64ToU64(f64(-0.5), rm))).toEqual(want64);
    // The smallest negative subnormal: only RDN reaches -1.
    expect(modes((sf, rm) => sf.f64ToU64(0x8000000000000001n, rm))).toEqual([
      [0n, NX],
      [0n, NX],
      [0n, NV],
      [0n, NX],
      [0n, NX],
    ]);
    expect(modes((sf, rm) => sf.f32ToU32(f32(2.5), rm))).toEqual([
      [2, NX],
      [2, NX],
      [2, NX],
      [3, NX],
      [3, NX],
    ]);
  });

  it('-0.0 converts to 0 with no flags, signed or not', () => {
    expect(modes((sf, rm) => sf.f32ToI32(0x80000000, rm))).toEqual(same(0, 0));
    expect(modes((sf, rm) => sf.f32ToU32(0x80000000, rm))).toEqual(same(0, 0));
    expect(modes((sf, rm) => sf.f64ToI64(0x8000000000000000n, rm))).toEqual(same(0n, 0));
    expect(modes((sf, rm) => sf.f64ToU64(0x8000000000000000n, rm))).toEqual(same(0n, 0));
  });

  it('-0.49999999999999994 (where x - floor(x) would round to 0.5) rounds to 0 to nearest', () => {
    expect(modes((sf, rm) => sf.f64ToI64(0xbfdfffffffffffffn, rm))).toEqual([
      [0n, NX],
      [0n, NX],
      [-1n, NX],
      [0n, NX],
      [0n, NX],
    ]);
    expect(modes((sf, rm) => sf.f64ToU32(0xbfdfffffffffffffn, rm))).toEqual([
      [0, NX],
      [0, NX],
      [0, NV],
      [0, NX],
      [0, NX],
    ]);
  });

  it('W results are plain int32 numbers, never -0', () => {
    // -0.25 rounds to -0 in every mode but RDN; the result must still be +0 (Object.is).
    for (let rm = 0; rm < 5; rm++) {
      const want = rm === 2 ? -1 : 0;
      expect(Object.is(new SoftFloat().f64ToI32(f64(-0.25), rm), want)).toBe(true);
      expect(Object.is(new SoftFloat().f32ToI32(f32(-0.25), rm), want)).toBe(true);
      expect(Object.is(new SoftFloat().f32ToU32(f32(-0.25), rm), 0)).toBe(true);
      expect(Object.is(new SoftFloat().f64ToU32(0x8000000000000000n, rm), 0)).toBe(true);
    }
  });

  it('a tiny positive value', () => {
    expect(modes((sf, rm) => sf.f64ToI32(1n, rm))).toEqual([
      [0, NX],
      [0, NX],
      [0, NX],
      [1, NX],
      [0, NX],
    ]);
  });
});

describe('float to integer saturation (spec table)', () => {
  it('FCVT.W.S', () => {
    expect(modes((sf, rm) => sf.f32ToI32(0x4f000000, rm))).toEqual(same(I32_MAX, NV)); // 2^31
    expect(modes((sf, rm) => sf.f32ToI32(0x4effffff, rm))).toEqual(same(2147483520, 0));
    expect(modes((sf, rm) => sf.f32ToI32(0xcf000000, rm))).toEqual(same(I32_MIN, 0)); // -2^31
    expect(modes((sf, rm) => sf.f32ToI32(0xcf000001, rm))).toEqual(same(I32_MIN, NV));
    expect(modes((sf, rm) => sf.f32ToI32(0x7f800000, rm))).toEqual(same(I32_MAX, NV));
    expect(modes((sf, rm) => sf.f32ToI32(0xff800000, rm))).toEqual(same(I32_MIN, NV));
    // Every NaN, whatever its sign, gives the positive limit.
    expect(modes((sf, rm) => sf.f32ToI32(0x7fc00000, rm))).toEqual(same(I32_MAX, NV));
    expect(modes((sf, rm) => sf.f32ToI32(0xffc00000, rm))).toEqual(same(I32_MAX, NV));
    expect(modes((sf, rm) => sf.f32ToI32(0xff800001, rm))).toEqual(same(I32_MAX, NV));
    expect(modes((sf, rm) => sf.f32ToI32(0x7f7fffff, rm))).toEqual(same(I32_MAX, NV));
  });

  it('FCVT.WU.S (results as the sign-extended int32)', () => {
    expect(modes((sf, rm) => sf.f32ToU32(0x4f7fffff, rm))).toEqual(same(0xffffff00 | 0, 0));
    expect(modes((sf, rm) => sf.f32ToU32(0x4f800000, rm))).toEqual(same(-1, NV)); // 2^32
    expect(modes((sf, rm) => sf.f32ToU32(0xbf800000, rm))).toEqual(same(0, NV)); // -1
    expect(modes((sf, rm) => sf.f32ToU32(0xff800000, rm))).toEqual(same(0, NV));
    expect(modes((sf, rm) => sf.f32ToU32(0x7f800000, rm))).toEqual(same(-1, NV));
    expect(modes((sf, rm) => sf.f32ToU32(0xffc00000, rm))).toEqual(same(-1, NV));
    expect(modes((sf, rm) => sf.f32ToU32(0x4f000000, rm))).toEqual(same(I32_MIN, 0)); // 2^31 fits
  });

  it('FCVT.L.S / FCVT.LU.S', () => {
    expect(modes((sf, rm) => sf.f32ToI64(0x5f000000, rm))).toEqual(same(I64_MAX, NV)); // 2^63
    expect(modes((sf, rm) => sf.f32ToI64(0x5effffff, rm))).toEqual(same(2n ** 63n - 2n ** 39n, 0));
    expect(modes((sf, rm) => sf.f32ToI64(0xdf000000, rm))).toEqual(same(I64_MIN, 0));
    expect(modes((sf, rm) => sf.f32ToI64(0xdf000001, rm))).toEqual(same(I64_MIN, NV));
    expect(modes((sf, rm) => sf.f32ToI64(0x7fc00000, rm))).toEqual(same(I64_MAX, NV));
    expect(modes((sf, rm) => sf.f32ToI64(0xff800000, rm))).toEqual(same(I64_MIN, NV));
    expect(modes((sf, rm) => sf.f32ToU64(0x5f800000, rm))).toEqual(same(U64_MAX, NV)); // 2^64
    expect(modes((sf, rm) => sf.f32ToU64(0x5f7fffff, rm))).toEqual(same(2n ** 64n - 2n ** 40n, 0));
    expect(modes((sf, rm) => sf.f32ToU64(0xbf800000, rm))).toEqual(same(0n, NV));
    expect(modes((sf, rm) => sf.f32ToU64(0x7f800001, rm))).toEqual(same(U64_MAX, NV));
  });

  it('FCVT.W.D around 2^31 - 0.5 and -2^31 - 0.5, where the mode decides validity', () => {
    // 2147483647.5: a tie between the odd 2^31-1 and the even 2^31 (out of range).
    expect(modes((sf, rm) => sf.f64ToI32(0x41dfffffffe00000n, rm))).toEqual([
      [I32_MAX, NV],
      [I32_MAX, NX],
      [I32_MAX, NX],
      [I32_MAX, NV],
      [I32_MAX, NV],
    ]);
    // -2147483648.5: a tie between the even -2^31 and the odd, out-of-range -2^31-1.
    expect(modes((sf, rm) => sf.f64ToI32(0xc1e0000000100000n, rm))).toEqual([
      [I32_MIN, NX],
      [I32_MIN, NX],
      [I32_MIN, NV],
      [I32_MIN, NX],
      [I32_MIN, NV],
    ]);
    // 4294967295.5 to unsigned: the result is always 0xffffffff, the flags tell which.
    expect(modes((sf, rm) => sf.f64ToU32(0x41effffffff00000n, rm))).toEqual([
      [-1, NV],
      [-1, NX],
      [-1, NX],
      [-1, NV],
      [-1, NV],
    ]);
  });

  it('FCVT.L.D / FCVT.LU.D', () => {
    expect(modes((sf, rm) => sf.f64ToI64(0x43e0000000000000n, rm))).toEqual(same(I64_MAX, NV));
    expect(modes((sf, rm) => sf.f64ToI64(0x43dfffffffffffffn, rm))).toEqual(same(2n ** 63n - 1024n, 0));
    expect(modes((sf, rm) => sf.f64ToI64(0xc3e0000000000000n, rm))).toEqual(same(I64_MIN, 0));
    expect(modes((sf, rm) => sf.f64ToI64(0xc3e0000000000001n, rm))).toEqual(same(I64_MIN, NV));
    expect(modes((sf, rm) => sf.f64ToI64(0xfff8000000000000n, rm))).toEqual(same(I64_MAX, NV));
    expect(modes((sf, rm) => sf.f64ToU64(0x43f0000000000000n, rm))).toEqual(same(U64_MAX, NV));
    expect(modes((sf, rm) => sf.f64ToU64(0x43efffffffffffffn, rm))).toEqual(same(2n ** 64n - 2048n, 0));
    expect(modes((sf, rm) => sf.f64ToU64(0xfff0000000000000n, rm))).toEqual(same(0n, NV));
    expect(modes((sf, rm) => sf.f64ToU64(0x7fefffffffffffffn, rm))).toEqual(same(U64_MAX, NV));
  });
});

describe('integer to float', () => {
  it('rounds 2^24 + 1 and 2^24 + 3 (ties) to binary32', () => {
    expect(modes((sf, rm) => sf.i32ToF32(16777217, rm))).toEqual([
      [0x4b800000, NX],
      [0x4b800000, NX],
      [0x4b800000, NX],
      [0x4b800001, NX],
      [0x4b800001, NX],
    ]);
    expect(modes((sf, rm) => sf.i32ToF32(16777219, rm))).toEqual([
      [0x4b800002, NX],
      [0x4b800001, NX],
      [0x4b800001, NX],
      [0x4b800002, NX],
      [0x4b800002, NX],
    ]);
    expect(modes((sf, rm) => sf.i32ToF32(-16777217, rm))).toEqual([
      [0xcb800000, NX],
      [0xcb800000, NX],
      [0xcb800001, NX],
      [0xcb800000, NX],
      [0xcb800001, NX],
    ]);
  });

  it('converts the 32-bit extremes', () => {
    expect(modes((sf, rm) => sf.i32ToF32(0, rm))).toEqual(same(0, 0));
    expect(modes((sf, rm) => sf.i32ToF32(I32_MIN, rm))).toEqual(same(0xcf000000, 0));
    expect(modes((sf, rm) => sf.i32ToF32(I32_MAX, rm))).toEqual([
      [0x4f000000, NX],
      [0x4effffff, NX],
      [0x4effffff, NX],
      [0x4f000000, NX],
      [0x4f000000, NX],
    ]);
    const uMax: Row[] = [
      [0x4f800000, NX],
      [0x4f7fffff, NX],
      [0x4f7fffff, NX],
      [0x4f800000, NX],
      [0x4f800000, NX],
    ];
    expect(modes((sf, rm) => sf.u32ToF32(0xffffffff, rm))).toEqual(uMax);
    expect(modes((sf, rm) => sf.u32ToF32(-1, rm))).toEqual(uMax);
    expect(modes((sf, rm) => sf.i32ToF64(-1, rm))).toEqual(same(0xbff0000000000000n, 0));
    expect(modes((sf, rm) => sf.i32ToF64(I32_MIN, rm))).toEqual(same(0xc1e0000000000000n, 0));
    expect(modes((sf, rm) => sf.u32ToF64(0xffffffff, rm))).toEqual(same(0x41efffffffe00000n, 0));
  });

  it('converts the 64-bit extremes', () => {
    expect(modes((sf, rm) => sf.i64ToF32(I64_MIN, rm))).toEqual(same(0xdf000000, 0));
    expect(modes((sf, rm) => sf.u64ToF32(U64_MAX, rm))).toEqual([
      [0x5f800000, NX],
      [0x5f7fffff, NX],
      [0x5f7fffff, NX],
      [0x5f800000, NX],
      [0x5f800000, NX],
    ]);
    expect(modes((sf, rm) => sf.i64ToF64(2n ** 53n + 1n, rm))).toEqual([
      [0x4340000000000000n, NX],
      [0x4340000000000000n, NX],
      [0x4340000000000000n, NX],
      [0x4340000000000001n, NX],
      [0x4340000000000001n, NX],
    ]);
    expect(modes((sf, rm) => sf.i64ToF64(I64_MIN, rm))).toEqual(same(0xc3e0000000000000n, 0));
    // An unsigned pattern passed to the signed conversion is read as int64.
    expect(modes((sf, rm) => sf.i64ToF64(U64_MAX, rm))).toEqual(same(0xbff0000000000000n, 0));
    expect(modes((sf, rm) => sf.u64ToF64(U64_MAX, rm))).toEqual([
      [0x43f0000000000000n, NX],
      [0x43efffffffffffffn, NX],
      [0x43efffffffffffffn, NX],
      [0x43f0000000000000n, NX],
      [0x43f0000000000000n, NX],
    ]);
    expect(modes((sf, rm) => sf.u64ToF64(0n, rm))).toEqual(same(0n, 0));
  });
});

describe('binary64 <-> binary32', () => {
  it('FCVT.S.D rounds by mode', () => {
    expect(modes((sf, rm) => sf.f64ToF32(0x3fd5555555555555n, rm))).toEqual([
      [0x3eaaaaab, NX],
      [0x3eaaaaaa, NX],
      [0x3eaaaaaa, NX],
      [0x3eaaaaab, NX],
      [0x3eaaaaab, NX],
    ]);
    expect(modes((sf, rm) => sf.f64ToF32(0x7fefffffffffffffn, rm))).toEqual([
      [0x7f800000, OX],
      [0x7f7fffff, OX],
      [0x7f7fffff, OX],
      [0x7f800000, OX],
      [0x7f800000, OX],
    ]);
    // binary32 MAX + half its ulp: a tie whose even neighbour is 2^128.
    expect(modes((sf, rm) => sf.f64ToF32(0x47effffff0000000n, rm))).toEqual([
      [0x7f800000, OX],
      [0x7f7fffff, NX],
      [0x7f7fffff, NX],
      [0x7f800000, OX],
      [0x7f800000, OX],
    ]);
    // 2^-150, half the smallest binary32 subnormal.
    expect(modes((sf, rm) => sf.f64ToF32(0x3690000000000000n, rm))).toEqual([
      [0, UX],
      [0, UX],
      [0, UX],
      [1, UX],
      [1, UX],
    ]);
    expect(modes((sf, rm) => sf.f64ToF32(0x47efffffe0000000n, rm))).toEqual(same(0x7f7fffff, 0));
    expect(modes((sf, rm) => sf.f64ToF32(0x8000000000000000n, rm))).toEqual(same(0x80000000, 0));
    expect(modes((sf, rm) => sf.f64ToF32(0xfff0000000000000n, rm))).toEqual(same(0xff800000, 0));
  });

  it('FCVT.S.D and FCVT.D.S canonicalize NaNs', () => {
    expect(modes((sf, rm) => sf.f64ToF32(0x7ff0000000000001n, rm))).toEqual(same(0x7fc00000, NV));
    expect(modes((sf, rm) => sf.f64ToF32(0xfff8000000000123n, rm))).toEqual(same(0x7fc00000, 0));
    expect(withFlags((sf) => sf.f32ToF64(0x7f800001))).toEqual([0x7ff8000000000000n, NV]);
    expect(withFlags((sf) => sf.f32ToF64(0xffc00001))).toEqual([0x7ff8000000000000n, 0]);
  });

  it('FCVT.D.S is exact', () => {
    expect(withFlags((sf) => sf.f32ToF64(0x00000001))).toEqual([0x36a0000000000000n, 0]);
    expect(withFlags((sf) => sf.f32ToF64(0x80000000))).toEqual([0x8000000000000000n, 0]);
    expect(withFlags((sf) => sf.f32ToF64(0x3fc00000))).toEqual([0x3ff8000000000000n, 0]);
    expect(withFlags((sf) => sf.f32ToF64(0xff800000))).toEqual([0xfff0000000000000n, 0]);
  });
});

describe('NaN boxing helpers', () => {
  it('boxes and unboxes', () => {
    expect(nanBox32(0x3f800000)).toBe(0xffffffff3f800000n);
    expect(unbox32(0xffffffff3f800000n)).toBe(0x3f800000);
    expect(unbox32(0x000000003f800000n)).toBe(0x7fc00000);
    expect(unbox32(0xfffffffe3f800000n)).toBe(0x7fc00000);
  });
});
