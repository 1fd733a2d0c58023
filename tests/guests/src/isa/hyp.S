/* isa-hyp: the H extension (environment p: the test body is the "hypervisor" in M-mode).
 * M-mode builds a G-stage (hgatp Sv39x4, 16 KiB root) that maps guest physical
 * [0, 1 GiB) onto host RAM at 0x80000000, and a VS-stage (vsatp Sv39, tables at
 * guest physical addresses) for a guest that runs in VS-mode at VA = PA - 0x80000000.
 * Each test enters the guest with MRET (MPP = S, MPV = 1) at one small routine that
 * ends in ECALL (cause 10, back to M). The M handler records the first trap of a test:
 * mcause (s11), mtval (s10), mtval2 (s9), mtinst (s5), mstatus (s6), count (s8).
 *   1-3   misa.H, hstatus.VSXL = 2, mideleg VS bits read-only one
 *   4     ECALL from VS-mode: cause 10, mstatus.MPV = 1, MPP = S
 *   5     sscratch at V=1 is vsscratch
 *   6     load through a 2 MiB G-stage leaf
 *   7     load guest-page fault: G-stage leaf without U (cause 21, mtval2 = GPA >> 2, GVA)
 *   8     store guest-page fault: GPA not mapped (cause 23; mtinst 0 or sd's transform)
 *   9     implicit guest-page fault on a VS page-table read (mtval2 = PTE GPA >> 2;
 *         mtinst 0 or the 0x3000 pseudoinstruction)
 *   10    load through a 4 KiB VS-stage page
 *   11    VS-stage load page fault (cause 13, mtval2 = 0, GVA)
 *   12    CSR hstatus from VS-mode: virtual instruction (22)
 *   13    fetch guest-page fault (cause 20, mtval = VA, mtval2 = GPA >> 2)
 *   14    M-mode load with MPRV = 1, MPV = 1: two-stage translation
 *   15    HLV.D and HSV.D from M-mode (hstatus.SPVP = 1)
 *   16    breakpoint delegated by medeleg and hedeleg: taken in VS-mode (not an illegal
 *         instruction: QEMU 7.2 turns exception cause 2 into 1 for VS, as if it were VSSIP)
 *   17    hvip.VSSIP delegated by hideleg: a supervisor software interrupt in VS-mode
 *   18-19 with medeleg delegating 10, 21 and 23, an HS-mode "hypervisor" (V=0, S-mode)
 *         enters the guest with SRET (hstatus.SPV = 1) and takes its traps: ECALL (10)
 *         and a load guest-page fault (21) with stval, htval = GPA >> 2, htinst (0 or
 *         ld's transform), hstatus.SPV = SPVP = GVA = 1; HS returns to the guest by SRET.
 *         HS records into the same registers (scause s11, stval s10, htval s9, htinst s5,
 *         hstatus s6) and leaves through ECALL to M (cause 9).
 *   20-21 VU-mode (MPP = U, MPV = 1), running from a VS-stage U page: a load from an
 *         S page is a VS-stage page fault (13) with MPP = U, MPV = 1; ECALL is cause 8
 */
#include "riscv_test.h"
#include "test_macros.h"

  .option arch, +h
  .option norvc

#define GPA_OFF 0x80000000
#define CSR_MTINST 0x34a
#define CSR_MTVAL2 0x34b
#define MPV_BIT 39
#define GVA_BIT 38

/* Enter `label` in VS-mode with a1 = arg; come back at the next line after its ECALL. */
#define GUEST(n, label, arg) \
test_##n: \
  li TESTNUM, n; \
  li s8, 0; \
  li s11, 0; \
  li s10, 0; \
  li s9, 0; \
  li s5, 0; \
  li a1, arg; \
  la s4, 1f; \
  la t0, label; \
  li t1, GPA_OFF; \
  sub t0, t0, t1; \
  csrw mepc, t0; \
  li t0, 3 << 11; \
  csrc mstatus, t0; \
  li t0, 1 << 11; \
  csrs mstatus, t0; \
  li t0, 1; \
  slli t0, t0, MPV_BIT; \
  csrs mstatus, t0; \
  mret; \
1:

/* Enter `label` in VS-mode from HS-mode (through hs_enter) with a1 = arg. */
#define GUEST_HS(n, label, arg) \
test_##n: \
  li TESTNUM, n; \
  li s8, 0; \
  li s11, 0; \
  li s10, 0; \
  li s9, 0; \
  li s5, 0; \
  li a1, arg; \
  la s4, 1f; \
  la t3, label; \
  li t1, GPA_OFF; \
  sub t3, t3, t1; \
  la t0, hs_enter; \
  csrw mepc, t0; \
  li t0, 3 << 11; \
  csrc mstatus, t0; \
  li t0, 1 << 11; \
  csrs mstatus, t0; \
  li t0, 1; \
  slli t0, t0, MPV_BIT; \
  csrc mstatus, t0; \
  mret; \
1:

/* Enter `label` in VU-mode from M-mode, through the U alias of the code at VA_U_OFF. */
#define VA_U_OFF 0x140000000
#define GUEST_VU(n, label, arg) \
test_##n: \
  li TESTNUM, n; \
  li s8, 0; \
  li s11, 0; \
  li s10, 0; \
  li s9, 0; \
  li s5, 0; \
  li a1, arg; \
  la s4, 1f; \
  la t0, label; \
  li t1, GPA_OFF; \
  sub t0, t0, t1; \
  li t1, VA_U_OFF; \
  add t0, t0, t1; \
  csrw mepc, t0; \
  li t0, 3 << 11; \
  csrc mstatus, t0; \
  li t0, 1; \
  slli t0, t0, MPV_BIT; \
  csrs mstatus, t0; \
  mret; \
1:

/* Fails unless bit `b` of reg is set. */
#define CHECK_BIT(reg, b) \
  srli x7, reg, b; \
  andi x7, x7, 1; \
  beqz x7, fail;

/* PTE for physical (or guest physical) address `pa` in t0 with flags; stored at 8*idx(table). */
#define SET_PTE(table, idx, flags) \
  srli t0, t0, 12; \
  slli t0, t0, 10; \
  ori t0, t0, flags; \
  la t1, table; \
  sd t0, (8 * (idx))(t1);

RVTEST_CODE_BEGIN
  la t0, m_trap
  csrw mtvec, t0
  li s7, 0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0

  /* Zero the tables and the guest data page (.kdata is not loaded). */
  la t0, kdata_start
  la t1, kdata_end
2:
  sd zero, 0(t0)
  addi t0, t0, 8
  bltu t0, t1, 2b

TEST_CASE(1, x14, 1 << 7, csrr x14, misa; andi x14, x14, 1 << 7)
TEST_CASE(2, x14, 2, csrr x14, hstatus; srli x14, x14, 32; andi x14, x14, 3)
TEST_CASE(3, x14, 0x444, csrw mideleg, zero; csrr x14, mideleg; andi x14, x14, 0x444)

  /* G-stage: root[0] 1 GiB -> PA 0x80000000; root[1] -> g_l1: 2 MiB leaves at
   * GPA 0x40000000 (U) and 0x40200000 (no U); the rest of [1 GiB, 2 GiB) unmapped. */
  li t0, GPA_OFF
  SET_PTE(g_root, 0, 0xdf)
  la t0, g_l1
  SET_PTE(g_root, 1, 0x01)
  li t0, GPA_OFF
  SET_PTE(g_l1, 0, 0xdf)
  li t0, GPA_OFF
  SET_PTE(g_l1, 1, 0xcf)
  /* VS-stage (PTEs hold guest physical addresses): root[0] VA [0, 1 GiB) -> GPA same, RWX;
   * root[1] VA [1 GiB, 2 GiB) -> GPA same, RW; root[2] -> vs_l1 -> vs_l0: VA 0x80000000 ->
   * guest_data; root[3] -> GPA 0x50000000 (not mapped at the G-stage); root[4] VA
   * 0x100000000 -> GPA 0x40000000, RWX. */
  li t0, 0
  SET_PTE(vs_root, 0, 0xcf)
  li t0, 0x40000000
  SET_PTE(vs_root, 1, 0xc7)
  la t0, vs_l1
  li t1, GPA_OFF
  sub t0, t0, t1
  SET_PTE(vs_root, 2, 0x01)
  la t0, vs_l0
  li t1, GPA_OFF
  sub t0, t0, t1
  SET_PTE(vs_l1, 0, 0x01)
  la t0, guest_data
  li t1, GPA_OFF
  sub t0, t0, t1
  SET_PTE(vs_l0, 0, 0xc7)
  li t0, 0x50000000
  SET_PTE(vs_root, 3, 0x01)
  li t0, 0x40000000
  SET_PTE(vs_root, 4, 0xcf)
  li t0, 0 /* root[5]: VA 0x140000000 -> GPA 0, a U (VU-mode) alias of the code */
  SET_PTE(vs_root, 5, 0xdf)

  la t0, g_root
  srli t0, t0, 12
  li t1, 8
  slli t1, t1, 60
  or t0, t0, t1
  csrw hgatp, t0
  la t0, vs_root
  li t1, GPA_OFF
  sub t0, t0, t1
  srli t0, t0, 12
  li t1, 8
  slli t1, t1, 60
  or t0, t0, t1
  csrw vsatp, t0
  hfence.gvma
  hfence.vvma
  la t0, guest_data
  li t1, 0x1122334455667788
  sd t1, 0(t0)

GUEST(4, g_ecall, 0)
  CHECK(s8, 1)
  CHECK(s11, 10)
  CHECK_BIT(s6, MPV_BIT)
  srli x7, s6, 11
  andi x7, x7, 3
  li x14, 1
  bne x7, x14, fail

  li t0, 0x77
  csrw sscratch, t0
  li a0, 0x1234
GUEST(5, g_sscratch, 0)
  CHECK(s8, 1)
  csrr x14, vsscratch
  CHECK(x14, 0x1234)
  csrr x14, sscratch
  CHECK(x14, 0x77)

GUEST(6, g_load, 0x40000010)
  CHECK(s8, 1)
  li t0, GPA_OFF + 0x10
  ld x14, 0(t0)
  bne a0, x14, fail

GUEST(7, g_load, 0x40200000)
  CHECK(s8, 2)
  CHECK(s11, 21)
  CHECK(s10, 0x40200000)
  CHECK(s9, 0x40200000 >> 2)
  CHECK_BIT(s6, GVA_BIT)
  CHECK_BIT(s6, MPV_BIT)

  li a0, 0x5a
GUEST(8, g_store, 0x50000008)
  CHECK(s8, 2)
  CHECK(s11, 23)
  CHECK(s10, 0x50000008)
  CHECK(s9, 0x50000008 >> 2)
  beqz s5, 3f
  CHECK(s5, 0x00a03023) /* sd a0, 0(x0) */
3:

GUEST(9, g_load, 0xc0200000)
  CHECK(s8, 2)
  CHECK(s11, 21)
  CHECK(s10, 0xc0200000)
  CHECK(s9, 0x50000008 >> 2)
  beqz s5, 3f
  CHECK(s5, 0x3000)
3:

GUEST(10, g_load, 0x80000000)
  CHECK(s8, 1)
  li x7, 0x1122334455667788
  bne a0, x7, fail

GUEST(11, g_load, 0x80002000)
  CHECK(s8, 2)
  CHECK(s11, 13)
  CHECK(s10, 0x80002000)
  CHECK(s9, 0)
  CHECK_BIT(s6, GVA_BIT)

GUEST(12, g_hstatus, 0)
  CHECK(s8, 2)
  CHECK(s11, 22)

  la s7, g_ecall
  li t0, GPA_OFF
  sub s7, s7, t0
GUEST(13, g_jump, 0x100200000)
  CHECK(s8, 2)
  CHECK(s11, 20)
  CHECK(s10, 0x100200000)
  CHECK(s9, 0x40200000 >> 2)

test_14:
  li TESTNUM, 14
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, (1 << 11) | (1 << 17)   /* MPP = S, MPRV */
  csrs mstatus, t0
  li t0, 1
  slli t0, t0, MPV_BIT
  csrs mstatus, t0
  li t1, 0x80000000
  ld x14, 0(t1)
  li t0, 1 << 17
  csrc mstatus, t0
  li x7, 0x1122334455667788
  bne x14, x7, fail

test_15:
  li TESTNUM, 15
  li t0, 1 << 8 /* SPVP */
  csrs hstatus, t0
  li t1, 0x80000000
  hlv.d x14, (t1)
  li x7, 0x1122334455667788
  bne x14, x7, fail
  li t1, 0x80000008
  li t2, 0xabc
  hsv.d t2, (t1)
  la t0, guest_data
  ld x14, 8(t0)
  li x7, 0xabc
  bne x14, x7, fail

  li t0, 1 << 3
  csrw medeleg, t0
  csrw hedeleg, t0
  li s3, 0
GUEST(16, g_ebreak, 0)
  CHECK(s8, 1)
  CHECK(s3, 3)
  csrw medeleg, zero
  csrw hedeleg, zero

  li t0, 1 << 2
  csrw hideleg, t0
  csrs hvip, t0
  li s3, 0
GUEST(17, g_irq, 0)
  CHECK(s8, 1)
  li x7, 1
  slli x7, x7, 63
  addi x7, x7, 1
  bne s3, x7, fail
  csrr x14, hvip
  CHECK(x14, 0)

  la t0, hs_trap
  csrw stvec, t0
  li t0, (1 << 10) | (1 << 21) | (1 << 23)
  csrw medeleg, t0
GUEST_HS(18, g_ecall, 0)
  CHECK(s8, 2) /* HS took the ECALL, then M the ECALL from HS */
  CHECK(s11, 10)
  CHECK_BIT(s6, 7) /* hstatus.SPV */
  CHECK_BIT(s6, 8) /* hstatus.SPVP */
  srli x7, s6, 6
  andi x7, x7, 1
  bnez x7, fail /* GVA = 0 */

GUEST_HS(19, g_load, 0x40200000)
  CHECK(s8, 3) /* the fault and the ECALL in HS, the ECALL from HS in M */
  CHECK(s11, 21)
  CHECK(s10, 0x40200000)
  CHECK(s9, 0x40200000 >> 2)
  CHECK_BIT(s6, 6) /* GVA */
  CHECK_BIT(s6, 7)
  beqz s5, 3f
  CHECK(s5, 0x00003503) /* ld a0, 0(x0) */
3:
  csrw medeleg, zero

GUEST_VU(20, g_load, 0x10)
  CHECK(s8, 2)
  CHECK(s11, 13)
  CHECK(s10, 0x10)
  CHECK_BIT(s6, MPV_BIT)
  srli x7, s6, 11
  andi x7, x7, 3
  bnez x7, fail /* MPP = U */

GUEST_VU(21, g_ecall, 0)
  CHECK(s8, 1)
  CHECK(s11, 8)

  TEST_PASSFAIL

/* M-mode trap handler: records the first trap of a test; ECALL from VS-mode (10)
 * returns to M-mode at s4; other traps resume at s7 (if set) or mepc + 4. */
  .balign 4
m_trap:
  bnez s8, 1f
  csrr s11, mcause
  csrr s10, mtval
  csrr s9, CSR_MTVAL2
  csrr s5, CSR_MTINST
  csrr s6, mstatus
1:
  addi s8, s8, 1
  csrr t6, mcause
  li t5, 10
  beq t6, t5, 3f
  li t5, 9 /* ECALL from the HS-mode runner: back to M too */
  beq t6, t5, 3f
  li t5, 8 /* ECALL from VU-mode */
  beq t6, t5, 3f
  bnez s7, 2f
  csrr t6, mepc
  addi t6, t6, 4
  csrw mepc, t6
  mret
2:
  csrw mepc, s7
  li s7, 0
  mret
3:
  li t6, 3 << 11
  csrs mstatus, t6
  li t6, 1
  slli t6, t6, MPV_BIT
  csrc mstatus, t6
  csrw mepc, s4
  mret

/* HS-mode runner (V=0, satp Bare): enter the guest at t3 in VS-mode by SRET. */
  .balign 4
hs_enter:
  csrw sepc, t3
  li t0, 1 << 7 /* hstatus.SPV */
  csrs hstatus, t0
  li t0, 1 << 8 /* sstatus.SPP = S */
  csrs sstatus, t0
  sret

/* HS-mode trap handler: records the first trap; ECALL from VS leaves to M by ECALL,
 * other traps resume the guest at sepc + 4. */
  .balign 4
hs_trap:
  bnez s8, 1f
  csrr s11, scause
  csrr s10, stval
  csrr s9, htval
  csrr s5, htinst
  csrr s6, hstatus
1:
  addi s8, s8, 1
  csrr t6, scause
  li t5, 10
  beq t6, t5, 2f
  csrr t6, sepc
  addi t6, t6, 4
  csrw sepc, t6
  sret
2:
  ecall

/* Guest routines: run in VS-mode at VA = link address - 0x80000000. */
g_ecall:
  ecall
g_sscratch:
  csrw sscratch, a0
  ecall
g_load:
  ld a0, 0(a1)
  ecall
g_store:
  sd a0, 0(a1)
  ecall
g_hstatus:
  csrr a0, hstatus
  ecall
g_jump:
  jalr a1
  ecall
g_ebreak:
  la t0, vs_trap
  csrw stvec, t0
  ebreak
  ecall
g_irq:
  la t0, vs_trap
  csrw stvec, t0
  csrsi sie, 2
  csrsi sstatus, 2
  nop
  csrci sstatus, 2
  ecall

/* VS-mode trap handler: scause in s3; exceptions resume at sepc + 4, the software
 * interrupt is cleared through sip (vsip.SSIP is hvip.VSSIP). */
  .balign 4
vs_trap:
  csrr s3, scause
  bltz s3, 1f
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
  sret
1:
  csrci sip, 2
  sret

RVTEST_CODE_END

  .section .kdata, "aw", @nobits
  .balign 16384
kdata_start:
g_root:
  .space 16384
g_l1:
  .space 4096
vs_root:
  .space 4096
vs_l1:
  .space 4096
vs_l0:
  .space 4096
guest_data:
  .space 4096
kdata_end:

RVTEST_DATA_BEGIN
RVTEST_DATA_END
