/* isa-rv64m: every RV64M instruction (uncompressed encodings).
 *   1-21  mul mulh mulhsu mulhu: signs, high halves, -2^63 * -2^63, rd = rs
 *   22-27 mulw: 32-bit wrap, sign extension, upper source bits ignored
 *   28-43 div divu rem remu: truncation toward zero, remainder sign follows the
 *         dividend, division by zero (q = -1 / all ones, r = dividend),
 *         overflow -2^63 / -1 (q = -2^63, r = 0)
 *   44-63 divw divuw remw remuw: the same in 32 bits, results sign-extended,
 *         upper source bits ignored, overflow -2^31 / -1, division by zero
 */
#include "riscv_test.h"
#include "test_macros.h"

  .option norvc
RVTEST_CODE_BEGIN

  /* ---- multiply ---- */
  TEST_RR_OP(1, mul, 21, 3, 7)
  TEST_RR_OP(2, mul, 1, -1, -1)
  TEST_RR_OP(3, mul, 0x8000000000000000, 0x8000000000000000, -1)
  TEST_RR_OP(4, mul, 0x0000000200000001, 0x0000000100000001, 0x0000000100000001)
  TEST_RR_OP(5, mul, 0xfffffffffffffff9, 7, -1)
  TEST_RR_SRC1_EQ_DEST(6, mul, 143, 13, 11)
  TEST_RR_OP(7, mulh, 0, -1, -1)
  TEST_RR_OP(8, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
  TEST_RR_OP(9, mulh, 0xffffffffffffffff, -1, 1)
  TEST_RR_OP(10, mulh, 0x3fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff)
  TEST_RR_OP(11, mulh, 0xc000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_RR_OP(12, mulhu, 0xfffffffffffffffe, -1, -1)
  TEST_RR_OP(13, mulhu, 1, 0x8000000000000000, 2)
  TEST_RR_OP(14, mulhu, 0, 0xffffffff, 0xffffffff)
  TEST_RR_OP(15, mulhu, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
  TEST_RR_OP(16, mulhsu, 0xffffffffffffffff, -1, -1)
  TEST_RR_OP(17, mulhsu, 1, 2, 0xffffffffffffffff)
  TEST_RR_OP(18, mulhsu, 0xffffffffffffffff, -2, 1)
  TEST_RR_OP(19, mulhsu, 0, -1, 0)
  TEST_RR_OP(20, mulhsu, 0xc000000000000000, 0x8000000000000000, 0x8000000000000000)
  TEST_RR_SRC2_EQ_DEST(21, mulhu, 0x7fffffffffffffff, 0xffffffffffffffff, 0x8000000000000000)
  TEST_RR_OP(22, mulw, 0xfffffffffffffffe, 0x7fffffff, 2)
  TEST_RR_OP(23, mulw, 15, 0x100000003, 0x100000005)
  TEST_RR_OP(24, mulw, 0, 0x10000, 0x10000)
  TEST_RR_OP(25, mulw, 0xffffffff80000000, 0x40000000, 2)
  TEST_RR_OP(26, mulw, 1, -1, -1)
  TEST_RR_ZERODEST(27, mulw, 3, 4)

  /* ---- 64-bit divide / remainder ---- */
  TEST_RR_OP(28, div, 3, 20, 6)
  TEST_RR_OP(29, div, -3, -20, 6)
  TEST_RR_OP(30, div, -3, 20, -6)
  TEST_RR_OP(31, div, 3, -20, -6)
  TEST_RR_OP(32, div, -1, 20, 0)
  TEST_RR_OP(33, div, 0x8000000000000000, 0x8000000000000000, -1)
  TEST_RR_OP(34, divu, 3, 20, 6)
  TEST_RR_OP(35, divu, 0x2aaaaaaaaaaaaaa7, -20, 6)
  TEST_RR_OP(36, divu, 0xffffffffffffffff, 20, 0)
  TEST_RR_OP(37, divu, 0, 0x8000000000000000, -1)
  TEST_RR_OP(38, rem, 2, 20, 6)
  TEST_RR_OP(39, rem, -2, -20, 6)
  TEST_RR_OP(40, rem, 2, 20, -6)
  TEST_RR_OP(41, rem, -2, -20, -6)
  TEST_RR_OP(42, rem, -20, -20, 0)
  TEST_RR_OP(43, rem, 0, 0x8000000000000000, -1)
  TEST_RR_OP(44, remu, 2, 20, 6)
  TEST_RR_OP(45, remu, 2, -20, 6)
  TEST_RR_OP(46, remu, -20, -20, 0)
  TEST_RR_OP(47, remu, 0x8000000000000000, 0x8000000000000000, -1)

  /* ---- 32-bit divide / remainder ---- */
  TEST_RR_OP(48, divw, -3, -20, 6)
  TEST_RR_OP(49, divw, 3, 0x100000014, 6)
  TEST_RR_OP(50, divw, -1, 20, 0)
  TEST_RR_OP(51, divw, -1, 20, 0x100000000)
  TEST_RR_OP(52, divw, 0xffffffff80000000, 0x80000000, -1)
  TEST_RR_OP(53, divuw, 0x2aaaaaa7, -20, 6)
  TEST_RR_OP(54, divuw, 0xffffffff80000000, 0x80000000, 1)
  TEST_RR_OP(55, divuw, -1, 20, 0)
  TEST_RR_OP(56, divuw, 0, 0x80000000, -1)
  TEST_RR_OP(57, remw, -2, -20, 6)
  TEST_RR_OP(58, remw, 0xffffffff80000001, 0x80000001, 0)
  TEST_RR_OP(59, remw, 0, 0x80000000, -1)
  TEST_RR_OP(60, remw, 2, 0x1234567800000014, 6)
  TEST_RR_OP(61, remuw, 2, -20, 6)
  TEST_RR_OP(62, remuw, 0xffffffff80000001, 0x80000001, 0)
  TEST_RR_OP(63, remuw, 0xffffffff80000000, 0x80000000, -1)

  TEST_PASSFAIL

RVTEST_CODE_END

RVTEST_DATA_BEGIN
  .dword 0
RVTEST_DATA_END
