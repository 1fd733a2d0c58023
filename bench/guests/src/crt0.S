/* crt0 for the benchmark guests (the same convention as tests/guests/src/crt0.S).
 * Entered in M-mode at 0x80000000 with a0 = hartid, a1 = DTB pointer (may be 0).
 * Hart 0 sets up a stack, clears .bss, installs a trap handler that reports the
 * trap and fails, and calls main(); main's return value goes to exit()
 * (0 -> finisher pass 0x5555, n -> finisher fail 0x3333 | n << 16).
 * Every other hart parks in a wfi loop.
 *
 * With -DSMODE (the NAME-s images): entered as an SBI kernel is, in S-mode (VS-mode
 * under the type-1 hypervisor) at 0x80200000 on the boot hart, whichever it is; the
 * trap CSRs are the S ones and exit() is SBI SRST.
 */
#ifdef SMODE
#define XTVEC stvec
#define XCAUSE scause
#define XEPC sepc
#define XTVAL stval
#else
#define XTVEC mtvec
#define XCAUSE mcause
#define XEPC mepc
#define XTVAL mtval
#endif
  .section .text.init, "ax", @progbits
  .globl _start
_start:
#ifndef SMODE
  csrr t0, mhartid
  bnez t0, park
#endif
  la sp, _stack_top
  la t0, trap_entry
  csrw XTVEC, t0
  la t0, _bss_start
  la t1, _bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  call main
  call exit
park:
  wfi
  j park

  .balign 4
trap_entry:
  la sp, _stack_top
  csrr a0, XCAUSE
  csrr a1, XEPC
  csrr a2, XTVAL
  call trap_handler
  j park
