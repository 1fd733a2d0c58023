/*
 * Compiles the hot code of one 4 KiB guest page into one WebAssembly function.
 *
 * Shape: the instructions reachable from the page's known entry offsets are cut into
 * blocks at leaders (entries, branch targets, fall-throughs, return sites). Blocks are
 * laid out in address order inside nested wasm blocks so that a forward branch is a
 * plain `br` and a backward one goes through a dispatch loop (`br_table` on the page
 * offset). Registers are combined from the hart's lo/hi arrays into an i64 file in the
 * state area at entry and split back at the one exit. Anything not compiled (CSR, ECALL,
 * AMO, FP, ...), a load/store the TLB-miss helper cannot serve, or a jump off the page
 * exits with the exact pc and the count of retired instructions, and the interpreter
 * carries on from there: traps stay precise.
 *
 * Signature: run(vbase: f64, off: i32, budget: i32) -> i32 retired; exit pc at pcOut.
 */
import { Op } from '../hart.js';
import { Code, encodeModule, instantiate, O, T, type ValType } from './wasm.js';

export const PAGE = 4096;
/** Entries of each JIT TLB, direct-mapped on va bits 12 and up (twice the hart's own caches). */
export const JTLB_SIZE = 128;
/**
 * Entries of the hart's fetch cache (virtual page -> decoded page, compiled code),
 * direct-mapped on the virtual page number. Without it every jump to another page paid
 * a full fetch translation and a tier lookup: a third of host time on compiled
 * call-heavy code, and 640k slow refills in a Linux boot (76k with 64 entries, 122k with 16).
 */
export const FETCH_CACHE = 64;

/** Byte offsets inside one hart's state area in the RAM's wasm memory. */
export const LAYOUT = {
  xl: 0,
  xh: 256,
  pcOut: 512,
  /** i32: 1 + the in-page offset a computed jump found no entry for (0: none), for the tier to add. */
  miss: 520,
  /** Load TLB: per entry i64 tag (virtual page base), i32 delta (RAM offset - va, mod 2^32), pad. */
  ldTlb: 1024,
  stTlb: 1024 + JTLB_SIZE * 16,
  /** The registers as i64 while compiled code runs (x0's slot unused). */
  x64: 1024 + JTLB_SIZE * 32,
  /**
   * The hart's fetch cache as compiled code sees it (see hub.ts): per entry f64 virtual
   * page base (NaN: empty or no compiled code), i32 RAM page index, pad.
   */
  fc: 1024 + JTLB_SIZE * 32 + 256,
  size: 1024 + JTLB_SIZE * 32 + 256 + FETCH_CACHE * 16,
} as const;

export type PageFn = (vbase: number, off: number, budget: number) => number;

/**
 * The TLB-miss helper compiled code calls: (va low word, va high word, size | MISS_STORE)
 * -> 1 when it filled the JIT TLB entry for that access, 0 to leave it to the interpreter.
 */
export type MissFn = (lo: number, hi: number, kind: number) => number;
export const MISS_STORE = 16;

export interface CompiledPage {
  readonly run: PageFn;
  /** The RAM page it was compiled from: its slot in the hub's table. */
  readonly index: number;
  /** 1 at each halfword index (offset / 2) the function can be entered at. */
  readonly entry: Uint8Array;
  /** Instructions compiled (for stats and tests). */
  readonly size: number;
  /** (offset, length) of every compiled instruction: the bytes the code depends on. */
  readonly spans: Int32Array;
}

export interface PageSource {
  /** The decoded page: slot `off` holds the packed word, `off + 1` the immediate. */
  readonly page: Int32Array;
  /** Decodes slot `off` from the current bytes (refreshing the page); returns the packed word. */
  decode(off: number): number;
}

// Packed-slot fields (see hart.ts).
const F_RD = 10;
const F_RS1 = 16;
const F_RS2 = 21;

const enum Kind {
  /** Executed in wasm, falls through. */
  Plain,
  /** Conditional branch. */
  Branch,
  /** JAL: unconditional, may link. */
  Jal,
  Jalr,
  /** Not compiled: exit to the interpreter before it; execution resumes after it. */
  ExitResume,
  /** Not compiled, and what follows is not known to be reached from here. */
  ExitStop,
}

function kindOf(op: number): Kind {
  switch (op) {
    case Op.BEQ:
    case Op.BNE:
    case Op.BLT:
    case Op.BGE:
    case Op.BLTU:
    case Op.BGEU:
      return Kind.Branch;
    case Op.JAL:
      return Kind.Jal;
    case Op.JALR:
      return Kind.Jalr;
    case Op.LUI:
    case Op.AUIPC:
    case Op.LB:
    case Op.LH:
    case Op.LW:
    case Op.LD:
    case Op.LBU:
    case Op.LHU:
    case Op.LWU:
    case Op.SB:
    case Op.SH:
    case Op.SW:
    case Op.SD:
    case Op.ADDI:
    case Op.SLTI:
    case Op.SLTIU:
    case Op.XORI:
    case Op.ORI:
    case Op.ANDI:
    case Op.ADDIW:
    case Op.SLLI:
    case Op.SRLI:
    case Op.SRAI:
    case Op.SLLIW:
    case Op.SRLIW:
    case Op.SRAIW:
    case Op.ADD:
    case Op.SUB:
    case Op.SLL:
    case Op.SLT:
    case Op.SLTU:
    case Op.XOR:
    case Op.SRL:
    case Op.SRA:
    case Op.OR:
    case Op.AND:
    case Op.ADDW:
    case Op.SUBW:
    case Op.SLLW:
    case Op.SRLW:
    case Op.SRAW:
    case Op.FENCE:
    case Op.MUL:
    case Op.MULH:
    case Op.MULHSU:
    case Op.MULHU:
    case Op.DIV:
    case Op.DIVU:
    case Op.REM:
    case Op.REMU:
    case Op.MULW:
    case Op.DIVW:
    case Op.DIVUW:
    case Op.REMW:
    case Op.REMUW:
      return Kind.Plain;
    case Op.UNDECODED:
    case Op.ILLEGAL:
    case Op.CROSS_PAGE:
    case Op.EBREAK:
    case Op.MRET:
    case Op.SRET:
      return Kind.ExitStop;
    default:
      // CSR, ECALL, FENCE.I, WFI, SFENCE.VMA, AMOs, F/D: the interpreter runs them.
      return Kind.ExitResume;
  }
}

interface Inst {
  readonly off: number;
  readonly len: number;
  readonly op: number;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly imm: number;
  readonly kind: Kind;
}

// Local indices.
const P_VBASE = 0;
const P_OFF = 1;
const P_BUDGET = 2;
const L_VB = 3; // i64 vbase
const L_CNT = 4; // i32 retired so far
const L_NEXT = 5; // i32 dispatch offset
const L_T = 6; // i64 temp (address)
const L_A = 7; // i32 temp (TLB slot)
const L_EXITPC = 8; // i64
const L_T1 = 9; // i64 temps for M ops
const L_T2 = 10;
const L_T3 = 11;
const L_T4 = 12;
const L_CAREFUL = 13; // i32: the budget may run out before the next dispatch
const L_V = 14; // i64: value being written to a register
// Locals after the three params: vb, cnt, next, t, a, exitpc, four temps, careful, v.
const LOCALS: ValType[] = [
  T.i64,
  T.i32,
  T.i32,
  T.i64,
  T.i32,
  T.i64,
  T.i64,
  T.i64,
  T.i64,
  T.i64,
  T.i32,
  T.i64,
];

/**
 * Most instructions compiled into one page function. 384 left a third of CoreMark's
 * dense 4 KiB page of state machine, matrix and CRC code to the interpreter: 1024
 * took it from ~290 to ~700 iterations/s over its first 2000 iterations.
 */
export const MAX_INSTS = 1024;

/** Finds the reachable instructions and the leaders from `roots` (page offsets). */
function discover(src: PageSource, roots: Iterable<number>): { insts: Map<number, Inst>; leaders: number[] } {
  const insts = new Map<number, Inst>();
  const leaders = new Set<number>();
  const work: number[] = [];
  const lead = (o: number) => {
    if (o >= 0 && o < PAGE && (o & 1) === 0) {
      if (!leaders.has(o)) {
        leaders.add(o);
        work.push(o);
      }
    }
  };
  for (const r of roots) lead(r);
  // Breadth first from the roots, and bounded: wasm compile time grows faster than the
  // function, and code far from any hot entry is rarely worth it.
  for (let q = 0; q < work.length && insts.size < MAX_INSTS; q++) {
    let o = work[q]!;
    while (o < PAGE && !insts.has(o)) {
      const w = src.decode(o);
      const imm = src.page[o + 1]!;
      const op = w & 0x3ff;
      const len = w < 0 ? 2 : 4;
      const kind = kindOf(op);
      insts.set(o, {
        off: o | 0, // a small integer field even when o arrives as a double
        len,
        op,
        rd: (w >>> F_RD) & 63,
        rs1: (w >>> F_RS1) & 31,
        rs2: (w >>> F_RS2) & 31,
        imm,
        kind,
      });
      if (kind === Kind.ExitStop) break;
      if (kind === Kind.Branch) {
        lead(o + imm);
        lead(o + len);
        break;
      }
      if (kind === Kind.Jal || kind === Kind.Jalr) {
        if (kind === Kind.Jal) lead(o + imm);
        // A call (rd != x0) returns to the next instruction; after a plain jump or a return
        // the next bytes may be anything: leave them until they are seen entered.
        if (((w >>> F_RD) & 63) !== 32) lead(o + len);
        break;
      }
      if (kind === Kind.ExitResume) {
        lead(o + len);
        break;
      }
      o += len;
    }
  }
  return { insts, leaders: [...leaders].filter((o) => insts.has(o)).sort((a, b) => a - b) };
}

/** Compiles the page; `memory` is the RAM's WebAssembly.Memory, `state` this hart's state area offset. */
export function compilePage(
  index: number,
  src: PageSource,
  roots: Iterable<number>,
  memory: unknown,
  shared: boolean,
  state: number,
  miss: MissFn,
): CompiledPage {
  const { insts, leaders } = discover(src, roots);
  const n = leaders.length;
  // Block bodies: instructions from each leader to its end (terminator, next leader or page end).
  const blocks: Inst[][] = [];
  const used = new Uint8Array(33);
  const written = new Uint8Array(33);
  for (let k = 0; k < n; k++) {
    const stop = k + 1 < n ? leaders[k + 1]! : PAGE;
    const list: Inst[] = [];
    let o = leaders[k]!;
    while (o < stop) {
      const inst = insts.get(o);
      if (inst === undefined) break;
      list.push(inst);
      if (inst.kind !== Kind.Plain) break;
      o += inst.len;
    }
    blocks.push(list);
    for (const i of list) {
      if (i.kind === Kind.ExitResume || i.kind === Kind.ExitStop) continue;
      used[i.rs1] = 1;
      used[i.rs2] = 1;
      if (i.rd !== 32 && i.rd !== 0) {
        used[i.rd] = 1;
        written[i.rd] = 1;
      }
    }
  }

  const c = new Code();
  const xl = state + LAYOUT.xl;
  const xh = state + LAYOUT.xh;
  const x64 = state + LAYOUT.x64;
  c.get(P_VBASE).op(O.i64_trunc_f64_s).set(L_VB);
  for (let r = 1; r < 32; r++) {
    if (!used[r]) continue;
    c.i32(0);
    c.i32(0).mem(O.i64_load32_u, 2, xl + 4 * r);
    c.i32(0).mem(O.i64_load32_u, 2, xh + 4 * r);
    c.i64(32)
      .op(O.i64_shl)
      .op(O.i64_or)
      .mem(O.i64_store, 3, x64 + 8 * r);
  }
  c.get(P_OFF).set(L_NEXT);

  c.block(); // $exit
  c.loop(); // $L
  c.block(); // $D: no such entry
  for (let k = n - 1; k >= 0; k--) c.block();
  const table = new Uint32Array(n === 0 ? 0 : leaders[n - 1]! / 2 + 1).fill(n);
  leaders.forEach((o, k) => {
    table[o / 2] = k;
  });
  // Between two passes here, control only moves forward through the blocks, so at most
  // `total` instructions retire: when they fit the budget, the blocks skip their checks.
  let total = 0;
  for (const list of blocks)
    for (const i of list) if (i.kind !== Kind.ExitResume && i.kind !== Kind.ExitStop) total++;
  c.get(L_CNT).i32(total).op(O.i32_add).get(P_BUDGET).op(O.i32_gt_s).set(L_CAREFUL);
  c.get(L_NEXT).i32(1).op(O.i32_shr_u).brTable(table, n);

  // Emission state for the current block k.
  let k = 0;
  let nest = 0; // extra wasm nesting (if blocks) at the current point
  let pending = 0; // instructions of this block retired so far on the current path
  const depthExit = () => n - k + 1 + nest;
  const depthLoop = () => n - k + nest;
  const depthLeader = (j: number) => j - k - 1 + nest;
  const flush = (extra = 0) => {
    const add = pending + extra;
    if (add > 0) c.get(L_CNT).i32(add).op(O.i32_add).set(L_CNT);
  };
  const pcConst = (off: number) => c.get(L_VB).i64(off).op(O.i64_add);
  /** Leave with pc = vbase + off (instructions before it already counted). */
  const exitAt = (off: number) => {
    pcConst(off).set(L_EXITPC);
    c.br(depthExit());
  };
  // Registers live in memory while the code runs: V8's optimizing tier handles that far
  // better than 31 i64 locals live across the dispatch loop (measured: 1.6x on sieve).
  const reg = (r: number) => (r === 0 ? c.i64(0) : c.i32(0).mem(O.i64_load, 3, x64 + 8 * r));
  const setRd = (rd: number) =>
    rd === 32 || rd === 0
      ? c.op(O.drop)
      : c
          .set(L_V)
          .i32(0)
          .get(L_V)
          .mem(O.i64_store, 3, x64 + 8 * rd);
  const leaderIndex = new Map<number, number>();
  for (let j = 0; j < n; j++) leaderIndex.set(leaders[j]!, j);
  /** Control transfer to page offset `t` (after flushing the count). */
  const goTo = (t: number) => {
    const j = leaderIndex.get(t);
    if (t >= 0 && t < PAGE && j !== undefined) {
      if (j > k) c.br(depthLeader(j));
      else {
        c.i32(t).set(L_NEXT);
        c.br(depthLoop());
      }
    } else exitAt(t);
  };

  const M = { s: O.i64_load8_s, h: O.i64_load16_s, w: O.i64_load32_s, d: O.i64_load, bu: O.i64_load8_u };
  const loadOp: Record<number, [number, number]> = {
    [Op.LB]: [M.s, 1],
    [Op.LH]: [M.h, 2],
    [Op.LW]: [M.w, 4],
    [Op.LD]: [M.d, 8],
    [Op.LBU]: [M.bu, 1],
    [Op.LHU]: [O.i64_load16_u, 2],
    [Op.LWU]: [O.i64_load32_u, 4],
  };
  const storeOp: Record<number, [number, number]> = {
    [Op.SB]: [O.i64_store8, 1],
    [Op.SH]: [O.i64_store16, 2],
    [Op.SW]: [O.i64_store32, 4],
    [Op.SD]: [O.i64_store, 8],
  };
  /** JIT TLB lookup of rs1 + imm; exits at `off` on a miss; leaves the wasm address in L_A. */
  const tlb = (i: Inst, size: number, tlbOff: number) => {
    reg(i.rs1).i64(i.imm).op(O.i64_add).set(L_T);
    // Entry index * 16.
    c.get(L_T)
      .op(O.i32_wrap_i64)
      .i32(12 - 4)
      .op(O.i32_shr_u)
      .i32((JTLB_SIZE - 1) << 4)
      .op(O.i32_and)
      .set(L_A);
    // Misaligned addresses keep low bits and so never match a tag.
    c.get(L_T)
      .i64(-4096 | (size - 1))
      .op(O.i64_and);
    c.get(L_A)
      .mem(O.i64_load, 3, state + tlbOff)
      .op(O.i64_ne)
      .if_();
    // Miss: the hart's helper translates and fills the entry when the access is plain
    // (aligned, uniform RAM, no code page for stores); otherwise the interpreter runs it.
    c.get(L_T).op(O.i32_wrap_i64);
    c.get(L_T).i64(32).op(O.i64_shr_u).op(O.i32_wrap_i64);
    c.i32(size | (tlbOff === LAYOUT.stTlb ? MISS_STORE : 0));
    c.byte(O.call).u32(0);
    c.op(O.i32_eqz).if_();
    nest += 2;
    flush();
    exitAt(i.off);
    nest -= 2;
    c.end();
    c.end();
    c.get(L_T)
      .op(O.i32_wrap_i64)
      .get(L_A)
      .mem(O.i32_load, 2, state + tlbOff + 8)
      .op(O.i32_add)
      .set(L_A);
  };

  const alu = (i: Inst, emit: () => void) => {
    emit();
    setRd(i.rd);
  };
  const bin = (i: Inst, o: number) =>
    alu(i, () => {
      reg(i.rs1);
      reg(i.rs2).op(o);
    });
  const binImm = (i: Inst, o: number) => alu(i, () => reg(i.rs1).i64(i.imm).op(o));
  const w32 = (i: Inst, emit: () => void) =>
    alu(i, () => {
      emit();
      c.op(O.i64_extend_i32_s);
    });
  const bin32 = (i: Inst, o: number) =>
    w32(i, () => {
      reg(i.rs1).op(O.i32_wrap_i64);
      reg(i.rs2).op(O.i32_wrap_i64).op(o);
    });
  const imm32 = (i: Inst, o: number) => w32(i, () => reg(i.rs1).op(O.i32_wrap_i64).i32(i.imm).op(o));
  const cmp = (i: Inst, o: number) =>
    alu(i, () => {
      reg(i.rs1);
      reg(i.rs2).op(o).op(O.i64_extend_i32_u);
    });
  const cmpImm = (i: Inst, o: number) => alu(i, () => reg(i.rs1).i64(i.imm).op(o).op(O.i64_extend_i32_u));

  /** High 64 bits of the unsigned product of T1 and T2, left on the stack (32-bit limbs). */
  const mulhuT12 = () => {
    const lo = (l: number) => c.get(l).i64(0xffffffff).op(O.i64_and);
    const hi = (l: number) => c.get(l).i64(32).op(O.i64_shr_u);
    // T3 = al*bh, T4 = ah*bl
    lo(L_T1);
    hi(L_T2);
    c.op(O.i64_mul).set(L_T3);
    hi(L_T1);
    lo(L_T2);
    c.op(O.i64_mul).set(L_T4);
    // mid = (al*bl >> 32) + lo(T3) + lo(T4), in L_T
    lo(L_T1);
    lo(L_T2);
    c.op(O.i64_mul).i64(32).op(O.i64_shr_u);
    lo(L_T3);
    c.op(O.i64_add);
    lo(L_T4);
    c.op(O.i64_add).set(L_T);
    // ah*bh + hi(T3) + hi(T4) + hi(mid)
    hi(L_T1);
    hi(L_T2);
    c.op(O.i64_mul);
    hi(L_T3);
    c.op(O.i64_add);
    hi(L_T4);
    c.op(O.i64_add);
    hi(L_T);
    c.op(O.i64_add);
  };
  /** Subtracts `other` from the value on the stack when `neg` is negative. */
  const fixSign = (neg: number, other: number) => {
    c.get(other).i64(0).get(neg).i64(0).op(O.i64_lt_s).op(O.select).op(O.i64_sub);
  };

  const divOp = (i: Inst) => {
    const isW = i.op === Op.DIVW || i.op === Op.DIVUW || i.op === Op.REMW || i.op === Op.REMUW;
    const signed = i.op === Op.DIV || i.op === Op.REM || i.op === Op.DIVW || i.op === Op.REMW;
    const rem = i.op === Op.REM || i.op === Op.REMU || i.op === Op.REMW || i.op === Op.REMUW;
    // T1 = a, T2 = b (as i64; W forms use their sign-extended low words, which divide the same way in 64 bits).
    reg(i.rs1);
    if (isW) c.op(O.i32_wrap_i64).op(O.i64_extend_i32_s);
    c.set(L_T1);
    reg(i.rs2);
    if (isW) c.op(O.i32_wrap_i64).op(O.i64_extend_i32_s);
    c.set(L_T2);
    if (isW && !signed) {
      // Unsigned W forms: zero-extend instead.
      c.get(L_T1).i64(0xffffffff).op(O.i64_and).set(L_T1);
      c.get(L_T2).i64(0xffffffff).op(O.i64_and).set(L_T2);
    }
    // T3 = divisor with 0 replaced by 1; T4 = overflow flag for signed (MIN / -1).
    const min = isW ? -0x80000000n : -(1n << 63n);
    c.i64(1).get(L_T2).get(L_T2).op(O.i64_eqz).op(O.select).set(L_T3);
    if (signed) {
      c.get(L_T1).i64(min).op(O.i64_eq).get(L_T2).i64(-1).op(O.i64_eq).op(O.i32_and);
      c.op(O.i64_extend_i32_u).set(L_T4);
      // Divisor 1 when overflowing too (then quotient = a = MIN, remainder 0: both right).
      c.i64(1).get(L_T3).get(L_T4).op(O.i32_wrap_i64).op(O.select).set(L_T3);
    }
    if (rem) {
      // b == 0: remainder = a.
      c.get(L_T1);
      c.get(L_T1)
        .get(L_T3)
        .op(signed ? O.i64_rem_s : O.i64_rem_u);
      c.get(L_T2).op(O.i64_eqz).op(O.select);
    } else {
      // b == 0: quotient = all ones.
      c.i64(-1);
      c.get(L_T1)
        .get(L_T3)
        .op(signed ? O.i64_div_s : O.i64_div_u);
      c.get(L_T2).op(O.i64_eqz).op(O.select);
    }
    if (isW) c.op(O.i32_wrap_i64).op(O.i64_extend_i32_s);
    setRd(i.rd);
  };

  const emit = (i: Inst) => {
    switch (i.op) {
      case Op.LUI:
        c.i64(i.imm);
        setRd(i.rd);
        return;
      case Op.AUIPC:
        pcConst(i.off + i.imm);
        setRd(i.rd);
        return;
      case Op.ADDI:
        return binImm(i, O.i64_add);
      case Op.XORI:
        return binImm(i, O.i64_xor);
      case Op.ORI:
        return binImm(i, O.i64_or);
      case Op.ANDI:
        return binImm(i, O.i64_and);
      case Op.SLTI:
        return cmpImm(i, O.i64_lt_s);
      case Op.SLTIU:
        return cmpImm(i, O.i64_lt_u);
      case Op.SLLI:
        return binImm(i, O.i64_shl);
      case Op.SRLI:
        return binImm(i, O.i64_shr_u);
      case Op.SRAI:
        return binImm(i, O.i64_shr_s);
      case Op.ADDIW:
        return imm32(i, O.i32_add);
      case Op.SLLIW:
        return imm32(i, O.i32_shl);
      case Op.SRLIW:
        return imm32(i, O.i32_shr_u);
      case Op.SRAIW:
        return imm32(i, O.i32_shr_s);
      case Op.ADD:
        return bin(i, O.i64_add);
      case Op.SUB:
        return bin(i, O.i64_sub);
      case Op.SLL:
        return bin(i, O.i64_shl);
      case Op.SRL:
        return bin(i, O.i64_shr_u);
      case Op.SRA:
        return bin(i, O.i64_shr_s);
      case Op.XOR:
        return bin(i, O.i64_xor);
      case Op.OR:
        return bin(i, O.i64_or);
      case Op.AND:
        return bin(i, O.i64_and);
      case Op.SLT:
        return cmp(i, O.i64_lt_s);
      case Op.SLTU:
        return cmp(i, O.i64_lt_u);
      case Op.ADDW:
        return bin32(i, O.i32_add);
      case Op.SUBW:
        return bin32(i, O.i32_sub);
      case Op.SLLW:
        return bin32(i, O.i32_shl);
      case Op.SRLW:
        return bin32(i, O.i32_shr_u);
      case Op.SRAW:
        return bin32(i, O.i32_shr_s);
      case Op.MUL:
        return bin(i, O.i64_mul);
      case Op.MULW:
        return bin32(i, O.i32_mul);
      case Op.MULHU:
      case Op.MULH:
      case Op.MULHSU:
        reg(i.rs1).set(L_T1);
        reg(i.rs2).set(L_T2);
        mulhuT12();
        if (i.op !== Op.MULHU) fixSign(L_T1, L_T2); // a < 0: subtract b
        if (i.op === Op.MULH) fixSign(L_T2, L_T1); // b < 0: subtract a
        setRd(i.rd);
        return;
      case Op.DIV:
      case Op.DIVU:
      case Op.REM:
      case Op.REMU:
      case Op.DIVW:
      case Op.DIVUW:
      case Op.REMW:
      case Op.REMUW:
        return divOp(i);
      case Op.FENCE:
        return;
      default: {
        const ld = loadOp[i.op];
        if (ld !== undefined) {
          tlb(i, ld[1], LAYOUT.ldTlb);
          c.get(L_A).mem(ld[0], 0, 0);
          setRd(i.rd);
          return;
        }
        const st = storeOp[i.op];
        if (st !== undefined) {
          tlb(i, st[1], LAYOUT.stTlb);
          c.get(L_A);
          reg(i.rs2);
          c.mem(st[0], 0, 0);
          return;
        }
        throw new Error(`jit: no emitter for op ${i.op}`);
      }
    }
  };

  const branchCond: Record<number, number> = {
    [Op.BEQ]: O.i64_eq,
    [Op.BNE]: O.i64_ne,
    [Op.BLT]: O.i64_lt_s,
    [Op.BGE]: O.i64_ge_s,
    [Op.BLTU]: O.i64_lt_u,
    [Op.BGEU]: O.i64_ge_u,
  };

  let count = 0;
  for (k = 0; k < n; k++) {
    c.end(); // end of $b_k: leader k's code starts here
    nest = 0;
    pending = 0;
    const list = blocks[k]!;
    const start = leaders[k]!;
    // Budget: run the block only if all of it fits, so slices end exactly where the interpreter's would.
    let runnable = 0;
    for (const i of list) if (i.kind !== Kind.ExitResume && i.kind !== Kind.ExitStop) runnable++;
    if (runnable > 0) {
      c.get(L_CAREFUL).if_();
      c.get(L_CNT).i32(runnable).op(O.i32_add).get(P_BUDGET).op(O.i32_gt_s).if_();
      nest += 2;
      exitAt(start);
      nest -= 2;
      c.end();
      c.end();
    }
    let ended = false;
    for (const i of list) {
      count++;
      switch (i.kind) {
        case Kind.Plain:
          emit(i);
          pending++;
          break;
        case Kind.Branch: {
          const t = i.off + i.imm;
          reg(i.rs1);
          reg(i.rs2).op(branchCond[i.op]!).if_();
          nest++;
          flush(1);
          goTo(t);
          nest--;
          c.end();
          pending++;
          flush();
          pending = 0;
          goTo(i.off + i.len);
          ended = true;
          break;
        }
        case Kind.Jal:
          pcConst(i.off + i.len);
          setRd(i.rd);
          pending++;
          flush();
          goTo(i.off + i.imm);
          ended = true;
          break;
        case Kind.Jalr:
          // Target first: rd may be rs1.
          reg(i.rs1).i64(i.imm).op(O.i64_add).i64(-2).op(O.i64_and).set(L_EXITPC);
          pcConst(i.off + i.len);
          setRd(i.rd);
          pending++;
          flush();
          // In-page targets go through the dispatch loop; others leave.
          c.get(L_EXITPC).get(L_VB).op(O.i64_sub).set(L_T);
          c.get(L_T).i64(PAGE).op(O.i64_lt_u).if_();
          nest++;
          c.get(L_T).op(O.i32_wrap_i64).set(L_NEXT);
          c.br(depthLoop());
          nest--;
          c.end();
          c.br(depthExit());
          ended = true;
          break;
        default:
          // Not compiled: leave before it.
          count--;
          flush();
          exitAt(i.off);
          ended = true;
          break;
      }
      if (ended) break;
    }
    if (!ended) {
      // Ran into the next leader (falls through into its code) or off the page.
      flush();
      const last = list[list.length - 1];
      const next = last === undefined ? start : last.off + last.len;
      if (k + 1 >= n || next !== leaders[k + 1]) exitAt(next);
    }
  }
  // $D: the dispatch offset is not an entry; leave with pc there.
  c.end();
  c.i32(0)
    .get(L_NEXT)
    .i32(1)
    .op(O.i32_add)
    .mem(O.i32_store, 2, state + LAYOUT.miss);
  c.get(L_VB).get(L_NEXT).op(O.i64_extend_i32_u).op(O.i64_add).set(L_EXITPC);
  c.end(); // loop
  c.end(); // $exit
  for (let r = 1; r < 32; r++) {
    if (!written[r]) continue;
    c.i32(0)
      .i32(0)
      .mem(O.i64_load, 3, x64 + 8 * r)
      .op(O.i32_wrap_i64)
      .mem(O.i32_store, 2, xl + 4 * r);
    c.i32(0)
      .i32(0)
      .mem(O.i64_load, 3, x64 + 8 * r)
      .i64(32)
      .op(O.i64_shr_u)
      .op(O.i32_wrap_i64)
      .mem(O.i32_store, 2, xh + 4 * r);
  }
  c.i32(0)
    .get(L_EXITPC)
    .op(O.f64_convert_i64_s)
    .mem(O.f64_store, 3, state + LAYOUT.pcOut);
  c.get(L_CNT);

  const bytes = encodeModule({
    memory: { module: 'env', name: 'mem', shared },
    imports: [{ module: 'env', name: 'miss', params: [T.i32, T.i32, T.i32], results: [T.i32] }],
    funcs: [
      {
        params: [T.f64, T.i32, T.i32],
        results: [T.i32],
        locals: LOCALS,
        body: c,
        export: 'run',
      },
    ],
  });
  const exports = instantiate(bytes, { env: { mem: memory, miss } });
  const entry = new Uint8Array(PAGE / 2);
  for (const o of leaders) entry[o / 2] = 1;
  const spans = new Int32Array(insts.size * 2);
  let s = 0;
  for (const i of insts.values()) {
    spans[s++] = i.off;
    spans[s++] = i.len;
  }
  return { run: exports.run as PageFn, index: index | 0, entry, size: count, spans };
}
