/* isa-rv64i: every RV64I instruction, uncompressed encodings (.option norvc).
 *   1-19   add addi sub (overflow wrap, imm range -2048..2047, rd = rs1/rs2, rd = x0)
 *   20-29  addw addiw subw (32-bit wrap, sign extension, upper bits ignored)
 *   30-45  and andi or ori xor xori (sign-extended immediates)
 *   46-79  sll slli srl srli sra srai (+W forms): shift by 0/1/31/63, shift amount
 *          taken from the low 6 (5 for W) bits of rs2, sign extension of W results
 *   80-91  slt slti sltu sltiu
 *   92-99  lui auipc
 *   100-111 jal jalr: link values, jalr clears bit 0, rd == rs1, rd = x0
 *   112-123 beq bne blt bge bltu bgeu, taken and not taken, signed vs unsigned
 *   124-139 lb lh lw ld lbu lhu lwu: every width and sign, positive and negative offsets
 *   140-149 sb sh sw sd: store width (neighbour bytes untouched), negative offset
 *   150-151 fence, fence.i (self-modifying code)
 */
#include "riscv_test.h"
#include "test_macros.h"

  .option norvc
RVTEST_CODE_BEGIN

  /* ---- add / addi / sub ---- */
  TEST_RR_OP(1, add, 10, 3, 7)
  TEST_RR_OP(2, add, 0x8000000000000000, 0x7fffffffffffffff, 1)
  TEST_RR_OP(3, add, 0, -1, 1)
  TEST_RR_OP(4, add, 0x1fffffffe, 0xffffffff, 0xffffffff)
  TEST_RR_SRC1_EQ_DEST(5, add, 24, 13, 11)
  TEST_RR_SRC2_EQ_DEST(6, add, 25, 14, 11)
  TEST_RR_ZERODEST(7, add, 1, 2)
  TEST_IMM_OP(8, addi, 0x800, 1, 0x7ff)
  TEST_IMM_OP(9, addi, 0xfffffffffffff800, 0, -2048)
  TEST_IMM_OP(10, addi, 0x7fffffffffffffff, 0x8000000000000000, -1)
  TEST_IMM_OP(11, addi, 0x80000000, 0x7fffffff, 1)
  TEST_CASE(12, x1, 0x23, li x1, 0x22; addi x1, x1, 1)
  TEST_CASE(13, x0, 0, addi x0, x0, 5)
  TEST_RR_OP(14, sub, 0xffffffffffffffff, 0, 1)
  TEST_RR_OP(15, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
  TEST_RR_OP(16, sub, 0x100000000, 0x100000003, 3)
  TEST_RR_SRC1_EQ_DEST(17, sub, 2, 13, 11)
  TEST_RR_SRC2_EQ_DEST(18, sub, 3, 14, 11)
  TEST_RR_ZERODEST(19, sub, 5, 2)

  /* ---- addw / addiw / subw ---- */
  TEST_RR_OP(20, addw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_RR_OP(21, addw, 2, 0xffffffff00000001, 0x1234567800000001)
  TEST_RR_OP(22, addw, 0, 0xffffffff, 1)
  TEST_IMM_OP(23, addiw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_IMM_OP(24, addiw, 0xffffffffffffffff, 0xffffffff, 0)
  TEST_IMM_OP(25, addiw, 0x7ff, 0x1234567800000000, 0x7ff)
  TEST_IMM_OP(26, addiw, 0x7fffffff, 0xffffffff80000000, -1)
  TEST_RR_OP(27, subw, 0x7fffffff, 0x80000000, 1)
  TEST_RR_OP(28, subw, 0xffffffffffffffff, 0x100000000, 1)
  TEST_RR_OP(29, subw, 0xffffffff80000000, 0, 0x80000000)

  /* ---- logic ---- */
  TEST_RR_OP(30, and, 0x0f000f000f000f00, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)
  TEST_RR_OP(31, and, 0, 0x5555555555555555, 0xaaaaaaaaaaaaaaaa)
  TEST_IMM_OP(32, andi, 0x123456789abcde00, 0x123456789abcdef0, -256)
  TEST_IMM_OP(33, andi, 0x6f0, 0x123456789abcdef0, 0x7ff)
  TEST_RR_SRC1_EQ_DEST(34, and, 0x0f00, 0xff00, 0x0ff0)
  TEST_RR_OP(35, or, 0xfff0fff0fff0fff0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)
  TEST_IMM_OP(36, ori, 0xfffffffffffff801, 1, -2048)
  TEST_IMM_OP(37, ori, 0x80000000000007ff, 0x8000000000000000, 0x7ff)
  TEST_RR_SRC2_EQ_DEST(38, or, 0xfff0, 0xff00, 0x0ff0)
  TEST_RR_OP(39, xor, 0xf0f0f0f0f0f0f0f0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)
  TEST_IMM_OP(40, xori, 0xffffffffff00ff00, 0x00ff00ff, -1)
  TEST_IMM_OP(41, xori, 0x0ff00ff00ff00f0f, 0x0ff00ff00ff00ff0, 0x0ff)
  TEST_RR_ZERODEST(42, xor, 1, 2)
  TEST_RR_ZERODEST(43, or, 1, 2)
  TEST_RR_ZERODEST(44, and, 3, 2)
  TEST_CASE(45, x0, 0, xori x0, x0, -1)

  /* ---- shifts ---- */
  TEST_RR_OP(46, sll, 0x8000000000000000, 1, 63)
  TEST_RR_OP(47, sll, 2, 1, 65)
  TEST_RR_OP(48, sll, 0x8000000000000000, -1, 63)
  TEST_RR_OP(49, sll, 0x2468acf13579bde, 0x123456789abcdef, 1)
  TEST_IMM_OP(50, slli, 0x8000000000000000, 1, 63)
  TEST_IMM_OP(51, slli, 0x0000000100000000, 1, 32)
  TEST_IMM_OP(52, slli, 0x123456789abcdef, 0x123456789abcdef, 0)
  TEST_RR_OP(53, srl, 1, 0x8000000000000000, 63)
  TEST_RR_OP(54, srl, 0x0fffffffffffffff, -1, 68)
  TEST_IMM_OP(55, srli, 1, -1, 63)
  TEST_IMM_OP(56, srli, 0x7fffffffffffffff, -1, 1)
  TEST_IMM_OP(57, srli, 0xffffffff, 0xffffffff00000000, 32)
  TEST_RR_OP(58, sra, 0xffffffffffffffff, 0x8000000000000000, 63)
  TEST_RR_OP(59, sra, 0xc000000000000000, 0x8000000000000000, 65)
  TEST_IMM_OP(60, srai, 0xc000000000000000, 0x8000000000000000, 1)
  TEST_IMM_OP(61, srai, 0, 0x7fffffffffffffff, 63)
  TEST_IMM_OP(62, srai, 0xffffffff80000000, 0x8000000000000000, 32)
  TEST_RR_OP(63, sllw, 0xffffffff80000000, 1, 31)
  TEST_RR_OP(64, sllw, 2, 1, 33)
  TEST_RR_OP(65, sllw, 0x12345678, 0xffffffff12345678, 0)
  TEST_IMM_OP(66, slliw, 0xffffffff80000000, 1, 31)
  TEST_IMM_OP(67, slliw, 1, 0xffffffff00000001, 0)
  TEST_IMM_OP(68, slliw, 0x7ffffffe, 0xbfffffff, 1)
  TEST_RR_OP(69, srlw, 1, 0xffffffff80000000, 31)
  TEST_RR_OP(70, srlw, 0xffffffff80000000, 0x80000000, 0)
  TEST_RR_OP(71, srlw, 0x40000000, 0x1234567880000000, 33)
  TEST_IMM_OP(72, srliw, 1, -1, 31)
  TEST_IMM_OP(73, srliw, 0x7fffffff, -1, 1)
  TEST_IMM_OP(74, srliw, 0xffffffff87654321, 0x0000000087654321, 0)
  TEST_RR_OP(75, sraw, 0xffffffffffffffff, 0x80000000, 31)
  TEST_RR_OP(76, sraw, 0, 0x7fffffff, 31)
  TEST_RR_OP(77, sraw, 0xffffffffc0000000, 0x80000000, 33)
  TEST_IMM_OP(78, sraiw, 0xffffffffc0000000, 0xffffffff80000000, 1)
  TEST_IMM_OP(79, sraiw, 0x40000000, 0x1234567840000000, 0)

  /* ---- set less than ---- */
  TEST_RR_OP(80, slt, 1, -1, 1)
  TEST_RR_OP(81, slt, 0, 1, -1)
  TEST_RR_OP(82, slt, 1, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_RR_OP(83, slt, 0, 5, 5)
  TEST_IMM_OP(84, slti, 1, -1, 0)
  TEST_IMM_OP(85, slti, 0, 0, -2048)
  TEST_IMM_OP(86, slti, 0, 0x7ff, 0x7ff)
  TEST_RR_OP(87, sltu, 0, -1, 1)
  TEST_RR_OP(88, sltu, 1, 1, -1)
  TEST_RR_OP(89, sltu, 1, 0, 1)
  TEST_IMM_OP(90, sltiu, 1, 0, 1)
  TEST_IMM_OP(91, sltiu, 1, 0xfffffffffffffffe, -1)

  /* ---- lui / auipc ---- */
  TEST_CASE(92, x14, 0xffffffff80000000, lui x14, 0x80000)
  TEST_CASE(93, x14, 0x7ffff000, lui x14, 0x7ffff)
  TEST_CASE(94, x14, 0xfffffffffffff000, lui x14, 0xfffff)
  TEST_CASE(95, x14, 0, lui x14, 0)
  TEST_CASE(96, x14, 0x1000, 1: auipc x14, 1; la x1, 1b; sub x14, x14, x1)
  TEST_CASE(97, x14, -0x1000, 1: auipc x14, 0xfffff; la x1, 1b; sub x14, x14, x1)
  TEST_CASE(98, x14, 0, 1: auipc x14, 0; la x1, 1b; sub x14, x14, x1)
  TEST_CASE(99, x14, 0x7ffff000, 1: auipc x14, 0x7ffff; la x1, 1b; sub x14, x14, x1)

  /* ---- jal / jalr ---- */
test_100:
  li TESTNUM, 100
  li x1, 0
1:jal x1, 2f
3:j fail
2:la x7, 3b
  bne x1, x7, fail
test_101:                  /* backward jal */
  li TESTNUM, 101
  j 2f
1:la x7, 3f
  bne x1, x7, fail
  j 4f
2:jal x1, 1b
3:j fail
4:
test_102:                  /* jal x0 writes nothing */
  li TESTNUM, 102
  jal x0, 1f
  j fail
1:bnez x0, fail
test_103:                  /* jalr link value */
  li TESTNUM, 103
  la x2, 2f
1:jalr x1, 0(x2)
3:j fail
2:la x7, 3b
  bne x1, x7, fail
test_104:                  /* jalr with offset */
  li TESTNUM, 104
  la x2, 2f
  addi x2, x2, -8
  jalr x5, 8(x2)
3:j fail
2:la x7, 3b
  bne x5, x7, fail
test_105:                  /* jalr clears bit 0 of the target */
  li TESTNUM, 105
  la x2, 2f
  addi x2, x2, 1
  jalr x1, 0(x2)
  j fail
2:
test_106:                  /* jalr clears bit 0 after adding the offset */
  li TESTNUM, 106
  la x2, 2f
  addi x2, x2, -2
  jalr x1, 3(x2)
  j fail
2:
test_107:                  /* rd == rs1: target uses the old value */
  li TESTNUM, 107
  la x2, 2f
1:jalr x2, 0(x2)
3:j fail
2:la x7, 3b
  bne x2, x7, fail
test_108:                  /* jalr x0 (ret form) */
  li TESTNUM, 108
  la x2, 2f
  jalr x0, 0(x2)
  j fail
2:bnez x0, fail
test_109:                  /* call/ret through a subroutine */
  li TESTNUM, 109
  li x14, 0
  call 5f
  j 6f
5:addi x14, x14, 7
  ret
6:CHECK(x14, 7)
test_110:                  /* jalr negative offset */
  li TESTNUM, 110
  j 2f
1:j 3f
2:la x2, 1b
  addi x2, x2, 100
  jalr x1, -100(x2)
  j fail
3:
test_111:                  /* jal x1 then jalr x0, 0(x1) returns right after */
  li TESTNUM, 111
  li x14, 1
  jal x1, 5f
  addi x14, x14, 1
  j 6f
5:addi x14, x14, 10
  jalr x0, 0(x1)
6:CHECK(x14, 12)

  /* ---- branches ---- */
  TEST_BR2_OP_TAKEN(112, beq, -1, -1)
  TEST_BR2_OP_NOTTAKEN(113, beq, 0, 1)
  TEST_BR2_OP_TAKEN(114, bne, 0, 1)
  TEST_BR2_OP_NOTTAKEN(115, bne, 0x8000000000000000, 0x8000000000000000)
  TEST_BR2_OP_TAKEN(116, blt, -1, 1)
  TEST_BR2_OP_NOTTAKEN(117, blt, 1, -1)
  TEST_BR2_OP_TAKEN(118, bge, 1, 1)
  TEST_BR2_OP_NOTTAKEN(119, bge, 0x8000000000000000, 0)
  TEST_BR2_OP_TAKEN(120, bltu, 1, -1)
  TEST_BR2_OP_NOTTAKEN(121, bltu, -1, 1)
  TEST_BR2_OP_TAKEN(122, bgeu, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_BR2_OP_NOTTAKEN(123, bgeu, 0, -1)

  /* ---- loads (ldat = bytes 12 34 56 78 9a bc de f0 | 01 80 ff 7f 00 00 00 80) ---- */
  TEST_LD_OP(124, lb, 0x12, 0, ldat)
  TEST_LD_OP(125, lb, 0xfffffffffffffff0, 7, ldat)
  TEST_LD_OP(126, lb, 0xfffffffffffffff0, -1, ldat + 8)
  TEST_LD_OP(127, lbu, 0xf0, 7, ldat)
  TEST_LD_OP(128, lbu, 0x9a, 4, ldat)
  TEST_LD_OP(129, lh, 0x3412, 0, ldat)
  TEST_LD_OP(130, lh, 0xfffffffffffff0de, 6, ldat)
  TEST_LD_OP(131, lh, 0x7fff, 10, ldat)
  TEST_LD_OP(132, lhu, 0xf0de, 6, ldat)
  TEST_LD_OP(133, lhu, 0x8001, -8, ldat + 16)
  TEST_LD_OP(134, lw, 0x78563412, 0, ldat)
  TEST_LD_OP(135, lw, 0xfffffffff0debc9a, 4, ldat)
  TEST_LD_OP(136, lwu, 0xf0debc9a, 4, ldat)
  TEST_LD_OP(137, lwu, 0x80000000, -4, ldat + 16)
  TEST_LD_OP(138, ld, 0xf0debc9a78563412, 0, ldat)
  TEST_LD_OP(139, ld, 0x800000007fff8001, -8, ldat + 16)

  /* ---- stores (each sdat dword starts as 0xaaaaaaaaaaaaaaaa) ---- */
  TEST_ST_OP(140, lbu, sb, 0x55, 1, sdat)
  TEST_LD_OP(141, ld, 0xaaaaaaaaaaaa55aa, 0, sdat)
  TEST_ST_OP(142, lh, sh, 0x1234, 2, sdat + 8)
  TEST_LD_OP(143, ld, 0xaaaaaaaa1234aaaa, 0, sdat + 8)
  TEST_ST_OP(144, lw, sw, 0xffffffff87654321, 4, sdat + 16)
  TEST_LD_OP(145, ld, 0x87654321aaaaaaaa, 0, sdat + 16)
  TEST_ST_OP(146, ld, sd, 0x0123456789abcdef, -8, sdat + 32)
  TEST_LD_OP(147, ld, 0xaaaaaaaaaaaaaaaa, 0, sdat + 32)
  TEST_CASE(148, x14, 0xaaaaaaaaaaaa00aa, la x1, sdat + 40; li x2, 0x1234567812345600; sb x2, 1(x1); ld x14, 0(x1))
  TEST_CASE(149, x14, 0x00000000aaaaaaaa, la x1, sdat + 48; li x2, 0xffffffff00000000; sw x2, 4(x1); ld x14, 0(x1))

  /* ---- fence / fence.i ---- */
  TEST_CASE(150, x14, 3, li x14, 3; fence; fence rw, rw; fence r, r; fence w, w; fence.tso)
test_151:                  /* patch "addi x14, x0, 1" into "addi x14, x0, 2" */
  li TESTNUM, 151
  la x1, 1f
  li x2, 0x00200713
  sw x2, 0(x1)
  fence.i
1:addi x14, x0, 1
  CHECK(x14, 2)

  TEST_PASSFAIL

RVTEST_CODE_END

RVTEST_DATA_BEGIN
ldat:
  .byte 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0
  .byte 0x01, 0x80, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x80
sdat:
  .rept 8
  .dword 0xaaaaaaaaaaaaaaaa
  .endr
RVTEST_DATA_END
