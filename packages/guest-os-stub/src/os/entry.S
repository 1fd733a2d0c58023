/* Entry points and the trap path of the os-stub. */
#define FRAME 272
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  /* a0 = hartid, a1 = DTB (S-mode, SBI available) */
  la sp, boot_stack_top
  la t0, _bss_start
  la t1, _bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  csrw sscratch, zero
  la t0, trap_entry
  csrw stvec, t0
  call kmain
3:
  wfi
  j 3b

  /* Secondary harts (SBI HSM hart_start): a0 = hartid, a1 = opaque = stack top. */
  .globl secondary_start
secondary_start:
  mv sp, a1
  csrw sscratch, zero
  la t0, trap_entry
  csrw stvec, t0
  call secondary_main
4:
  wfi
  j 4b

  .text
  .balign 4
  .globl trap_entry
trap_entry:
  /* sscratch = kernel stack top while in U-mode, 0 while in S-mode */
  csrrw sp, sscratch, sp
  bnez sp, 1f
  csrrw sp, sscratch, sp
1:
  addi sp, sp, -FRAME
  sd x1, 8(sp)
  sd x3, 24(sp)
  sd x4, 32(sp)
  sd x5, 40(sp)
  sd x6, 48(sp)
  sd x7, 56(sp)
  sd x8, 64(sp)
  sd x9, 72(sp)
  sd x10, 80(sp)
  sd x11, 88(sp)
  sd x12, 96(sp)
  sd x13, 104(sp)
  sd x14, 112(sp)
  sd x15, 120(sp)
  sd x16, 128(sp)
  sd x17, 136(sp)
  sd x18, 144(sp)
  sd x19, 152(sp)
  sd x20, 160(sp)
  sd x21, 168(sp)
  sd x22, 176(sp)
  sd x23, 184(sp)
  sd x24, 192(sp)
  sd x25, 200(sp)
  sd x26, 208(sp)
  sd x27, 216(sp)
  sd x28, 224(sp)
  sd x29, 232(sp)
  sd x30, 240(sp)
  sd x31, 248(sp)
  csrrw t0, sscratch, zero
  bnez t0, 2f
  addi t0, sp, FRAME
2:
  sd t0, 16(sp)
  csrr t0, sepc
  sd t0, 256(sp)
  csrr t0, sstatus
  sd t0, 264(sp)
  mv a0, sp
  call trap_handler
  /* fall through: a0 = frame to resume */
  .globl trap_return
trap_return:
  mv sp, a0
  ld t0, 256(sp)
  csrw sepc, t0
  ld t0, 264(sp)
  csrw sstatus, t0
  andi t0, t0, 0x100
  bnez t0, 3f
  addi t0, sp, FRAME
  csrw sscratch, t0
3:
  ld x1, 8(sp)
  ld x3, 24(sp)
  ld x4, 32(sp)
  ld x5, 40(sp)
  ld x6, 48(sp)
  ld x7, 56(sp)
  ld x8, 64(sp)
  ld x9, 72(sp)
  ld x10, 80(sp)
  ld x11, 88(sp)
  ld x12, 96(sp)
  ld x13, 104(sp)
  ld x14, 112(sp)
  ld x15, 120(sp)
  ld x16, 128(sp)
  ld x17, 136(sp)
  ld x18, 144(sp)
  ld x19, 152(sp)
  ld x20, 160(sp)
  ld x21, 168(sp)
  ld x22, 176(sp)
  ld x23, 184(sp)
  ld x24, 192(sp)
  ld x25, 200(sp)
  ld x26, 208(sp)
  ld x27, 216(sp)
  ld x28, 224(sp)
  ld x29, 232(sp)
  ld x30, 240(sp)
  ld x31, 248(sp)
  ld x2, 16(sp)
  sret

  /* sched_start(frame, ctx): save the kernel's callee-saved context, run frame. */
  .globl sched_start
sched_start:
  sd ra, 0(a1)
  sd sp, 8(a1)
  sd s0, 16(a1)
  sd s1, 24(a1)
  sd s2, 32(a1)
  sd s3, 40(a1)
  sd s4, 48(a1)
  sd s5, 56(a1)
  sd s6, 64(a1)
  sd s7, 72(a1)
  sd s8, 80(a1)
  sd s9, 88(a1)
  sd s10, 96(a1)
  sd s11, 104(a1)
  j trap_return

  /* sched_return(ctx): back to where sched_start was called (returns 0 there). */
  .globl sched_return
sched_return:
  ld ra, 0(a0)
  ld sp, 8(a0)
  ld s0, 16(a0)
  ld s1, 24(a0)
  ld s2, 32(a0)
  ld s3, 40(a0)
  ld s4, 48(a0)
  ld s5, 56(a0)
  ld s6, 64(a0)
  ld s7, 72(a0)
  ld s8, 80(a0)
  ld s9, 88(a0)
  ld s10, 96(a0)
  ld s11, 104(a0)
  csrw sscratch, zero
  li a0, 0
  ret

  .bss
  .balign 16
boot_stack:
  .skip 16384
  .globl boot_stack_top
boot_stack_top:
