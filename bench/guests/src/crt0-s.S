/* crt0 for the S-mode builds of the benchmark guests (NAME-s.elf): entered as an
 * SBI kernel is, in S-mode (or VS-mode under a type-1 hypervisor) at 0x80200000
 * with a0 = hartid and a1 = DTB. The boot hart sets up a stack, clears .bss,
 * installs a trap handler that reports the trap and fails, and calls main();
 * main's return value goes to exit() (SBI SRST). Lets one image run under the
 * type-2 board's native SBI, under the type-1 hypervisor and under QEMU's OpenSBI.
 */
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la sp, _stack_top
  la t0, trap_entry
  csrw stvec, t0
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
  csrr a0, scause
  csrr a1, sepc
  csrr a2, stval
  call trap_handler
  j park
