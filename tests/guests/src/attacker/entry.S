/* Entry of the attacker guest: an S-mode kernel (a VS-mode guest under the type-1
 * hypervisor), entered at 0x80200000 with a0 = hart id, a1 = DTB. Every exception
 * lands in `trap`, which records scause and stval and skips the faulting 4-byte
 * instruction, so each probe below either reads or writes (an escape) or faults. */
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la sp, _stack_top
  la t0, trap
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
3:
  wfi
  j 3b

  .balign 4
trap:
  csrw sscratch, t0
  la t0, trap_save
  sd t1, 0(t0)
  csrr t1, scause
  sd t1, 8(t0)
  csrr t1, stval
  sd t1, 16(t0)
  csrr t1, scause
  addi t1, t1, -1
  bnez t1, 4f
  /* Fetch access fault: go back to where probe_fetch jumped from. */
  ld t1, 24(t0)
  j 5f
4:
  csrr t1, sepc
  addi t1, t1, 4
5:
  csrw sepc, t1
  ld t1, 0(t0)
  csrr t0, sscratch
  sret

  .option push
  .option norvc
  /* u64 probe_load(u64 addr): the doubleword there (trap_save.cause = 0 when it was read). */
  .globl probe_load
probe_load:
  la t0, trap_save
  sd zero, 8(t0)
  ld a0, 0(a0)
  ret
  /* void probe_store(u64 addr, u64 value). */
  .globl probe_store
probe_store:
  la t0, trap_save
  sd zero, 8(t0)
  sd a1, 0(a0)
  ret
  /* void probe_fetch(u64 addr): jumps there; the trap returns to the next instruction. */
  .globl probe_fetch
probe_fetch:
  la t0, trap_save
  sd zero, 8(t0)
  la t1, 1f
  sd t1, 24(t0)
  jalr zero, 0(a0)
1:
  ret
  .option pop

  .section .bss
  .balign 8
  .globl trap_save
trap_save:
  .zero 32
