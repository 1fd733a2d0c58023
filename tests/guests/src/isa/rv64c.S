/* isa-rv64c: every RV64C integer instruction, written with explicit c.*
 * mnemonics so each is encoded as 16 bits, checked for its effect.
 *   1-4   c.addi4spn (max 1020), c.addi16sp (-512 / +496)
 *   5-12  c.lwsp c.ldsp c.swsp c.sdsp, c.lw c.ld c.sw c.sd (sign extension of
 *         the word loads, max offsets)
 *   13-21 c.li c.lui (negative immediates) c.addi c.addiw (sext.w form) c.nop
 *   22-30 c.srli c.srai c.andi c.slli (shift by 63 / 1)
 *   31-38 c.mv c.add c.sub c.xor c.or c.and c.subw c.addw
 *   39-44 c.j c.beqz c.bnez (taken / not taken) c.jr, c.jalr (link = pc + 2)
 * (c.ebreak is exercised in isa-traps, which has a trap handler.)
 */
#include "riscv_test.h"
#include "test_macros.h"

  .option rvc
RVTEST_CODE_BEGIN

  /* ---- stack-pointer based ---- */
  TEST_CASE(1, a0, 1020, la sp, cdat; c.addi4spn a0, sp, 1020; sub a0, a0, sp)
  TEST_CASE(2, a1, 4, la sp, cdat; c.addi4spn a1, sp, 4; sub a1, a1, sp)
  TEST_CASE(3, a0, -512, la sp, cdat + 512; mv s1, sp; c.addi16sp sp, -512; sub a0, sp, s1)
  TEST_CASE(4, a0, 496, la sp, cdat; mv s1, sp; c.addi16sp sp, 496; sub a0, sp, s1)
  TEST_CASE(5, a0, 0xffffffff80000001, la sp, cdat; c.lwsp a0, 4(sp))
  TEST_CASE(6, a0, 0x0123456789abcdef, la sp, cdat; c.ldsp a0, 8(sp))
  TEST_CASE(7, a0, 0xffffffffdeadbeef, la sp, cdat; li a1, 0x12345678deadbeef; \
            c.swsp a1, 252(sp); lw a0, 252(sp))
  TEST_CASE(8, a0, 0x1122334455667788, la sp, cdat; li a1, 0x1122334455667788; \
            c.sdsp a1, 504(sp); ld a0, 504(sp))
  TEST_CASE(9, a0, 0xffffffff80000001, la s0, cdat; c.lw a0, 4(s0))
  TEST_CASE(10, a1, 0x0123456789abcdef, la s0, cdat; c.ld a1, 8(s0))
  TEST_CASE(11, a2, 0x00000000cafef00d, la s1, cdat; li a3, 0xffffffffcafef00d; \
            sd zero, 120(s1); c.sw a3, 124(s1); ld a2, 120(s1); srli a2, a2, 32)
  TEST_CASE(12, a4, 0x55aa55aa55aa55aa, la a5, cdat; li a3, 0x55aa55aa55aa55aa; \
            c.sd a3, 248(a5); ld a4, 248(a5))

  /* ---- constants and immediates ---- */
  TEST_CASE(13, a0, -32, c.li a0, -32)
  TEST_CASE(14, t0, 31, c.li t0, 31)
  TEST_CASE(15, a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)
  TEST_CASE(16, a0, 0x1f000, c.lui a0, 31)
  TEST_CASE(17, s0, 0x1000, li s0, 0; c.lui s0, 1)
  TEST_CASE(18, a0, 9, li a0, 41; c.addi a0, -32)
  TEST_CASE(19, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
  TEST_CASE(20, a0, 0xffffffffdeadbeef, li a0, 0x12345678deadbeef; c.addiw a0, 0)
  TEST_CASE(21, a0, 5, li a0, 5; c.nop; c.nop)

  /* ---- shifts and andi ---- */
  TEST_CASE(22, s0, 1, li s0, 0x8000000000000000; c.srli s0, 63)
  TEST_CASE(23, a5, 0x7fffffffffffffff, li a5, -1; c.srli a5, 1)
  TEST_CASE(24, s1, 0xffffffffffffffff, li s1, 0x8000000000000000; c.srai s1, 63)
  TEST_CASE(25, a0, 0xffffffff80000000, li a0, 0x8000000000000000; c.srai a0, 32)
  TEST_CASE(26, a1, 0xffffffffffffffe0, li a1, -1; c.andi a1, -32)
  TEST_CASE(27, a2, 0x15, li a2, 0x1235; c.andi a2, 31)
  TEST_CASE(28, t1, 0x8000000000000000, li t1, 1; c.slli t1, 63)
  TEST_CASE(29, a3, 0x2468acf13579bde, li a3, 0x123456789abcdef; c.slli a3, 1)
  TEST_CASE(30, a4, 0x100000000, li a4, 1; c.slli a4, 32)

  /* ---- register-register ---- */
  TEST_CASE(31, t6, 0x123456789, li t5, 0x123456789; c.mv t6, t5)
  TEST_CASE(32, t6, 0x8000000000000000, li t6, 0x7fffffffffffffff; li t5, 1; c.add t6, t5)
  TEST_CASE(33, s0, -1, li s0, 0; li s1, 1; c.sub s0, s1)
  TEST_CASE(34, a0, 0xf0f0f0f0f0f0f0f0, li a0, 0xff00ff00ff00ff00; li a1, 0x0ff00ff00ff00ff0; c.xor a0, a1)
  TEST_CASE(35, a2, 0xfff0fff0fff0fff0, li a2, 0xff00ff00ff00ff00; li a3, 0x0ff00ff00ff00ff0; c.or a2, a3)
  TEST_CASE(36, a4, 0x0f000f000f000f00, li a4, 0xff00ff00ff00ff00; li a5, 0x0ff00ff00ff00ff0; c.and a4, a5)
  TEST_CASE(37, s0, 0x7fffffff, li s0, 0xffffffff80000000; li a5, 1; c.subw s0, a5)
  TEST_CASE(38, s1, 0xffffffff80000000, li s1, 0x123456787fffffff; li a0, 1; c.addw s1, a0)

  /* ---- control transfer ---- */
test_39:
  li TESTNUM, 39
  c.j 1f
  j fail
1:
test_40:                   /* c.beqz taken / not taken */
  li TESTNUM, 40
  li s0, 0
  c.beqz s0, 1f
  j fail
1:li s0, 1
  c.beqz s0, fail_near
test_41:                   /* c.bnez taken / not taken */
  li TESTNUM, 41
  li a5, -1
  c.bnez a5, 1f
  j fail
1:li a5, 0
  c.bnez a5, fail_near
test_42:                   /* c.bnez backwards */
  li TESTNUM, 42
  li a0, 3
  li a1, 0
1:addi a1, a1, 1
  addi a0, a0, -1
  c.bnez a0, 1b
  CHECK(a1, 3)
test_43:                   /* c.jr */
  li TESTNUM, 43
  la t0, 1f
  c.jr t0
  j fail
1:
test_44:                   /* c.jalr: ra = address of c.jalr + 2 */
  li TESTNUM, 44
  la t0, 2f
1:c.jalr t0
3:j fail
2:la t1, 1b
  sub t1, ra, t1
  CHECK(t1, 2)
  la t1, 3b
  bne ra, t1, fail

  TEST_PASSFAIL
fail_near:
  j fail

RVTEST_CODE_END

RVTEST_DATA_BEGIN
  .balign 16
cdat:
  .word 0x00000000, 0x80000001
  .dword 0x0123456789abcdef
  .skip 1024
RVTEST_DATA_END
