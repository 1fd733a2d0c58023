/** CSR numbers (priv spec, "CSR Listing"). */
export const CSR = {
  fflags: 0x001,
  frm: 0x002,
  fcsr: 0x003,
  cycle: 0xc00,
  time: 0xc01,
  instret: 0xc02,
  sstatus: 0x100,
  sie: 0x104,
  stvec: 0x105,
  scounteren: 0x106,
  senvcfg: 0x10a,
  sscratch: 0x140,
  sepc: 0x141,
  scause: 0x142,
  stval: 0x143,
  sip: 0x144,
  stimecmp: 0x14d,
  satp: 0x180,
  mvendorid: 0xf11,
  marchid: 0xf12,
  mimpid: 0xf13,
  mhartid: 0xf14,
  mconfigptr: 0xf15,
  mstatus: 0x300,
  misa: 0x301,
  medeleg: 0x302,
  mideleg: 0x303,
  mie: 0x304,
  mtvec: 0x305,
  mcounteren: 0x306,
  menvcfg: 0x30a,
  mcountinhibit: 0x320,
  mscratch: 0x340,
  mepc: 0x341,
  mcause: 0x342,
  mtval: 0x343,
  mip: 0x344,
  mtinst: 0x34a,
  mtval2: 0x34b,
  tselect: 0x7a0,
  tdata1: 0x7a1,
  tdata2: 0x7a2,
  tdata3: 0x7a3,
  tinfo: 0x7a4,
  pmpcfg0: 0x3a0,
  pmpaddr0: 0x3b0,
  mcycle: 0xb00,
  minstret: 0xb02,
  mhpmcounter3: 0xb03,
  mhpmevent3: 0x323,
  hpmcounter3: 0xc03,
} as const;

/** Number -> name, for the disassembler and trace. */
export const CSR_NAMES: ReadonlyMap<number, string> = (() => {
  const m = new Map<number, string>();
  for (const [name, num] of Object.entries(CSR)) m.set(num, name);
  for (let i = 0; i < 16; i++) m.set(CSR.pmpcfg0 + i, `pmpcfg${i}`);
  for (let i = 0; i < 64; i++) m.set(CSR.pmpaddr0 + i, `pmpaddr${i}`);
  for (let i = 3; i < 32; i++) {
    m.set(0xb00 + i, `mhpmcounter${i}`);
    m.set(0xc00 + i, `hpmcounter${i}`);
    m.set(0x320 + i, `mhpmevent${i}`);
  }
  return m;
})();
