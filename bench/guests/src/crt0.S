/* crt0 for the benchmark guests (the same convention as tests/guests/src/crt0.S).
 * Entered in M-mode at 0x80000000 with a0 = hartid, a1 = DTB pointer (may be 0).
 * Hart 0 sets up a stack, clears .bss, installs a trap handler that reports the
 * trap and fails, and calls main(); main's return value goes to exit()
 * (0 -> finisher pass 0x5555, n -> finisher fail 0x3333 | n << 16).
 * Every other hart parks in a wfi loop.
 */
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, park
  la sp, _stack_top
  la t0, trap_entry
  csrw mtvec, t0
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
  csrr a0, mcause
  csrr a1, mepc
  csrr a2, mtval
  call trap_handler
  j park
