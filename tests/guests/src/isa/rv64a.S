/* isa-rv64a: LR/SC and every AMO (uncompressed encodings).
 *   1-9   lr/sc: sc with no reservation fails (rd != 0, memory unchanged);
 *         lr.d + sc.d succeeds (rd = 0, memory written); a second sc after a
 *         successful sc fails (reservation consumed); sc to a different address
 *         than the lr fails, and also drops the reservation; lr.w sign-extends;
 *         sc.w writes only 32 bits; an lr/sc increment loop
 *   10-27 amo*.d: swap add and or xor min max minu maxu, rd = old value,
 *         memory = result; signed vs unsigned min/max; aq/rl variants
 *   28-47 amo*.w: the same on 32 bits: rd is the sign-extended old word, the
 *         upper half of rs2 is ignored, the neighbouring word is untouched
 */
#include "riscv_test.h"
#include "test_macros.h"

/* AMO_D(n, inst, mem_before, rs2, mem_after): check rd = old and memory = new. */
#define AMO_D(n, inst, before, src, after) \
  TEST_CASE(n, x14, before, la x1, amod; li x2, before; sd x2, 0(x1); \
            li x2, src; inst x14, x2, (x1)) \
  ld x15, 0(x1); \
  CHECK(x15, after)

/* AMO_W: memory word `before` at amow, sentinel word after it must survive. */
#define AMO_W(n, inst, before, src, after) \
  TEST_CASE(n, x14, SEXT32(before), la x1, amow; li x2, before; sw x2, 0(x1); \
            li x2, 0x5a5a5a5a; sw x2, 4(x1); li x2, src; inst x14, x2, (x1)) \
  lwu x15, 0(x1); \
  CHECK(x15, after) \
  lwu x15, 4(x1); \
  CHECK(x15, 0x5a5a5a5a)

#define SEXT32(x) ((((x) & 0xffffffff) ^ 0x80000000) - 0x80000000)

  .option norvc
RVTEST_CODE_BEGIN

  /* ---- LR / SC ---- */
  TEST_CASE(1, x14, 0x1111, la x1, lrd; li x2, 0x1111; sd x2, 0(x1); \
            li x2, 0x2222; sc.d x5, x2, (x1); ld x14, 0(x1))
  CHECK(x5, 1)                /* no reservation: sc fails, rd = 1 (nonzero) */
  TEST_CASE(2, x14, 0x1111, la x1, lrd; lr.d x14, (x1))
  TEST_CASE(3, x5, 0, li x2, 0x3333; sc.d x5, x2, (x1))
  TEST_CASE(4, x14, 0x3333, ld x14, 0(x1))
  TEST_CASE(5, x14, 0x3333, li x2, 0x4444; sc.d x5, x2, (x1); ld x14, 0(x1))
  CHECK(x5, 1)                /* reservation was consumed by the first sc */
  TEST_CASE(6, x14, 0x5555, la x1, lrd; li x2, 0x5555; sd x2, 8(x1); lr.d x5, (x1); \
            addi x8, x1, 8; li x2, 0x6666; sc.d x6, x2, (x8); ld x14, 8(x1))
  bnez x6, 1f                 /* sc to another address must fail */
  j fail
1:TEST_CASE(7, x14, 0x3333, li x2, 0x7777; sc.d x6, x2, (x1); ld x14, 0(x1))
  bnez x6, 1f                 /* ... and the failed sc dropped the reservation */
  j fail
1:TEST_CASE(8, x14, 0xffffffff80000001, la x1, lrw; li x2, 0x80000001; sw x2, 0(x1); \
            li x2, 0x5a5a5a5a; sw x2, 4(x1); lr.w x14, (x1))
  li x2, 0xffffffff12345678
  sc.w x5, x2, (x1)
  CHECK(x5, 0)
  ld x14, 0(x1)
  CHECK(x14, 0x5a5a5a5a12345678)
  /* lr/sc increment loop: 10 atomic increments */
  TEST_CASE(9, x14, 10, la x1, lrd; sd x0, 0(x1); li x8, 10; \
            2: lr.d.aq x5, (x1); addi x5, x5, 1; sc.d.rl x6, x5, (x1); bnez x6, 2b; \
            addi x8, x8, -1; bnez x8, 2b; ld x14, 0(x1))

  /* ---- AMO .d ---- */
  AMO_D(10, amoswap.d, 0x1111222233334444, 0x5555666677778888, 0x5555666677778888)
  AMO_D(11, amoadd.d, 0x7fffffffffffffff, 1, 0x8000000000000000)
  AMO_D(12, amoadd.d, -1, -1, -2)
  AMO_D(13, amoand.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0x0f000f000f000f00)
  AMO_D(14, amoor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xfff0fff0fff0fff0)
  AMO_D(15, amoxor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xf0f0f0f0f0f0f0f0)
  AMO_D(16, amomin.d, -5, 3, -5)
  AMO_D(17, amomin.d, 3, -5, -5)
  AMO_D(18, amomax.d, -5, 3, 3)
  AMO_D(19, amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff)
  AMO_D(20, amominu.d, -5, 3, 3)
  AMO_D(21, amominu.d, 3, -5, 3)
  AMO_D(22, amomaxu.d, -5, 3, -5)
  AMO_D(23, amomaxu.d, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
  AMO_D(24, amoswap.d.aq, 1, 2, 2)
  AMO_D(25, amoadd.d.rl, 1, 2, 3)
  AMO_D(26, amoor.d.aqrl, 1, 2, 3)
  TEST_CASE(27, x14, 0x77, la x1, amod; li x2, 0x77; sd x2, 0(x1); li x2, 0x88; \
            amoswap.d x0, x2, (x1); ld x14, 0(x1); xori x14, x14, 0xff)

  /* ---- AMO .w ---- */
  AMO_W(28, amoswap.w, 0x80000000, 0x1234567800000001, 0x00000001)
  AMO_W(29, amoswap.w, 0x00000001, 0xffffffff80000000, 0x80000000)
  AMO_W(30, amoadd.w, 0x7fffffff, 1, 0x80000000)
  AMO_W(31, amoadd.w, 0xffffffff, 0x100000001, 0x00000000)
  AMO_W(32, amoand.w, 0xff00ff00, 0x0ff00ff0, 0x0f000f00)
  AMO_W(33, amoor.w, 0xff00ff00, 0x0ff00ff0, 0xfff0fff0)
  AMO_W(34, amoxor.w, 0xff00ff00, 0xffffffff0ff00ff0, 0xf0f0f0f0)
  AMO_W(35, amomin.w, 0x80000000, 1, 0x80000000)
  AMO_W(36, amomin.w, 1, 0xffffffff, 0xffffffff)
  AMO_W(37, amomin.w, 1, 0x00000000fffffffe, 0xfffffffe)
  AMO_W(38, amomax.w, 0x80000000, 1, 0x00000001)
  AMO_W(39, amomax.w, 0xffffffff, 0x100000000, 0x00000000)
  AMO_W(40, amominu.w, 0x80000000, 1, 0x00000001)
  AMO_W(41, amominu.w, 0xfffffffe, 0xffffffffffffffff, 0xfffffffe)
  AMO_W(42, amomaxu.w, 0x80000000, 1, 0x80000000)
  AMO_W(43, amomaxu.w, 1, 0xffffffff00000002, 0x00000002)
  AMO_W(44, amoswap.w.aq, 0xdeadbeef, 0x11, 0x11)
  AMO_W(45, amoadd.w.rl, 0xfffffff0, 0x20, 0x10)
  AMO_W(46, amoand.w.aqrl, 0xfffffff0, 0x3c, 0x30)
  AMO_W(47, amomaxu.w.aqrl, 0x7fffffff, 0x80000000, 0x80000000)

  TEST_PASSFAIL

RVTEST_CODE_END

RVTEST_DATA_BEGIN
lrd:  .dword 0, 0
lrw:  .dword 0
amod: .dword 0
amow: .dword 0
RVTEST_DATA_END
