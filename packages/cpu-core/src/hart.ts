import {
  AccessType,
  type Hart,
  type PhysicalBus,
  Privilege,
  type StopReason,
  TRANSLATE_GUEST_PAGE_FAULT,
  TRANSLATE_HLVX,
  TRANSLATE_PAGE_FAULT,
  TRANSLATE_VIRT,
  type Translator,
} from '@hvkit/interfaces';
import { CSR } from './csr-names.js';
import { decode, newDecoded } from './decode/decoder.js';
import { disassemble } from './decode/disasm.js';
import { ENCODINGS } from './decode/table.js';
import { CANONICAL_NAN_32, SoftFloat } from './fpu/index.js';
import { divrem, divrem32, fromBig, mul64, mulh, mulhsu, mulhu, r, toBig, toNum } from './int64.js';
import { type CompiledPage, FETCH_CACHE, type PageSource } from './jit/compile.js';
import { type JitHotness, type JitRam, JitTier, jitDefault } from './jit/tier.js';
import { warmUp } from './warmup.js';

/** What a hart needs from the board. */
export interface HartOptions {
  /** mhartid. */
  readonly hartId: number;
  /** The physical address space (RAM fast path plus devices). */
  readonly bus: PhysicalBus;
  /** Address translation and PMP for this hart (from @hvkit/mmu). */
  readonly translator: Translator;
  /** pc after reset; defaults to 0x8000_0000 (DRAM base of the virt board). */
  readonly resetPc?: number;
  /** Source of the `time` CSR (the board's mtime). Without one, reading `time` is an illegal instruction, as on hardware that traps it to firmware. */
  readonly readTime?: () => number;
  /** Called with each instruction before it executes, for `--trace` (slow path: disables nothing, costs a call). */
  readonly trace?: (pc: number, inst: number, text: string) => void;
  /**
   * The native-firmware hook of DESIGN.md: called for every exception that would trap
   * into M-mode, before the hart vectors to mtvec. Returning true means the handler
   * took care of it (an SBI call served in TypeScript, say) and has set `hart.pc`;
   * the hart then continues there instead of entering M-mode.
   */
  readonly machineTrapHook?: (hart: RiscvHart, cause: number) => boolean;
  /**
   * The native-hypervisor hook (H extension): called for every trap taken into HS-mode
   * (not delegated to VS, not going to M), after all trap-entry effects (scause, sepc,
   * stval, htval, htinst, hstatus.SPV/SPVP/GVA, sstatus.SPP/SPIE/SIE, V=0, priv S,
   * pc = stvec). The hart then continues from whatever state the hook left: true says the
   * hook handled the trap (typically emulating something, then `hart.sret()`), false that
   * it did not, so the hart runs the handler at stvec as hardware would.
   */
  readonly hsTrapHook?: (hart: RiscvHart, cause: number, interrupt: boolean) => boolean;
  /**
   * The compiling tier (hot pages to WebAssembly). Default on, off with HVKIT_JIT=0 in
   * the environment; it also needs RAM that is a wasm memory with room for hart state,
   * and stays off while tracing. An object turns it on with other hotness thresholds.
   */
  readonly jit?: boolean | JitHotness;
}

/** mip/mie bit numbers of the standard interrupts (priv spec, "Machine Interrupt Registers"). */
export const IRQ = {
  SSIP: 1,
  VSSIP: 2,
  MSIP: 3,
  STIP: 5,
  VSTIP: 6,
  MTIP: 7,
  SEIP: 9,
  VSEIP: 10,
  MEIP: 11,
  SGEIP: 12,
} as const;

/** Exception causes (priv spec, mcause table). */
export const CAUSE = {
  MISALIGNED_FETCH: 0,
  FETCH_ACCESS: 1,
  ILLEGAL_INSTRUCTION: 2,
  BREAKPOINT: 3,
  MISALIGNED_LOAD: 4,
  LOAD_ACCESS: 5,
  MISALIGNED_STORE: 6,
  STORE_ACCESS: 7,
  ECALL_U: 8,
  ECALL_S: 9,
  ECALL_M: 11,
  FETCH_PAGE_FAULT: 12,
  LOAD_PAGE_FAULT: 13,
  STORE_PAGE_FAULT: 15,
  ECALL_VS: 10,
  FETCH_GUEST_PAGE_FAULT: 20,
  LOAD_GUEST_PAGE_FAULT: 21,
  VIRTUAL_INSTRUCTION: 22,
  STORE_GUEST_PAGE_FAULT: 23,
} as const;

// Execution op ids. The switch in `run` is on these literals (esbuild inlines enum
// members used in the same file), so V8 builds a jump table.
export enum Op {
  UNDECODED = 0,
  ILLEGAL,
  CROSS_PAGE,
  LUI,
  AUIPC,
  JAL,
  JALR,
  BEQ,
  BNE,
  BLT,
  BGE,
  BLTU,
  BGEU,
  LB,
  LH,
  LW,
  LD,
  LBU,
  LHU,
  LWU,
  SB,
  SH,
  SW,
  SD,
  ADDI,
  SLTI,
  SLTIU,
  XORI,
  ORI,
  ANDI,
  ADDIW,
  SLLI,
  SRLI,
  SRAI,
  SLLIW,
  SRLIW,
  SRAIW,
  ADD,
  SUB,
  SLL,
  SLT,
  SLTU,
  XOR,
  SRL,
  SRA,
  OR,
  AND,
  ADDW,
  SUBW,
  SLLW,
  SRLW,
  SRAW,
  FENCE,
  ECALL,
  EBREAK,
  FENCE_I,
  MUL,
  MULH,
  MULHSU,
  MULHU,
  DIV,
  DIVU,
  REM,
  REMU,
  MULW,
  DIVW,
  DIVUW,
  REMW,
  REMUW,
  LR_W,
  SC_W,
  AMOSWAP_W,
  AMOADD_W,
  AMOXOR_W,
  AMOAND_W,
  AMOOR_W,
  AMOMIN_W,
  AMOMAX_W,
  AMOMINU_W,
  AMOMAXU_W,
  LR_D,
  SC_D,
  AMOSWAP_D,
  AMOADD_D,
  AMOXOR_D,
  AMOAND_D,
  AMOOR_D,
  AMOMIN_D,
  AMOMAX_D,
  AMOMINU_D,
  AMOMAXU_D,
  CSRRW,
  CSRRS,
  CSRRC,
  CSRRWI,
  CSRRSI,
  CSRRCI,
  SRET,
  MRET,
  WFI,
  SFENCE_VMA,
  HLV_B,
  HLV_BU,
  HLV_H,
  HLV_HU,
  HLVX_HU,
  HLV_W,
  HLV_WU,
  HLVX_WU,
  HLV_D,
  HSV_B,
  HSV_H,
  HSV_W,
  HSV_D,
  HFENCE_VVMA,
  HFENCE_GVMA,
  // F and D: every op from FP_FIRST on is executed by execFp.
  FLW,
  FSW,
  FMADD_S,
  FMSUB_S,
  FNMSUB_S,
  FNMADD_S,
  FADD_S,
  FSUB_S,
  FMUL_S,
  FDIV_S,
  FSGNJ_S,
  FSGNJN_S,
  FSGNJX_S,
  FMIN_S,
  FMAX_S,
  FEQ_S,
  FLT_S,
  FLE_S,
  FSQRT_S,
  FCVT_W_S,
  FCVT_WU_S,
  FCVT_L_S,
  FCVT_LU_S,
  FCVT_S_W,
  FCVT_S_WU,
  FCVT_S_L,
  FCVT_S_LU,
  FMV_X_W,
  FCLASS_S,
  FMV_W_X,
  FLD,
  FSD,
  FMADD_D,
  FMSUB_D,
  FNMSUB_D,
  FNMADD_D,
  FADD_D,
  FSUB_D,
  FMUL_D,
  FDIV_D,
  FSGNJ_D,
  FSGNJN_D,
  FSGNJX_D,
  FMIN_D,
  FMAX_D,
  FEQ_D,
  FLT_D,
  FLE_D,
  FSQRT_D,
  FCVT_W_D,
  FCVT_WU_D,
  FCVT_L_D,
  FCVT_LU_D,
  FCVT_D_W,
  FCVT_D_WU,
  FCVT_D_L,
  FCVT_D_LU,
  FMV_X_D,
  FCLASS_D,
  FMV_D_X,
  FCVT_S_D,
  FCVT_D_S,
}

const FP_FIRST = Op.FLW;

/** Op id for each ENCODINGS row (compressed rows map to the base op they expand to). */
const OP_OF_ROW = Int32Array.from(ENCODINGS, (e) => {
  const key = (e.exec ?? e.name).toUpperCase().replace(/\./g, '_') as keyof typeof Op;
  const op = Op[key];
  return op === undefined ? Op.ILLEGAL : op; // F/D rows until the FPU lands
});
/** For each ENCODINGS row, the row of the 32-bit instruction it executes (itself unless compressed). */
const BASE_ROW = Int32Array.from(ENCODINGS, (e, i) =>
  e.exec === undefined ? i : ENCODINGS.findIndex((b) => b.name === e.exec && b.cfmt === undefined),
);

// mstatus bits (priv spec, "Machine Status Register").
const MS_SIE = 1 << 1;
const MS_MIE = 1 << 3;
const MS_SPIE = 1 << 5;
const MS_MPIE = 1 << 7;
const MS_SPP = 1 << 8;
const MS_MPP_SHIFT = 11;
const MS_MPP = 3 << MS_MPP_SHIFT;
const MS_FS = 3 << 13;
const MS_MPRV = 1 << 17;
const MS_SUM = 1 << 18;
const MS_MXR = 1 << 19;
const MS_TVM = 1 << 20;
const MS_TW = 1 << 21;
const MS_TSR = 1 << 22;
const MSTATUS_WRITABLE =
  MS_SIE |
  MS_MIE |
  MS_SPIE |
  MS_MPIE |
  MS_SPP |
  MS_MPP |
  MS_FS |
  MS_MPRV |
  MS_SUM |
  MS_MXR |
  MS_TVM |
  MS_TW |
  MS_TSR;
const SSTATUS_MASK = MS_SIE | MS_SPIE | MS_SPP | MS_FS | MS_SUM | MS_MXR;
// mstatus bits 39 (MPV) and 38 (GVA), as they sit in the high word (H extension).
const MSH_MPV = 1 << 7;
const MSH_GVA = 1 << 6;

// hstatus bits (priv spec, "Hypervisor Status Register"); VSXL (33:32) reads 2.
const HS_GVA = 1 << 6;
const HS_SPV = 1 << 7;
const HS_SPVP = 1 << 8;
const HS_HU = 1 << 9;
const HS_VTVM = 1 << 20;
const HS_VTW = 1 << 21;
const HS_VTSR = 1 << 22;
/** Writable hstatus bits: VGEIN is zero (GEILEN = 0), VSBE zero (little-endian only). */
const HSTATUS_WRITABLE = HS_GVA | HS_SPV | HS_SPVP | HS_HU | HS_VTVM | HS_VTW | HS_VTSR;
/** hedeleg: bits 0-8, 12, 13, 15 writable; 9-11 and 20-23 read-only zero. */
const HEDELEG_MASK = 0xb1ff;
/** The VS-level interrupts (VSSIP, VSTIP, VSEIP): read-only one in mideleg, writable in hideleg, hvip and hie. */
const VS_IRQS = (1 << IRQ.VSSIP) | (1 << IRQ.VSTIP) | (1 << IRQ.VSEIP);
/** Exception causes whose tval is a virtual address (GVA is set for them when it is a guest one). */
const ADDR_CAUSES = 0xb0b0fb;
/** mstatus bits 35:32: UXL = SXL = 2 (64-bit). */
const MSTATUS_HI_FIXED = 0xa;

const MIP_S_MASK = (1 << IRQ.SSIP) | (1 << IRQ.STIP) | (1 << IRQ.SEIP);
const MIE_MASK = MIP_S_MASK | (1 << IRQ.MSIP) | (1 << IRQ.MTIP) | (1 << IRQ.MEIP) | VS_IRQS;
/** Exceptions that may be delegated to S-mode (all but ECALL from M and reserved ones; with H, 10 and 20-23 too). */
const MEDELEG_MASK = 0xf0b7ff;
/** misa: MXL=2 and extensions A, C, D, F, H, I, M, S, U. */
const MISA_LO =
  (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
const MISA_HI = 2 << 30;

// Slots of 64-bit CSRs held as lo/hi pairs in `c64`.
const C_MSCRATCH = 0;
const C_MEPC = 1;
const C_MCAUSE = 2;
const C_MTVAL = 3;
const C_MTVEC = 4;
const C_SSCRATCH = 5;
const C_SEPC = 6;
const C_SCAUSE = 7;
const C_STVAL = 8;
const C_STVEC = 9;
const C_SATP = 10;
const C_MENVCFG = 11;
const C_SENVCFG = 12;
const C_STIMECMP = 13;
const C_VSSCRATCH = 14;
const C_VSEPC = 15;
const C_VSCAUSE = 16;
const C_VSTVAL = 17;
const C_VSTVEC = 18;
const C_VSATP = 19;
const C_HGATP = 20;
const C_HTVAL = 21;
const C_HTINST = 22;
const C_HTIMEDELTA = 23;
const C_MTVAL2 = 24;
const C_MTINST = 25;
const C_HENVCFG = 26;
const C_VSTIMECMP = 27;
const C64_SLOTS = 28;
/** Which S CSR a V=1 access reaches instead (priv spec, "Hypervisor and Virtual Supervisor CSRs"). */
const VS_ALIAS: ReadonlyMap<number, number> = new Map([
  [CSR.sstatus, CSR.vsstatus],
  [CSR.sie, CSR.vsie],
  [CSR.stvec, CSR.vstvec],
  [CSR.sscratch, CSR.vsscratch],
  [CSR.sepc, CSR.vsepc],
  [CSR.scause, CSR.vscause],
  [CSR.stval, CSR.vstval],
  [CSR.sip, CSR.vsip],
  [CSR.satp, CSR.vsatp],
  [CSR.stimecmp, CSR.vstimecmp],
]);
/** menvcfg.STCE (bit 63): Sstc's stimecmp is enabled. */
const MENVCFG_STCE_HI = 0x80000000 | 0;

const PAGE_SIZE = 4096;
/** Entries of the hart's direct-mapped load and store page caches (in front of the MMU's TLB). */
const DTLB_SIZE = 64;
const TWO32 = 4294967296;
/** Interrupt-cause bit of mcause/scause in the high word. */
const INTERRUPT_HI = 0x80000000 | 0;

// Decoded-page slot layout: word 0 = op | rd<<10 | rs1<<16 | rs2<<21 | rs3<<26 | (len==2)<<31, word 1 = imm.
const F_RD = 10;
const F_RS1 = 16;
const F_RS2 = 21;
const F_RS3 = 26;

const enum Fault {
  None = 0,
  Raised = 1,
}

/**
 * An RV64IMAC hart with Zicsr, Zifencei, the M, S and U privilege modes (priv spec
 * 1.12) and the H extension (HS, VS, VU; two-stage translation by the translator). Registers are lo/hi Int32 pairs; instructions are decoded
 * once per physical page and cached until a store or FENCE.I touches that page.
 */
export class RiscvHart implements Hart {
  readonly hartId: number;
  /** Integer registers, low and high 32 bits; index 32 absorbs writes to x0. */
  readonly xl: Int32Array;
  readonly xh: Int32Array;
  /** FP registers as raw 64-bit patterns (NaN-boxed singles), for the F/D extension. */
  readonly fl = new Int32Array(32);
  readonly fh = new Int32Array(32);
  /**
   * The program counter lives in a Float64Array cell: a plain number field holding
   * values above 2^31 would box a new heap number on every write.
   */
  private readonly pcCell = new Float64Array(1);

  /** The program counter, as the signed 64-bit value in a JS number. */
  get pc(): number {
    return this.pcCell[0]!;
  }
  set pc(value: number) {
    this.pcCell[0] = value;
  }
  /** Current privilege level. */
  priv: Privilege = Privilege.Machine;

  private readonly bus: PhysicalBus;
  private readonly tr: Translator;
  private readonly resetPc: number;
  private readonly readTime: (() => number) | undefined;
  private readonly traceFn: HartOptions['trace'];
  private readonly trapHook: HartOptions['machineTrapHook'];
  private readonly hsHook: HartOptions['hsTrapHook'];

  // RAM fast path.
  private readonly ramBase: number;
  private readonly ramSize: number;
  private readonly ram: DataView;
  private readonly ramU8: Uint8Array;
  private readonly decoded: (Int32Array | undefined)[];
  /** FENCE.I generation each decoded page was last validated in (see invalidateAllCode). */
  private readonly decodedGen: Int32Array;
  private codeGen = 0;
  private readonly scratch = newDecoded();

  // Fetch cache: virtual page base -> decoded page, valid until translation changes.
  /** Virtual base of the cached fetch page (NaN when none); a typed cell so writes never box. */
  private readonly fetchVBaseCell = new Float64Array([Number.NaN]);
  private get fetchVBase(): number {
    return this.fetchVBaseCell[0]!;
  }
  private set fetchVBase(value: number) {
    this.fetchVBaseCell[0] = value;
  }
  private fetchPage: Int32Array | undefined;
  // -0, not 0: a field first stored as a small integer changes representation when an
  // address of 2^31 or more arrives, which deprecates the hart's map (and aborts V8's
  // optimization of run()); a double from the start never changes.
  private fetchPBase = -0;
  // The fetch cache (FETCH_CACHE): virtual page -> decoded page and its compiled code, if
  // any. Cleared whenever translations, decoded pages or compiled code change.
  private readonly fcVBase = new Float64Array(FETCH_CACHE).fill(Number.NaN);
  private readonly fcPBase = new Float64Array(FETCH_CACHE);
  private readonly fcPage: (Int32Array | undefined)[] = new Array(FETCH_CACHE).fill(undefined);
  private readonly fcJit: (CompiledPage | undefined)[] = new Array(FETCH_CACHE).fill(undefined);
  /** The compiling tier (undefined when off) and the compiled code of the fetch page. */
  private readonly jit: JitTier | undefined;
  private fetchJit: CompiledPage | undefined;
  private readonly jitSrc: { page: Int32Array } & PageSource = {
    page: new Int32Array(0),
    // Always from RAM: the compiled code must match the bytes its snapshot is checked against.
    decode: (off: number) => this.decodeSlot(this.jitSrc.page, off),
  };

  // CSR state.
  private mstatus = 0;
  private mie = 0;
  private mipSw = 0; // bits software may write (SSIP, STIP, SEIP)
  private mipHw = 0; // lines driven by devices
  private sstcStip = 0; // STIP from Sstc (time >= stimecmp) and VSTIP (guest time >= vstimecmp), as mip bits
  private mideleg = 0;
  private medeleg = 0;
  private mcounteren = 0;
  private scounteren = 0;
  private mcountinhibit = 0;
  private fcsr = 0;
  // H extension state.
  /** The virtualization mode V. */
  private virtV = false;
  /** mstatus bits 63:32 that are state (MPV, GVA), in their high-word positions. */
  private mstatusHi = 0;
  private hstatus = 0;
  private hedeleg = 0;
  private hideleg = 0;
  private hcounteren = 0;
  /** vsstatus bits 31:0 (the sstatus fields); UXL reads 2. */
  private vsstatus = 0;
  /** translate flags for fetches and for loads/stores (TRANSLATE_VIRT when V=1, or MPRV with MPV). */
  private fetchFlags = 0;
  private dataFlags = 0;
  /** Set while an HLV/HSV runs: its faults report a guest virtual address (GVA). */
  private hlvActive = false;
  /** Set while a CSR access fails with a virtual-instruction (not illegal-instruction) exception. */
  private csrVirtual = false;
  /** htval/mtval2 and htinst/mtinst for the trap being raised (consumed by `trap`). */
  private trapGpa2 = 0;
  private trapTinst = 0;
  private trapGuestVa = false;
  /** Original address of a split (misaligned) access, for htinst's address offset; NaN when none. */
  private splitBase = Number.NaN;
  private readonly c64 = new Int32Array(C64_SLOTS * 2);
  /** minstret; a typed cell because the count passes 2^31 and a number field would box on every increment. */
  private readonly instretCell = new Float64Array(1);
  private get instretCount(): number {
    return this.instretCell[0]!;
  }
  private set instretCount(value: number) {
    this.instretCell[0] = value;
  }
  private cycleOffset = 0;
  private instretOffset = 0;
  private readonly pmpOut = new Int32Array(2);
  // The hart's own small data TLB over RAM pages: tag = virtual page base, delta = RAM offset - va.
  private readonly ldTag = new Float64Array(DTLB_SIZE).fill(Number.NaN);
  private readonly ldDelta = new Float64Array(DTLB_SIZE);
  private readonly stTag = new Float64Array(DTLB_SIZE).fill(Number.NaN);
  private readonly stDelta = new Float64Array(DTLB_SIZE);

  // LR/SC reservation (physical address), NaN when none (never equal; a double, as fetchPBase).
  private reservation = Number.NaN;
  private intrCheck = true;
  private exitRequested = false;
  private waiting = false;
  private fault: Fault = Fault.None;
  /** Last memory value read, high word (for 8-byte loads). */
  private hiTmp = 0;

  constructor(options: HartOptions) {
    this.hartId = options.hartId;
    this.bus = options.bus;
    this.tr = options.translator;
    this.resetPc = options.resetPc ?? 0x8000_0000;
    this.readTime = options.readTime;
    this.traceFn = options.trace;
    this.trapHook = options.machineTrapHook;
    this.hsHook = options.hsTrapHook;
    this.pc = this.resetPc;
    const ram = options.bus.ram;
    this.ramBase = ram.base;
    this.ramSize = ram.size;
    this.ramU8 = ram.bytes;
    this.ram = new DataView(ram.bytes.buffer, ram.bytes.byteOffset, ram.size);
    this.decoded = new Array(Math.ceil(ram.size / PAGE_SIZE)).fill(undefined);
    this.decodedGen = new Int32Array(this.decoded.length);
    const jitOpt = options.jit ?? jitDefault();
    this.jit =
      jitOpt !== false && options.trace === undefined
        ? JitTier.create(ram as JitRam, this.decoded.length, jitOpt === true ? {} : jitOpt, (lo, hi, kind) =>
            this.jitFill(lo, hi, kind),
          )
        : undefined;
    // With the tier on, the registers live in the RAM's wasm memory where compiled code reads them.
    this.xl = this.jit?.xl ?? new Int32Array(33);
    this.xh = this.jit?.xh ?? new Int32Array(33);
    this.reset();
    RiscvHart.warmUp();
  }

  /**
   * Runs the interpreter warm-up (warmup.ts) if it has not run yet in this isolate; the
   * first hart's constructor calls it. A board calls it first with the translator class
   * its harts use (`new Mmu(bus)`), so V8 optimizes run() for that class, not for the
   * warm-up's stand-in, and does not throw the code away when the board's harts start.
   */
  static warmUp(options: { readonly translator?: (bus: PhysicalBus) => Translator } = {}): void {
    warmUp(
      (bus, translator, jit) =>
        new RiscvHart({
          hartId: 0,
          bus,
          translator,
          jit: jit && { enterHot: 1, tickHot: 1, compileShare: Number.POSITIVE_INFINITY },
        }),
      options.translator,
    );
  }

  /** The compiling tier's counters (pages compiled, host ms spent compiling), or undefined when it is off. */
  get jitStats(): { readonly compiles: number; readonly compileMs: number } | undefined {
    const j = this.jit;
    return j === undefined ? undefined : { compiles: j.compiles, compileMs: j.compileMs + 0 }; // + 0: -0 -> 0
  }

  /** Instructions retired (minstret). */
  get instret(): number {
    return this.instretCount;
  }

  /** Resets architectural state: pc to resetPc, M-mode, mstatus, mie, mip and mcause cleared. */
  reset(): void {
    this.xl.fill(0);
    this.xh.fill(0);
    this.pc = this.resetPc;
    this.priv = Privilege.Machine;
    this.mstatus = 0;
    this.mie = 0;
    this.mipSw = 0;
    this.mideleg = 0;
    this.medeleg = 0;
    this.c64.fill(0);
    this.c64[C_STIMECMP * 2] = -1;
    this.c64[C_STIMECMP * 2 + 1] = -1;
    this.c64[C_VSTIMECMP * 2] = -1;
    this.c64[C_VSTIMECMP * 2 + 1] = -1;
    this.sstcStip = 0;
    this.virtV = false;
    this.mstatusHi = 0;
    this.hstatus = 0;
    this.hedeleg = 0;
    this.hideleg = 0;
    this.hcounteren = 0;
    this.vsstatus = 0;
    this.configureGuestTranslator();
    this.reservation = Number.NaN;
    this.waiting = false;
    this.exitRequested = false;
    this.translationChanged();
  }

  /** Reads integer register x`index` as a signed 64-bit bigint. */
  getX(index: number): bigint {
    return index === 0 ? 0n : toBig(this.xl[index]!, this.xh[index]!);
  }

  /** Writes integer register x`index` (writes to x0 are ignored). */
  setX(index: number, value: bigint): void {
    if (index === 0) return;
    fromBig(value);
    this.xl[index] = r.lo;
    this.xh[index] = r.hi;
  }

  /** Makes `run` return `exit` at the next instruction boundary. */
  requestExit(): void {
    this.exitRequested = true;
    this.intrCheck = true;
  }

  /** Drives an interrupt-pending bit of mip from a device line (bit numbers in `IRQ`). */
  setPending(bit: number, level: boolean): void {
    const m = 1 << bit;
    const next = level ? this.mipHw | m : this.mipHw & ~m;
    if (next !== this.mipHw) {
      this.mipHw = next;
      this.intrCheck = true;
    }
  }

  /**
   * Sets or clears a software-writable bit of mip (SSIP, STIP, SEIP) as M-mode firmware
   * would with csrs/csrc mip; native SBI uses it to deliver IPIs and timer events.
   */
  setSoftwarePending(bit: number, level: boolean): void {
    const m = (1 << bit) & MIP_S_MASK;
    const next = level ? this.mipSw | m : this.mipSw & ~m;
    if (next !== this.mipSw) {
      this.mipSw = next;
      this.intrCheck = true;
    }
  }

  /** mip as software reads it. */
  get mip(): number {
    return this.mipHw | this.mipSw | this.sstcStip;
  }

  /**
   * Re-evaluates Sstc's STIP against the time source; the board calls this between
   * slices (the hart also does at every `run`). Cheap when Sstc is off.
   */
  updateTimer(): void {
    const c64 = this.c64;
    let level = 0;
    if (c64[C_MENVCFG * 2 + 1]! & MENVCFG_STCE_HI && this.readTime !== undefined) {
      const now = this.readTime();
      const cmp = toNum(c64[C_STIMECMP * 2]!, c64[C_STIMECMP * 2 + 1]!);
      // stimecmp is unsigned: a negative pair means >= 2^63, never reached.
      level = cmp >= 0 && now >= cmp ? 1 << IRQ.STIP : 0;
      if (c64[C_HENVCFG * 2 + 1]! & MENVCFG_STCE_HI) {
        // H + Sstc: VSTIP when the guest's time (time + htimedelta) reaches vstimecmp.
        const vcmp = toNum(c64[C_VSTIMECMP * 2]!, c64[C_VSTIMECMP * 2 + 1]!);
        const guestNow = now + toNum(c64[C_HTIMEDELTA * 2]!, c64[C_HTIMEDELTA * 2 + 1]!);
        if (vcmp >= 0 && guestNow >= vcmp) level |= 1 << IRQ.VSTIP;
      }
    }
    if (level !== this.sstcStip) {
      this.sstcStip = level;
      this.intrCheck = true;
    }
  }

  /** The time at which Sstc will raise STIP (stimecmp), or Infinity when Sstc is off: lets an idle board sleep. */
  timerDeadline(): number {
    const c64 = this.c64;
    if (!(c64[C_MENVCFG * 2 + 1]! & MENVCFG_STCE_HI)) return Number.POSITIVE_INFINITY;
    const cmp = toNum(c64[C_STIMECMP * 2]!, c64[C_STIMECMP * 2 + 1]!);
    let deadline = cmp < 0 ? Number.POSITIVE_INFINITY : cmp;
    if (c64[C_HENVCFG * 2 + 1]! & MENVCFG_STCE_HI) {
      const vcmp = toNum(c64[C_VSTIMECMP * 2]!, c64[C_VSTIMECMP * 2 + 1]!);
      const v = vcmp - toNum(c64[C_HTIMEDELTA * 2]!, c64[C_HTIMEDELTA * 2 + 1]!);
      if (vcmp >= 0 && v < deadline) deadline = v;
    }
    return deadline;
  }

  /** True when an interrupt is pending and enabled in mie (what ends WFI, regardless of global enables). */
  get interruptPending(): boolean {
    return (this.mip & this.mie) !== 0;
  }

  /** Runs at most `budget` instructions and says why it stopped. */
  run(budget: number): StopReason {
    const xl = this.xl;
    const xh = this.xh;
    const pcCell = this.pcCell;
    this.updateTimer();
    if (this.waiting) {
      if ((this.mip & this.mie) === 0 && !this.exitRequested) return 'wfi';
      this.waiting = false;
    }
    const instret = this.instretCell;
    const tracing = this.traceFn !== undefined;
    // The fetch page and its virtual base live in locals; anything that changes them
    // (translationChanged, FENCE.I, prepareSlow) raises intrCheck, which reloads them.
    let page = this.fetchPage;
    let fbase = this.fetchVBase;
    if (this.jit !== undefined) this.jitTick();
    let jit = this.fetchJit;
    const jitPc = this.jit?.pcOut;
    const dispatch = this.jit?.dispatch;
    const jitMiss = this.jit?.miss;
    let n = 0;
    while (n < budget) {
      if (this.intrCheck) {
        if (this.exitRequested) {
          this.exitRequested = false;
          this.intrCheck = true;
          return 'exit';
        }
        this.intrCheck = false;
        this.takeInterrupt();
        page = this.fetchPage;
        fbase = this.fetchVBase;
        jit = this.fetchJit;
      }
      // Fetch through the per-page decoded cache (fbase is NaN when nothing is cached).
      const pc = pcCell[0]!;
      let voff = pc - fbase;
      if (!(voff >= 0 && voff < PAGE_SIZE)) {
        page = this.refillFetch(pc);
        fbase = this.fetchVBase;
        jit = this.fetchJit;
        if (page === undefined) {
          // The fetch faulted and the trap was taken.
          this.fault = Fault.None;
          n++;
          continue;
        }
        voff = pc - fbase;
      }
      const slot = voff & ~1;
      if (jit !== undefined && jit.entry[slot >> 1] === 1) {
        // Compiled code: runs until it leaves the page, meets what it does not compile or the budget.
        const k = dispatch!(fbase, slot, budget - n, jit.index);
        if (k > 0) {
          n += k;
          instret[0] = instret[0]! + k;
          pcCell[0] = jitPc![0]!;
          if (jitMiss![0] !== 0) jit = this.jitMissed();
          continue;
        }
      }
      let w = page![slot]!;
      if (w === 0) w = this.decodeSlot(page!, slot);
      const imm = page![slot + 1]!;
      if (tracing) this.traceOne(pc);
      n++;
      instret[0] = instret[0]! + 1;
      const len = w < 0 ? 2 : 4;
      const rd = (w >>> F_RD) & 63;
      const rs1 = (w >>> F_RS1) & 31;
      const rs2 = (w >>> F_RS2) & 31;
      switch (w & 0x3ff) {
        case Op.LUI:
          xl[rd] = imm;
          xh[rd] = imm >> 31;
          pcCell[0] = pc + len;
          break;
        case Op.AUIPC: {
          const v = pc + imm;
          xl[rd] = v | 0;
          xh[rd] = Math.floor(v / TWO32) | 0;
          pcCell[0] = pc + len;
          break;
        }
        case Op.JAL: {
          const v = pc + len;
          xl[rd] = v | 0;
          xh[rd] = Math.floor(v / TWO32) | 0;
          pcCell[0] = pc + imm;
          break;
        }
        case Op.JALR: {
          const t = toNum(xl[rs1]!, xh[rs1]!) + imm;
          const target = t - (t & 1);
          const link = pc + len;
          xl[rd] = link | 0;
          xh[rd] = Math.floor(link / TWO32) | 0;
          pcCell[0] = target;
          break;
        }
        case Op.BEQ:
          pcCell[0] = xl[rs1] === xl[rs2] && xh[rs1] === xh[rs2] ? pc + imm : pc + len;
          break;
        case Op.BNE:
          pcCell[0] = xl[rs1] !== xl[rs2] || xh[rs1] !== xh[rs2] ? pc + imm : pc + len;
          break;
        case Op.BLT:
          pcCell[0] = lt(xl[rs1]!, xh[rs1]!, xl[rs2]!, xh[rs2]!) ? pc + imm : pc + len;
          break;
        case Op.BGE:
          pcCell[0] = lt(xl[rs1]!, xh[rs1]!, xl[rs2]!, xh[rs2]!) ? pc + len : pc + imm;
          break;
        case Op.BLTU:
          pcCell[0] = ltu(xl[rs1]!, xh[rs1]!, xl[rs2]!, xh[rs2]!) ? pc + imm : pc + len;
          break;
        case Op.BGEU:
          pcCell[0] = ltu(xl[rs1]!, xh[rs1]!, xl[rs2]!, xh[rs2]!) ? pc + len : pc + imm;
          break;
        case Op.LB: {
          const v = this.load(xl[rs1]!, xh[rs1]!, imm, 1);
          if (this.fault !== Fault.None) break;
          xl[rd] = (v << 24) >> 24;
          xh[rd] = v << 24 < 0 ? -1 : 0;
          pcCell[0] = pc + len;
          break;
        }
        case Op.LH: {
          const v = this.load(xl[rs1]!, xh[rs1]!, imm, 2);
          if (this.fault !== Fault.None) break;
          xl[rd] = (v << 16) >> 16;
          xh[rd] = v << 16 < 0 ? -1 : 0;
          pcCell[0] = pc + len;
          break;
        }
        case Op.LW: {
          const v = this.load(xl[rs1]!, xh[rs1]!, imm, 4);
          if (this.fault !== Fault.None) break;
          xl[rd] = v;
          xh[rd] = v >> 31;
          pcCell[0] = pc + len;
          break;
        }
        case Op.LD: {
          const v = this.load(xl[rs1]!, xh[rs1]!, imm, 8);
          if (this.fault !== Fault.None) break;
          xl[rd] = v;
          xh[rd] = this.hiTmp;
          pcCell[0] = pc + len;
          break;
        }
        case Op.LBU: {
          const v = this.load(xl[rs1]!, xh[rs1]!, imm, 1);
          if (this.fault !== Fault.None) break;
          xl[rd] = v & 0xff;
          xh[rd] = 0;
          pcCell[0] = pc + len;
          break;
        }
        case Op.LHU: {
          const v = this.load(xl[rs1]!, xh[rs1]!, imm, 2);
          if (this.fault !== Fault.None) break;
          xl[rd] = v & 0xffff;
          xh[rd] = 0;
          pcCell[0] = pc + len;
          break;
        }
        case Op.LWU: {
          const v = this.load(xl[rs1]!, xh[rs1]!, imm, 4);
          if (this.fault !== Fault.None) break;
          xl[rd] = v;
          xh[rd] = 0;
          pcCell[0] = pc + len;
          break;
        }
        case Op.SB:
          this.store(xl[rs1]!, xh[rs1]!, imm, 1, xl[rs2]!, 0);
          if (this.fault === Fault.None) pcCell[0] = pc + len;
          break;
        case Op.SH:
          this.store(xl[rs1]!, xh[rs1]!, imm, 2, xl[rs2]!, 0);
          if (this.fault === Fault.None) pcCell[0] = pc + len;
          break;
        case Op.SW:
          this.store(xl[rs1]!, xh[rs1]!, imm, 4, xl[rs2]!, 0);
          if (this.fault === Fault.None) pcCell[0] = pc + len;
          break;
        case Op.SD:
          this.store(xl[rs1]!, xh[rs1]!, imm, 8, xl[rs2]!, xh[rs2]!);
          if (this.fault === Fault.None) pcCell[0] = pc + len;
          break;
        case Op.ADDI: {
          const al = xl[rs1]!;
          const s = (al >>> 0) + (imm >>> 0);
          xh[rd] = (xh[rs1]! + (imm >> 31) + (s > 0xffffffff ? 1 : 0)) | 0;
          xl[rd] = s | 0;
          pcCell[0] = pc + len;
          break;
        }
        case Op.SLTI:
          xl[rd] = lt(xl[rs1]!, xh[rs1]!, imm, imm >> 31) ? 1 : 0;
          xh[rd] = 0;
          pcCell[0] = pc + len;
          break;
        case Op.SLTIU:
          xl[rd] = ltu(xl[rs1]!, xh[rs1]!, imm, imm >> 31) ? 1 : 0;
          xh[rd] = 0;
          pcCell[0] = pc + len;
          break;
        case Op.XORI:
          xh[rd] = xh[rs1]! ^ (imm >> 31);
          xl[rd] = xl[rs1]! ^ imm;
          pcCell[0] = pc + len;
          break;
        case Op.ORI:
          xh[rd] = xh[rs1]! | (imm >> 31);
          xl[rd] = xl[rs1]! | imm;
          pcCell[0] = pc + len;
          break;
        case Op.ANDI:
          xh[rd] = xh[rs1]! & (imm >> 31);
          xl[rd] = xl[rs1]! & imm;
          pcCell[0] = pc + len;
          break;
        case Op.ADDIW: {
          const v = (xl[rs1]! + imm) | 0;
          xl[rd] = v;
          xh[rd] = v >> 31;
          pcCell[0] = pc + len;
          break;
        }
        case Op.SLLI:
          this.sll(rd, xl[rs1]!, xh[rs1]!, imm);
          pcCell[0] = pc + len;
          break;
        case Op.SRLI:
          this.srl(rd, xl[rs1]!, xh[rs1]!, imm);
          pcCell[0] = pc + len;
          break;
        case Op.SRAI:
          this.sra(rd, xl[rs1]!, xh[rs1]!, imm);
          pcCell[0] = pc + len;
          break;
        case Op.SLLIW: {
          const v = xl[rs1]! << imm;
          xl[rd] = v;
          xh[rd] = v >> 31;
          pcCell[0] = pc + len;
          break;
        }
        case Op.SRLIW: {
          const v = (xl[rs1]! >>> imm) | 0;
          xl[rd] = v;
          xh[rd] = v >> 31;
          pcCell[0] = pc + len;
          break;
        }
        case Op.SRAIW: {
          const v = xl[rs1]! >> imm;
          xl[rd] = v;
          xh[rd] = v >> 31;
          pcCell[0] = pc + len;
          break;
        }
        case Op.ADD: {
          const s = (xl[rs1]! >>> 0) + (xl[rs2]! >>> 0);
          xh[rd] = (xh[rs1]! + xh[rs2]! + (s > 0xffffffff ? 1 : 0)) | 0;
          xl[rd] = s | 0;
          pcCell[0] = pc + len;
          break;
        }
        case Op.SUB: {
          const s = (xl[rs1]! >>> 0) - (xl[rs2]! >>> 0);
          xh[rd] = (xh[rs1]! - xh[rs2]! - (s < 0 ? 1 : 0)) | 0;
          xl[rd] = s | 0;
          pcCell[0] = pc + len;
          break;
        }
        case Op.SLL:
          this.sll(rd, xl[rs1]!, xh[rs1]!, xl[rs2]! & 63);
          pcCell[0] = pc + len;
          break;
        case Op.SLT: {
          const v = lt(xl[rs1]!, xh[rs1]!, xl[rs2]!, xh[rs2]!) ? 1 : 0;
          xl[rd] = v;
          xh[rd] = 0;
          pcCell[0] = pc + len;
          break;
        }
        case Op.SLTU: {
          const v = ltu(xl[rs1]!, xh[rs1]!, xl[rs2]!, xh[rs2]!) ? 1 : 0;
          xl[rd] = v;
          xh[rd] = 0;
          pcCell[0] = pc + len;
          break;
        }
        case Op.XOR:
          xl[rd] = xl[rs1]! ^ xl[rs2]!;
          xh[rd] = xh[rs1]! ^ xh[rs2]!;
          pcCell[0] = pc + len;
          break;
        case Op.SRL:
          this.srl(rd, xl[rs1]!, xh[rs1]!, xl[rs2]! & 63);
          pcCell[0] = pc + len;
          break;
        case Op.SRA:
          this.sra(rd, xl[rs1]!, xh[rs1]!, xl[rs2]! & 63);
          pcCell[0] = pc + len;
          break;
        case Op.OR:
          xl[rd] = xl[rs1]! | xl[rs2]!;
          xh[rd] = xh[rs1]! | xh[rs2]!;
          pcCell[0] = pc + len;
          break;
        case Op.AND:
          xl[rd] = xl[rs1]! & xl[rs2]!;
          xh[rd] = xh[rs1]! & xh[rs2]!;
          pcCell[0] = pc + len;
          break;
        case Op.ADDW: {
          const v = (xl[rs1]! + xl[rs2]!) | 0;
          xl[rd] = v;
          xh[rd] = v >> 31;
          pcCell[0] = pc + len;
          break;
        }
        case Op.SUBW: {
          const v = (xl[rs1]! - xl[rs2]!) | 0;
          xl[rd] = v;
          xh[rd] = v >> 31;
          pcCell[0] = pc + len;
          break;
        }
        case Op.SLLW: {
          const v = xl[rs1]! << (xl[rs2]! & 31);
          xl[rd] = v;
          xh[rd] = v >> 31;
          pcCell[0] = pc + len;
          break;
        }
        case Op.SRLW: {
          const v = (xl[rs1]! >>> (xl[rs2]! & 31)) | 0;
          xl[rd] = v;
          xh[rd] = v >> 31;
          pcCell[0] = pc + len;
          break;
        }
        case Op.SRAW: {
          const v = xl[rs1]! >> (xl[rs2]! & 31);
          xl[rd] = v;
          xh[rd] = v >> 31;
          pcCell[0] = pc + len;
          break;
        }
        case Op.MUL:
          mul64(xl[rs1]!, xh[rs1]!, xl[rs2]!, xh[rs2]!);
          xl[rd] = r.lo;
          xh[rd] = r.hi;
          pcCell[0] = pc + len;
          break;
        case Op.MULH:
          mulh(xl[rs1]!, xh[rs1]!, xl[rs2]!, xh[rs2]!);
          xl[rd] = r.lo;
          xh[rd] = r.hi;
          pcCell[0] = pc + len;
          break;
        case Op.MULHSU:
          mulhsu(xl[rs1]!, xh[rs1]!, xl[rs2]!, xh[rs2]!);
          xl[rd] = r.lo;
          xh[rd] = r.hi;
          pcCell[0] = pc + len;
          break;
        case Op.MULHU:
          mulhu(xl[rs1]!, xh[rs1]!, xl[rs2]!, xh[rs2]!);
          xl[rd] = r.lo;
          xh[rd] = r.hi;
          pcCell[0] = pc + len;
          break;
        case Op.DIV:
        case Op.DIVU:
        case Op.REM:
        case Op.REMU: {
          const op = w & 0x3ff;
          divrem(
            xl[rs1]!,
            xh[rs1]!,
            xl[rs2]!,
            xh[rs2]!,
            op === Op.DIV || op === Op.REM,
            op === Op.REM || op === Op.REMU,
          );
          xl[rd] = r.lo;
          xh[rd] = r.hi;
          pcCell[0] = pc + len;
          break;
        }
        case Op.MULW: {
          const v = Math.imul(xl[rs1]!, xl[rs2]!);
          xl[rd] = v;
          xh[rd] = v >> 31;
          pcCell[0] = pc + len;
          break;
        }
        case Op.DIVW:
        case Op.DIVUW:
        case Op.REMW:
        case Op.REMUW: {
          const op = w & 0x3ff;
          const v = divrem32(
            xl[rs1]!,
            xl[rs2]!,
            op === Op.DIVW || op === Op.REMW,
            op === Op.REMW || op === Op.REMUW,
          );
          xl[rd] = v;
          xh[rd] = v >> 31;
          pcCell[0] = pc + len;
          break;
        }
        case Op.FENCE:
          pcCell[0] = pc + len;
          break;
        case Op.FENCE_I:
          this.invalidateAllCode();
          pcCell[0] = pc + len;
          break;
        case Op.ECALL:
          this.trap(
            this.virtV && this.priv === Privilege.Supervisor ? CAUSE.ECALL_VS : CAUSE.ECALL_U + this.priv,
            0,
            0,
          );
          break;
        case Op.EBREAK:
          this.trapNum(CAUSE.BREAKPOINT, pc);
          break;
        case Op.CSRRW:
        case Op.CSRRS:
        case Op.CSRRC:
        case Op.CSRRWI:
        case Op.CSRRSI:
        case Op.CSRRCI:
          if (this.csrOp(w & 0x3ff, rd, rs1, imm)) pcCell[0] = pc + len;
          break;
        case Op.MRET:
          if (this.priv !== Privilege.Machine) this.illegal();
          else this.mret();
          break;
        case Op.SRET:
          if (this.virtV) {
            if (this.priv === Privilege.User || this.hstatus & HS_VTSR) this.virtualInstruction();
            else this.sret();
          } else if (
            this.priv === Privilege.User ||
            (this.priv === Privilege.Supervisor && this.mstatus & MS_TSR)
          ) {
            this.illegal();
          } else this.sret();
          break;
        case Op.WFI:
          if (!this.wfiAllowed()) break;
          pcCell[0] = pc + len;
          if ((this.mip & this.mie) === 0) {
            this.waiting = true;
            return 'wfi';
          }
          break;
        case Op.SFENCE_VMA:
          if (this.virtV) {
            // At V=1 SFENCE.VMA fences the VS-stage (hstatus.VTVM traps it to the hypervisor).
            if (this.priv === Privilege.User || this.hstatus & HS_VTVM) {
              this.virtualInstruction();
              break;
            }
            this.hfenceVvma();
          } else {
            if (
              this.priv === Privilege.User ||
              (this.priv === Privilege.Supervisor && this.mstatus & MS_TVM)
            ) {
              this.illegal();
              break;
            }
            this.tr.flush(
              rs1 === 0 ? undefined : toNum(xl[rs1]!, xh[rs1]!),
              rs2 === 0 ? undefined : xl[rs2]! & 0xffff,
            );
            this.translationChanged();
          }
          pcCell[0] = pc + len;
          break;
        case Op.HLV_B:
        case Op.HLV_BU:
        case Op.HLV_H:
        case Op.HLV_HU:
        case Op.HLVX_HU:
        case Op.HLV_W:
        case Op.HLV_WU:
        case Op.HLVX_WU:
        case Op.HLV_D:
        case Op.HSV_B:
        case Op.HSV_H:
        case Op.HSV_W:
        case Op.HSV_D:
        case Op.HFENCE_VVMA:
        case Op.HFENCE_GVMA:
          if (this.hypervisorOp(w & 0x3ff, rd, rs1, rs2)) pcCell[0] = pc + len;
          break;
        case Op.LR_W:
        case Op.LR_D:
        case Op.SC_W:
        case Op.SC_D:
        case Op.AMOSWAP_W:
        case Op.AMOADD_W:
        case Op.AMOXOR_W:
        case Op.AMOAND_W:
        case Op.AMOOR_W:
        case Op.AMOMIN_W:
        case Op.AMOMAX_W:
        case Op.AMOMINU_W:
        case Op.AMOMAXU_W:
        case Op.AMOSWAP_D:
        case Op.AMOADD_D:
        case Op.AMOXOR_D:
        case Op.AMOAND_D:
        case Op.AMOOR_D:
        case Op.AMOMIN_D:
        case Op.AMOMAX_D:
        case Op.AMOMINU_D:
        case Op.AMOMAXU_D:
          if (this.atomic(w & 0x3ff, rd, rs1, rs2)) pcCell[0] = pc + len;
          break;
        case Op.FLW:
        case Op.FLD:
        case Op.FSW:
        case Op.FSD: {
          if (this.fpOff()) {
            this.illegal();
            break;
          }
          const op = w & 0x3ff;
          const fr = op === Op.FSW || op === Op.FSD ? rs2 : rd & 31;
          if (op === Op.FLW) {
            const v = this.load(xl[rs1]!, xh[rs1]!, imm, 4);
            if (this.fault !== Fault.None) break;
            this.fl[fr] = v;
            this.fh[fr] = -1; // NaN-box
            this.fpDirty();
          } else if (op === Op.FLD) {
            const v = this.load(xl[rs1]!, xh[rs1]!, imm, 8);
            if (this.fault !== Fault.None) break;
            this.fl[fr] = v;
            this.fh[fr] = this.hiTmp;
            this.fpDirty();
          } else {
            this.store(xl[rs1]!, xh[rs1]!, imm, op === Op.FSW ? 4 : 8, this.fl[fr]!, this.fh[fr]!);
            if (this.fault !== Fault.None) break;
          }
          pcCell[0] = pc + len;
          break;
        }
        case Op.CROSS_PAGE:
          // A 32-bit instruction straddling two pages: fetch both halves, run it from the scratch page.
          n--;
          this.instretCount--;
          if (!this.prepareSlow(pc)) {
            this.fault = Fault.None; // the fetch trapped; the handler runs next
            n++;
          }
          continue;
        default:
          if ((w & 0x3ff) >= FP_FIRST) {
            if (this.execFp(w & 0x3ff, rd, rs1, rs2, (w >>> F_RS3) & 31, imm)) pcCell[0] = pc + len;
            break;
          }
          // ILLEGAL: the instruction bits are kept in the imm word for mtval.
          this.trapNum(CAUSE.ILLEGAL_INSTRUCTION, imm >>> 0);
          break;
      }
      if (this.fault !== Fault.None) {
        this.fault = Fault.None;
        this.instretCount--;
      }
      if (page === this.slowPage) this.translationChanged();
    }
    return 'budget';
  }

  // ---- integer helpers -------------------------------------------------------

  private sll(rd: number, lo: number, hi: number, sh: number): void {
    if (sh === 0) {
      this.xl[rd] = lo;
      this.xh[rd] = hi;
    } else if (sh < 32) {
      this.xh[rd] = (hi << sh) | (lo >>> (32 - sh));
      this.xl[rd] = lo << sh;
    } else {
      this.xh[rd] = lo << (sh - 32);
      this.xl[rd] = 0;
    }
  }

  private srl(rd: number, lo: number, hi: number, sh: number): void {
    if (sh === 0) {
      this.xl[rd] = lo;
      this.xh[rd] = hi;
    } else if (sh < 32) {
      this.xl[rd] = (lo >>> sh) | (hi << (32 - sh));
      this.xh[rd] = hi >>> sh;
    } else {
      this.xl[rd] = hi >>> (sh - 32);
      this.xh[rd] = 0;
    }
  }

  private sra(rd: number, lo: number, hi: number, sh: number): void {
    if (sh === 0) {
      this.xl[rd] = lo;
      this.xh[rd] = hi;
    } else if (sh < 32) {
      this.xl[rd] = (lo >>> sh) | (hi << (32 - sh));
      this.xh[rd] = hi >> sh;
    } else {
      this.xl[rd] = hi >> (sh - 32);
      this.xh[rd] = hi >> 31;
    }
  }

  // ---- memory ----------------------------------------------------------------

  /** Effective privilege of loads and stores (mstatus.MPRV selects MPP in M-mode; MPV then selects V=1 in dataFlags). */
  private dataPriv(): Privilege {
    if (this.priv === Privilege.Machine && this.mstatus & MS_MPRV) {
      return ((this.mstatus & MS_MPP) >>> MS_MPP_SHIFT) as Privilege;
    }
    return this.priv;
  }

  private translate(va: number, access: AccessType): number {
    const fetch = access === AccessType.Fetch;
    return this.xlate(
      va,
      access,
      fetch ? this.priv : this.dataPriv(),
      fetch ? this.fetchFlags : this.dataFlags,
    );
  }

  /** Translates with explicit privilege and flags; on a fault takes the trap and returns the negative code. */
  private xlate(va: number, access: AccessType, priv: Privilege, flags: number): number {
    const pa = this.tr.translate(va, access, priv, flags);
    if (pa < 0) this.translateFault(pa, va, access, flags);
    return pa;
  }

  /** Raises the page, guest-page or access fault for a failed translation, with htval/htinst and GVA. */
  private translateFault(code: number, va: number, access: AccessType, flags: number): void {
    let cause: number;
    if (code === TRANSLATE_GUEST_PAGE_FAULT) {
      cause = GUEST_PAGE_FAULT_CAUSE[access]!;
      const gpa = this.tr.lastGuestFaultGpa?.() ?? 0;
      this.trapGpa2 = Math.floor(gpa / 4);
      if (this.tr.lastGuestFaultImplicit?.() === true) {
        // Pseudoinstructions for VS-stage page-table accesses (64-bit read or write).
        this.trapTinst = this.tr.lastGuestFaultWrite?.() === true ? 0x3020 : 0x3000;
      } else if (access !== AccessType.Fetch) {
        this.trapTinst = this.transformedInstruction(va);
      }
    } else {
      cause = (code === TRANSLATE_PAGE_FAULT ? PAGE_FAULT_CAUSE : ACCESS_FAULT_CAUSE)[access]!;
      if ((flags & TRANSLATE_VIRT) !== 0 && access !== AccessType.Fetch) {
        this.trapTinst = this.transformedInstruction(va);
      }
    }
    if ((flags & TRANSLATE_VIRT) !== 0) this.trapGuestVa = true;
    this.trapNum(cause, va);
  }

  /**
   * htinst/mtinst for a fault of the load, store or atomic at pc (priv spec, "Transformed
   * Instruction or Pseudoinstruction for mtinst or htinst"): rs1 becomes the offset of the
   * faulting address in the access, immediates become zero, bit 1 is 0 for compressed.
   */
  private transformedInstruction(faultVa: number): number {
    const inst = this.peekInstruction(this.pc);
    if (inst < 0) return 0;
    const d = this.tinstScratch;
    const row = decode(inst, d);
    if (row < 0) return 0;
    const base = ENCODINGS[BASE_ROW[row]!];
    if (base === undefined) return 0;
    const offset = Number.isNaN(this.splitBase) ? 0 : Math.max(0, Math.min(31, faultVa - this.splitBase));
    let t: number;
    switch (base.format) {
      case 'IL':
        t = base.match | (d.rd << 7);
        break;
      case 'S':
        t = base.match | (d.rs2 << 20);
        break;
      case 'AMO':
      case 'LR':
      case 'HSV':
        if (d.len !== 4) return 0;
        t = inst & ~(0x1f << 15);
        break;
      default:
        return 0;
    }
    t |= offset << 15;
    return (d.len === 2 ? t & ~2 : t) >>> 0;
  }
  private readonly tinstScratch = newDecoded();

  /**
   * Loads `size` bytes from virtual address `va`; returns the low 32 bits (the high
   * word of an 8-byte load goes to hiTmp). On a fault the trap is taken and
   * `this.fault` is set. Misaligned accesses are handled here, in hardware.
   */
  private load(baseLo: number, baseHi: number, imm: number, size: number): number {
    // The address arrives as register halves plus offset so that no double crosses a call.
    const va = baseHi * TWO32 + (baseLo >>> 0) + imm;
    const pgoff = va & (PAGE_SIZE - 1);
    if (pgoff + size > PAGE_SIZE) return this.loadBytewise(va, size);
    const vbase = va - pgoff;
    const i = (va >>> 12) & (DTLB_SIZE - 1);
    let off: number;
    if (this.ldTag[i] === vbase) {
      off = va + this.ldDelta[i]!;
    } else {
      const pa = this.translate(va, AccessType.Load);
      if (pa < 0) {
        this.fault = Fault.Raised;
        return 0;
      }
      off = pa - this.ramBase;
      if (off >= 0 && off < this.ramSize && this.tr.lastPageUniform?.() === true) this.cacheLoadPage(va, off);
    }
    if (off >= 0 && off + size <= this.ramSize) {
      const ram = this.ram;
      switch (size) {
        case 1:
          return ram.getUint8(off);
        case 2:
          return ram.getUint16(off, true);
        case 4:
          return ram.getInt32(off, true);
        default:
          this.hiTmp = ram.getInt32(off + 4, true);
          return ram.getInt32(off, true);
      }
    }
    return this.loadDevice(off + this.ramBase, size, va);
  }

  private loadDevice(pa: number, size: number, va: number): number {
    if (size === 8) {
      if ((pa & 7) !== 0) return this.loadBytewise(va, 8);
      const lo = this.bus.read(pa as never, 4);
      const hi = lo < 0 ? lo : this.bus.read((pa + 4) as never, 4);
      if (hi < 0) return this.accessFault(CAUSE.LOAD_ACCESS, va);
      this.hiTmp = hi | 0;
      return lo | 0;
    }
    if ((pa & (size - 1)) !== 0) return this.loadBytewise(va, size);
    const v = this.bus.read(pa as never, size as 1 | 2 | 4);
    if (v < 0) return this.accessFault(CAUSE.LOAD_ACCESS, va);
    return v | 0;
  }

  private accessFault(cause: number, va: number): number {
    if (this.dataFlags !== 0 || this.hlvActive) {
      this.trapGuestVa = true;
      this.trapTinst = this.transformedInstruction(va);
    }
    this.trapNum(cause, va);
    this.fault = Fault.Raised;
    return 0;
  }

  private loadBytewise(va: number, size: number): number {
    let lo = 0;
    let hi = 0;
    this.splitBase = va;
    for (let i = 0; i < size; i++) {
      const pa = this.translate(va + i, AccessType.Load);
      if (pa < 0) {
        this.fault = Fault.Raised;
        return 0;
      }
      const off = pa - this.ramBase;
      let b: number;
      if (off >= 0 && off < this.ramSize) b = this.ramU8[off]!;
      else {
        b = this.bus.read(pa as never, 1);
        if (b < 0) return this.accessFault(CAUSE.LOAD_ACCESS, va + i);
      }
      if (i < 4) lo |= b << (8 * i);
      else hi |= b << (8 * (i - 4));
    }
    this.splitBase = Number.NaN;
    this.hiTmp = hi;
    return lo;
  }

  /** Stores the low `size` bytes of (lo, hi) at `va`. Sets `this.fault` on a fault. */
  private store(baseLo: number, baseHi: number, imm: number, size: number, lo: number, hi: number): void {
    const va = baseHi * TWO32 + (baseLo >>> 0) + imm;
    if ((va & (PAGE_SIZE - 1)) + size > PAGE_SIZE) {
      this.storeBytewise(va, size, lo, hi);
      return;
    }
    const pgoff = va & (PAGE_SIZE - 1);
    const vbase = va - pgoff;
    const i = (va >>> 12) & (DTLB_SIZE - 1);
    let off: number;
    let pa: number;
    if (this.stTag[i] === vbase) {
      off = va + this.stDelta[i]!;
      pa = off + this.ramBase;
    } else {
      pa = this.translate(va, AccessType.Store);
      if (pa < 0) {
        this.fault = Fault.Raised;
        return;
      }
      off = pa - this.ramBase;
      if (off >= 0 && off < this.ramSize && this.tr.lastPageUniform?.() === true)
        this.cacheStorePage(va, off);
    }
    if (off >= 0 && off + size <= this.ramSize) {
      const ram = this.ram;
      switch (size) {
        case 1:
          ram.setUint8(off, lo);
          break;
        case 2:
          ram.setUint16(off, lo, true);
          break;
        case 4:
          ram.setInt32(off, lo, true);
          break;
        default:
          ram.setInt32(off, lo, true);
          ram.setInt32(off + 4, hi, true);
          break;
      }
      if (this.decoded[off >>> 12] !== undefined) this.invalidateCode(off, size);
      return;
    }
    if ((pa & (size - 1)) !== 0) {
      this.storeBytewise(va, size, lo, hi);
      return;
    }
    const bus = this.bus;
    const ok =
      size === 8
        ? bus.write(pa as never, 4, lo >>> 0) && bus.write((pa + 4) as never, 4, hi >>> 0)
        : bus.write(pa as never, size as 1 | 2 | 4, size === 4 ? lo >>> 0 : lo & ((1 << (size * 8)) - 1));
    if (!ok) this.accessFault(CAUSE.STORE_ACCESS, va);
  }

  private storeBytewise(va: number, size: number, lo: number, hi: number): void {
    // Translate every byte first so a fault leaves memory untouched.
    const pas = this.splitPas;
    this.splitBase = va;
    for (let i = 0; i < size; i++) {
      const pa = this.translate(va + i, AccessType.Store);
      if (pa < 0) {
        this.fault = Fault.Raised;
        return;
      }
      pas[i] = pa;
    }
    this.splitBase = Number.NaN;
    this.writeBytes(pas, va, size, lo, hi);
  }

  /**
   * Writes the bytes of a split store to their translated addresses `pas` (all
   * translations already succeeded); false after an access fault on a device byte.
   */
  private writeBytes(pas: Float64Array, va: number, size: number, lo: number, hi: number): boolean {
    for (let i = 0; i < size; i++) {
      const b = (i < 4 ? lo >>> (8 * i) : hi >>> (8 * (i - 4))) & 0xff;
      const pa = pas[i]!;
      const off = pa - this.ramBase;
      if (off >= 0 && off < this.ramSize) {
        this.ramU8[off] = b;
        if (this.decoded[off >>> 12] !== undefined) this.invalidateCode(off, 1);
      } else if (!this.bus.write(pa as never, 1, b)) {
        this.accessFault(CAUSE.STORE_ACCESS, va + i);
        return false;
      }
    }
    return true;
  }
  private readonly splitPas = new Float64Array(8);

  /** LR, SC and the AMOs: aligned, RAM only (device windows do not support atomics: access fault). */
  private atomic(op: Op, rd: number, rs1: number, rs2: number): boolean {
    const xl = this.xl;
    const xh = this.xh;
    const dbl = op >= Op.LR_D;
    const size = dbl ? 8 : 4;
    const va = toNum(xl[rs1]!, xh[rs1]!);
    const isLr = op === Op.LR_W || op === Op.LR_D;
    if ((va & (size - 1)) !== 0) {
      this.trapNum(isLr ? CAUSE.MISALIGNED_LOAD : CAUSE.MISALIGNED_STORE, va);
      return false;
    }
    const pa = this.translate(va, isLr ? AccessType.Load : AccessType.Store);
    if (pa < 0) return false;
    const off = pa - this.ramBase;
    if (!(off >= 0 && off + size <= this.ramSize)) {
      this.trapNum(isLr ? CAUSE.LOAD_ACCESS : CAUSE.STORE_ACCESS, va);
      return false;
    }
    const ram = this.ram;
    const oldLo = ram.getInt32(off, true);
    const oldHi = dbl ? ram.getInt32(off + 4, true) : oldLo >> 31;
    if (isLr) {
      this.reservation = pa;
      xl[rd] = oldLo;
      xh[rd] = oldHi;
      return true;
    }
    if (op === Op.SC_W || op === Op.SC_D) {
      const ok = this.reservation === pa;
      this.reservation = Number.NaN;
      if (ok) {
        ram.setInt32(off, xl[rs2]!, true);
        if (dbl) ram.setInt32(off + 4, xh[rs2]!, true);
        if (this.decoded[off >>> 12] !== undefined) this.invalidateCode(off, dbl ? 8 : 4);
      }
      xl[rd] = ok ? 0 : 1;
      xh[rd] = 0;
      return true;
    }
    const bl = xl[rs2]!;
    const bh = dbl ? xh[rs2]! : bl >> 31;
    let nl: number;
    let nh: number;
    switch (dbl ? op - (Op.AMOSWAP_D - Op.AMOSWAP_W) : op) {
      case Op.AMOSWAP_W:
        nl = bl;
        nh = bh;
        break;
      case Op.AMOADD_W: {
        const s = (oldLo >>> 0) + (bl >>> 0);
        nl = s | 0;
        nh = (oldHi + bh + (s > 0xffffffff ? 1 : 0)) | 0;
        break;
      }
      case Op.AMOXOR_W:
        nl = oldLo ^ bl;
        nh = oldHi ^ bh;
        break;
      case Op.AMOAND_W:
        nl = oldLo & bl;
        nh = oldHi & bh;
        break;
      case Op.AMOOR_W:
        nl = oldLo | bl;
        nh = oldHi | bh;
        break;
      default: {
        // MIN, MAX, MINU, MAXU: keep the old value when it wins the comparison.
        const k = dbl ? op - (Op.AMOSWAP_D - Op.AMOSWAP_W) : op;
        const less =
          k === Op.AMOMIN_W || k === Op.AMOMAX_W ? lt(oldLo, oldHi, bl, bh) : ltu(oldLo, oldHi, bl, bh);
        const keepOld = k === Op.AMOMIN_W || k === Op.AMOMINU_W ? less : !less;
        nl = keepOld ? oldLo : bl;
        nh = keepOld ? oldHi : bh;
        break;
      }
    }
    ram.setInt32(off, nl, true);
    if (dbl) ram.setInt32(off + 4, nh, true);
    if (this.decoded[off >>> 12] !== undefined) this.invalidateCode(off, dbl ? 8 : 4);
    xl[rd] = oldLo;
    xh[rd] = oldHi;
    return true;
  }

  // ---- F and D ---------------------------------------------------------------

  private readonly sf = new SoftFloat();

  /** Single-precision operand: the low word if properly NaN-boxed, else the canonical NaN. */
  private f32(r: number): number {
    return this.fh[r] === -1 ? this.fl[r]! >>> 0 : CANONICAL_NAN_32;
  }

  private f64(r: number): bigint {
    return (BigInt(this.fh[r]! >>> 0) << 32n) | BigInt(this.fl[r]! >>> 0);
  }

  private setF32(r: number, v: number): void {
    this.fl[r] = v | 0;
    this.fh[r] = -1;
  }

  private setF64(r: number, v: bigint): void {
    this.fl[r] = Number(v & 0xffffffffn) | 0;
    this.fh[r] = Number((v >> 32n) & 0xffffffffn) | 0;
  }

  private setXBig(rd: number, v: bigint): void {
    fromBig(v);
    this.xl[rd] = r.lo;
    this.xh[rd] = r.hi;
  }

  private setX32(rd: number, v: number): void {
    this.xl[rd] = v | 0;
    this.xh[rd] = (v | 0) >> 31;
  }

  /**
   * Executes an OP-FP or fused multiply-add instruction; false when it trapped
   * (mstatus.FS off, or a reserved rounding mode). Flags accrue into fcsr.
   */
  private execFp(op: Op, rdx: number, rs1: number, rs2: number, rs3: number, rmField: number): boolean {
    if (this.fpOff()) {
      this.illegal();
      return false;
    }
    const rm = rmField === 7 ? (this.fcsr >>> 5) & 7 : rmField;
    const sf = this.sf;
    sf.flags = 0;
    const fd = rdx & 31; // FP destinations: f0 is a real register
    const xl = this.xl;
    const xh = this.xh;
    const xBig = (i: number) => toBig(xl[i]!, xh[i]!);
    const needsRm = rm > 4;
    switch (op) {
      case Op.FSGNJ_S:
      case Op.FSGNJN_S:
      case Op.FSGNJX_S: {
        const a = this.f32(rs1);
        const b = this.f32(rs2);
        const sign = op === Op.FSGNJ_S ? b : op === Op.FSGNJN_S ? ~b : a ^ b;
        this.setF32(fd, (a & 0x7fffffff) | (sign & 0x80000000));
        break;
      }
      case Op.FSGNJ_D:
      case Op.FSGNJN_D:
      case Op.FSGNJX_D: {
        const ah = this.fh[rs1]!;
        const bh = this.fh[rs2]!;
        const sign = op === Op.FSGNJ_D ? bh : op === Op.FSGNJN_D ? ~bh : ah ^ bh;
        this.fl[fd] = this.fl[rs1]!;
        this.fh[fd] = (ah & 0x7fffffff) | (sign & 0x80000000);
        break;
      }
      case Op.FMV_X_W:
        this.setX32(rdx, this.fl[rs1]!);
        break;
      case Op.FMV_X_D:
        xl[rdx] = this.fl[rs1]!;
        xh[rdx] = this.fh[rs1]!;
        break;
      case Op.FMV_W_X:
        this.setF32(fd, xl[rs1]!);
        break;
      case Op.FMV_D_X:
        this.fl[fd] = xl[rs1]!;
        this.fh[fd] = xh[rs1]!;
        break;
      case Op.FCLASS_S:
        this.setX32(rdx, sf.classify32(this.f32(rs1)));
        break;
      case Op.FCLASS_D:
        this.setX32(rdx, sf.classify64(this.f64(rs1)));
        break;
      case Op.FMIN_S:
        this.setF32(fd, sf.min32(this.f32(rs1), this.f32(rs2)));
        break;
      case Op.FMAX_S:
        this.setF32(fd, sf.max32(this.f32(rs1), this.f32(rs2)));
        break;
      case Op.FMIN_D:
        this.setF64(fd, sf.min64(this.f64(rs1), this.f64(rs2)));
        break;
      case Op.FMAX_D:
        this.setF64(fd, sf.max64(this.f64(rs1), this.f64(rs2)));
        break;
      case Op.FEQ_S:
        this.setX32(rdx, sf.eq32(this.f32(rs1), this.f32(rs2)) ? 1 : 0);
        break;
      case Op.FLT_S:
        this.setX32(rdx, sf.lt32(this.f32(rs1), this.f32(rs2)) ? 1 : 0);
        break;
      case Op.FLE_S:
        this.setX32(rdx, sf.le32(this.f32(rs1), this.f32(rs2)) ? 1 : 0);
        break;
      case Op.FEQ_D:
        this.setX32(rdx, sf.eq64(this.f64(rs1), this.f64(rs2)) ? 1 : 0);
        break;
      case Op.FLT_D:
        this.setX32(rdx, sf.lt64(this.f64(rs1), this.f64(rs2)) ? 1 : 0);
        break;
      case Op.FLE_D:
        this.setX32(rdx, sf.le64(this.f64(rs1), this.f64(rs2)) ? 1 : 0);
        break;
      default: {
        // Everything below rounds: a reserved rounding mode is illegal.
        if (needsRm) {
          this.illegal();
          return false;
        }
        switch (op) {
          case Op.FADD_S:
            this.setF32(fd, sf.add32(this.f32(rs1), this.f32(rs2), rm));
            break;
          case Op.FSUB_S:
            this.setF32(fd, sf.sub32(this.f32(rs1), this.f32(rs2), rm));
            break;
          case Op.FMUL_S:
            this.setF32(fd, sf.mul32(this.f32(rs1), this.f32(rs2), rm));
            break;
          case Op.FDIV_S:
            this.setF32(fd, sf.div32(this.f32(rs1), this.f32(rs2), rm));
            break;
          case Op.FSQRT_S:
            this.setF32(fd, sf.sqrt32(this.f32(rs1), rm));
            break;
          case Op.FMADD_S:
          case Op.FMSUB_S:
          case Op.FNMSUB_S:
          case Op.FNMADD_S:
            this.setF32(fd, sf.fma32(this.f32(rs1), this.f32(rs2), this.f32(rs3), rm, op - Op.FMADD_S));
            break;
          case Op.FADD_D:
            this.setF64(fd, sf.add64(this.f64(rs1), this.f64(rs2), rm));
            break;
          case Op.FSUB_D:
            this.setF64(fd, sf.sub64(this.f64(rs1), this.f64(rs2), rm));
            break;
          case Op.FMUL_D:
            this.setF64(fd, sf.mul64(this.f64(rs1), this.f64(rs2), rm));
            break;
          case Op.FDIV_D:
            this.setF64(fd, sf.div64(this.f64(rs1), this.f64(rs2), rm));
            break;
          case Op.FSQRT_D:
            this.setF64(fd, sf.sqrt64(this.f64(rs1), rm));
            break;
          case Op.FMADD_D:
          case Op.FMSUB_D:
          case Op.FNMSUB_D:
          case Op.FNMADD_D:
            this.setF64(fd, sf.fma64(this.f64(rs1), this.f64(rs2), this.f64(rs3), rm, op - Op.FMADD_D));
            break;
          case Op.FCVT_W_S:
            this.setX32(rdx, sf.f32ToI32(this.f32(rs1), rm));
            break;
          case Op.FCVT_WU_S:
            this.setX32(rdx, sf.f32ToU32(this.f32(rs1), rm));
            break;
          case Op.FCVT_L_S:
            this.setXBig(rdx, sf.f32ToI64(this.f32(rs1), rm));
            break;
          case Op.FCVT_LU_S:
            this.setXBig(rdx, sf.f32ToU64(this.f32(rs1), rm));
            break;
          case Op.FCVT_W_D:
            this.setX32(rdx, sf.f64ToI32(this.f64(rs1), rm));
            break;
          case Op.FCVT_WU_D:
            this.setX32(rdx, sf.f64ToU32(this.f64(rs1), rm));
            break;
          case Op.FCVT_L_D:
            this.setXBig(rdx, sf.f64ToI64(this.f64(rs1), rm));
            break;
          case Op.FCVT_LU_D:
            this.setXBig(rdx, sf.f64ToU64(this.f64(rs1), rm));
            break;
          case Op.FCVT_S_W:
            this.setF32(fd, sf.i32ToF32(xl[rs1]!, rm));
            break;
          case Op.FCVT_S_WU:
            this.setF32(fd, sf.u32ToF32(xl[rs1]! >>> 0, rm));
            break;
          case Op.FCVT_S_L:
            this.setF32(fd, sf.i64ToF32(xBig(rs1), rm));
            break;
          case Op.FCVT_S_LU:
            this.setF32(fd, sf.u64ToF32(BigInt.asUintN(64, xBig(rs1)), rm));
            break;
          case Op.FCVT_D_W:
            this.setF64(fd, sf.i32ToF64(xl[rs1]!, rm));
            break;
          case Op.FCVT_D_WU:
            this.setF64(fd, sf.u32ToF64(xl[rs1]! >>> 0, rm));
            break;
          case Op.FCVT_D_L:
            this.setF64(fd, sf.i64ToF64(xBig(rs1), rm));
            break;
          case Op.FCVT_D_LU:
            this.setF64(fd, sf.u64ToF64(BigInt.asUintN(64, xBig(rs1)), rm));
            break;
          case Op.FCVT_S_D:
            this.setF32(fd, sf.f64ToF32(this.f64(rs1), rm));
            break;
          case Op.FCVT_D_S:
            this.setF64(fd, sf.f32ToF64(this.f32(rs1)));
            break;
          default:
            this.illegal();
            return false;
        }
      }
    }
    this.fcsr |= sf.flags & 0x1f;
    this.fpDirty(); // any FP instruction that completes may have written FP state: Dirty
    return true;
  }

  /** True when FP instructions are off: mstatus.FS, and at V=1 vsstatus.FS too. */
  private fpOff(): boolean {
    return (this.mstatus & MS_FS) === 0 || (this.virtV && (this.vsstatus & MS_FS) === 0);
  }

  /** Marks FP state Dirty (in vsstatus too at V=1, so a guest OS sees its FP state changed). */
  private fpDirty(): void {
    this.mstatus |= MS_FS;
    if (this.virtV) this.vsstatus |= MS_FS;
  }

  // ---- instruction fetch and the decoded cache -------------------------------------

  /** Finds the decoded page for `pc`, or executes one instruction on the slow path. */
  private refillFetch(pc: number): Int32Array | undefined {
    const vpn = Math.floor(pc / PAGE_SIZE);
    const fci = vpn & (FETCH_CACHE - 1);
    if (this.fcVBase[fci] === vpn * PAGE_SIZE) {
      const voff = pc - vpn * PAGE_SIZE;
      const page = this.fcPage[fci]!;
      const pbase = this.fcPBase[fci]!;
      let fn = this.fcJit[fci];
      // The tier sees every entry into a page it has not compiled there (its hotness count).
      if (this.jit !== undefined && (fn === undefined || fn.entry[voff >> 1] !== 1)) {
        this.jitSrc.page = page;
        this.fetchPBase = pbase; // a compile decodes through decodeSlot, which reads it
        fn = this.jit.enter((pbase - this.ramBase) / PAGE_SIZE, voff, this.jitSrc);
        this.fcJit[fci] = fn;
        this.jit.setFetch(fci, vpn * PAGE_SIZE, fn);
      }
      this.fetchPage = page;
      this.fetchJit = fn;
      this.fetchVBase = vpn * PAGE_SIZE;
      this.fetchPBase = pbase;
      return page;
    }
    this.fetchPage = undefined;
    this.fetchJit = undefined;
    this.fetchVBase = Number.NaN;
    const pa = this.translate(pc, AccessType.Fetch);
    if (pa < 0) return undefined;
    const off = pa - this.ramBase;
    if (off >= 0 && off < this.ramSize) {
      const idx = Math.floor(off / PAGE_SIZE);
      let page = this.decoded[idx];
      if (page === undefined) {
        page = new Int32Array(PAGE_SIZE);
        this.decoded[idx] = page;
        if (this.jit !== undefined) {
          // The page now holds code: refill both store caches so compiled stores skip it.
          this.jit.clearStores();
          this.stTag.fill(Number.NaN);
        }
      } else if (this.decodedGen[idx] !== this.codeGen) {
        page.fill(0); // decoded before the last FENCE.I: memory may have changed under it
        this.jit?.drop(idx);
      }
      this.decodedGen[idx] = this.codeGen;
      this.fetchPage = page;
      this.fetchVBase = pc - (off % PAGE_SIZE);
      this.fetchPBase = this.ramBase + idx * PAGE_SIZE;
      if (this.jit !== undefined) {
        this.jitSrc.page = page;
        this.fetchJit = this.jit.enter(idx, off % PAGE_SIZE, this.jitSrc);
      }
      this.fcVBase[fci] = this.fetchVBase;
      this.fcPBase[fci] = this.fetchPBase;
      this.fcPage[fci] = page;
      this.fcJit[fci] = this.fetchJit;
      this.jit?.setFetch(fci, this.fetchVBase, this.fetchJit);
      return page;
    }
    return this.prepareSlow(pc) ? this.slowPage : undefined;
  }

  /** Decodes the instruction at `pc` into `slot` of `page` and returns word 0. */
  private decodeSlot(page: Int32Array, slot: number): number {
    const off = this.fetchPBase - this.ramBase + slot;
    const lo16 = this.ramU8[off]! | (this.ramU8[off + 1]! << 8);
    if ((lo16 & 3) === 3 && slot === PAGE_SIZE - 2) {
      page[slot] = Op.CROSS_PAGE;
      return Op.CROSS_PAGE;
    }
    const inst = (lo16 & 3) === 3 ? lo16 | (this.ramU8[off + 2]! << 16) | (this.ramU8[off + 3]! << 24) : lo16;
    const w = this.pack(inst);
    page[slot] = w;
    page[slot + 1] = this.packedImm;
    return w;
  }

  private packedImm = 0;

  /** Decodes `inst` into the packed slot format; the immediate lands in packedImm. */
  private pack(inst: number): number {
    const d = this.scratch;
    const row = decode(inst, d);
    if (row < 0) {
      this.packedImm = inst;
      return Op.ILLEGAL | (d.len === 2 ? 1 << 31 : 0);
    }
    const op = OP_OF_ROW[row]!;
    this.packedImm = op === Op.ILLEGAL ? inst : d.imm;
    const rd = d.rd === 0 ? 32 : d.rd;
    return (
      op | (rd << F_RD) | (d.rs1 << F_RS1) | (d.rs2 << F_RS2) | (d.rs3 << F_RS3) | (d.len === 2 ? 1 << 31 : 0)
    );
  }

  /**
   * Decodes one instruction fetched outside the decoded cache (code outside RAM, or
   * a 32-bit instruction straddling a page boundary) into the one-slot scratch page,
   * mapped at pc until it has executed. False when the fetch faulted.
   */
  private prepareSlow(pc: number): boolean {
    const lo = this.fetch16(pc);
    if (lo < 0) return false;
    let inst = lo;
    if ((lo & 3) === 3) {
      const hi = this.fetch16(pc + 2);
      if (hi < 0) return false;
      inst = lo | (hi << 16);
    }
    const page = this.slowPage;
    page[0] = this.pack(inst);
    page[1] = this.packedImm;
    this.fetchPage = page;
    this.fetchJit = undefined;
    this.fetchVBase = pc;
    this.fetchPBase = Number.NaN;
    this.intrCheck = true;
    return true;
  }
  private readonly slowPage = new Int32Array(4);

  private fetch16(va: number): number {
    const pa = this.translate(va, AccessType.Fetch);
    if (pa < 0) return -1;
    const off = pa - this.ramBase;
    if (off >= 0 && off + 2 <= this.ramSize) return this.ram.getUint16(off, true);
    const v = this.bus.read(pa as never, 2);
    if (v < 0) {
      this.trapNum(CAUSE.FETCH_ACCESS, va);
      return -1;
    }
    return v;
  }

  /** Empties the compiled-page fetch cache. */
  private clearFetchCache(): void {
    this.fcVBase.fill(Number.NaN);
    this.fcPage.fill(undefined);
    this.fcJit.fill(undefined);
    this.jit?.clearFetch();
  }

  /**
   * A store of `size` bytes at RAM offset `off` hit a page holding decoded code: forgets
   * the decoded slots of every instruction that may overlap those bytes (one starting up
   * to 3 bytes before them), not the whole page. Linux keeps data next to code, and a
   * whole-page clear made it decode the same instructions again and again.
   */
  private invalidateCode(off: number, size: number): void {
    const pageIdx = off >>> 12;
    const page = this.decoded[pageIdx]!;
    const o = off & (PAGE_SIZE - 1);
    page.fill(0, Math.max(0, (o - 2) & ~1), Math.min(PAGE_SIZE, ((o + size - 1) & ~1) + 2));
    if (this.jit?.drop(pageIdx) === true) {
      this.clearFetchCache(); // entries may hold the page's compiled code
      if (this.fetchPage === page) {
        this.fetchJit = undefined;
        this.intrCheck = true; // makes run() reload its fetch locals
      }
    }
  }

  /**
   * JIT TLB miss from compiled code: translates as load/store would (without trapping)
   * and fills both the hart's and the JIT's cache entry; 0 sends the access to the
   * interpreter (misaligned, a fault, MMIO, a non-uniform page, a store into code).
   * Must translate exactly as load() and store() do (same privilege, same cache rules).
   */
  private jitFill(lo: number, hi: number, kind: number): number {
    const size = kind & 15;
    const isStore = kind >= 16;
    const va = hi * TWO32 + (lo >>> 0);
    if ((va & (size - 1)) !== 0) return 0;
    const pa = this.tr.translate(
      va,
      isStore ? AccessType.Store : AccessType.Load,
      this.dataPriv(),
      this.dataFlags,
    );
    if (pa < 0) return 0;
    const off = pa - this.ramBase;
    if (!(off >= 0 && off < this.ramSize) || this.tr.lastPageUniform?.() !== true) return 0;
    if (isStore) {
      if (this.decoded[off >>> 12] !== undefined) return 0;
      this.cacheStorePage(va, off);
    } else {
      this.cacheLoadPage(va, off);
    }
    return 1;
  }

  /**
   * Caches the uniform RAM page of `va` (RAM offset `off`) for loads: a later load on it
   * skips translation until the next fence or mode change; compiled loads too.
   */
  private cacheLoadPage(va: number, off: number): void {
    const pgoff = va & (PAGE_SIZE - 1);
    const i = (va >>> 12) & (DTLB_SIZE - 1);
    this.ldTag[i] = va - pgoff;
    this.ldDelta[i] = off - va;
    if (this.jit !== undefined) this.jit.fillLd(va - pgoff, off - pgoff);
  }

  /** The same for stores; compiled stores never reach a page holding decoded code (they exit instead). */
  private cacheStorePage(va: number, off: number): void {
    const pgoff = va & (PAGE_SIZE - 1);
    const i = (va >>> 12) & (DTLB_SIZE - 1);
    this.stTag[i] = va - pgoff;
    this.stDelta[i] = off - va;
    if (this.jit !== undefined && this.decoded[off >>> 12] === undefined)
      this.jit.fillSt(va - pgoff, off - pgoff);
  }

  /** Compiled code jumped to an offset of its page it has no entry for: maybe recompile with it. */
  private jitMissed(): CompiledPage | undefined {
    this.clearFetchCache(); // the page may be recompiled
    const miss = this.jit!.miss;
    const off = miss[0]! - 1;
    miss[0] = 0;
    const page = this.fetchPage!;
    this.jitSrc.page = page;
    this.fetchJit = this.jit!.missed((this.fetchPBase - this.ramBase) / PAGE_SIZE, off, this.jitSrc);
    return this.fetchJit;
  }

  /** Start of a slice: counts the current page as hot (a loop that never leaves its page compiles too). */
  private jitTick(): void {
    this.clearFetchCache(); // the page may be compiled or recompiled
    const page = this.fetchPage;
    const voff = this.pc - this.fetchVBase;
    if (page === undefined || page === this.slowPage || !(voff >= 0 && voff < PAGE_SIZE)) return;
    this.jitSrc.page = page;
    this.fetchJit = this.jit!.tick((this.fetchPBase - this.ramBase) / PAGE_SIZE, voff & ~1, this.jitSrc);
  }

  /**
   * FENCE.I: every decoded page becomes stale at once (O(1)); each is cleared when it
   * is next fetched from. Stores by this hart already invalidate their page eagerly;
   * this covers other harts' stores and device DMA into code.
   */
  private invalidateAllCode(): void {
    this.clearFetchCache();
    this.codeGen = (this.codeGen + 1) | 0;
    this.fetchPage = undefined;
    this.fetchJit = undefined;
    this.fetchVBase = Number.NaN;
    this.intrCheck = true;
  }

  /** Forgets the cached fetch translation (satp, privilege, PMP or fence changed). */
  private translationChanged(): void {
    this.clearFetchCache();
    const ms = this.mstatus;
    this.fetchFlags = this.virtV ? TRANSLATE_VIRT : 0;
    this.dataFlags =
      this.virtV ||
      (this.priv === Privilege.Machine &&
        (ms & MS_MPRV) !== 0 &&
        (ms & MS_MPP) !== MS_MPP &&
        (this.mstatusHi & MSH_MPV) !== 0)
        ? TRANSLATE_VIRT
        : 0;
    this.fetchPage = undefined;
    this.fetchJit = undefined;
    this.fetchVBase = Number.NaN;
    this.intrCheck = true; // makes run() reload its fetch locals
    this.ldTag.fill(Number.NaN);
    this.stTag.fill(Number.NaN);
    this.jit?.clearTlbs();
  }

  /** Drops every cached translation (a remote SFENCE.VMA or FENCE.I from SBI, or a PMP change by the board). */
  flushTranslations(): void {
    this.tr.flush();
    this.translationChanged();
  }

  /** Drops the decoded-instruction cache as FENCE.I does (a remote FENCE.I from SBI: another hart wrote code). */
  fenceI(): void {
    this.invalidateAllCode();
    this.translationChanged();
  }

  /**
   * Drops the LR reservation, so the next SC fails (allowed at any time by the A
   * extension): a board interleaving harts on one thread calls it when it switches
   * away from this hart, since another hart's stores do not clear it.
   */
  clearReservation(): void {
    this.reservation = Number.NaN;
  }

  private traceOne(pc: number): void {
    const inst = this.peekInstruction(pc);
    this.traceFn?.(pc, inst, disassemble(inst, pc));
  }

  /** Reads the instruction bits at `pc` (unsigned) without side effects, for traces and messages; -1 if unreadable. */
  peekInstruction(pc: number): number {
    const pa = this.tr.translate(pc, AccessType.Fetch, this.priv, this.fetchFlags);
    if (pa < 0) return -1;
    const off = pa - this.ramBase;
    if (!(off >= 0 && off + 2 <= this.ramSize)) return -1;
    const lo = this.ram.getUint16(off, true);
    if ((lo & 3) !== 3 || off + 4 > this.ramSize) return lo;
    return (lo | (this.ram.getUint16(off + 2, true) << 16)) >>> 0;
  }

  // ---- traps -----------------------------------------------------------------

  private illegal(): void {
    const inst = this.peekInstruction(this.pc);
    this.trapNum(CAUSE.ILLEGAL_INSTRUCTION, inst < 0 ? 0 : inst >>> 0);
  }

  /** Virtual-instruction exception (cause 22): tval as for an illegal instruction. */
  private virtualInstruction(): void {
    const inst = this.peekInstruction(this.pc);
    this.trapNum(CAUSE.VIRTUAL_INSTRUCTION, inst < 0 ? 0 : inst >>> 0);
  }

  /** Takes exception `cause` with tval given as a number. */
  private trapNum(cause: number, tval: number): void {
    this.trap(cause, tval | 0, Math.floor(tval / TWO32) | 0);
  }

  /**
   * Takes an exception (or, with `interrupt`, an interrupt) at the current pc, routed as
   * priv spec "Trap Entry" (H) says: to M-mode unless medeleg/mideleg delegate it, then to
   * HS-mode unless V=1 and hedeleg/hideleg delegate it further to VS-mode.
   */
  private trap(cause: number, tvalLo: number, tvalHi: number, interrupt = false): void {
    this.fault = Fault.Raised;
    const gpa2 = this.trapGpa2;
    const tinst = interrupt ? 0 : this.trapTinst;
    const virt = this.virtV;
    const gva =
      !interrupt && ((ADDR_CAUSES >>> cause) & 1) !== 0 && (virt || this.trapGuestVa || this.hlvActive);
    this.trapGpa2 = 0;
    this.trapTinst = 0;
    this.trapGuestVa = false;
    this.splitBase = Number.NaN;
    const epc = this.pc;
    const c64 = this.c64;
    const priv = this.priv;
    const deleg =
      priv !== Privilege.Machine &&
      (((interrupt ? this.mideleg | VS_IRQS : this.medeleg) >>> cause) & 1) !== 0;
    if (!deleg && !interrupt && this.trapHook?.(this, cause)) return;
    const epcLo = epc | 0;
    const epcHi = Math.floor(epc / TWO32) | 0;
    let tvecSlot: number;
    let vector = cause;
    let toHs = false;
    if (deleg && virt && (((interrupt ? this.hideleg : this.hedeleg) >>> cause) & 1) !== 0) {
      // Into VS-mode: V stays 1; VS-level interrupt causes read as their S-level ones.
      if (interrupt && (cause === IRQ.VSSIP || cause === IRQ.VSTIP || cause === IRQ.VSEIP))
        vector = cause - 1;
      c64[C_VSEPC * 2] = epcLo;
      c64[C_VSEPC * 2 + 1] = epcHi;
      c64[C_VSCAUSE * 2] = vector;
      c64[C_VSCAUSE * 2 + 1] = interrupt ? INTERRUPT_HI : 0;
      c64[C_VSTVAL * 2] = tvalLo;
      c64[C_VSTVAL * 2 + 1] = tvalHi;
      const vs = this.vsstatus;
      this.vsstatus = (vs & ~(MS_SPP | MS_SPIE | MS_SIE)) | (priv << 8) | (vs & MS_SIE ? MS_SPIE : 0);
      this.priv = Privilege.Supervisor;
      tvecSlot = C_VSTVEC;
    } else if (deleg) {
      const ms = this.mstatus;
      c64[C_SEPC * 2] = epcLo;
      c64[C_SEPC * 2 + 1] = epcHi;
      c64[C_SCAUSE * 2] = cause;
      c64[C_SCAUSE * 2 + 1] = interrupt ? INTERRUPT_HI : 0;
      c64[C_STVAL * 2] = tvalLo;
      c64[C_STVAL * 2 + 1] = tvalHi;
      c64[C_HTVAL * 2] = gpa2 | 0;
      c64[C_HTVAL * 2 + 1] = Math.floor(gpa2 / TWO32) | 0;
      c64[C_HTINST * 2] = tinst;
      c64[C_HTINST * 2 + 1] = 0;
      let hs = this.hstatus & ~(HS_SPV | HS_GVA);
      if (virt) hs = (hs & ~HS_SPVP) | HS_SPV | (priv === Privilege.Supervisor ? HS_SPVP : 0);
      if (gva) hs |= HS_GVA;
      this.hstatus = hs;
      this.mstatus = (ms & ~(MS_SPP | MS_SPIE | MS_SIE)) | (priv << 8) | (ms & MS_SIE ? MS_SPIE : 0);
      this.priv = Privilege.Supervisor;
      this.virtV = false;
      tvecSlot = C_STVEC;
      toHs = true;
    } else {
      const ms = this.mstatus;
      c64[C_MEPC * 2] = epcLo;
      c64[C_MEPC * 2 + 1] = epcHi;
      c64[C_MCAUSE * 2] = cause;
      c64[C_MCAUSE * 2 + 1] = interrupt ? INTERRUPT_HI : 0;
      c64[C_MTVAL * 2] = tvalLo;
      c64[C_MTVAL * 2 + 1] = tvalHi;
      c64[C_MTVAL2 * 2] = gpa2 | 0;
      c64[C_MTVAL2 * 2 + 1] = Math.floor(gpa2 / TWO32) | 0;
      c64[C_MTINST * 2] = tinst;
      c64[C_MTINST * 2 + 1] = 0;
      this.mstatusHi = (virt ? MSH_MPV : 0) | (gva ? MSH_GVA : 0);
      this.mstatus =
        (ms & ~(MS_MPP | MS_MPIE | MS_MIE)) | (priv << MS_MPP_SHIFT) | (ms & MS_MIE ? MS_MPIE : 0);
      this.priv = Privilege.Machine;
      this.virtV = false;
      tvecSlot = C_MTVEC;
    }
    const tvLo = c64[tvecSlot * 2]!;
    const base = toNum(tvLo & ~3, c64[tvecSlot * 2 + 1]!);
    this.pc = interrupt && (tvLo & 3) === 1 ? base + 4 * vector : base;
    this.privilegeChanged();
    if (toHs) this.hsHook?.(this, cause, interrupt);
  }

  private mret(): void {
    const ms = this.mstatus;
    const mpp = ((ms & MS_MPP) >>> MS_MPP_SHIFT) as Privilege;
    let next = (ms & ~(MS_MPP | MS_MIE)) | MS_MPIE | (ms & MS_MPIE ? MS_MIE : 0);
    if (mpp !== Privilege.Machine) next &= ~MS_MPRV;
    this.mstatus = next;
    this.virtV = mpp !== Privilege.Machine && (this.mstatusHi & MSH_MPV) !== 0;
    this.mstatusHi &= ~MSH_MPV;
    this.priv = mpp;
    this.pc = toNum(this.c64[C_MEPC * 2]!, this.c64[C_MEPC * 2 + 1]!);
    this.privilegeChanged();
  }

  /**
   * SRET as executed at the current mode, without the privilege checks (priv spec "Trap
   * Return"): from HS (or M) it returns to the mode in sstatus.SPP with V = hstatus.SPV; at
   * V=1 it returns within the guest through vsstatus and vsepc. A native HS-mode hypervisor
   * (`hsTrapHook`) calls it to resume the guest.
   */
  sret(): void {
    if (this.virtV) {
      const vs = this.vsstatus;
      this.vsstatus = (vs & ~(MS_SPP | MS_SIE)) | MS_SPIE | (vs & MS_SPIE ? MS_SIE : 0);
      this.priv = (vs & MS_SPP ? Privilege.Supervisor : Privilege.User) as Privilege;
      this.pc = toNum(this.c64[C_VSEPC * 2]!, this.c64[C_VSEPC * 2 + 1]!);
      this.privilegeChanged();
      return;
    }
    const ms = this.mstatus;
    const spp = (ms & MS_SPP ? Privilege.Supervisor : Privilege.User) as Privilege;
    this.mstatus = ((ms & ~(MS_SPP | MS_SIE)) | MS_SPIE | (ms & MS_SPIE ? MS_SIE : 0)) & ~MS_MPRV;
    this.virtV = (this.hstatus & HS_SPV) !== 0;
    this.hstatus &= ~HS_SPV;
    this.priv = spp;
    this.pc = toNum(this.c64[C_SEPC * 2]!, this.c64[C_SEPC * 2 + 1]!);
    this.privilegeChanged();
  }

  /** The virtualization mode V (H extension): true while the hart runs in VS-mode or VU-mode. */
  get virt(): boolean {
    return this.virtV;
  }

  private privilegeChanged(): void {
    this.translationChanged();
    this.intrCheck = true;
  }

  /** WFI's privilege checks (TW, and VTW at V=1); false when it trapped. */
  private wfiAllowed(): boolean {
    if (this.priv === Privilege.Machine) return true;
    if (this.mstatus & MS_TW) {
      this.illegal();
      return false;
    }
    if (this.virtV) {
      // No bounded wait is modelled: VU-mode, or VS-mode with VTW, traps at once.
      if (this.priv === Privilege.User || this.hstatus & HS_VTW) {
        this.virtualInstruction();
        return false;
      }
      return true;
    }
    if (this.priv === Privilege.User) {
      this.illegal();
      return false;
    }
    return true;
  }

  /** HLV, HLVX, HSV, HFENCE.VVMA, HFENCE.GVMA (priv spec, hypervisor instructions); false when it trapped. */
  private hypervisorOp(op: Op, rd: number, rs1: number, rs2: number): boolean {
    if (this.virtV) {
      this.virtualInstruction();
      return false;
    }
    const fence = op === Op.HFENCE_VVMA || op === Op.HFENCE_GVMA;
    if (this.priv === Privilege.User && (fence || (this.hstatus & HS_HU) === 0)) {
      this.illegal();
      return false;
    }
    const xl = this.xl;
    const xh = this.xh;
    if (fence) {
      const a = rs1 === 0 ? undefined : toNum(xl[rs1]!, xh[rs1]!);
      if (op === Op.HFENCE_GVMA) {
        if (this.priv === Privilege.Supervisor && this.mstatus & MS_TVM) {
          this.illegal();
          return false;
        }
        this.tr.hfenceGvma?.(a, rs2 === 0 ? undefined : xl[rs2]!);
      } else this.tr.hfenceVvma?.(a, rs2 === 0 ? undefined : xl[rs2]! & 0xffff);
      this.translationChanged();
      return true;
    }
    const va = toNum(xl[rs1]!, xh[rs1]!);
    const priv = this.hstatus & HS_SPVP ? Privilege.Supervisor : Privilege.User;
    this.hlvActive = true;
    let ok: boolean;
    if (op >= Op.HSV_B) {
      const size = 1 << (op - Op.HSV_B);
      ok = this.vmStore(va, size, xl[rs2]!, xh[rs2]!, priv);
    } else {
      const hlvx = op === Op.HLVX_HU || op === Op.HLVX_WU;
      const size = op === Op.HLV_D ? 8 : op >= Op.HLV_W ? 4 : op >= Op.HLV_H ? 2 : 1;
      const v = this.vmLoad(va, size, priv, TRANSLATE_VIRT | (hlvx ? TRANSLATE_HLVX : 0));
      ok = v !== undefined;
      if (v !== undefined) {
        const signed = op === Op.HLV_B || op === Op.HLV_H || op === Op.HLV_W;
        if (size === 8) {
          xl[rd] = v;
          xh[rd] = this.hiTmp;
        } else {
          const sh = 32 - 8 * size;
          const lo = signed ? (v << sh) >> sh : sh === 0 ? v : v & ((1 << (8 * size)) - 1);
          xl[rd] = lo;
          xh[rd] = signed ? lo >> 31 : 0;
        }
      }
    }
    this.hlvActive = false;
    return ok;
  }

  /** An HLV/HLVX load of `size` bytes at guest virtual `va`; undefined when it trapped (high word in hiTmp). */
  private vmLoad(va: number, size: number, priv: Privilege, flags: number): number | undefined {
    let lo = 0;
    let hi = 0;
    const split = (va & (PAGE_SIZE - 1)) + size > PAGE_SIZE;
    if (split) this.splitBase = va;
    let pa = 0;
    for (let i = 0; i < size; i++) {
      if (i === 0 || split) {
        pa = this.xlate(va + i, AccessType.Load, priv, flags);
        if (pa < 0) return undefined;
      } else pa++;
      const off = pa - this.ramBase;
      let b: number;
      if (off >= 0 && off < this.ramSize) b = this.ramU8[off]!;
      else {
        b = this.bus.read(pa as never, 1);
        if (b < 0) {
          this.accessFault(CAUSE.LOAD_ACCESS, va + i);
          return undefined;
        }
      }
      if (i < 4) lo |= b << (8 * i);
      else hi |= b << (8 * (i - 4));
    }
    this.splitBase = Number.NaN;
    this.hiTmp = hi;
    return lo;
  }

  /** An HSV store of the low `size` bytes of (lo, hi) at guest virtual `va`; false when it trapped. */
  private vmStore(va: number, size: number, lo: number, hi: number, priv: Privilege): boolean {
    const pas = this.splitPas;
    const split = (va & (PAGE_SIZE - 1)) + size > PAGE_SIZE;
    if (split) this.splitBase = va;
    for (let i = 0; i < size; i++) {
      if (i === 0 || split) {
        const pa = this.xlate(va + i, AccessType.Store, priv, TRANSLATE_VIRT);
        if (pa < 0) return false;
        pas[i] = pa;
      } else pas[i] = pas[i - 1]! + 1;
    }
    this.splitBase = Number.NaN;
    return this.writeBytes(pas, va, size, lo, hi);
  }

  /** HFENCE.GVMA for a native hypervisor: drops every G-stage (so every V=1) translation. */
  hfenceGvma(): void {
    this.tr.hfenceGvma?.();
    this.translationChanged();
  }

  /** HFENCE.VVMA for a native hypervisor: drops every VS-stage translation. */
  hfenceVvma(): void {
    this.tr.hfenceVvma?.();
    this.translationChanged();
  }

  /**
   * Takes the highest-priority pending and enabled interrupt, if any: M-level first, then
   * HS-level, then (at V=1) VS-level; within one level MEI, MSI, MTI, SEI, SSI, STI, SGEI,
   * VSEI, VSSI, VSTI (priv spec, "Machine Interrupt Registers" and H "hip").
   */
  private takeInterrupt(): void {
    const pending = this.mip & this.mie;
    if (pending === 0) return;
    const ms = this.mstatus;
    const priv = this.priv;
    const deleg = this.mideleg | VS_IRQS;
    let m = priv < Privilege.Machine || (ms & MS_MIE) !== 0 ? pending & ~deleg : 0;
    if (m === 0) {
      const hsEnabled =
        this.virtV || priv < Privilege.Supervisor || (priv === Privilege.Supervisor && (ms & MS_SIE) !== 0);
      if (hsEnabled) m = pending & deleg & ~this.hideleg;
    }
    if (m === 0 && this.virtV && (priv === Privilege.User || (this.vsstatus & MS_SIE) !== 0)) {
      m = pending & deleg & this.hideleg;
    }
    if (m === 0) return;
    for (const cause of INTERRUPT_ORDER) {
      if (m & (1 << cause)) {
        this.waiting = false;
        this.trap(cause, 0, 0, true);
        this.fault = Fault.None;
        return;
      }
    }
  }

  // ---- CSRs ------------------------------------------------------------------

  /** Executes a Zicsr instruction; false when it trapped. */
  private csrOp(op: Op, rd: number, rs1: number, csr: number): boolean {
    const xl = this.xl;
    const xh = this.xh;
    const imm = op >= Op.CSRRWI;
    const srcLo = imm ? rs1 : xl[rs1]!;
    const srcHi = imm ? 0 : xh[rs1]!;
    const kind = imm ? op - (Op.CSRRWI - Op.CSRRW) : op;
    const writes = kind === Op.CSRRW || rs1 !== 0;
    const reads = kind !== Op.CSRRW || rd !== 32;
    // Access checks (priv spec, "CSR Address Mapping Conventions"; H: HS-mode reaches the
    // hypervisor level 2, and at V=1 what HS could do raises a virtual-instruction exception).
    const level = (csr >>> 8) & 3;
    const readOnly = csr >>> 10 === 3;
    if (this.virtV) {
      if (level === 3 || (writes && readOnly)) {
        this.illegal();
        return false;
      }
      if (level === 2 || (level === 1 && this.priv === Privilege.User)) {
        if (this.csrExistsForHs(csr)) this.virtualInstruction();
        else this.illegal();
        return false;
      }
    } else if ((this.priv === Privilege.Supervisor ? 2 : this.priv) < level || (writes && readOnly)) {
      this.illegal();
      return false;
    }
    this.csrVirtual = false;
    let oldLo = 0;
    let oldHi = 0;
    if (reads) {
      if (!this.readCsr(csr)) {
        this.csrFailed();
        return false;
      }
      oldLo = r.lo;
      oldHi = r.hi;
    }
    if (writes) {
      let nl = srcLo;
      let nh = srcHi;
      // mip.SEIP reads as the software bit OR the interrupt controller's line, but only
      // the software bit takes part in a read-modify-write (priv spec, "Machine Interrupt
      // Registers"): otherwise `csrs mip, SSIP` would latch a pending PLIC interrupt forever.
      const baseLo = csr === CSR.mip ? (oldLo & ~(1 << IRQ.SEIP)) | (this.mipSw & (1 << IRQ.SEIP)) : oldLo;
      if (kind === Op.CSRRS) {
        nl = baseLo | srcLo;
        nh = oldHi | srcHi;
      } else if (kind === Op.CSRRC) {
        nl = baseLo & ~srcLo;
        nh = oldHi & ~srcHi;
      }
      if (!this.writeCsr(csr, nl, nh)) {
        this.csrFailed();
        return false;
      }
    }
    xl[rd] = oldLo;
    xh[rd] = oldHi;
    return true;
  }

  /** The exception for a refused CSR access: virtual instruction when the CSR code said so. */
  private csrFailed(): void {
    if (this.csrVirtual) this.virtualInstruction();
    else this.illegal();
    this.csrVirtual = false;
  }

  /** True when HS-mode (V=0) could read `csr` (ignoring mstatus.TVM): decides virtual vs illegal at V=1. */
  private csrExistsForHs(csr: number): boolean {
    const priv = this.priv;
    const virt = this.virtV;
    const ms = this.mstatus;
    this.priv = Privilege.Supervisor;
    this.virtV = false;
    this.mstatus = ms & ~MS_TVM;
    const ok = this.readCsr(csr);
    this.priv = priv;
    this.virtV = virt;
    this.mstatus = ms;
    this.csrVirtual = false;
    return ok;
  }

  /**
   * Sstc: M-mode always reaches stimecmp and vstimecmp; below M they need menvcfg.STCE and
   * mcounteren.TM (else illegal); at V=1 (where stimecmp is vstimecmp) also henvcfg.STCE and
   * hcounteren.TM (else virtual instruction).
   */
  private stimecmpAllowed(): boolean {
    if (this.priv === Privilege.Machine) return true;
    const c64 = this.c64;
    if (!((c64[C_MENVCFG * 2 + 1]! & MENVCFG_STCE_HI) !== 0 && (this.mcounteren & 2) !== 0)) return false;
    if (this.virtV && !((c64[C_HENVCFG * 2 + 1]! & MENVCFG_STCE_HI) !== 0 && (this.hcounteren & 2) !== 0)) {
      this.csrVirtual = true;
      return false;
    }
    return true;
  }

  private counterAllowed(csr: number): boolean {
    const bit = 1 << (csr & 31);
    if (this.priv < Privilege.Machine && !(this.mcounteren & bit)) return false;
    if (this.virtV && !(this.hcounteren & bit)) {
      this.csrVirtual = true;
      return false;
    }
    if (this.priv < Privilege.Supervisor && !(this.scounteren & bit)) {
      this.csrVirtual = this.virtV;
      return false;
    }
    return true;
  }

  // readCsr/writeCsr helpers: methods, not closures, so a CSR access allocates nothing.
  private csrPair(slot: number): boolean {
    r.lo = this.c64[slot * 2]!;
    r.hi = this.c64[slot * 2 + 1]!;
    return true;
  }

  private csrNum(v: number): boolean {
    r.lo = v | 0;
    r.hi = Math.floor(v / TWO32) | 0;
    return true;
  }

  private csrSet(slot: number, l: number, h: number): boolean {
    this.c64[slot * 2] = l;
    this.c64[slot * 2 + 1] = h;
    return true;
  }

  /** Reads a CSR into `r`; false when it does not exist (or is not accessible from here). */
  readCsr(csr: number): boolean {
    if (this.virtV) csr = VS_ALIAS.get(csr) ?? csr;
    const c64 = this.c64;
    switch (csr) {
      case CSR.fflags:
      case CSR.frm:
      case CSR.fcsr:
        if (this.fpOff()) return false;
        r.hi = 0;
        r.lo =
          csr === CSR.fflags ? this.fcsr & 0x1f : csr === CSR.frm ? (this.fcsr >>> 5) & 7 : this.fcsr & 0xff;
        return true;
      case CSR.cycle:
      case CSR.instret:
        if (!this.counterAllowed(csr)) return false;
        return this.csrNum(
          csr === CSR.cycle ? this.instretCount + this.cycleOffset : this.instretCount + this.instretOffset,
        );
      case CSR.time:
        if (this.readTime === undefined || !this.counterAllowed(csr)) return false;
        // At V=1 the guest's time is offset by htimedelta (mod 2^64).
        if (this.virtV) {
          const t = BigInt.asIntN(
            64,
            BigInt(this.readTime()) + toBig(c64[C_HTIMEDELTA * 2]!, c64[C_HTIMEDELTA * 2 + 1]!),
          );
          fromBig(t);
          return true;
        }
        return this.csrNum(this.readTime());
      case CSR.mcycle:
        return this.csrNum(this.instretCount + this.cycleOffset);
      case CSR.minstret:
        return this.csrNum(this.instretCount + this.instretOffset);
      case CSR.sstatus: {
        const ms = this.mstatus & SSTATUS_MASK;
        r.lo = ms;
        r.hi = (MSTATUS_HI_FIXED & 3) | ((ms & MS_FS) === MS_FS ? INTERRUPT_HI : 0); // UXL, SD
        return true;
      }
      case CSR.mstatus: {
        const ms = this.mstatus;
        r.lo = ms;
        r.hi = MSTATUS_HI_FIXED | this.mstatusHi | ((ms & MS_FS) === MS_FS ? INTERRUPT_HI : 0);
        return true;
      }
      case CSR.vsstatus: {
        const vs = this.vsstatus;
        r.lo = vs;
        r.hi = 2 | ((vs & MS_FS) === MS_FS ? INTERRUPT_HI : 0); // UXL = 2, SD
        return true;
      }
      case CSR.hstatus:
        r.lo = this.hstatus;
        r.hi = 2; // VSXL = 2
        return true;
      case CSR.hedeleg:
        return this.csrNum(this.hedeleg);
      case CSR.hideleg:
        return this.csrNum(this.hideleg);
      case CSR.hie:
        return this.csrNum(this.mie & VS_IRQS);
      case CSR.hip:
        return this.csrNum(this.mip & VS_IRQS);
      case CSR.hvip:
        return this.csrNum(this.mipSw & VS_IRQS);
      case CSR.vsie:
        return this.csrNum((this.mie & this.hideleg & VS_IRQS) >>> 1);
      case CSR.vsip:
        return this.csrNum((this.mip & this.hideleg & VS_IRQS) >>> 1);
      case CSR.hcounteren:
        return this.csrNum(this.hcounteren >>> 0);
      case CSR.hgeie:
      case CSR.hgeip:
        return this.csrNum(0); // GEILEN = 0
      case CSR.htval:
        return this.csrPair(C_HTVAL);
      case CSR.htinst:
        return this.csrPair(C_HTINST);
      case CSR.mtval2:
        return this.csrPair(C_MTVAL2);
      case CSR.mtinst:
        return this.csrPair(C_MTINST);
      case CSR.htimedelta:
        return this.csrPair(C_HTIMEDELTA);
      case CSR.henvcfg:
        return this.csrPair(C_HENVCFG);
      case CSR.vstimecmp:
        if (!this.stimecmpAllowed()) return false;
        return this.csrPair(C_VSTIMECMP);
      case CSR.hgatp:
        if (this.priv === Privilege.Supervisor && this.mstatus & MS_TVM) return false;
        return this.csrPair(C_HGATP);
      case CSR.vsatp:
        if (this.virtV && this.hstatus & HS_VTVM) {
          this.csrVirtual = true;
          return false;
        }
        return this.csrPair(C_VSATP);
      case CSR.vstvec:
        return this.csrPair(C_VSTVEC);
      case CSR.vsscratch:
        return this.csrPair(C_VSSCRATCH);
      case CSR.vsepc:
        return this.csrPair(C_VSEPC);
      case CSR.vscause:
        return this.csrPair(C_VSCAUSE);
      case CSR.vstval:
        return this.csrPair(C_VSTVAL);
      case CSR.misa:
        r.lo = MISA_LO;
        r.hi = MISA_HI;
        return true;
      case CSR.medeleg:
        return this.csrNum(this.medeleg);
      case CSR.mideleg:
        return this.csrNum(this.mideleg | VS_IRQS);
      case CSR.mie:
        return this.csrNum(this.mie);
      case CSR.mip:
        return this.csrNum(this.mip);
      case CSR.sie:
        return this.csrNum(this.mie & this.mideleg);
      case CSR.sip:
        return this.csrNum(this.mip & this.mideleg);
      case CSR.mtvec:
        return this.csrPair(C_MTVEC);
      case CSR.stvec:
        return this.csrPair(C_STVEC);
      case CSR.mscratch:
        return this.csrPair(C_MSCRATCH);
      case CSR.sscratch:
        return this.csrPair(C_SSCRATCH);
      case CSR.mepc:
        return this.csrPair(C_MEPC);
      case CSR.sepc:
        return this.csrPair(C_SEPC);
      case CSR.mcause:
        return this.csrPair(C_MCAUSE);
      case CSR.scause:
        return this.csrPair(C_SCAUSE);
      case CSR.mtval:
        return this.csrPair(C_MTVAL);
      case CSR.stval:
        return this.csrPair(C_STVAL);
      case CSR.satp:
        if (this.priv === Privilege.Supervisor && this.mstatus & MS_TVM) return false;
        return this.csrPair(C_SATP);
      case CSR.menvcfg:
        return this.csrPair(C_MENVCFG);
      case CSR.stimecmp:
        if (!this.stimecmpAllowed()) return false;
        return this.csrPair(C_STIMECMP);
      case CSR.senvcfg:
        return this.csrPair(C_SENVCFG);
      case CSR.mcounteren:
        return this.csrNum(this.mcounteren >>> 0);
      case CSR.scounteren:
        return this.csrNum(this.scounteren >>> 0);
      case CSR.mcountinhibit:
        return this.csrNum(this.mcountinhibit);
      case CSR.mvendorid:
      case CSR.marchid:
      case CSR.mimpid:
      case CSR.mconfigptr:
        return this.csrNum(0);
      case CSR.mhartid:
        return this.csrNum(this.hartId);
      case CSR.tselect:
      case CSR.tdata1:
      case CSR.tdata2:
      case CSR.tdata3:
        return this.csrNum(0); // Sdtrig with no triggers: tdata1.type = 0
      case CSR.tinfo:
        return this.csrNum(1); // only type 0 ("no trigger") is supported
      default:
        if (csr >= CSR.pmpcfg0 && csr < CSR.pmpcfg0 + 16) {
          if (csr & 1) return false; // odd pmpcfg registers do not exist on RV64
          this.tr.readPmpcfg(csr - CSR.pmpcfg0, this.pmpOut);
          r.lo = this.pmpOut[0]!;
          r.hi = this.pmpOut[1]!;
          return true;
        }
        if (csr >= CSR.pmpaddr0 && csr < CSR.pmpaddr0 + 64) {
          this.tr.readPmpaddr(csr - CSR.pmpaddr0, this.pmpOut);
          r.lo = this.pmpOut[0]!;
          r.hi = this.pmpOut[1]!;
          return true;
        }
        // mhpmcounter3..31, mhpmevent3..31: implemented as read-only zero counters.
        if ((csr > CSR.minstret && csr <= 0xb1f) || (csr >= CSR.mhpmevent3 && csr <= 0x33f))
          return this.csrNum(0);
        if (csr >= CSR.hpmcounter3 && csr <= 0xc1f) return this.counterAllowed(csr) ? this.csrNum(0) : false;
        return false;
    }
  }

  /** Writes a CSR (WARL rules applied); false when it does not exist here. */
  writeCsr(csr: number, lo: number, hi: number): boolean {
    if (this.virtV) csr = VS_ALIAS.get(csr) ?? csr;
    const c64 = this.c64;
    switch (csr) {
      case CSR.fflags:
      case CSR.frm:
      case CSR.fcsr:
        if (this.fpOff()) return false;
        if (csr === CSR.fflags) this.fcsr = (this.fcsr & ~0x1f) | (lo & 0x1f);
        else if (csr === CSR.frm) this.fcsr = (this.fcsr & 0x1f) | ((lo & 7) << 5);
        else this.fcsr = lo & 0xff;
        this.fpDirty(); // writing FP state makes it Dirty
        return true;
      case CSR.mstatus:
      case CSR.sstatus: {
        const mask = csr === CSR.mstatus ? MSTATUS_WRITABLE : SSTATUS_MASK;
        let next = (this.mstatus & ~mask) | (lo & mask);
        // MPP is WARL: the reserved value 2 keeps the old field.
        if ((next & MS_MPP) >>> MS_MPP_SHIFT === 2) next = (next & ~MS_MPP) | (this.mstatus & MS_MPP);
        const tlbBits = MS_SUM | MS_MXR | MS_MPRV | MS_MPP;
        const changed = (next ^ this.mstatus) & tlbBits;
        const mxrChanged = (next ^ this.mstatus) & MS_MXR;
        this.mstatus = next;
        if (csr === CSR.mstatus) {
          const nextHi = hi & (MSH_MPV | MSH_GVA);
          const mpvChanged = (nextHi ^ this.mstatusHi) & MSH_MPV;
          this.mstatusHi = nextHi;
          if (mpvChanged) this.translationChanged(); // MPRV with MPV selects V=1 loads and stores
        }
        if (mxrChanged) this.configureGuestTranslator();
        if (changed) this.configureTranslator();
        this.intrCheck = true;
        return true;
      }
      case CSR.vsstatus: {
        const next = (this.vsstatus & ~SSTATUS_MASK) | (lo & SSTATUS_MASK);
        const changed = (next ^ this.vsstatus) & (MS_SUM | MS_MXR);
        this.vsstatus = next;
        if (changed) this.configureGuestTranslator();
        this.intrCheck = true;
        return true;
      }
      case CSR.hstatus:
        this.hstatus = lo & HSTATUS_WRITABLE;
        return true;
      case CSR.hedeleg:
        this.hedeleg = lo & HEDELEG_MASK;
        return true;
      case CSR.hideleg:
        this.hideleg = lo & VS_IRQS;
        this.intrCheck = true;
        return true;
      case CSR.hie:
        this.mie = (this.mie & ~VS_IRQS) | (lo & VS_IRQS);
        this.intrCheck = true;
        return true;
      case CSR.hip: {
        // Only VSSIP (an alias of hvip.VSSIP) is writable in hip.
        const m = 1 << IRQ.VSSIP;
        this.mipSw = (this.mipSw & ~m) | (lo & m);
        this.intrCheck = true;
        return true;
      }
      case CSR.hvip:
        this.mipSw = (this.mipSw & ~VS_IRQS) | (lo & VS_IRQS);
        this.intrCheck = true;
        return true;
      case CSR.vsie: {
        const m = this.hideleg & VS_IRQS;
        this.mie = (this.mie & ~m) | ((lo << 1) & m);
        this.intrCheck = true;
        return true;
      }
      case CSR.vsip: {
        // Only SSIP (hvip.VSSIP underneath) is writable, and only when delegated.
        const m = this.hideleg & (1 << IRQ.VSSIP);
        this.mipSw = (this.mipSw & ~m) | ((lo << 1) & m);
        this.intrCheck = true;
        return true;
      }
      case CSR.hcounteren:
        this.hcounteren = lo | 0; // int32, read back unsigned: the field stays a small integer
        return true;
      case CSR.hgeie:
        return true; // GEILEN = 0: read-only zero
      case CSR.htval:
        return this.csrSet(C_HTVAL, lo, hi);
      case CSR.htinst:
        return this.csrSet(C_HTINST, lo, hi);
      case CSR.mtval2:
        return this.csrSet(C_MTVAL2, lo, hi);
      case CSR.mtinst:
        return this.csrSet(C_MTINST, lo, hi);
      case CSR.htimedelta:
        this.csrSet(C_HTIMEDELTA, lo, hi);
        this.updateTimer();
        return true;
      case CSR.henvcfg:
        // FIOM, and STCE while menvcfg.STCE is set (no PBMTE, ADUE).
        this.csrSet(C_HENVCFG, lo & 1, hi & c64[C_MENVCFG * 2 + 1]! & MENVCFG_STCE_HI);
        this.updateTimer();
        return true;
      case CSR.vstimecmp:
        if (!this.stimecmpAllowed()) return false;
        this.csrSet(C_VSTIMECMP, lo, hi);
        this.updateTimer();
        this.requestExit(); // as for stimecmp: the board sizes the next slice to the deadline
        return true;
      case CSR.hgatp: {
        if (this.priv === Privilege.Supervisor && this.mstatus & MS_TVM) return false;
        const mode = hi >>> 28;
        // Unsupported modes leave hgatp unchanged; VMIDLEN = 0; PPN[1:0] read as zero (16 KiB root).
        if (mode !== 0 && mode !== 8 && mode !== 9) return true;
        this.csrSet(C_HGATP, lo & ~3, hi & 0xf0000fff);
        this.configureGuestTranslator();
        return true;
      }
      case CSR.vsatp: {
        if (this.virtV && this.hstatus & HS_VTVM) {
          this.csrVirtual = true;
          return false;
        }
        const mode = hi >>> 28;
        if (mode !== 0 && mode !== 8 && mode !== 9) return true;
        this.csrSet(C_VSATP, lo, hi);
        this.configureGuestTranslator();
        return true;
      }
      case CSR.vstvec: {
        const mode = (lo & 3) > 1 ? 0 : lo & 3;
        return this.csrSet(C_VSTVEC, (lo & ~3) | mode, hi);
      }
      case CSR.vsscratch:
        return this.csrSet(C_VSSCRATCH, lo, hi);
      case CSR.vsepc:
        return this.csrSet(C_VSEPC, lo & ~1, hi);
      case CSR.vscause:
        return this.csrSet(C_VSCAUSE, lo, hi);
      case CSR.vstval:
        return this.csrSet(C_VSTVAL, lo, hi);
      case CSR.misa:
        return true; // fixed extensions: writes are ignored (WARL)
      case CSR.medeleg:
        this.medeleg = lo & MEDELEG_MASK;
        return true;
      case CSR.mideleg:
        this.mideleg = lo & MIP_S_MASK;
        this.intrCheck = true;
        return true;
      case CSR.mie:
        this.mie = lo & MIE_MASK;
        this.intrCheck = true;
        return true;
      case CSR.sie:
        this.mie = (this.mie & ~this.mideleg) | (lo & this.mideleg);
        this.intrCheck = true;
        return true;
      case CSR.mip: {
        // With Sstc on, STIP follows stimecmp and is read-only here; of the VS bits only
        // VSSIP (hvip.VSSIP) is writable through mip, VSTIP and VSEIP keep their hvip value.
        const m =
          (this.c64[C_MENVCFG * 2 + 1]! & MENVCFG_STCE_HI ? MIP_S_MASK & ~(1 << IRQ.STIP) : MIP_S_MASK) |
          (1 << IRQ.VSSIP);
        this.mipSw = (this.mipSw & VS_IRQS & ~(1 << IRQ.VSSIP)) | (lo & m);
        this.intrCheck = true;
        return true;
      }
      case CSR.sip: {
        // Only SSIP is writable through sip, and only when delegated.
        const m = this.mideleg & (1 << IRQ.SSIP);
        this.mipSw = (this.mipSw & ~m) | (lo & m);
        this.intrCheck = true;
        return true;
      }
      case CSR.mtvec:
      case CSR.stvec: {
        // MODE 0 (direct) and 1 (vectored); reserved modes fall back to direct.
        const mode = (lo & 3) > 1 ? 0 : lo & 3;
        return this.csrSet(csr === CSR.mtvec ? C_MTVEC : C_STVEC, (lo & ~3) | mode, hi);
      }
      case CSR.mscratch:
        return this.csrSet(C_MSCRATCH, lo, hi);
      case CSR.sscratch:
        return this.csrSet(C_SSCRATCH, lo, hi);
      case CSR.mepc:
        return this.csrSet(C_MEPC, lo & ~1, hi);
      case CSR.sepc:
        return this.csrSet(C_SEPC, lo & ~1, hi);
      case CSR.mcause:
        return this.csrSet(C_MCAUSE, lo, hi);
      case CSR.scause:
        return this.csrSet(C_SCAUSE, lo, hi);
      case CSR.mtval:
        return this.csrSet(C_MTVAL, lo, hi);
      case CSR.stval:
        return this.csrSet(C_STVAL, lo, hi);
      case CSR.satp: {
        if (this.priv === Privilege.Supervisor && this.mstatus & MS_TVM) return false;
        const mode = hi >>> 28;
        // Unsupported modes leave satp unchanged (Linux probes Sv57, Sv48, then Sv39).
        if (mode !== 0 && mode !== 8 && mode !== 9) return true;
        this.csrSet(C_SATP, lo, hi); // all 16 ASID bits and 44 PPN bits implemented
        this.configureTranslator();
        return true;
      }
      case CSR.menvcfg:
        this.csrSet(C_MENVCFG, lo & 1, hi & MENVCFG_STCE_HI); // FIOM and STCE (Sstc)
        // henvcfg.STCE is read-only zero while menvcfg.STCE is clear.
        c64[C_HENVCFG * 2 + 1] = c64[C_HENVCFG * 2 + 1]! & (hi & MENVCFG_STCE_HI);
        this.updateTimer();
        return true;
      case CSR.stimecmp:
        if (!this.stimecmpAllowed()) return false;
        this.csrSet(C_STIMECMP, lo, hi);
        this.updateTimer();
        // A new deadline ends the slice, so the board can size the next one to meet it.
        this.requestExit();
        return true;
      case CSR.senvcfg:
        return this.csrSet(C_SENVCFG, lo & 1, 0);
      case CSR.mcounteren:
        this.mcounteren = lo | 0;
        return true;
      case CSR.scounteren:
        this.scounteren = lo | 0;
        return true;
      case CSR.mcountinhibit:
        this.mcountinhibit = lo & 0x5; // CY and IR
        return true;
      case CSR.tselect:
      case CSR.tdata1:
      case CSR.tdata2:
      case CSR.tdata3:
        return true; // no triggers: writes are ignored (WARL)
      case CSR.mcycle:
        // The write replaces this instruction's own increment (already counted): the next read sees the value.
        this.cycleOffset = toNum(lo, hi) - this.instretCount - 1;
        return true;
      case CSR.minstret:
        this.instretOffset = toNum(lo, hi) - this.instretCount - 1;
        return true;
      default:
        if (csr >= CSR.pmpcfg0 && csr < CSR.pmpcfg0 + 16) {
          if (csr & 1) return false;
          this.tr.writePmpcfg(csr - CSR.pmpcfg0, lo, hi);
          this.configureTranslator();
          return true;
        }
        if (csr >= CSR.pmpaddr0 && csr < CSR.pmpaddr0 + 64) {
          this.tr.writePmpaddr(csr - CSR.pmpaddr0, lo, hi);
          this.configureTranslator();
          return true;
        }
        if ((csr > CSR.minstret && csr <= 0xb1f) || (csr >= CSR.mhpmevent3 && csr <= 0x33f)) return true;
        return false;
    }
  }

  /** Hands vsatp, hgatp, vsstatus.SUM/MXR and mstatus.MXR to the translator (H extension). */
  private configureGuestTranslator(): void {
    const c64 = this.c64;
    this.tr.configureGuest?.(
      c64[C_VSATP * 2]!,
      c64[C_VSATP * 2 + 1]!,
      c64[C_HGATP * 2]!,
      c64[C_HGATP * 2 + 1]!,
      (this.vsstatus & MS_SUM) !== 0,
      (this.vsstatus & MS_MXR) !== 0,
      (this.mstatus & MS_MXR) !== 0,
    );
    this.translationChanged();
  }

  private configureTranslator(): void {
    const ms = this.mstatus;
    this.tr.configure(
      this.c64[C_SATP * 2]!,
      this.c64[C_SATP * 2 + 1]!,
      (ms & MS_SUM) !== 0,
      (ms & MS_MXR) !== 0,
    );
    this.translationChanged();
  }

  /** Reads a CSR as an unsigned bigint regardless of privilege (debuggers, tests); throws for a CSR that does not exist. */
  readCsrBig(csr: number): bigint {
    const priv = this.priv;
    const virt = this.virtV;
    this.priv = Privilege.Machine;
    this.virtV = false;
    const ok = this.readCsr(csr);
    this.priv = priv;
    this.virtV = virt;
    this.csrVirtual = false;
    if (!ok) throw new RangeError(`no CSR 0x${csr.toString(16)}`);
    return BigInt.asUintN(64, toBig(r.lo, r.hi));
  }

  /**
   * Writes a CSR as native M-mode or HS-mode software would (V=0, no privilege check),
   * with its WARL rules and the flushes it implies (satp, vsatp, hgatp, PMP, ...); for a
   * native hypervisor. Throws for a CSR that does not exist.
   */
  writeCsrBig(csr: number, value: bigint): void {
    const priv = this.priv;
    const virt = this.virtV;
    this.priv = Privilege.Machine;
    this.virtV = false;
    fromBig(BigInt.asIntN(64, value));
    const ok = this.writeCsr(csr, r.lo, r.hi);
    this.priv = priv;
    this.virtV = virt;
    this.csrVirtual = false;
    this.translationChanged(); // flags depend on the real mode, restored just now
    if (!ok) throw new RangeError(`no CSR 0x${csr.toString(16)}`);
  }

  /** The disassembly of the instruction at pc, for error messages. */
  describePc(): string {
    const inst = this.peekInstruction(this.pc);
    return `pc=0x${this.pc.toString(16)} ${inst < 0 ? '(unreadable)' : disassemble(inst, this.pc)}`;
  }
}

const PAGE_FAULT_CAUSE = [CAUSE.FETCH_PAGE_FAULT, CAUSE.LOAD_PAGE_FAULT, CAUSE.STORE_PAGE_FAULT];
const ACCESS_FAULT_CAUSE = [CAUSE.FETCH_ACCESS, CAUSE.LOAD_ACCESS, CAUSE.STORE_ACCESS];
const GUEST_PAGE_FAULT_CAUSE = [
  CAUSE.FETCH_GUEST_PAGE_FAULT,
  CAUSE.LOAD_GUEST_PAGE_FAULT,
  CAUSE.STORE_GUEST_PAGE_FAULT,
];
const INTERRUPT_ORDER = [
  IRQ.MEIP,
  IRQ.MSIP,
  IRQ.MTIP,
  IRQ.SEIP,
  IRQ.SSIP,
  IRQ.STIP,
  IRQ.SGEIP,
  IRQ.VSEIP,
  IRQ.VSSIP,
  IRQ.VSTIP,
] as const;

/** Signed 64-bit a < b on pairs. */
function lt(al: number, ah: number, bl: number, bh: number): boolean {
  return ah < bh || (ah === bh && al >>> 0 < bl >>> 0);
}

/** Unsigned 64-bit a < b on pairs. */
function ltu(al: number, ah: number, bl: number, bh: number): boolean {
  return ah >>> 0 < bh >>> 0 || (ah === bh && al >>> 0 < bl >>> 0);
}
