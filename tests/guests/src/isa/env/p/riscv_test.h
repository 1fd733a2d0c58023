/* ISA test environment "p": the test body runs in M-mode, physical addresses.
 * entry.S provides _start (hart 0 only, others park), a default trap handler
 * (any unexpected trap fails with code 200 + (mcause & 31)) and rvtest_exit.
 *
 * Test body layout:
 *   #include "riscv_test.h"
 *   #include "test_macros.h"
 *   RVTEST_CODE_BEGIN
 *     ... tests ...
 *     TEST_PASSFAIL
 *   RVTEST_CODE_END
 *   RVTEST_DATA_BEGIN ... RVTEST_DATA_END
 */
#ifndef HVKIT_RISCV_TEST_H
#define HVKIT_RISCV_TEST_H

#define RVTEST_ENV_P 1

#define RVTEST_CODE_BEGIN \
  .text; \
  .balign 4; \
  .globl rvtest_body; \
rvtest_body:

#define RVTEST_CODE_END \
1:j 1b;

/* a0 = 0: pass, a0 = n: fail with test number n (never returns). */
#define RVTEST_EXIT_A0 \
  la t0, rvtest_exit; \
  jr t0;

#define RVTEST_PASS \
  fence; \
  li a0, 0; \
  RVTEST_EXIT_A0

#define RVTEST_FAIL \
  fence; \
  mv a0, TESTNUM; \
  bnez a0, 9f; \
  li a0, 199; \
9:RVTEST_EXIT_A0

#define RVTEST_DATA_BEGIN \
  .data; \
  .balign 16;
#define RVTEST_DATA_END

#endif
