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

/* ---- F and D (isa-rv64f, isa-rv64d; built with -march=rv64gc) ----
 * Operands are built from integer bit patterns in f1, f2, f3 (binary32 with
 * fmv.w.x, which NaN-boxes them; binary64 with fmv.d.x); the FP result goes to
 * f4 and is read back whole with fmv.x.d, so a binary32 result must also be
 * NaN-boxed (upper 32 bits all ones: BOX). Integer results go to x14. fflags
 * is cleared before each operation and compared exactly afterwards (x15).
 * f4 / x14 are preset to 0x5a5 (not a valid boxed binary32) so an instruction
 * that fails to write its destination is caught. Scratch: t0, t1.
 */
#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

#define BOX(x) (0xffffffff00000000 | (x))

/* Start test n (FTEST) and run one checked FP operation. */
#define FTEST(n) \
test_##n: \
  li TESTNUM, n;

#define FP_CHECK_F(flags, result, code...) \
  li t1, 0x5a5; \
  fmv.d.x f4, t1; \
  fsflags x0; \
  code; \
  frflags x15; \
  fmv.x.d x14, f4; \
  li x7, result; \
  bne x14, x7, fail; \
  li x7, flags; \
  bne x15, x7, fail;

#define FP_CHECK_X(flags, result, code...) \
  li x14, 0x5a5; \
  fsflags x0; \
  code; \
  frflags x15; \
  li x7, result; \
  bne x14, x7, fail; \
  li x7, flags; \
  bne x15, x7, fail;

#define FLI_S(freg, bits) li t0, bits; fmv.w.x freg, t0
#define FLI_D(freg, bits) li t0, bits; fmv.d.x freg, t0

/* S_* / D_*: (instruction, rounding mode, expected fflags, expected result, operands...) */
#define S_OP1(inst, rm, flags, res, a) \
  FP_CHECK_F(flags, BOX(res), FLI_S(f1, a); inst f4, f1, rm)
#define S_OP2(inst, rm, flags, res, a, b) \
  FP_CHECK_F(flags, BOX(res), FLI_S(f1, a); FLI_S(f2, b); inst f4, f1, f2, rm)
#define S_OP3(inst, rm, flags, res, a, b, c) \
  FP_CHECK_F(flags, BOX(res), FLI_S(f1, a); FLI_S(f2, b); FLI_S(f3, c); inst f4, f1, f2, f3, rm)
#define S_OP2N(inst, flags, res, a, b) \
  FP_CHECK_F(flags, BOX(res), FLI_S(f1, a); FLI_S(f2, b); inst f4, f1, f2)
#define S_CMP(inst, flags, res, a, b) \
  FP_CHECK_X(flags, res, FLI_S(f1, a); FLI_S(f2, b); inst x14, f1, f2)
#define S_CLASS(res, a) \
  FP_CHECK_X(0, res, FLI_S(f1, a); fclass.s x14, f1)
#define S_TOINT(inst, rm, flags, res, a) \
  FP_CHECK_X(flags, res, FLI_S(f1, a); inst x14, f1, rm)
#define S_FROMINT(inst, rm, flags, res, v) \
  FP_CHECK_F(flags, BOX(res), li x1, v; inst f4, x1, rm)
/* a * a + c as a separate fmul and fadd (two roundings), rne */
#define S_MULADD(flags, res, a, c) \
  FP_CHECK_F(flags, BOX(res), FLI_S(f1, a); FLI_S(f3, c); fmul.s f4, f1, f1, rne; fadd.s f4, f4, f3, rne)

#define D_OP1(inst, rm, flags, res, a) \
  FP_CHECK_F(flags, res, FLI_D(f1, a); inst f4, f1, rm)
#define D_OP2(inst, rm, flags, res, a, b) \
  FP_CHECK_F(flags, res, FLI_D(f1, a); FLI_D(f2, b); inst f4, f1, f2, rm)
#define D_OP3(inst, rm, flags, res, a, b, c) \
  FP_CHECK_F(flags, res, FLI_D(f1, a); FLI_D(f2, b); FLI_D(f3, c); inst f4, f1, f2, f3, rm)
#define D_OP2N(inst, flags, res, a, b) \
  FP_CHECK_F(flags, res, FLI_D(f1, a); FLI_D(f2, b); inst f4, f1, f2)
#define D_CMP(inst, flags, res, a, b) \
  FP_CHECK_X(flags, res, FLI_D(f1, a); FLI_D(f2, b); inst x14, f1, f2)
#define D_CLASS(res, a) \
  FP_CHECK_X(0, res, FLI_D(f1, a); fclass.d x14, f1)
#define D_TOINT(inst, rm, flags, res, a) \
  FP_CHECK_X(flags, res, FLI_D(f1, a); inst x14, f1, rm)
#define D_FROMINT(inst, rm, flags, res, v) \
  FP_CHECK_F(flags, res, li x1, v; inst f4, x1, rm)
/* fcvt.d.w / fcvt.d.wu are always exact and take no rounding mode */
#define D_FROMINT0(inst, flags, res, v) \
  FP_CHECK_F(flags, res, li x1, v; inst f4, x1)
#define D_MULADD(flags, res, a, c) \
  FP_CHECK_F(flags, res, FLI_D(f1, a); FLI_D(f3, c); fmul.d f4, f1, f1, rne; fadd.d f4, f4, f3, rne)
/* fcvt.s.d (binary64 operand, boxed binary32 result) and fcvt.d.s */
#define D_CVT_S_D(rm, flags, res, a) \
  FP_CHECK_F(flags, BOX(res), FLI_D(f1, a); fcvt.s.d f4, f1, rm)
#define D_CVT_D_S(flags, res, a) \
  FP_CHECK_F(flags, res, FLI_S(f1, a); fcvt.d.s f4, f1)

/* Environment p only: `insn` must raise an illegal-instruction exception,
 * taken by a handler that records mcause (s11), mtval (s10), mepc (s9), counts
 * traps (s8) and resumes after the instruction (see rv64f.S / rv64d.S).
 * mtval must be 0 or the instruction bits. len = 4: assembled without RVC
 * (so an fld is not turned into a c.fld); len = 2: an explicit c.* instruction. */
#define EXPECT_ILLEGAL(len, insn...) \
  li s8, 0; \
  li s11, 0; \
  la s7, 8f; \
8:.if len == 4; .option push; .option norvc; .endif; \
  insn; \
  .if len == 4; .option pop; .endif; \
  CHECK(s8, 1) \
  CHECK(s11, 2) \
  bne s9, s7, fail; \
  beqz s10, 9f; \
  .if len == 2; lhu x7, 0(s7); .else; lwu x7, 0(s7); .endif; \
  bne s10, x7, fail; \
9:

#define TEST_PASSFAIL \
  bne x0, TESTNUM, pass; \
fail: \
  RVTEST_FAIL; \
pass: \
  RVTEST_PASS;

#endif
