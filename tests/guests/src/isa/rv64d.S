/* isa-rv64d: every RV64D instruction (double precision), checked for its
 * result bits and the exact fflags (NV DZ OF UF NX) after each operation,
 * plus the compressed c.fld / c.fsd / c.fldsp / c.fsdsp, fcvt.s.d / fcvt.d.s
 * and binary32 values (NaN-boxed) in the 64-bit f registers.
 * Expected values were worked out from IEEE 754-2008 and the RISC-V F/D
 * chapters (canonical NaN 0x7ff8000000000000, tininess detected after
 * rounding, fmin/fmax of 2.2, the fcvt saturation table), and cross-checked
 * on QEMU. In the comments "ulp" is the ulp of 1.0 (2^-52) and "tie, even
 * below" says the exact result is halfway and the smaller-magnitude neighbour
 * is even.
 *   1-6     fld / fsd / fmv.x.d / fmv.d.x / c.fld / c.fsd / c.fldsp / c.fsdsp:
 *           64-bit patterns unchanged, no flags; x0 and f0 as destinations
 *   7-40    fadd/fsub/fmul/fdiv/fsqrt in each static rounding mode and dyn
 *           (frm = rdn), fflags exact
 *   41-45   fadd/fsub special cases: signed zeros, infinities, NaNs,
 *           subnormals, overflow
 *   46-58   fmul special cases: overflow / underflow by rounding mode,
 *           tininess after rounding
 *   59-62   fdiv / fsqrt special cases
 *   63-68   fmadd / fmsub / fnmsub / fnmadd
 *   69-70   fsgnj / fsgnjn / fsgnjx (no flags, NaN payloads kept)
 *   71-74   fmin / fmax: -0 < +0, one NaN operand -> the other, NV on sNaN,
 *           two NaNs -> canonical
 *   75-77   feq / flt / fle: quiet vs signalling comparisons
 *   78-79   fclass: all 10 classes
 *   80-85   fcvt.w/l/wu/lu.d: 0.5, 1.5, 2.5, -2.5 (-0.5 unsigned) in each
 *           rounding mode and dyn (frm = rmm)
 *   86-90   fcvt.w/wu/l/lu.d out of range, inf and NaN: saturate and NV (no
 *           NX), -0.0 -> 0
 *   91-93   fcvt.d.w/wu/l/lu: NX on inexact, W forms read the low 32 bits
 *   94-99   fcvt.s.d in each rounding mode and dyn (frm = rup); the result is
 *           NaN-boxed
 *   100-104 fcvt.s.d overflow, underflow, NaN, infinities and zeros
 *   105     fcvt.d.s: exact (no flags, subnormals become normal), NaNs ->
 *           canonical, NV for sNaN
 *   106-108 binary32 values in the 64-bit registers (NaN-boxing seen from D)
 *   109-110 reserved rounding modes, binary64 instructions (illegal
 *           instruction; environment p only)
 *   111-112 mstatus.FS with binary64 instructions (environment p only)
 * The last two groups (reserved rounding modes, mstatus.FS) are in the p image
 * only: the body installs its own M-mode trap handler (fp_trap) for them.
 */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN

  /* ---- fld / fsd / fmv.x.d / fmv.d.x / c.fld / c.fsd / c.fldsp / c.fsdsp:
   * 64-bit patterns unchanged, no flags; x0 and f0 as destinations ---- */
  /* fld: offsets, negative offset, an sNaN pattern is loaded unchanged */
  FTEST(1)
  FP_CHECK_F(0, 0xfedcba9876543210, la x1, cdat; fld f4, 0(x1))
  FP_CHECK_F(0, 0x0123456789abcdef, la x1, cdat + 256; fld f4, -8(x1))
  FP_CHECK_F(0, 0x7ff0000000000001, la x1, cdat; fld f4, 504(x1))
  /* fsd writes 64 bits, neighbours kept; fsd of a binary32 value stores its
   * NaN-boxed pattern */
  FTEST(2)
  la x1, cst
  li x2, -1
  sd x2, 0(x1)
  sd x2, 8(x1)
  sd x2, 16(x1)
  FLI_D(f1, 0x8000000000000000)
  fsd f1, 8(x1)
  ld x14, 0(x1)
  CHECK(x14, -1)
  ld x14, 8(x1)
  CHECK(x14, 0x8000000000000000)
  ld x14, 16(x1)
  CHECK(x14, -1)
  FLI_S(f2, 0x40490fdb)
  addi x1, x1, 32
  fsd f2, -8(x1)
  ld x14, -8(x1)
  CHECK(x14, 0xffffffff40490fdb)
  la x1, cdat
  flw f3, 16(x1)
  la x1, cst
  fsd f3, 32(x1)
  ld x14, 32(x1)
  CHECK(x14, BOX(0x3f800000))
  /* fmv.d.x / fmv.x.d move all 64 bits (NaN payloads, -0), no flags */
  FTEST(3)
  FP_CHECK_F(0, 0x7ff0000000000001, li x1, 0x7ff0000000000001; fmv.d.x f4, x1)
  FP_CHECK_X(0, 0xfff8000000012345, FLI_D(f1, 0xfff8000000012345); fmv.x.d x14, f1)
  FP_CHECK_X(0, 0x8000000000000000, FLI_D(f1, 0x8000000000000000); fmv.x.d x14, f1)
  /* x0 as the integer destination (fmv.x.d, fcvt.l.d, fle.d) stays 0; f0 is an
   * ordinary register */
  FTEST(4)
  FLI_D(f1, 0xbff0000000000000)
  fmv.x.d x0, f1
  fcvt.l.d x0, f1, rtz
  fle.d x0, f1, f1
  CHECK(x0, 0)
  la x1, cdat
  fld f0, 0(x1)
  fmv.x.d x14, f0
  CHECK(x14, 0xfedcba9876543210)
  fadd.d f0, f1, f1
  fmv.x.d x14, f0
  CHECK(x14, 0xc000000000000000)
  /* c.fld / c.fsd (base x8-x15, f8-f15, offsets 0 .. 248) */
  FTEST(5)
  la a0, cdat
  c.fld f8, 248(a0)
  fmv.x.d x14, f8
  CHECK(x14, 0x0123456789abcdef)
  c.fld f15, 0(a0)
  fmv.x.d x14, f15
  CHECK(x14, 0xfedcba9876543210)
  la a5, cst
  sd zero, 232(a5)
  sd zero, 248(a5)
  c.fsd f8, 240(a5)
  c.fsd f15, 8(a5)
  ld x14, 240(a5)
  CHECK(x14, 0x0123456789abcdef)
  ld x14, 8(a5)
  CHECK(x14, 0xfedcba9876543210)
  ld x14, 232(a5)
  CHECK(x14, 0)
  ld x14, 248(a5)
  CHECK(x14, 0)
  /* c.fldsp / c.fsdsp (any f register, offsets 0 .. 504) */
  FTEST(6)
  la sp, cdat
  c.fldsp f20, 504(sp)
  fmv.x.d x14, f20
  CHECK(x14, 0x7ff0000000000001)
  c.fldsp f1, 0(sp)
  fmv.x.d x14, f1
  CHECK(x14, 0xfedcba9876543210)
  la sp, cst
  c.fsdsp f20, 504(sp)
  c.fsdsp f1, 496(sp)
  ld x14, 504(sp)
  CHECK(x14, 0x7ff0000000000001)
  ld x14, 496(sp)
  CHECK(x14, 0xfedcba9876543210)

  /* ---- fadd/fsub/fmul/fdiv/fsqrt in each static rounding mode and dyn (frm =
   * rdn), fflags exact ---- */
  /* fadd: 1 + ulp/2 (tie, even below); -(1+ulp) - ulp/2 (tie, odd below); 1 +
   * 3/4 ulp (above half) */
  FTEST(7)
  D_OP2(fadd.d, rne, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000)
  D_OP2(fadd.d, rne, NX, 0xbff0000000000002, 0xbff0000000000001, 0xbca0000000000000)
  D_OP2(fadd.d, rne, NX, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ca8000000000000)
  FTEST(8)
  D_OP2(fadd.d, rtz, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000)
  D_OP2(fadd.d, rtz, NX, 0xbff0000000000001, 0xbff0000000000001, 0xbca0000000000000)
  D_OP2(fadd.d, rtz, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca8000000000000)
  FTEST(9)
  D_OP2(fadd.d, rdn, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000)
  D_OP2(fadd.d, rdn, NX, 0xbff0000000000002, 0xbff0000000000001, 0xbca0000000000000)
  D_OP2(fadd.d, rdn, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca8000000000000)
  FTEST(10)
  D_OP2(fadd.d, rup, NX, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ca0000000000000)
  D_OP2(fadd.d, rup, NX, 0xbff0000000000001, 0xbff0000000000001, 0xbca0000000000000)
  D_OP2(fadd.d, rup, NX, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ca8000000000000)
  FTEST(11)
  D_OP2(fadd.d, rmm, NX, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ca0000000000000)
  D_OP2(fadd.d, rmm, NX, 0xbff0000000000002, 0xbff0000000000001, 0xbca0000000000000)
  D_OP2(fadd.d, rmm, NX, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ca8000000000000)
  fsrmi 2  /* frm = rdn */
  FTEST(12)
  D_OP2(fadd.d, dyn, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000)
  D_OP2(fadd.d, dyn, NX, 0xbff0000000000002, 0xbff0000000000001, 0xbca0000000000000)
  D_OP2(fadd.d, dyn, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca8000000000000)
  fsrmi 0
  /* fsub: 3 - (-ulp(3)/2) (tie, even below); -1 - (1 - ulp/2) = -(2 - ulp/2)
   * (tie, odd below); 1 - ulp/8 (above half) */
  FTEST(13)
  D_OP2(fsub.d, rne, NX, 0x4008000000000000, 0x4008000000000000, 0xbcb0000000000000)
  D_OP2(fsub.d, rne, NX, 0xc000000000000000, 0xbff0000000000000, 0x3fefffffffffffff)
  D_OP2(fsub.d, rne, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3c80000000000000)
  FTEST(14)
  D_OP2(fsub.d, rtz, NX, 0x4008000000000000, 0x4008000000000000, 0xbcb0000000000000)
  D_OP2(fsub.d, rtz, NX, 0xbfffffffffffffff, 0xbff0000000000000, 0x3fefffffffffffff)
  D_OP2(fsub.d, rtz, NX, 0x3fefffffffffffff, 0x3ff0000000000000, 0x3c80000000000000)
  FTEST(15)
  D_OP2(fsub.d, rdn, NX, 0x4008000000000000, 0x4008000000000000, 0xbcb0000000000000)
  D_OP2(fsub.d, rdn, NX, 0xc000000000000000, 0xbff0000000000000, 0x3fefffffffffffff)
  D_OP2(fsub.d, rdn, NX, 0x3fefffffffffffff, 0x3ff0000000000000, 0x3c80000000000000)
  FTEST(16)
  D_OP2(fsub.d, rup, NX, 0x4008000000000001, 0x4008000000000000, 0xbcb0000000000000)
  D_OP2(fsub.d, rup, NX, 0xbfffffffffffffff, 0xbff0000000000000, 0x3fefffffffffffff)
  D_OP2(fsub.d, rup, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3c80000000000000)
  FTEST(17)
  D_OP2(fsub.d, rmm, NX, 0x4008000000000001, 0x4008000000000000, 0xbcb0000000000000)
  D_OP2(fsub.d, rmm, NX, 0xc000000000000000, 0xbff0000000000000, 0x3fefffffffffffff)
  D_OP2(fsub.d, rmm, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3c80000000000000)
  fsrmi 2  /* frm = rdn */
  FTEST(18)
  D_OP2(fsub.d, dyn, NX, 0x4008000000000000, 0x4008000000000000, 0xbcb0000000000000)
  D_OP2(fsub.d, dyn, NX, 0xc000000000000000, 0xbff0000000000000, 0x3fefffffffffffff)
  D_OP2(fsub.d, dyn, NX, 0x3fefffffffffffff, 0x3ff0000000000000, 0x3c80000000000000)
  fsrmi 0
  /* fmul: (1+2^-26)(1+2^-27) = 1 + 2^-26 + 2^-27 + ulp/2 (tie, even below);
   * -(1+ulp) * 1.5 (tie, odd below); (1+3ulp) * 1.25 (above half) */
  FTEST(19)
  D_OP2(fmul.d, rne, NX, 0x3ff0000006000000, 0x3ff0000004000000, 0x3ff0000002000000)
  D_OP2(fmul.d, rne, NX, 0xbff8000000000002, 0xbff0000000000001, 0x3ff8000000000000)
  D_OP2(fmul.d, rne, NX, 0x3ff4000000000004, 0x3ff0000000000003, 0x3ff4000000000000)
  FTEST(20)
  D_OP2(fmul.d, rtz, NX, 0x3ff0000006000000, 0x3ff0000004000000, 0x3ff0000002000000)
  D_OP2(fmul.d, rtz, NX, 0xbff8000000000001, 0xbff0000000000001, 0x3ff8000000000000)
  D_OP2(fmul.d, rtz, NX, 0x3ff4000000000003, 0x3ff0000000000003, 0x3ff4000000000000)
  FTEST(21)
  D_OP2(fmul.d, rdn, NX, 0x3ff0000006000000, 0x3ff0000004000000, 0x3ff0000002000000)
  D_OP2(fmul.d, rdn, NX, 0xbff8000000000002, 0xbff0000000000001, 0x3ff8000000000000)
  D_OP2(fmul.d, rdn, NX, 0x3ff4000000000003, 0x3ff0000000000003, 0x3ff4000000000000)
  FTEST(22)
  D_OP2(fmul.d, rup, NX, 0x3ff0000006000001, 0x3ff0000004000000, 0x3ff0000002000000)
  D_OP2(fmul.d, rup, NX, 0xbff8000000000001, 0xbff0000000000001, 0x3ff8000000000000)
  D_OP2(fmul.d, rup, NX, 0x3ff4000000000004, 0x3ff0000000000003, 0x3ff4000000000000)
  FTEST(23)
  D_OP2(fmul.d, rmm, NX, 0x3ff0000006000001, 0x3ff0000004000000, 0x3ff0000002000000)
  D_OP2(fmul.d, rmm, NX, 0xbff8000000000002, 0xbff0000000000001, 0x3ff8000000000000)
  D_OP2(fmul.d, rmm, NX, 0x3ff4000000000004, 0x3ff0000000000003, 0x3ff4000000000000)
  fsrmi 2  /* frm = rdn */
  FTEST(24)
  D_OP2(fmul.d, dyn, NX, 0x3ff0000006000000, 0x3ff0000004000000, 0x3ff0000002000000)
  D_OP2(fmul.d, dyn, NX, 0xbff8000000000002, 0xbff0000000000001, 0x3ff8000000000000)
  D_OP2(fmul.d, dyn, NX, 0x3ff4000000000003, 0x3ff0000000000003, 0x3ff4000000000000)
  fsrmi 0
  /* fdiv: 5/3 (above half); -1/3 (below half, negative); 2/3 (below half) */
  FTEST(25)
  D_OP2(fdiv.d, rne, NX, 0x3ffaaaaaaaaaaaab, 0x4014000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, rne, NX, 0xbfd5555555555555, 0xbff0000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, rne, NX, 0x3fe5555555555555, 0x4000000000000000, 0x4008000000000000)
  FTEST(26)
  D_OP2(fdiv.d, rtz, NX, 0x3ffaaaaaaaaaaaaa, 0x4014000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, rtz, NX, 0xbfd5555555555555, 0xbff0000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, rtz, NX, 0x3fe5555555555555, 0x4000000000000000, 0x4008000000000000)
  FTEST(27)
  D_OP2(fdiv.d, rdn, NX, 0x3ffaaaaaaaaaaaaa, 0x4014000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, rdn, NX, 0xbfd5555555555556, 0xbff0000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, rdn, NX, 0x3fe5555555555555, 0x4000000000000000, 0x4008000000000000)
  FTEST(28)
  D_OP2(fdiv.d, rup, NX, 0x3ffaaaaaaaaaaaab, 0x4014000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, rup, NX, 0xbfd5555555555555, 0xbff0000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, rup, NX, 0x3fe5555555555556, 0x4000000000000000, 0x4008000000000000)
  FTEST(29)
  D_OP2(fdiv.d, rmm, NX, 0x3ffaaaaaaaaaaaab, 0x4014000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, rmm, NX, 0xbfd5555555555555, 0xbff0000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, rmm, NX, 0x3fe5555555555555, 0x4000000000000000, 0x4008000000000000)
  fsrmi 2  /* frm = rdn */
  FTEST(30)
  D_OP2(fdiv.d, dyn, NX, 0x3ffaaaaaaaaaaaaa, 0x4014000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, dyn, NX, 0xbfd5555555555556, 0xbff0000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, dyn, NX, 0x3fe5555555555555, 0x4000000000000000, 0x4008000000000000)
  fsrmi 0
  /* fsqrt: sqrt 2 (above half); sqrt 3 (below half) */
  FTEST(31)
  D_OP1(fsqrt.d, rne, NX, 0x3ff6a09e667f3bcd, 0x4000000000000000)
  D_OP1(fsqrt.d, rne, NX, 0x3ffbb67ae8584caa, 0x4008000000000000)
  FTEST(32)
  D_OP1(fsqrt.d, rtz, NX, 0x3ff6a09e667f3bcc, 0x4000000000000000)
  D_OP1(fsqrt.d, rtz, NX, 0x3ffbb67ae8584caa, 0x4008000000000000)
  FTEST(33)
  D_OP1(fsqrt.d, rdn, NX, 0x3ff6a09e667f3bcc, 0x4000000000000000)
  D_OP1(fsqrt.d, rdn, NX, 0x3ffbb67ae8584caa, 0x4008000000000000)
  FTEST(34)
  D_OP1(fsqrt.d, rup, NX, 0x3ff6a09e667f3bcd, 0x4000000000000000)
  D_OP1(fsqrt.d, rup, NX, 0x3ffbb67ae8584cab, 0x4008000000000000)
  FTEST(35)
  D_OP1(fsqrt.d, rmm, NX, 0x3ff6a09e667f3bcd, 0x4000000000000000)
  D_OP1(fsqrt.d, rmm, NX, 0x3ffbb67ae8584caa, 0x4008000000000000)
  fsrmi 2  /* frm = rdn */
  FTEST(36)
  D_OP1(fsqrt.d, dyn, NX, 0x3ff6a09e667f3bcc, 0x4000000000000000)
  D_OP1(fsqrt.d, dyn, NX, 0x3ffbb67ae8584caa, 0x4008000000000000)
  fsrmi 0
  /* fadd with dyn under every other frm value (the same three cases) */
  fsrmi 0
  FTEST(37)
  D_OP2(fadd.d, dyn, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000)
  D_OP2(fadd.d, dyn, NX, 0xbff0000000000002, 0xbff0000000000001, 0xbca0000000000000)
  D_OP2(fadd.d, dyn, NX, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ca8000000000000)
  fsrmi 1
  FTEST(38)
  D_OP2(fadd.d, dyn, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000)
  D_OP2(fadd.d, dyn, NX, 0xbff0000000000001, 0xbff0000000000001, 0xbca0000000000000)
  D_OP2(fadd.d, dyn, NX, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca8000000000000)
  fsrmi 3
  FTEST(39)
  D_OP2(fadd.d, dyn, NX, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ca0000000000000)
  D_OP2(fadd.d, dyn, NX, 0xbff0000000000001, 0xbff0000000000001, 0xbca0000000000000)
  D_OP2(fadd.d, dyn, NX, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ca8000000000000)
  fsrmi 4
  FTEST(40)
  D_OP2(fadd.d, dyn, NX, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ca0000000000000)
  D_OP2(fadd.d, dyn, NX, 0xbff0000000000002, 0xbff0000000000001, 0xbca0000000000000)
  D_OP2(fadd.d, dyn, NX, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ca8000000000000)
  fsrmi 0

  /* ---- fadd/fsub special cases: signed zeros, infinities, NaNs, subnormals,
   * overflow ---- */
  /* x + (-x) = +0, but -0 in rdn; -0 + -0 = -0; +0 + -0 = +0 */
  FTEST(41)
  D_OP2(fadd.d, rne, 0, 0x0000000000000000, 0x3ff0000000000000, 0xbff0000000000000)
  D_OP2(fadd.d, rdn, 0, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000)
  D_OP2(fsub.d, rdn, 0, 0x8000000000000000, 0x3ff0000000000000, 0x3ff0000000000000)
  D_OP2(fadd.d, rne, 0, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
  D_OP2(fadd.d, rne, 0, 0x0000000000000000, 0x0000000000000000, 0x8000000000000000)
  D_OP2(fsub.d, rne, 0, 0x8000000000000000, 0x8000000000000000, 0x0000000000000000)
  /* inf - inf: NV, canonical NaN; inf + finite = inf */
  FTEST(42)
  D_OP2(fadd.d, rne, NV, 0x7ff8000000000000, 0x7ff0000000000000, 0xfff0000000000000)
  D_OP2(fsub.d, rne, NV, 0x7ff8000000000000, 0x7ff0000000000000, 0x7ff0000000000000)
  D_OP2(fadd.d, rne, 0, 0xfff0000000000000, 0xfff0000000000000, 0x7fefffffffffffff)
  /* NaN operands: result is the canonical NaN; NV only for a signalling NaN */
  FTEST(43)
  D_OP2(fadd.d, rne, 0, 0x7ff8000000000000, 0x7ff8000000012345, 0x3ff0000000000000)
  D_OP2(fadd.d, rne, 0, 0x7ff8000000000000, 0x3ff0000000000000, 0xfff8000000000000)
  D_OP2(fsub.d, rne, NV, 0x7ff8000000000000, 0x7ff0000000000001, 0x3ff0000000000000)
  D_OP2(fadd.d, rne, NV, 0x7ff8000000000000, 0x7ff8000000000000, 0xfff0000000000001)
  /* subnormal inputs and outputs, exact: no UF (tiny but exact) */
  FTEST(44)
  D_OP2(fadd.d, rne, 0, 0x0000000000000002, 0x0000000000000001, 0x0000000000000001)
  D_OP2(fsub.d, rne, 0, 0x0000000000000001, 0x0010000000000001, 0x0010000000000000)
  D_OP2(fadd.d, rne, 0, 0x0010000000000000, 0x000fffffffffffff, 0x0000000000000001)
  D_OP2(fsub.d, rne, 0, 0x800fffffffffffff, 0x0000000000000001, 0x0010000000000000)
  /* overflow of an add: inf (rne) or max finite (rtz), OF|NX; max + 1: NX only */
  FTEST(45)
  D_OP2(fadd.d, rne, OF|NX, 0x7ff0000000000000, 0x7fefffffffffffff, 0x7fefffffffffffff)
  D_OP2(fadd.d, rtz, OF|NX, 0x7fefffffffffffff, 0x7fefffffffffffff, 0x7fefffffffffffff)
  D_OP2(fadd.d, rne, NX, 0x7fefffffffffffff, 0x7fefffffffffffff, 0x3ff0000000000000)

  /* ---- fmul special cases: overflow / underflow by rounding mode, tininess
   * after rounding ---- */
  /* overflow, rne: +/-max * 2 */
  FTEST(46)
  D_OP2(fmul.d, rne, OF|NX, 0x7ff0000000000000, 0x7fefffffffffffff, 0x4000000000000000)
  D_OP2(fmul.d, rne, OF|NX, 0xfff0000000000000, 0xffefffffffffffff, 0x4000000000000000)
  FTEST(47)
  D_OP2(fmul.d, rtz, OF|NX, 0x7fefffffffffffff, 0x7fefffffffffffff, 0x4000000000000000)
  D_OP2(fmul.d, rtz, OF|NX, 0xffefffffffffffff, 0xffefffffffffffff, 0x4000000000000000)
  FTEST(48)
  D_OP2(fmul.d, rdn, OF|NX, 0x7fefffffffffffff, 0x7fefffffffffffff, 0x4000000000000000)
  D_OP2(fmul.d, rdn, OF|NX, 0xfff0000000000000, 0xffefffffffffffff, 0x4000000000000000)
  FTEST(49)
  D_OP2(fmul.d, rup, OF|NX, 0x7ff0000000000000, 0x7fefffffffffffff, 0x4000000000000000)
  D_OP2(fmul.d, rup, OF|NX, 0xffefffffffffffff, 0xffefffffffffffff, 0x4000000000000000)
  FTEST(50)
  D_OP2(fmul.d, rmm, OF|NX, 0x7ff0000000000000, 0x7fefffffffffffff, 0x4000000000000000)
  D_OP2(fmul.d, rmm, OF|NX, 0xfff0000000000000, 0xffefffffffffffff, 0x4000000000000000)
  /* underflow: +/-min subnormal * 0.5 = tie between 0 and min subnormal: UF|NX
   * in every mode */
  FTEST(51)
  D_OP2(fmul.d, rne, UF|NX, 0x0000000000000000, 0x0000000000000001, 0x3fe0000000000000)
  D_OP2(fmul.d, rne, UF|NX, 0x8000000000000000, 0x8000000000000001, 0x3fe0000000000000)
  FTEST(52)
  D_OP2(fmul.d, rtz, UF|NX, 0x0000000000000000, 0x0000000000000001, 0x3fe0000000000000)
  D_OP2(fmul.d, rtz, UF|NX, 0x8000000000000000, 0x8000000000000001, 0x3fe0000000000000)
  FTEST(53)
  D_OP2(fmul.d, rdn, UF|NX, 0x0000000000000000, 0x0000000000000001, 0x3fe0000000000000)
  D_OP2(fmul.d, rdn, UF|NX, 0x8000000000000001, 0x8000000000000001, 0x3fe0000000000000)
  FTEST(54)
  D_OP2(fmul.d, rup, UF|NX, 0x0000000000000001, 0x0000000000000001, 0x3fe0000000000000)
  D_OP2(fmul.d, rup, UF|NX, 0x8000000000000000, 0x8000000000000001, 0x3fe0000000000000)
  FTEST(55)
  D_OP2(fmul.d, rmm, UF|NX, 0x0000000000000001, 0x0000000000000001, 0x3fe0000000000000)
  D_OP2(fmul.d, rmm, UF|NX, 0x8000000000000001, 0x8000000000000001, 0x3fe0000000000000)
  /* tininess after rounding: (1 - 2^-52) * 2^emin (1 + 2^-52) = 2^emin (1 -
   * 2^-104): rounded to 53 bits with unbounded exponent it is 2^emin (not
   * tiny) in rne/rup/rmm -> NX only; 1 - 2^-53 in rtz/rdn -> tiny, UF|NX */
  FTEST(56)
  D_OP2(fmul.d, rne, NX, 0x0010000000000000, 0x3feffffffffffffe, 0x0010000000000001)
  D_OP2(fmul.d, rtz, UF|NX, 0x000fffffffffffff, 0x3feffffffffffffe, 0x0010000000000001)
  D_OP2(fmul.d, rdn, UF|NX, 0x000fffffffffffff, 0x3feffffffffffffe, 0x0010000000000001)
  D_OP2(fmul.d, rup, NX, 0x0010000000000000, 0x3feffffffffffffe, 0x0010000000000001)
  D_OP2(fmul.d, rmm, NX, 0x0010000000000000, 0x3feffffffffffffe, 0x0010000000000001)
  /* tiny and exact at 53 bits but inexact as a subnormal: (1 - 2^-53) * 2^emin
   * -> rne rounds to 2^emin with UF|NX; half min normal: exact, no flags */
  FTEST(57)
  D_OP2(fmul.d, rne, UF|NX, 0x0010000000000000, 0x3fefffffffffffff, 0x0010000000000000)
  D_OP2(fmul.d, rtz, UF|NX, 0x000fffffffffffff, 0x3fefffffffffffff, 0x0010000000000000)
  D_OP2(fmul.d, rne, 0, 0x0008000000000000, 0x0010000000000000, 0x3fe0000000000000)
  /* inf * 0: NV; -0 * x = -0; subnormal * 2^(p-1) exact */
  FTEST(58)
  D_OP2(fmul.d, rne, NV, 0x7ff8000000000000, 0x7ff0000000000000, 0x0000000000000000)
  D_OP2(fmul.d, rne, 0, 0x8000000000000000, 0x8000000000000000, 0x4014000000000000)
  D_OP2(fmul.d, rne, 0, 0x0028000000000000, 0x0000000000000003, 0x4330000000000000)
  D_OP2(fmul.d, rne, NV, 0x7ff8000000000000, 0x7ff0000000000001, 0x0000000000000000)

  /* ---- fdiv / fsqrt special cases ---- */
  /* division by zero: DZ only for a finite nonzero dividend */
  FTEST(59)
  D_OP2(fdiv.d, rne, DZ, 0x7ff0000000000000, 0x3ff0000000000000, 0x0000000000000000)
  D_OP2(fdiv.d, rne, DZ, 0xfff0000000000000, 0xbff0000000000000, 0x0000000000000000)
  D_OP2(fdiv.d, rne, DZ, 0xfff0000000000000, 0x3ff0000000000000, 0x8000000000000000)
  D_OP2(fdiv.d, rne, 0, 0x7ff0000000000000, 0x7ff0000000000000, 0x0000000000000000)
  D_OP2(fdiv.d, rne, 0, 0x7ff8000000000000, 0x7ff8000000000000, 0x0000000000000000)
  /* 0/0 and inf/inf: NV; x/inf = 0; 0/-1 = -0 */
  FTEST(60)
  D_OP2(fdiv.d, rne, NV, 0x7ff8000000000000, 0x0000000000000000, 0x0000000000000000)
  D_OP2(fdiv.d, rne, NV, 0x7ff8000000000000, 0xfff0000000000000, 0x7ff0000000000000)
  D_OP2(fdiv.d, rne, 0, 0x0000000000000000, 0x3ff0000000000000, 0x7ff0000000000000)
  D_OP2(fdiv.d, rne, 0, 0x8000000000000000, 0x0000000000000000, 0xbff0000000000000)
  /* fdiv overflow / underflow, subnormal operands */
  FTEST(61)
  D_OP2(fdiv.d, rne, OF|NX, 0x7ff0000000000000, 0x7fefffffffffffff, 0x3fe0000000000000)
  D_OP2(fdiv.d, rne, UF|NX, 0x0005555555555555, 0x0010000000000000, 0x4008000000000000)
  D_OP2(fdiv.d, rne, 0, 0x4008000000000000, 0x0000000000000003, 0x0000000000000001)
  /* fsqrt: -1 and -inf: NV; -0 = -0; +inf; NaNs; exact; subnormal operand */
  FTEST(62)
  D_OP1(fsqrt.d, rne, NV, 0x7ff8000000000000, 0xbff0000000000000)
  D_OP1(fsqrt.d, rne, NV, 0x7ff8000000000000, 0xfff0000000000000)
  D_OP1(fsqrt.d, rne, 0, 0x8000000000000000, 0x8000000000000000)
  D_OP1(fsqrt.d, rne, 0, 0x7ff0000000000000, 0x7ff0000000000000)
  D_OP1(fsqrt.d, rne, NV, 0x7ff8000000000000, 0x7ff0000000000001)
  D_OP1(fsqrt.d, rne, 0, 0x7ff8000000000000, 0x7ff8000000012345)
  D_OP1(fsqrt.d, rne, 0, 0x4000000000000000, 0x4010000000000000)
  D_OP1(fsqrt.d, rne, NX, 0x1e66a09e667f3bcd, 0x0000000000000002)
  D_OP1(fsqrt.d, rne, 0, 0x1e60000000000000, 0x0000000000000001)
  D_OP1(fsqrt.d, rup, 0, 0x1e60000000000000, 0x0000000000000001)

  /* ---- fmadd / fmsub / fnmsub / fnmadd ---- */
  /* rs1*rs2 + rs3, rs1*rs2 - rs3, -(rs1*rs2) + rs3, -(rs1*rs2) - rs3 with 2,
   * 3, 1 */
  FTEST(63)
  D_OP3(fmadd.d, rne, 0, 0x401c000000000000, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000)
  D_OP3(fmsub.d, rne, 0, 0x4014000000000000, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000)
  D_OP3(fnmsub.d, rne, 0, 0xc014000000000000, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000)
  D_OP3(fnmadd.d, rne, 0, 0xc01c000000000000, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000)
  /* one rounding: (1+2^-27)^2 - 1 = 2^-26 + 2^-54 exactly (fmul then fadd
   * gives 2^-26 with NX) */
  FTEST(64)
  D_OP3(fmadd.d, rne, 0, 0x3e50000001000000, 0x3ff0000002000000, 0x3ff0000002000000, 0xbff0000000000000)
  D_OP3(fmsub.d, rne, 0, 0x3e50000001000000, 0x3ff0000002000000, 0x3ff0000002000000, 0x3ff0000000000000)
  D_OP3(fnmsub.d, rne, 0, 0xbe50000001000000, 0x3ff0000002000000, 0x3ff0000002000000, 0x3ff0000000000000)
  D_OP3(fnmadd.d, rne, 0, 0xbe50000001000000, 0x3ff0000002000000, 0x3ff0000002000000, 0xbff0000000000000)
  /* the same with a separate fmul and fadd: two roundings */
  D_MULADD(NX, 0x3e50000000000000, 0x3ff0000002000000, 0xbff0000000000000)
  /* fmadd rounding modes: 1*(1+ulp) + ulp/2 (tie, odd below), and fnmadd of it */
  FTEST(65)
  D_OP3(fmadd.d, rne, NX, 0x3ff0000000000002, 0x3ff0000000000000, 0x3ff0000000000001, 0x3ca0000000000000)
  D_OP3(fmadd.d, rtz, NX, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ff0000000000001, 0x3ca0000000000000)
  D_OP3(fmadd.d, rdn, NX, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ff0000000000001, 0x3ca0000000000000)
  D_OP3(fmadd.d, rup, NX, 0x3ff0000000000002, 0x3ff0000000000000, 0x3ff0000000000001, 0x3ca0000000000000)
  D_OP3(fmadd.d, rmm, NX, 0x3ff0000000000002, 0x3ff0000000000000, 0x3ff0000000000001, 0x3ca0000000000000)
  D_OP3(fnmadd.d, rdn, NX, 0xbff0000000000002, 0x3ff0000000000000, 0x3ff0000000000001, 0x3ca0000000000000)
  D_OP3(fnmadd.d, rup, NX, 0xbff0000000000001, 0x3ff0000000000000, 0x3ff0000000000001, 0x3ca0000000000000)
  /* inf*0 + qNaN: NV (the spec requires it); inf*0 + 1: NV; inf*1 - inf: NV;
   * qNaN addend: no flags; sNaN: NV */
  FTEST(66)
  D_OP3(fmadd.d, rne, NV, 0x7ff8000000000000, 0x7ff0000000000000, 0x0000000000000000, 0x7ff8000000000000)
  D_OP3(fmadd.d, rne, NV, 0x7ff8000000000000, 0x0000000000000000, 0xfff0000000000000, 0x3ff0000000000000)
  D_OP3(fmsub.d, rne, NV, 0x7ff8000000000000, 0x7ff0000000000000, 0x3ff0000000000000, 0x7ff0000000000000)
  D_OP3(fmadd.d, rne, 0, 0x7ff8000000000000, 0x3ff0000000000000, 0x3ff0000000000000, 0x7ff8000000012345)
  D_OP3(fnmsub.d, rne, NV, 0x7ff8000000000000, 0x3ff0000000000000, 0x7ff0000000000001, 0x3ff0000000000000)
  /* signed zeros: 1*(-0) + 0 = +0 (-0 in rdn); fnmadd(1, 0, 0) = -0 - 0 = -0;
   * fnmsub(1, 0, 0) = +0 */
  FTEST(67)
  D_OP3(fmadd.d, rne, 0, 0x0000000000000000, 0x3ff0000000000000, 0x8000000000000000, 0x0000000000000000)
  D_OP3(fmadd.d, rdn, 0, 0x8000000000000000, 0x3ff0000000000000, 0x8000000000000000, 0x0000000000000000)
  D_OP3(fnmadd.d, rne, 0, 0x8000000000000000, 0x3ff0000000000000, 0x0000000000000000, 0x0000000000000000)
  D_OP3(fnmsub.d, rne, 0, 0x0000000000000000, 0x3ff0000000000000, 0x0000000000000000, 0x0000000000000000)
  /* fmadd overflow and a subnormal result */
  FTEST(68)
  D_OP3(fmadd.d, rne, 0, 0x7fefffffffffffff, 0x7fefffffffffffff, 0x4000000000000000, 0xffefffffffffffff)
  D_OP3(fmadd.d, rtz, OF|NX, 0x7fefffffffffffff, 0x7fefffffffffffff, 0x4008000000000000, 0x0000000000000000)
  D_OP3(fmsub.d, rne, 0, 0x0007ffffffffffff, 0x0010000000000000, 0x3fe0000000000000, 0x0000000000000001)

  /* ---- fsgnj / fsgnjn / fsgnjx (no flags, NaN payloads kept) ---- */
  FTEST(69)
  D_OP2N(fsgnj.d, 0, 0xbff0000000000000, 0x3ff0000000000000, 0xc000000000000000)
  D_OP2N(fsgnj.d, 0, 0x3ff0000000000000, 0xbff0000000000000, 0x4000000000000000)
  D_OP2N(fsgnjn.d, 0, 0x3ff0000000000000, 0x3ff0000000000000, 0xc000000000000000)
  D_OP2N(fsgnjn.d, 0, 0xbff0000000000000, 0x3ff0000000000000, 0x4000000000000000)
  D_OP2N(fsgnjx.d, 0, 0x3ff0000000000000, 0xbff0000000000000, 0xc000000000000000)
  D_OP2N(fsgnjx.d, 0, 0xbff0000000000000, 0xbff0000000000000, 0x4000000000000000)
  D_OP2N(fsgnjx.d, 0, 0xbff0000000000000, 0x3ff0000000000000, 0xc000000000000000)
  FTEST(70)
  D_OP2N(fsgnj.d, 0, 0xfff0000000000001, 0x7ff0000000000001, 0xbff0000000000000)
  D_OP2N(fsgnjn.d, 0, 0xfff8000000012345, 0x7ff8000000012345, 0x7ff8000000012345)
  D_OP2N(fsgnjx.d, 0, 0x7ff0000000000001, 0xfff0000000000001, 0x8000000000000000)
  D_OP2N(fsgnj.d, 0, 0x0000000000000000, 0x8000000000000000, 0x0000000000000000)

  /* ---- fmin / fmax: -0 < +0, one NaN operand -> the other, NV on sNaN, two
   * NaNs -> canonical ---- */
  FTEST(71)
  D_OP2N(fmin.d, 0, 0x3ff0000000000000, 0x3ff0000000000000, 0x4000000000000000)
  D_OP2N(fmax.d, 0, 0x4000000000000000, 0x3ff0000000000000, 0x4000000000000000)
  D_OP2N(fmin.d, 0, 0xbff0000000000000, 0xbff0000000000000, 0x3ff0000000000000)
  D_OP2N(fmax.d, 0, 0xbff0000000000000, 0xfff0000000000000, 0xbff0000000000000)
  FTEST(72)
  D_OP2N(fmin.d, 0, 0x8000000000000000, 0x8000000000000000, 0x0000000000000000)
  D_OP2N(fmin.d, 0, 0x8000000000000000, 0x0000000000000000, 0x8000000000000000)
  D_OP2N(fmax.d, 0, 0x0000000000000000, 0x8000000000000000, 0x0000000000000000)
  D_OP2N(fmax.d, 0, 0x0000000000000000, 0x0000000000000000, 0x8000000000000000)
  FTEST(73)
  D_OP2N(fmin.d, 0, 0x3ff0000000000000, 0x7ff8000000012345, 0x3ff0000000000000)
  D_OP2N(fmax.d, 0, 0x3ff0000000000000, 0x3ff0000000000000, 0xfff8000000000000)
  D_OP2N(fmin.d, NV, 0xbff0000000000000, 0x7ff0000000000001, 0xbff0000000000000)
  D_OP2N(fmax.d, NV, 0xbff0000000000000, 0xbff0000000000000, 0x7ff0000000000001)
  FTEST(74)
  D_OP2N(fmin.d, 0, 0x7ff8000000000000, 0x7ff8000000012345, 0xfff8000000000000)
  D_OP2N(fmax.d, NV, 0x7ff8000000000000, 0x7ff0000000000001, 0x7ff8000000000000)
  D_OP2N(fmax.d, 0, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000)

  /* ---- feq / flt / fle: quiet vs signalling comparisons ---- */
  FTEST(75)
  D_CMP(feq.d, 0, 1, 0x3ff0000000000000, 0x3ff0000000000000)
  D_CMP(flt.d, 0, 0, 0x3ff0000000000000, 0x3ff0000000000000)
  D_CMP(fle.d, 0, 1, 0x3ff0000000000000, 0x3ff0000000000000)
  D_CMP(flt.d, 0, 1, 0x3ff0000000000000, 0x4000000000000000)
  D_CMP(flt.d, 0, 0, 0x4000000000000000, 0x3ff0000000000000)
  D_CMP(fle.d, 0, 1, 0xbff0000000000000, 0x3ff0000000000000)
  D_CMP(fle.d, 0, 0, 0x3ff0000000000000, 0xbff0000000000000)
  D_CMP(flt.d, 0, 1, 0xfff0000000000000, 0xffefffffffffffff)
  FTEST(76)
  D_CMP(feq.d, 0, 1, 0x8000000000000000, 0x0000000000000000)
  D_CMP(flt.d, 0, 0, 0x8000000000000000, 0x0000000000000000)
  D_CMP(fle.d, 0, 1, 0x0000000000000000, 0x8000000000000000)
  D_CMP(feq.d, 0, 0, 0x0000000000000001, 0x0000000000000000)
  /* qNaN: feq quiet (no flags), flt/fle signal NV; sNaN: feq signals too */
  FTEST(77)
  D_CMP(feq.d, 0, 0, 0x7ff8000000000000, 0x3ff0000000000000)
  D_CMP(feq.d, 0, 0, 0x7ff8000000000000, 0x7ff8000000000000)
  D_CMP(flt.d, NV, 0, 0x7ff8000000000000, 0x3ff0000000000000)
  D_CMP(fle.d, NV, 0, 0x3ff0000000000000, 0x7ff8000000000000)
  D_CMP(feq.d, NV, 0, 0x7ff0000000000001, 0x3ff0000000000000)
  D_CMP(feq.d, NV, 0, 0x3ff0000000000000, 0xfff0000000000001)
  D_CMP(flt.d, NV, 0, 0x7ff0000000000001, 0x3ff0000000000000)

  /* ---- fclass: all 10 classes ---- */
  FTEST(78)
  D_CLASS(0x001, 0xfff0000000000000)
  D_CLASS(0x002, 0xbff0000000000000)
  D_CLASS(0x004, 0x8000000000000001)
  D_CLASS(0x008, 0x8000000000000000)
  D_CLASS(0x010, 0x0000000000000000)
  D_CLASS(0x020, 0x000fffffffffffff)
  D_CLASS(0x040, 0x3ff0000000000000)
  D_CLASS(0x080, 0x7ff0000000000000)
  D_CLASS(0x100, 0x7ff0000000000001)
  D_CLASS(0x200, 0x7ff8000000000000)
  FTEST(79)
  D_CLASS(0x002, 0xffefffffffffffff)
  D_CLASS(0x004, 0x800fffffffffffff)
  D_CLASS(0x020, 0x0000000000000001)
  D_CLASS(0x040, 0x7fefffffffffffff)
  D_CLASS(0x100, 0xfff0000000000001)
  D_CLASS(0x200, 0xfff8000000000000)
  D_CLASS(0x200, 0x7ff8000000012345)

  /* ---- fcvt.w/l/wu/lu.d: 0.5, 1.5, 2.5, -2.5 (-0.5 unsigned) in each
   * rounding mode and dyn (frm = rmm) ---- */
  FTEST(80)
  D_TOINT(fcvt.w.d, rne, NX, 0x0, 0x3fe0000000000000)
  D_TOINT(fcvt.w.d, rne, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.w.d, rne, NX, 0x2, 0x4004000000000000)
  D_TOINT(fcvt.w.d, rne, NX, 0xfffffffffffffffe, 0xc004000000000000)
  D_TOINT(fcvt.l.d, rne, NX, 0x0, 0x3fe0000000000000)
  D_TOINT(fcvt.l.d, rne, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.l.d, rne, NX, 0x2, 0x4004000000000000)
  D_TOINT(fcvt.l.d, rne, NX, 0xfffffffffffffffe, 0xc004000000000000)
  D_TOINT(fcvt.wu.d, rne, NX, 0x0, 0x3fe0000000000000)
  D_TOINT(fcvt.wu.d, rne, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.wu.d, rne, NX, 0x2, 0x4004000000000000)
  D_TOINT(fcvt.wu.d, rne, NX, 0x0, 0xbfe0000000000000)
  D_TOINT(fcvt.lu.d, rne, NX, 0x0, 0x3fe0000000000000)
  D_TOINT(fcvt.lu.d, rne, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.lu.d, rne, NX, 0x2, 0x4004000000000000)
  D_TOINT(fcvt.lu.d, rne, NX, 0x0, 0xbfe0000000000000)
  FTEST(81)
  D_TOINT(fcvt.w.d, rtz, NX, 0x0, 0x3fe0000000000000)
  D_TOINT(fcvt.w.d, rtz, NX, 0x1, 0x3ff8000000000000)
  D_TOINT(fcvt.w.d, rtz, NX, 0x2, 0x4004000000000000)
  D_TOINT(fcvt.w.d, rtz, NX, 0xfffffffffffffffe, 0xc004000000000000)
  D_TOINT(fcvt.l.d, rtz, NX, 0x0, 0x3fe0000000000000)
  D_TOINT(fcvt.l.d, rtz, NX, 0x1, 0x3ff8000000000000)
  D_TOINT(fcvt.l.d, rtz, NX, 0x2, 0x4004000000000000)
  D_TOINT(fcvt.l.d, rtz, NX, 0xfffffffffffffffe, 0xc004000000000000)
  D_TOINT(fcvt.wu.d, rtz, NX, 0x0, 0x3fe0000000000000)
  D_TOINT(fcvt.wu.d, rtz, NX, 0x1, 0x3ff8000000000000)
  D_TOINT(fcvt.wu.d, rtz, NX, 0x2, 0x4004000000000000)
  D_TOINT(fcvt.wu.d, rtz, NX, 0x0, 0xbfe0000000000000)
  D_TOINT(fcvt.lu.d, rtz, NX, 0x0, 0x3fe0000000000000)
  D_TOINT(fcvt.lu.d, rtz, NX, 0x1, 0x3ff8000000000000)
  D_TOINT(fcvt.lu.d, rtz, NX, 0x2, 0x4004000000000000)
  D_TOINT(fcvt.lu.d, rtz, NX, 0x0, 0xbfe0000000000000)
  FTEST(82)
  D_TOINT(fcvt.w.d, rdn, NX, 0x0, 0x3fe0000000000000)
  D_TOINT(fcvt.w.d, rdn, NX, 0x1, 0x3ff8000000000000)
  D_TOINT(fcvt.w.d, rdn, NX, 0x2, 0x4004000000000000)
  D_TOINT(fcvt.w.d, rdn, NX, 0xfffffffffffffffd, 0xc004000000000000)
  D_TOINT(fcvt.l.d, rdn, NX, 0x0, 0x3fe0000000000000)
  D_TOINT(fcvt.l.d, rdn, NX, 0x1, 0x3ff8000000000000)
  D_TOINT(fcvt.l.d, rdn, NX, 0x2, 0x4004000000000000)
  D_TOINT(fcvt.l.d, rdn, NX, 0xfffffffffffffffd, 0xc004000000000000)
  D_TOINT(fcvt.wu.d, rdn, NX, 0x0, 0x3fe0000000000000)
  D_TOINT(fcvt.wu.d, rdn, NX, 0x1, 0x3ff8000000000000)
  D_TOINT(fcvt.wu.d, rdn, NX, 0x2, 0x4004000000000000)
  D_TOINT(fcvt.wu.d, rdn, NV, 0x0, 0xbfe0000000000000)
  D_TOINT(fcvt.lu.d, rdn, NX, 0x0, 0x3fe0000000000000)
  D_TOINT(fcvt.lu.d, rdn, NX, 0x1, 0x3ff8000000000000)
  D_TOINT(fcvt.lu.d, rdn, NX, 0x2, 0x4004000000000000)
  D_TOINT(fcvt.lu.d, rdn, NV, 0x0, 0xbfe0000000000000)
  FTEST(83)
  D_TOINT(fcvt.w.d, rup, NX, 0x1, 0x3fe0000000000000)
  D_TOINT(fcvt.w.d, rup, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.w.d, rup, NX, 0x3, 0x4004000000000000)
  D_TOINT(fcvt.w.d, rup, NX, 0xfffffffffffffffe, 0xc004000000000000)
  D_TOINT(fcvt.l.d, rup, NX, 0x1, 0x3fe0000000000000)
  D_TOINT(fcvt.l.d, rup, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.l.d, rup, NX, 0x3, 0x4004000000000000)
  D_TOINT(fcvt.l.d, rup, NX, 0xfffffffffffffffe, 0xc004000000000000)
  D_TOINT(fcvt.wu.d, rup, NX, 0x1, 0x3fe0000000000000)
  D_TOINT(fcvt.wu.d, rup, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.wu.d, rup, NX, 0x3, 0x4004000000000000)
  D_TOINT(fcvt.wu.d, rup, NX, 0x0, 0xbfe0000000000000)
  D_TOINT(fcvt.lu.d, rup, NX, 0x1, 0x3fe0000000000000)
  D_TOINT(fcvt.lu.d, rup, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.lu.d, rup, NX, 0x3, 0x4004000000000000)
  D_TOINT(fcvt.lu.d, rup, NX, 0x0, 0xbfe0000000000000)
  FTEST(84)
  D_TOINT(fcvt.w.d, rmm, NX, 0x1, 0x3fe0000000000000)
  D_TOINT(fcvt.w.d, rmm, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.w.d, rmm, NX, 0x3, 0x4004000000000000)
  D_TOINT(fcvt.w.d, rmm, NX, 0xfffffffffffffffd, 0xc004000000000000)
  D_TOINT(fcvt.l.d, rmm, NX, 0x1, 0x3fe0000000000000)
  D_TOINT(fcvt.l.d, rmm, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.l.d, rmm, NX, 0x3, 0x4004000000000000)
  D_TOINT(fcvt.l.d, rmm, NX, 0xfffffffffffffffd, 0xc004000000000000)
  D_TOINT(fcvt.wu.d, rmm, NX, 0x1, 0x3fe0000000000000)
  D_TOINT(fcvt.wu.d, rmm, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.wu.d, rmm, NX, 0x3, 0x4004000000000000)
  D_TOINT(fcvt.wu.d, rmm, NV, 0x0, 0xbfe0000000000000)
  D_TOINT(fcvt.lu.d, rmm, NX, 0x1, 0x3fe0000000000000)
  D_TOINT(fcvt.lu.d, rmm, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.lu.d, rmm, NX, 0x3, 0x4004000000000000)
  D_TOINT(fcvt.lu.d, rmm, NV, 0x0, 0xbfe0000000000000)
  fsrmi 4  /* frm = rmm */
  FTEST(85)
  D_TOINT(fcvt.w.d, dyn, NX, 0x1, 0x3fe0000000000000)
  D_TOINT(fcvt.w.d, dyn, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.w.d, dyn, NX, 0x3, 0x4004000000000000)
  D_TOINT(fcvt.w.d, dyn, NX, 0xfffffffffffffffd, 0xc004000000000000)
  D_TOINT(fcvt.l.d, dyn, NX, 0x1, 0x3fe0000000000000)
  D_TOINT(fcvt.l.d, dyn, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.l.d, dyn, NX, 0x3, 0x4004000000000000)
  D_TOINT(fcvt.l.d, dyn, NX, 0xfffffffffffffffd, 0xc004000000000000)
  D_TOINT(fcvt.wu.d, dyn, NX, 0x1, 0x3fe0000000000000)
  D_TOINT(fcvt.wu.d, dyn, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.wu.d, dyn, NX, 0x3, 0x4004000000000000)
  D_TOINT(fcvt.wu.d, dyn, NV, 0x0, 0xbfe0000000000000)
  D_TOINT(fcvt.lu.d, dyn, NX, 0x1, 0x3fe0000000000000)
  D_TOINT(fcvt.lu.d, dyn, NX, 0x2, 0x3ff8000000000000)
  D_TOINT(fcvt.lu.d, dyn, NX, 0x3, 0x4004000000000000)
  D_TOINT(fcvt.lu.d, dyn, NV, 0x0, 0xbfe0000000000000)
  fsrmi 0

  /* ---- fcvt.w/wu/l/lu.d out of range, inf and NaN: saturate and NV (no NX),
   * -0.0 -> 0 ---- */
  /* fcvt.w.d */
  FTEST(86)
  D_TOINT(fcvt.w.d, rtz, 0, 0x0, 0x8000000000000000)
  D_TOINT(fcvt.w.d, rtz, NV, 0x7fffffff, 0x7ff0000000000000)
  D_TOINT(fcvt.w.d, rtz, NV, 0xffffffff80000000, 0xfff0000000000000)
  D_TOINT(fcvt.w.d, rtz, NV, 0x7fffffff, 0x7ff8000000000000)
  D_TOINT(fcvt.w.d, rtz, NV, 0x7fffffff, 0xfff8000000000000)
  D_TOINT(fcvt.w.d, rtz, NV, 0x7fffffff, 0x7ff0000000000001)
  D_TOINT(fcvt.w.d, rtz, NV, 0x7fffffff, 0x41e0000000000000)
  D_TOINT(fcvt.w.d, rtz, 0, 0xffffffff80000000, 0xc1e0000000000000)
  D_TOINT(fcvt.w.d, rtz, NV, 0xffffffff80000000, 0xc1e0000000200000)
  D_TOINT(fcvt.w.d, rne, 0, 0xffffffffffffffff, 0xbff0000000000000)
  /* fcvt.wu.d */
  FTEST(87)
  D_TOINT(fcvt.wu.d, rtz, 0, 0x0, 0x8000000000000000)
  D_TOINT(fcvt.wu.d, rtz, NV, 0xffffffffffffffff, 0x7ff0000000000000)
  D_TOINT(fcvt.wu.d, rtz, NV, 0x0, 0xfff0000000000000)
  D_TOINT(fcvt.wu.d, rtz, NV, 0xffffffffffffffff, 0x7ff8000000000000)
  D_TOINT(fcvt.wu.d, rtz, NV, 0xffffffffffffffff, 0xfff8000000000000)
  D_TOINT(fcvt.wu.d, rtz, NV, 0xffffffffffffffff, 0x7ff0000000000001)
  D_TOINT(fcvt.wu.d, rtz, 0, 0xffffffff80000000, 0x41e0000000000000)
  D_TOINT(fcvt.wu.d, rtz, NV, 0xffffffffffffffff, 0x41f0000000000000)
  D_TOINT(fcvt.wu.d, rtz, 0, 0xffffffffb2d05e00, 0x41e65a0bc0000000)
  D_TOINT(fcvt.wu.d, rtz, NV, 0x0, 0xbff0000000000000)
  D_TOINT(fcvt.wu.d, rne, NV, 0x0, 0xbff0000000000000)
  /* fcvt.l.d */
  FTEST(88)
  D_TOINT(fcvt.l.d, rtz, 0, 0x0, 0x8000000000000000)
  D_TOINT(fcvt.l.d, rtz, NV, 0x7fffffffffffffff, 0x7ff0000000000000)
  D_TOINT(fcvt.l.d, rtz, NV, 0x8000000000000000, 0xfff0000000000000)
  D_TOINT(fcvt.l.d, rtz, NV, 0x7fffffffffffffff, 0x7ff8000000000000)
  D_TOINT(fcvt.l.d, rtz, NV, 0x7fffffffffffffff, 0xfff8000000000000)
  D_TOINT(fcvt.l.d, rtz, NV, 0x7fffffffffffffff, 0x7ff0000000000001)
  D_TOINT(fcvt.l.d, rtz, NV, 0x7fffffffffffffff, 0x43e0000000000000)
  D_TOINT(fcvt.l.d, rtz, 0, 0x8000000000000000, 0xc3e0000000000000)
  D_TOINT(fcvt.l.d, rtz, 0, 0x7ffffffffffff800, 0x43dffffffffffffe)
  D_TOINT(fcvt.l.d, rne, 0, 0xffffffffffffffff, 0xbff0000000000000)
  /* fcvt.lu.d */
  FTEST(89)
  D_TOINT(fcvt.lu.d, rtz, 0, 0x0, 0x8000000000000000)
  D_TOINT(fcvt.lu.d, rtz, NV, 0xffffffffffffffff, 0x7ff0000000000000)
  D_TOINT(fcvt.lu.d, rtz, NV, 0x0, 0xfff0000000000000)
  D_TOINT(fcvt.lu.d, rtz, NV, 0xffffffffffffffff, 0x7ff8000000000000)
  D_TOINT(fcvt.lu.d, rtz, NV, 0xffffffffffffffff, 0xfff8000000000000)
  D_TOINT(fcvt.lu.d, rtz, NV, 0xffffffffffffffff, 0x7ff0000000000001)
  D_TOINT(fcvt.lu.d, rtz, 0, 0x8000000000000000, 0x43e0000000000000)
  D_TOINT(fcvt.lu.d, rtz, NV, 0xffffffffffffffff, 0x43f0000000000000)
  D_TOINT(fcvt.lu.d, rtz, NV, 0x0, 0xbff0000000000000)
  D_TOINT(fcvt.lu.d, rne, NV, 0x0, 0xbff0000000000000)
  /* fcvt.w/wu.d of values that only go out of range by rounding */
  FTEST(90)
  D_TOINT(fcvt.w.d, rtz, NX, 0x7fffffff, 0x41dfffffffe00000)
  D_TOINT(fcvt.w.d, rne, NV, 0x7fffffff, 0x41dfffffffe00000)
  D_TOINT(fcvt.w.d, rne, NX, 0xffffffff80000000, 0xc1e0000000100000)
  D_TOINT(fcvt.w.d, rdn, NV, 0xffffffff80000000, 0xc1e0000000100000)
  D_TOINT(fcvt.wu.d, rtz, NX, 0xffffffffffffffff, 0x41effffffff00000)
  D_TOINT(fcvt.wu.d, rup, NV, 0xffffffffffffffff, 0x41effffffff00000)
  D_TOINT(fcvt.wu.d, rtz, NX, 0x0, 0xbfe8000000000000)
  D_TOINT(fcvt.wu.d, rne, NV, 0x0, 0xbfe8000000000000)

  /* ---- fcvt.d.w/wu/l/lu: NX on inexact, W forms read the low 32 bits ---- */
  FTEST(91)
  D_FROMINT0(fcvt.d.w, 0, 0x401c000000000000, 0x7)
  D_FROMINT0(fcvt.d.w, 0, 0x0000000000000000, 0x0)
  D_FROMINT0(fcvt.d.w, 0, 0xc1e0000000000000, 0xffffffff80000000)
  D_FROMINT0(fcvt.d.w, 0, 0xbff0000000000000, 0x1ffffffff)
  D_FROMINT0(fcvt.d.wu, 0, 0x41e0000000000000, 0xffffffff80000000)
  D_FROMINT0(fcvt.d.wu, 0, 0x41efffffffe00000, 0xffffffff)
  FTEST(92)
  D_FROMINT(fcvt.d.l, rne, NX, 0x4340000000000000, 0x20000000000001)
  D_FROMINT(fcvt.d.l, rup, NX, 0x4340000000000001, 0x20000000000001)
  D_FROMINT(fcvt.d.l, rdn, NX, 0xc340000000000001, 0xffdfffffffffffff)
  D_FROMINT(fcvt.d.l, rtz, NX, 0xc340000000000000, 0xffdfffffffffffff)
  D_FROMINT(fcvt.d.l, rmm, NX, 0x4340000000000001, 0x20000000000001)
  D_FROMINT(fcvt.d.lu, rne, NX, 0x4340000000000002, 0x20000000000003)
  FTEST(93)
  D_FROMINT(fcvt.d.l, rne, 0, 0xbff0000000000000, 0xffffffffffffffff)
  D_FROMINT(fcvt.d.l, rne, NX, 0x43e0000000000000, 0x7fffffffffffffff)
  D_FROMINT(fcvt.d.l, rtz, NX, 0x43dfffffffffffff, 0x7fffffffffffffff)
  D_FROMINT(fcvt.d.l, rne, 0, 0xc3e0000000000000, 0x8000000000000000)
  D_FROMINT(fcvt.d.lu, rne, NX, 0x43f0000000000000, 0xffffffffffffffff)
  D_FROMINT(fcvt.d.lu, rdn, NX, 0x43efffffffffffff, 0xffffffffffffffff)
  D_FROMINT(fcvt.d.lu, rup, NX, 0x43e0000000000001, 0x8000000000000001)
  D_FROMINT(fcvt.d.lu, rne, 0, 0x43e0000000000000, 0x8000000000000000)

  /* ---- fcvt.s.d in each rounding mode and dyn (frm = rup); the result is
   * NaN-boxed ---- */
  /* 1 + 2^-24 (tie, even below); -(1 + 3*2^-24) (tie, odd below); 1 + 3*2^-25
   * (above half) */
  FTEST(94)
  D_CVT_S_D(rne, NX, 0x3f800000, 0x3ff0000010000000)
  D_CVT_S_D(rne, NX, 0xbf800002, 0xbff0000030000000)
  D_CVT_S_D(rne, NX, 0x3f800001, 0x3ff0000018000000)
  FTEST(95)
  D_CVT_S_D(rtz, NX, 0x3f800000, 0x3ff0000010000000)
  D_CVT_S_D(rtz, NX, 0xbf800001, 0xbff0000030000000)
  D_CVT_S_D(rtz, NX, 0x3f800000, 0x3ff0000018000000)
  FTEST(96)
  D_CVT_S_D(rdn, NX, 0x3f800000, 0x3ff0000010000000)
  D_CVT_S_D(rdn, NX, 0xbf800002, 0xbff0000030000000)
  D_CVT_S_D(rdn, NX, 0x3f800000, 0x3ff0000018000000)
  FTEST(97)
  D_CVT_S_D(rup, NX, 0x3f800001, 0x3ff0000010000000)
  D_CVT_S_D(rup, NX, 0xbf800001, 0xbff0000030000000)
  D_CVT_S_D(rup, NX, 0x3f800001, 0x3ff0000018000000)
  FTEST(98)
  D_CVT_S_D(rmm, NX, 0x3f800001, 0x3ff0000010000000)
  D_CVT_S_D(rmm, NX, 0xbf800002, 0xbff0000030000000)
  D_CVT_S_D(rmm, NX, 0x3f800001, 0x3ff0000018000000)
  fsrmi 3  /* frm = rup */
  FTEST(99)
  D_CVT_S_D(dyn, NX, 0x3f800001, 0x3ff0000010000000)
  D_CVT_S_D(dyn, NX, 0xbf800001, 0xbff0000030000000)
  D_CVT_S_D(dyn, NX, 0x3f800001, 0x3ff0000018000000)
  fsrmi 0

  /* ---- fcvt.s.d overflow, underflow, NaN, infinities and zeros ---- */
  /* 1e300 and -1e300 in each mode: inf or max finite, OF|NX */
  FTEST(100)
  D_CVT_S_D(rne, OF|NX, 0x7f800000, 0x7e37e43c8800759c)
  D_CVT_S_D(rne, OF|NX, 0xff800000, 0xfe37e43c8800759c)
  D_CVT_S_D(rtz, OF|NX, 0x7f7fffff, 0x7e37e43c8800759c)
  D_CVT_S_D(rtz, OF|NX, 0xff7fffff, 0xfe37e43c8800759c)
  D_CVT_S_D(rdn, OF|NX, 0x7f7fffff, 0x7e37e43c8800759c)
  D_CVT_S_D(rdn, OF|NX, 0xff800000, 0xfe37e43c8800759c)
  D_CVT_S_D(rup, OF|NX, 0x7f800000, 0x7e37e43c8800759c)
  D_CVT_S_D(rup, OF|NX, 0xff7fffff, 0xfe37e43c8800759c)
  D_CVT_S_D(rmm, OF|NX, 0x7f800000, 0x7e37e43c8800759c)
  D_CVT_S_D(rmm, OF|NX, 0xff800000, 0xfe37e43c8800759c)
  /* (2 - 2^-24) * 2^127, halfway between max finite and 2^128: rne/rup/rmm
   * overflow (OF|NX), rtz/rdn give max with NX only; max exactly: no flags */
  FTEST(101)
  D_CVT_S_D(rne, OF|NX, 0x7f800000, 0x47effffff0000000)
  D_CVT_S_D(rtz, NX, 0x7f7fffff, 0x47effffff0000000)
  D_CVT_S_D(rdn, NX, 0x7f7fffff, 0x47effffff0000000)
  D_CVT_S_D(rup, OF|NX, 0x7f800000, 0x47effffff0000000)
  D_CVT_S_D(rmm, OF|NX, 0x7f800000, 0x47effffff0000000)
  D_CVT_S_D(rne, 0, 0x7f7fffff, 0x47efffffe0000000)
  /* 2^-150 (tie between 0 and 2^-149): UF|NX; 2^-149 and 2^-126 exact; the min
   * binary64 subnormal -> 0 or 2^-149, UF|NX */
  FTEST(102)
  D_CVT_S_D(rne, UF|NX, 0x00000000, 0x3690000000000000)
  D_CVT_S_D(rup, UF|NX, 0x00000001, 0x3690000000000000)
  D_CVT_S_D(rmm, UF|NX, 0x00000001, 0x3690000000000000)
  D_CVT_S_D(rne, 0, 0x00000001, 0x36a0000000000000)
  D_CVT_S_D(rne, 0, 0x00800000, 0x3810000000000000)
  D_CVT_S_D(rne, UF|NX, 0x00000000, 0x0000000000000001)
  D_CVT_S_D(rup, UF|NX, 0x00000001, 0x0000000000000001)
  D_CVT_S_D(rdn, UF|NX, 0x80000001, 0x8000000000000001)
  /* tininess after rounding: 2^-126 (1 - 2^-25) rounds (24 bits, unbounded
   * exponent) to 2^-126 in rne: NX only; in rtz: 0x007fffff, UF|NX; (1 -
   * 2^-24) 2^-126 is tiny: UF|NX */
  FTEST(103)
  D_CVT_S_D(rne, NX, 0x00800000, 0x380ffffff0000000)
  D_CVT_S_D(rtz, UF|NX, 0x007fffff, 0x380ffffff0000000)
  D_CVT_S_D(rdn, UF|NX, 0x007fffff, 0x380ffffff0000000)
  D_CVT_S_D(rup, NX, 0x00800000, 0x380ffffff0000000)
  D_CVT_S_D(rmm, NX, 0x00800000, 0x380ffffff0000000)
  D_CVT_S_D(rne, UF|NX, 0x00800000, 0x380fffffe0000000)
  /* NaNs -> canonical 0x7fc00000 (NV for sNaN only); infinities and signed
   * zeros kept */
  FTEST(104)
  D_CVT_S_D(rne, 0, 0x7fc00000, 0x7ff8000000012345)
  D_CVT_S_D(rne, 0, 0x7fc00000, 0xfff8000000000000)
  D_CVT_S_D(rne, NV, 0x7fc00000, 0x7ff0000000000001)
  D_CVT_S_D(rne, 0, 0x7f800000, 0x7ff0000000000000)
  D_CVT_S_D(rne, 0, 0xff800000, 0xfff0000000000000)
  D_CVT_S_D(rne, 0, 0x80000000, 0x8000000000000000)
  D_CVT_S_D(rne, 0, 0x00000000, 0x0000000000000000)

  /* ---- fcvt.d.s: exact (no flags, subnormals become normal), NaNs ->
   * canonical, NV for sNaN ---- */
  FTEST(105)
  D_CVT_D_S(0, 0x3ff0000000000000, 0x3f800000)
  D_CVT_D_S(0, 0x36a0000000000000, 0x00000001)
  D_CVT_D_S(0, 0xb80fffffc0000000, 0x807fffff)
  D_CVT_D_S(0, 0x47efffffe0000000, 0x7f7fffff)
  D_CVT_D_S(0, 0x8000000000000000, 0x80000000)
  D_CVT_D_S(0, 0xfff0000000000000, 0xff800000)
  D_CVT_D_S(0, 0x7ff8000000000000, 0x7fc12345)
  D_CVT_D_S(0, 0x7ff8000000000000, 0xffc00000)
  D_CVT_D_S(NV, 0x7ff8000000000000, 0x7f800001)

  /* ---- binary32 values in the 64-bit registers (NaN-boxing seen from D) ---- */
  /* an f32 operation on a binary64 value reads the canonical NaN; fcvt.d.s of
   * it too; a boxed pattern loaded with fld is a binary32 */
  FTEST(106)
  FP_CHECK_F(0, BOX(0x7fc00000), FLI_D(f1, 0x3ff0000000000000); fadd.s f4, f1, f1)
  FP_CHECK_F(0, 0x7ff8000000000000, FLI_D(f1, 0x3ff0000000000000); fcvt.d.s f4, f1)
  FP_CHECK_F(0, 0x7ff8000000000000, FLI_D(f1, 0x7ff0000000000001); fcvt.d.s f4, f1)
  FP_CHECK_F(0, BOX(0x40000000), la x1, cdat; fld f1, 16(x1); fadd.s f4, f1, f1)
  FP_CHECK_X(0, 0x3f800000, la x1, cdat; fld f1, 16(x1); fmv.x.w x14, f1)
  /* a boxed binary32 read as binary64 is a (negative quiet) NaN: canonical
   * result, no flags */
  FTEST(107)
  FP_CHECK_F(0, 0x7ff8000000000000, FLI_S(f1, 0x3f800000); fadd.d f4, f1, f1)
  FP_CHECK_X(0, 0x200, FLI_S(f1, 0x3f800000); fclass.d x14, f1)
  FP_CHECK_X(0, 0xffffffffbf800000, FLI_D(f1, 0x3ff00000bf800000); fmv.x.w x14, f1)
  /* frm applies to binary64 dyn operations; flags accrue */
  FTEST(108)
  li x1, 0x60
  fscsr x1
  FLI_D(f1, 0x3ff0000000000000)
  FLI_D(f2, 0x4008000000000000)
  fdiv.d f4, f1, f2
  fmv.x.d x14, f4
  CHECK(x14, 0x3fd5555555555556)
  fmv.d.x f2, x0
  fdiv.d f4, f1, f2
  frcsr x14
  CHECK(x14, 0x60 | DZ | NX)
  fscsr x0
#ifdef RVTEST_ENV_P

  /* ---- reserved rounding modes, binary64 instructions (illegal instruction;
   * environment p only) ---- */
  la t0, fp_trap
  csrw mtvec, t0
  /* frm = 5, 6, 7: fadd.d, fcvt.s.d, fcvt.l.d, fnmadd.d, fcvt.d.l with rm =
   * dyn trap; destination and fflags unchanged */
  FTEST(109)
  fscsr x0
  FLI_D(f1, 0x3ff0000000000000)
  FLI_D(f2, 0x4008000000000000)
  FLI_D(f4, 0x123456789abcdef0)
  fsrmi 5
  EXPECT_ILLEGAL(4, fadd.d f4, f1, f2, dyn)
  fsrmi 6
  EXPECT_ILLEGAL(4, fcvt.s.d f4, f1, dyn)
  fsrmi 7
  li x14, 77
  EXPECT_ILLEGAL(4, fcvt.l.d x14, f2, dyn)
  CHECK(x14, 77)
  EXPECT_ILLEGAL(4, fnmadd.d f4, f1, f2, f2, dyn)
  EXPECT_ILLEGAL(4, fcvt.d.l f4, x14, dyn)
  fmv.x.d x14, f4
  CHECK(x14, 0x123456789abcdef0)
  frflags x14
  CHECK(x14, 0)
  fsrmi 0
  /* static rm = 5, 6 in the instruction: illegal (fadd.d, fsqrt.d, fcvt.s.d,
   * fmadd.d, fcvt.w.d) */
  FTEST(110)
  li x14, 77
  EXPECT_ILLEGAL(4, .insn r 0x53, 5, 0x01, f4, f1, f2)
  EXPECT_ILLEGAL(4, .insn r 0x53, 6, 0x2d, f4, f2, f0)
  EXPECT_ILLEGAL(4, .insn r 0x53, 5, 0x20, f4, f1, f1)
  EXPECT_ILLEGAL(4, .insn r4 0x43, 6, 1, f4, f1, f2, f3)
  EXPECT_ILLEGAL(4, .insn r 0x53, 5, 0x61, x14, f1, x0)
  CHECK(x14, 77)
  fmv.x.d x14, f4
  CHECK(x14, 0x123456789abcdef0)


  /* ---- mstatus.FS with binary64 instructions (environment p only) ---- */
  /* FS = Off: fld, fsd, c.fld, c.fsdsp, fmv.d.x, fmv.x.d, fcvt.d.s, fsgnj.d
   * are illegal */
  FTEST(111)
  FLI_D(f8, 0x3ff0000000000000)
  li t0, 3 << 13
  csrc mstatus, t0
  la a0, cdat
  la sp, cst
  li x14, 0x55
  sd x14, 0(sp)
  sd x14, 8(sp)
  li x14, 5
  EXPECT_ILLEGAL(4, fld f8, 0(a0))
  EXPECT_ILLEGAL(4, fsd f8, 0(sp))
  EXPECT_ILLEGAL(2, c.fld f8, 8(a0))
  EXPECT_ILLEGAL(2, c.fsdsp f8, 8(sp))
  EXPECT_ILLEGAL(4, fmv.d.x f8, x0)
  EXPECT_ILLEGAL(4, fmv.x.d x14, f8)
  EXPECT_ILLEGAL(4, fcvt.d.s f8, f8)
  EXPECT_ILLEGAL(4, fsgnj.d f8, f8, f8)
  CHECK(x14, 5)
  ld x14, 0(sp)
  CHECK(x14, 0x55)
  ld x14, 8(sp)
  CHECK(x14, 0x55)
  li t0, 1 << 13
  csrs mstatus, t0
  fmv.x.d x14, f8
  CHECK(x14, 0x3ff0000000000000)
  /* FS = Clean -> Dirty (and SD set) after c.fldsp, fmv.d.x, fcvt.d.s */
  FTEST(112)
#define FS_CLEAN li t0, 1 << 13; csrc mstatus, t0; li t0, 2 << 13; csrs mstatus, t0; \
  csrr x1, mstatus; srli x14, x1, 13; andi x14, x14, 3; CHECK(x14, 2) srli x14, x1, 63; CHECK(x14, 0)
#define FS_DIRTY csrr x1, mstatus; srli x14, x1, 13; andi x14, x14, 3; CHECK(x14, 3) srli x14, x1, 63; CHECK(x14, 1)
  FS_CLEAN
  la sp, cdat
  c.fldsp f9, 8(sp)
  FS_DIRTY
  FS_CLEAN
  fmv.d.x f9, x0
  FS_DIRTY
  FS_CLEAN
  fcvt.d.s f9, f8
  FS_DIRTY

  la t0, rvtest_trap
  csrw mtvec, t0
#endif

  TEST_PASSFAIL

#ifdef RVTEST_ENV_P
/* Records mcause (s11), mtval (s10), mepc (s9), counts traps (s8) and resumes
 * after the trapping instruction (2 or 4 bytes). */
  .balign 4
fp_trap:
  csrr s11, mcause
  csrr s10, mtval
  csrr s9, mepc
  addi s8, s8, 1
  lhu t6, 0(s9)
  andi t6, t6, 3
  li t5, 3
  addi t4, s9, 2
  bne t6, t5, 1f
  addi t4, s9, 4
1:csrw mepc, t4
  mret
#endif

RVTEST_CODE_END

RVTEST_DATA_BEGIN
  .dword 0
cdat:
  .dword 0xfedcba9876543210, 0x1111111111111111, 0xffffffff3f800000
  .skip 248 - 24
  .dword 0x0123456789abcdef
  .skip 504 - 256
  .dword 0x7ff0000000000001
cst:
  .skip 512
RVTEST_DATA_END
