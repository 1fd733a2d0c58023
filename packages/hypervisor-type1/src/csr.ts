// CSR numbers and bits the hypervisor uses (priv spec, "Hypervisor Extension" and "Supervisor-Level ISA").

export const CSR_SSTATUS = 0x100;
export const CSR_SIE = 0x104;
export const CSR_STVEC = 0x105;
/** scounteren and senvcfg have no VS copies: VS-mode uses the hart's own, so they are per-vCPU state. */
export const CSR_SCOUNTEREN = 0x106;
export const CSR_SENVCFG = 0x10a;
export const CSR_SEPC = 0x141;
export const CSR_SCAUSE = 0x142;
export const CSR_STVAL = 0x143;
export const CSR_VSSTATUS = 0x200;
export const CSR_VSTVEC = 0x205;
export const CSR_VSSCRATCH = 0x240;
export const CSR_VSEPC = 0x241;
export const CSR_VSCAUSE = 0x242;
export const CSR_VSTVAL = 0x243;
export const CSR_VSATP = 0x280;
export const CSR_HSTATUS = 0x600;
export const CSR_HEDELEG = 0x602;
export const CSR_HIDELEG = 0x603;
export const CSR_HIE = 0x604;
export const CSR_HTIMEDELTA = 0x605;
export const CSR_HCOUNTEREN = 0x606;
export const CSR_HENVCFG = 0x60a;
export const CSR_HTVAL = 0x643;
export const CSR_HVIP = 0x645;
export const CSR_HTINST = 0x64a;
export const CSR_HGATP = 0x680;
export const CSR_MEDELEG = 0x302;
export const CSR_FCSR = 0x003;

/** sstatus bits. */
export const SSTATUS_SIE = 1n << 1n;
export const SSTATUS_SPIE = 1n << 5n;
export const SSTATUS_SPP = 1n << 8n;
/** sstatus.FS = Dirty: the guest may use the FPU (its vsstatus.FS decides the rest). */
export const SSTATUS_FS = 3n << 13n;

/** hstatus bits. */
export const HSTATUS_SPV = 1n << 7n;
export const HSTATUS_SPVP = 1n << 8n;
/** WFI in VS-mode raises a virtual-instruction exception, so a waiting vCPU gives its hart back. */
export const HSTATUS_VTW = 1n << 21n;

/** Interrupt bits: HS-level (sip/sie) and VS-level (hvip/hie/hideleg). */
export const IRQ_SSI = 1;
export const IRQ_STI = 5;
export const IRQ_SEI = 9;
export const MIP_VSSIP = 1 << 2;
export const MIP_VSTIP = 1 << 6;
export const MIP_VSEIP = 1 << 10;
export const VS_INTERRUPTS = MIP_VSSIP | MIP_VSTIP | MIP_VSEIP;

/** Exception causes. */
export const CAUSE_FETCH_ACCESS = 1;
export const CAUSE_ILLEGAL_INSTRUCTION = 2;
export const CAUSE_LOAD_ACCESS = 5;
export const CAUSE_STORE_ACCESS = 7;
export const CAUSE_ECALL_VS = 10;
export const CAUSE_FETCH_GUEST_PAGE_FAULT = 20;
export const CAUSE_LOAD_GUEST_PAGE_FAULT = 21;
export const CAUSE_VIRTUAL_INSTRUCTION = 22;
export const CAUSE_STORE_GUEST_PAGE_FAULT = 23;

/**
 * Exceptions handed straight to the guest kernel (hedeleg): misaligned fetch, fetch
 * access, illegal instruction, breakpoint, misaligned load/store, load/store access,
 * ECALL from VU, and the three page faults; what stays with the hypervisor are ECALL
 * from VS, guest-page faults and virtual instructions (they cannot be delegated).
 */
export const HEDELEG_GUEST = 0xb1ff;
/** Exceptions the firmware must delegate to HS for a hypervisor (ECALL from VS, guest-page faults, virtual instruction). */
export const MEDELEG_HYPERVISOR = (1n << 10n) | (1n << 20n) | (1n << 21n) | (1n << 22n) | (1n << 23n);

/** The WFI instruction. */
export const INSN_WFI = 0x10500073;
