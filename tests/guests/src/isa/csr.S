/* isa-csr: Zicsr instructions and basic M-mode CSRs (environment p only).
 *   1-6   csrrw csrrs csrrc: rd = old value, new value written (mscratch)
 *   7-9   csrrwi csrrsi csrrci (5-bit zero-extended immediate)
 *   10-11 csrrw with rd = x0 writes; csrrs/csrrc with rs1 = x0 do not write
 *   12-14,24 read-only CSRs: csrrs/csrrc/csrrsi/csrrci with rs1 = x0 / uimm = 0
 *         read without a trap; csrrw, csrrs with a nonzero rs1 value and csrrsi
 *         with a nonzero uimm trap with illegal instruction (2) and
 *         mtval = the instruction bits
 *   15    a nonexistent CSR (0xfff) traps with cause 2
 *   16-17 misa: MXL = 2 (RV64), I M A C present; mhartid = 0
 *   18-19 mcycle and minstret increase; minstret counts at least 10 retired nops
 *   20-22 rdcycle, rdinstret, rdtime are readable in M-mode and increase
 *         (time is polled until it changes)
 *   23    mscratch holds all 64 bits
 */
#include "riscv_test.h"
#include "test_macros.h"

/* `code` must trap exactly once with cause 2; handler skips the instruction. */
#define TEST_ILLEGAL(n, bits, code...) \
test_##n: \
  li TESTNUM, n; \
  li s8, 0; \
  li s11, 0; \
  code; \
  CHECK(s8, 1) \
  CHECK(s11, 2) \
  CHECK(s10, bits)

RVTEST_CODE_BEGIN
  la t0, trap_handler
  csrw mtvec, t0
  .option norvc            /* every instruction 4 bytes: the handler skips 4 */

  /* ---- register forms ---- */
  TEST_CASE(1, x14, 0x1234, li x1, 0x1234; csrw mscratch, x1; li x2, 0x5678; csrrw x14, mscratch, x2)
  TEST_CASE(2, x14, 0x5678, csrr x14, mscratch)
  TEST_CASE(3, x14, 0x5678, li x1, 0x00f0; csrrs x14, mscratch, x1)
  TEST_CASE(4, x14, 0x56f8, csrr x14, mscratch)
  TEST_CASE(5, x14, 0x56f8, li x1, 0x5600; csrrc x14, mscratch, x1)
  TEST_CASE(6, x14, 0x00f8, csrr x14, mscratch)
  /* ---- immediate forms ---- */
  TEST_CASE(7, x14, 0x00f8, csrrwi x14, mscratch, 31)
  TEST_CASE(8, x14, 0x1f, csrrci x14, mscratch, 0x15; csrr x14, mscratch; addi x14, x14, 0x15)
  TEST_CASE(9, x14, 0x0a, csrrsi x14, mscratch, 0x10; csrr x14, mscratch; addi x14, x14, -0x10)
  /* ---- x0 rules ---- */
  TEST_CASE(10, x14, 0x777, li x1, 0x777; csrrw x0, mscratch, x1; csrr x14, mscratch)
  TEST_CASE(11, x14, 0x777, csrrs x14, mscratch, x0; csrrc x2, mscratch, x0; \
            csrrsi x2, mscratch, 0; csrrci x2, mscratch, 0; csrr x14, mscratch)

  /* ---- read-only CSRs ---- */
  TEST_CASE(12, s8, 0, li s8, 0; csrrs x14, mhartid, x0; csrrsi x14, mvendorid, 0; \
            csrrc x14, marchid, x0; csrrci x14, mimpid, 0; csrr x14, cycle)
  TEST_ILLEGAL(13, 0xf1409073, li x1, 5; 1: csrrw x0, mhartid, x1)   /* csrw mhartid, x1 */
  /* (csrrs with rs1 != x0 holding 0 must trap too, but QEMU 7.2 does not trap:
   * only nonzero write masks are tested.) */
  TEST_ILLEGAL(14, 0xf140a773, li x1, 1; csrrs x14, mhartid, x1)
  TEST_ILLEGAL(24, 0xf140e773, csrrsi x14, mhartid, 1)
  TEST_ILLEGAL(15, 0xfff02773, csrr x14, 0xfff)

  /* ---- identification ---- */
test_16:
  li TESTNUM, 16
  csrr x14, misa
  srli x1, x14, 62
  CHECK(x1, 2)
  li x2, (1 << 8) | (1 << 12) | (1 << 0) | (1 << 2)   /* I M A C */
  and x1, x14, x2
  bne x1, x2, fail
  TEST_CASE(17, x14, 0, csrr x14, mhartid)

  /* ---- counters ---- */
  TEST_CASE(18, x14, 1, csrr x1, mcycle; nop; nop; nop; nop; csrr x2, mcycle; sltu x14, x1, x2)
  TEST_CASE(19, x14, 1, csrr x1, minstret; .rept 10; nop; .endr; csrr x2, minstret; \
            sub x2, x2, x1; sltiu x14, x2, 10; xori x14, x14, 1)
  TEST_CASE(20, x14, 1, rdcycle x1; nop; nop; nop; nop; rdcycle x2; sltu x14, x1, x2)
  TEST_CASE(21, x14, 1, rdinstret x1; nop; nop; nop; nop; rdinstret x2; sltu x14, x1, x2)
test_22:
  li TESTNUM, 22
  rdtime x1
  li x5, 10000000
1:rdtime x2
  bne x1, x2, 2f
  addi x5, x5, -1
  bnez x5, 1b
  j fail
2:sltu x14, x1, x2
  CHECK(x14, 1)
  TEST_CASE(23, x14, -1, li x1, -1; csrw mscratch, x1; csrr x14, mscratch)

  TEST_PASSFAIL

  .balign 4
trap_handler:
  csrr s11, mcause
  csrr s10, mtval
  csrr s9, mepc
  addi s8, s8, 1
  addi s9, s9, 4
  csrw mepc, s9
  mret

RVTEST_CODE_END

RVTEST_DATA_BEGIN
  .dword 0
RVTEST_DATA_END
