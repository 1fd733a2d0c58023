/* Test macros for the hvkit ISA tests, in the spirit of riscv-tests.
 *
 * TESTNUM (gp) holds the number of the running test; every check compares a
 * result register with an expected value and branches to `fail` on mismatch,
 * which reports TESTNUM through the environment (riscv_test.h: tohost +
 * finisher). Test numbers are 1..199 (200+ are reserved for unexpected traps,
 * and QEMU's exit status is only 8 bits wide).
 * Scratch registers: x1, x2 operands, x14 result, x7 expected value.
 */
#ifndef HVKIT_TEST_MACROS_H
#define HVKIT_TEST_MACROS_H

#define TESTNUM gp

/* Run `code`, then check that register `testreg` equals `correct`. */
#define TEST_CASE(n, testreg, correct, code...) \
test_##n: \
  li TESTNUM, n; \
  code; \
  li x7, correct; \
  bne testreg, x7, fail;

/* Check a register after arbitrary code already ran (no new test number). */
#define CHECK(reg, correct) \
  li x7, correct; \
  bne reg, x7, fail;

#define TEST_RR_OP(n, inst, result, val1, val2) \
  TEST_CASE(n, x14, result, li x1, val1; li x2, val2; inst x14, x1, x2)

#define TEST_RR_SRC1_EQ_DEST(n, inst, result, val1, val2) \
  TEST_CASE(n, x1, result, li x1, val1; li x2, val2; inst x1, x1, x2)

#define TEST_RR_SRC2_EQ_DEST(n, inst, result, val1, val2) \
  TEST_CASE(n, x2, result, li x1, val1; li x2, val2; inst x2, x1, x2)

#define TEST_RR_ZERODEST(n, inst, val1, val2) \
  TEST_CASE(n, x0, 0, li x1, val1; li x2, val2; inst x0, x1, x2)

#define TEST_IMM_OP(n, inst, result, val1, imm) \
  TEST_CASE(n, x14, result, li x1, val1; inst x14, x1, imm)

#define TEST_R_OP(n, inst, result, val1) \
  TEST_CASE(n, x14, result, li x1, val1; inst x14, x1)

#define TEST_LD_OP(n, inst, result, offset, base) \
  TEST_CASE(n, x14, result, la x1, base; inst x14, offset(x1))

/* Store `result` with `store`, read it back with `load`. */
#define TEST_ST_OP(n, load, store, result, offset, base) \
  TEST_CASE(n, x14, result, la x1, base; li x2, result; \
            store x2, offset(x1); load x14, offset(x1))

/* Branch must be taken, forwards and backwards. */
#define TEST_BR2_OP_TAKEN(n, inst, val1, val2) \
test_##n: \
  li TESTNUM, n; \
  li x1, val1; \
  li x2, val2; \
  inst x1, x2, 2f; \
  bne x0, TESTNUM, fail; \
1:bne x0, TESTNUM, 3f; \
2:inst x1, x2, 1b; \
  bne x0, TESTNUM, fail; \
3:

/* Branch must not be taken, forwards and backwards. */
#define TEST_BR2_OP_NOTTAKEN(n, inst, val1, val2) \
test_##n: \
  li TESTNUM, n; \
  li x1, val1; \
  li x2, val2; \
  inst x1, x2, 1f; \
  bne x0, TESTNUM, 2f; \
1:bne x0, TESTNUM, fail; \
2:inst x1, x2, 1b; \
3:

#define TEST_PASSFAIL \
  bne x0, TESTNUM, pass; \
fail: \
  RVTEST_FAIL; \
pass: \
  RVTEST_PASS;

#endif
