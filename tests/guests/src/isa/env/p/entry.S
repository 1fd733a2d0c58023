/* ISA test environment "p": M-mode, no paging.
 * Hart 0 installs a default trap handler (unexpected trap -> fail with code
 * 200 + (mcause & 31)), clears TESTNUM and jumps to the test body; every other
 * hart parks in a wfi loop. Tests that expect traps install their own mtvec.
 * Images built with the F/D extensions (__riscv_flen: isa-rv64f, isa-rv64d)
 * also get mstatus.FS = Initial and fcsr = 0 before the body runs.
 */
#include "riscv_test.h"
#include "test_macros.h"

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, rvtest_park
  la t0, rvtest_trap
  csrw mtvec, t0
#ifdef __riscv_flen
  li t0, 1 << 13        /* mstatus.FS = Initial: enable the FPU */
  csrs mstatus, t0
  csrw fcsr, zero       /* frm = rne, no flags (may make FS Dirty) */
  li t0, 3 << 13
  csrc mstatus, t0
  li t0, 1 << 13
  csrs mstatus, t0      /* FS = Initial again */
#endif
  li TESTNUM, 0
  la t0, rvtest_body
  jr t0

rvtest_park:
  wfi
  j rvtest_park

  .balign 4
  .globl rvtest_trap
rvtest_trap:
  csrr a0, mcause
  andi a0, a0, 31
  addi a0, a0, 200
  j rvtest_exit

#include "env/exit.inc"
