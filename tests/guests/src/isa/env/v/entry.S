/* ISA test environment "v": the test body runs in U-mode with Sv39 paging.
 *
 * M-mode boot (hart 0; other harts park): PMP entry 0 = NAPOT over all memory
 * with RWX (pmpaddr0 = -1, pmpcfg0 = 0x1f), delegate every exception except
 * ecall-from-S/M to S-mode (medeleg = 0xb1ff), mret to S-mode.
 * S-mode kernel: builds an Sv39 table (root -> 1 GiB slot 2 -> one L0 table of
 * 4 KiB pages for 0x80000000..0x801fffff). Pages in [_user_start, _user_end)
 * (test code and data) are U|R|W|X, all others (this kernel, tohost, page
 * tables, stack) are supervisor-only R|W|X; A and D are preset. It enables
 * paging (satp mode 8), sets stvec, and srets to rvtest_body in U-mode.
 * Images built with the F/D extensions (__riscv_flen) get sstatus.FS =
 * Initial and fcsr = 0 from the kernel, and FS stays enabled for U-mode.
 * ecall from U (cause 8): pass/fail code in a0, forwarded by an ecall from S
 * to M-mode, which calls rvtest_exit (tohost + finisher).
 * Any other trap in S (from U): fail with 224 + scause; any other trap in
 * M: fail with 200 + (mcause & 31).
 */
#include "riscv_test.h"
#include "test_macros.h"

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, rvtest_park
  la t0, rvtest_mtrap
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f           /* A = NAPOT, X, W, R */
  csrw pmpcfg0, t0
  li t0, 0xb1ff         /* exceptions 0-8, 12, 13, 15 -> S */
  csrw medeleg, t0
  csrw mideleg, zero
  csrw mie, zero
  csrw satp, zero
  li t0, 3 << 11        /* mstatus.MPP = S */
  csrc mstatus, t0
  li t0, 1 << 11
  csrs mstatus, t0
  la t0, rvtest_skernel
  csrw mepc, t0
  mret

rvtest_park:
  wfi
  j rvtest_park

  .balign 4
rvtest_mtrap:
  csrr t0, mcause
  li t1, 9              /* ecall from S: a0 = code */
  beq t0, t1, 1f
  andi a0, t0, 31
  addi a0, a0, 200
1:
  j rvtest_exit

/* ---- S-mode kernel ---- */
rvtest_skernel:
  la sp, _stack_top
  la t0, rvtest_pt_root
  la t1, rvtest_pt_end
1:
  sd zero, 0(t0)
  addi t0, t0, 8
  bltu t0, t1, 1b
  /* root[2] -> L1 (VA 0x80000000 has VPN[2] = 2) */
  la t0, rvtest_pt_l1
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, PTE_V
  la t1, rvtest_pt_root
  sd t0, 16(t1)
  /* L1[0] -> L0 */
  la t0, rvtest_pt_l0
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, PTE_V
  la t1, rvtest_pt_l1
  sd t0, 0(t1)
  /* L0[i]: identity map of 0x80000000 + i * 4 KiB */
  la t2, _user_start
  la t3, _user_end
  li t4, 0x80000000
  la t5, rvtest_pt_l0
  li t6, 512
2:
  srli t0, t4, 12
  slli t0, t0, 10
  ori t0, t0, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  bltu t4, t2, 3f
  bgeu t4, t3, 3f
  ori t0, t0, PTE_U
3:
  sd t0, 0(t5)
  addi t5, t5, 8
  li t1, 4096
  add t4, t4, t1
  addi t6, t6, -1
  bnez t6, 2b

  la t0, rvtest_strap
  csrw stvec, t0
  la t0, rvtest_pt_root
  srli t0, t0, 12
  li t1, 8 << 60        /* Sv39 */
  or t0, t0, t1
  sfence.vma
  csrw satp, t0
  sfence.vma
  la t0, rvtest_body
  csrw sepc, t0
  li t0, 1 << 8         /* sstatus.SPP = U */
  csrc sstatus, t0
#ifdef __riscv_flen
  li t0, 1 << 13        /* sstatus.FS = Initial: U-mode may use the FPU */
  csrs sstatus, t0
  csrw fcsr, zero       /* frm = rne, no flags (may make FS Dirty) */
  li t0, 3 << 13
  csrc sstatus, t0
  li t0, 1 << 13
  csrs sstatus, t0      /* FS = Initial again */
#endif
  li TESTNUM, 0
  sret

  .balign 4
rvtest_strap:
  csrr t0, scause
  li t1, 8              /* ecall from U: a0 = code */
  beq t0, t1, 1f
  andi a0, t0, 31
  addi a0, a0, 224
1:
  ecall                 /* to M-mode, never returns */
2:
  j 2b

#include "env/exit.inc"

  .section .kdata, "aw", @nobits
  .balign 4096
rvtest_pt_root:
  .skip 4096
rvtest_pt_l1:
  .skip 4096
rvtest_pt_l0:
  .skip 4096
rvtest_pt_end:
