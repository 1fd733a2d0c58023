/* ISA test environment "v": the test body runs in U-mode with Sv39 paging under
 * the tiny S-mode kernel of entry.S. The body and its data are identity-mapped
 * user pages (U|R|W|X); pass/fail is an ecall with a0 = 0 / test number, which the
 * kernel forwards (ecall from S) to M-mode, which writes tohost and the finisher.
 * An unexpected trap in U-mode fails with 224 + scause, in S-mode with
 * 200 + mcause (taken in M-mode).
 */
#ifndef HVKIT_RISCV_TEST_H
#define HVKIT_RISCV_TEST_H

#define RVTEST_ENV_V 1

#define RVTEST_CODE_BEGIN \
  .text; \
  .balign 4; \
  .globl rvtest_body; \
rvtest_body:

#define RVTEST_CODE_END \
1:j 1b;

#define RVTEST_EXIT_A0 \
  ecall;

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
