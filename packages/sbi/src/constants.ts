/*
 * Numbers from the RISC-V SBI specification (shared/specs/sbi), named as the spec
 * and Linux's arch/riscv/include/asm/sbi.h name them.
 */

// ---- Standard SBI errors ("Binary Encoding", table "Standard SBI Errors") ----

/** Completed successfully. */
export const SBI_SUCCESS = 0;
/** Failed. */
export const SBI_ERR_FAILED = -1;
/** Not supported: unknown EID or FID, or a known function this platform cannot do. */
export const SBI_ERR_NOT_SUPPORTED = -2;
/** Invalid parameter(s): a bad hart id or hart mask, a reserved type, a bad DBCN buffer. */
export const SBI_ERR_INVALID_PARAM = -3;
/** Denied or not allowed. */
export const SBI_ERR_DENIED = -4;
/** Invalid address(es): a bad HSM start address or RFENCE range. */
export const SBI_ERR_INVALID_ADDRESS = -5;
/** Already available: HSM hart_start on a started hart. */
export const SBI_ERR_ALREADY_AVAILABLE = -6;
/** Already started. */
export const SBI_ERR_ALREADY_STARTED = -7;
/** Already stopped. */
export const SBI_ERR_ALREADY_STOPPED = -8;
/** Shared memory not available. */
export const SBI_ERR_NO_SHMEM = -9;
/** Invalid state. */
export const SBI_ERR_INVALID_STATE = -10;
/** Bad (or invalid) range. */
export const SBI_ERR_BAD_RANGE = -11;
/** Failed due to timeout. */
export const SBI_ERR_TIMEOUT = -12;
/** Input/output error. */
export const SBI_ERR_IO = -13;
/** Denied or not allowed due to lock status. */
export const SBI_ERR_DENIED_LOCKED = -14;

// ---- Extension IDs (a7) ----

/** Legacy sbi_set_timer (EID 0x00, deprecated by TIME). */
export const SBI_EXT_0_1_SET_TIMER = 0x00;
/** Legacy sbi_console_putchar (EID 0x01, deprecated by DBCN). */
export const SBI_EXT_0_1_CONSOLE_PUTCHAR = 0x01;
/** Legacy sbi_console_getchar (EID 0x02, deprecated by DBCN). */
export const SBI_EXT_0_1_CONSOLE_GETCHAR = 0x02;
/** Legacy sbi_clear_ipi (EID 0x03, deprecated: S-mode clears sip.SSIP itself). */
export const SBI_EXT_0_1_CLEAR_IPI = 0x03;
/** Legacy sbi_send_ipi (EID 0x04, deprecated by IPI); a0 points to a hart mask in memory. */
export const SBI_EXT_0_1_SEND_IPI = 0x04;
/** Legacy sbi_remote_fence_i (EID 0x05, deprecated by RFENCE). */
export const SBI_EXT_0_1_REMOTE_FENCE_I = 0x05;
/** Legacy sbi_remote_sfence_vma (EID 0x06, deprecated by RFENCE). */
export const SBI_EXT_0_1_REMOTE_SFENCE_VMA = 0x06;
/** Legacy sbi_remote_sfence_vma_asid (EID 0x07, deprecated by RFENCE). */
export const SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID = 0x07;
/** Legacy sbi_shutdown (EID 0x08, deprecated by SRST). */
export const SBI_EXT_0_1_SHUTDOWN = 0x08;
/** Base extension (EID 0x10): version, implementation id, probing. */
export const SBI_EXT_BASE = 0x10;
/** Timer extension, EID "TIME". */
export const SBI_EXT_TIME = 0x54494d45;
/** IPI extension, EID "sPI". */
export const SBI_EXT_IPI = 0x735049;
/** Remote fence extension, EID "RFNC". */
export const SBI_EXT_RFENCE = 0x52464e43;
/** Hart state management extension, EID "HSM". */
export const SBI_EXT_HSM = 0x48534d;
/** System reset extension, EID "SRST". */
export const SBI_EXT_SRST = 0x53525354;
/** Debug console extension, EID "DBCN". */
export const SBI_EXT_DBCN = 0x4442434e;

// ---- Function IDs (a6) ----

/** BASE: sbi_get_spec_version. */
export const SBI_EXT_BASE_GET_SPEC_VERSION = 0;
/** BASE: sbi_get_impl_id. */
export const SBI_EXT_BASE_GET_IMP_ID = 1;
/** BASE: sbi_get_impl_version. */
export const SBI_EXT_BASE_GET_IMP_VERSION = 2;
/** BASE: sbi_probe_extension. */
export const SBI_EXT_BASE_PROBE_EXT = 3;
/** BASE: sbi_get_mvendorid. */
export const SBI_EXT_BASE_GET_MVENDORID = 4;
/** BASE: sbi_get_marchid. */
export const SBI_EXT_BASE_GET_MARCHID = 5;
/** BASE: sbi_get_mimpid. */
export const SBI_EXT_BASE_GET_MIMPID = 6;
/** TIME: sbi_set_timer. */
export const SBI_EXT_TIME_SET_TIMER = 0;
/** IPI: sbi_send_ipi. */
export const SBI_EXT_IPI_SEND_IPI = 0;
/** RFENCE: sbi_remote_fence_i. */
export const SBI_EXT_RFENCE_REMOTE_FENCE_I = 0;
/** RFENCE: sbi_remote_sfence_vma. */
export const SBI_EXT_RFENCE_REMOTE_SFENCE_VMA = 1;
/** RFENCE: sbi_remote_sfence_vma_asid. */
export const SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID = 2;
/** RFENCE: sbi_remote_hfence_gvma_vmid (not implemented: SBI_ERR_NOT_SUPPORTED). */
export const SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA_VMID = 3;
/** RFENCE: sbi_remote_hfence_gvma (not implemented: SBI_ERR_NOT_SUPPORTED). */
export const SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA = 4;
/** RFENCE: sbi_remote_hfence_vvma_asid (not implemented: SBI_ERR_NOT_SUPPORTED). */
export const SBI_EXT_RFENCE_REMOTE_HFENCE_VVMA_ASID = 5;
/** RFENCE: sbi_remote_hfence_vvma (not implemented: SBI_ERR_NOT_SUPPORTED). */
export const SBI_EXT_RFENCE_REMOTE_HFENCE_VVMA = 6;
/** HSM: sbi_hart_start. */
export const SBI_EXT_HSM_HART_START = 0;
/** HSM: sbi_hart_stop. */
export const SBI_EXT_HSM_HART_STOP = 1;
/** HSM: sbi_hart_get_status. */
export const SBI_EXT_HSM_HART_STATUS = 2;
/** HSM: sbi_hart_suspend. */
export const SBI_EXT_HSM_HART_SUSPEND = 3;
/** SRST: sbi_system_reset. */
export const SBI_EXT_SRST_RESET = 0;
/** DBCN: sbi_debug_console_write. */
export const SBI_EXT_DBCN_CONSOLE_WRITE = 0;
/** DBCN: sbi_debug_console_read. */
export const SBI_EXT_DBCN_CONSOLE_READ = 1;
/** DBCN: sbi_debug_console_write_byte. */
export const SBI_EXT_DBCN_CONSOLE_WRITE_BYTE = 2;

// ---- Values of parameters and results ----

/** HSM state ids returned by sbi_hart_get_status (table "HSM Hart States"). */
export const SBI_HSM_STATE = {
  started: 0,
  stopped: 1,
  'start-pending': 2,
  'stop-pending': 3,
  suspended: 4,
  'suspend-pending': 5,
  'resume-pending': 6,
} as const;

/** HSM suspend_type: default retentive suspend (the only type implemented). */
export const SBI_HSM_SUSPEND_RET_DEFAULT = 0x0000_0000;
/** HSM suspend_type: default non-retentive suspend (answered SBI_ERR_NOT_SUPPORTED). */
export const SBI_HSM_SUSPEND_NON_RET_DEFAULT = 0x8000_0000;

/** SRST reset_type: shutdown. */
export const SBI_SRST_RESET_TYPE_SHUTDOWN = 0;
/** SRST reset_type: cold reboot. */
export const SBI_SRST_RESET_TYPE_COLD_REBOOT = 1;
/** SRST reset_type: warm reboot. */
export const SBI_SRST_RESET_TYPE_WARM_REBOOT = 2;
/** SRST reset_reason: no reason. */
export const SBI_SRST_RESET_REASON_NONE = 0;
/** SRST reset_reason: system failure. */
export const SBI_SRST_RESET_REASON_SYSFAIL = 1;

/** hart_mask_base value meaning "ignore hart_mask, all available harts" (-1 as an unsigned 64-bit long). */
export const SBI_HART_MASK_BASE_ALL = 0xffff_ffff_ffff_ffffn;
/** RFENCE size meaning "the whole address space" (2^XLEN - 1); the firmware hands every full flush to the board this way. */
export const SBI_RFENCE_SIZE_ALL = 0xffff_ffff_ffff_ffffn;
/** Largest ASID the firmware accepts in RFENCE calls: satp.ASID is 16 bits on RV64. */
export const SBI_MAX_ASID = 0xffff;

/** SBI specification version this firmware reports: 2.0 (minor in bits 23:0, major in bits 30:24). */
export const SBI_SPEC_VERSION = (2 << 24) | 0;
/**
 * hvkit's SBI implementation id: ASCII "HVKT". The spec's registry lists 0 to 11
 * (BBL ... bhyve); an ASCII tag, like the EIDs, stays clear of numbers handed out in order.
 */
export const HVKIT_SBI_IMPL_ID = 0x4856_4b54;
/** hvkit's SBI implementation version, (major << 16) | minor as OpenSBI encodes it: 0.1. */
export const HVKIT_SBI_IMPL_VERSION = (0 << 16) | 1;

/**
 * medeleg a board should program before entering S-mode under native firmware: every
 * exception the hart can delegate (misaligned and access faults, illegal instruction,
 * breakpoint, ECALL from U, page faults) except ECALL from S (cause 9), which is the
 * SBI call. OpenSBI keeps illegal-instruction and misaligned traps to emulate them
 * and redirect the rest; native firmware emulates nothing, so S-mode gets them directly.
 */
export const NATIVE_FIRMWARE_MEDELEG = 0xb1ff;
/** mideleg for native firmware: supervisor software, timer and external interrupts (SSIP, STIP, SEIP). */
export const NATIVE_FIRMWARE_MIDELEG = (1 << 1) | (1 << 5) | (1 << 9);
/** mcause of an environment call from S-mode: the only trap the firmware serves. */
export const CAUSE_SUPERVISOR_ECALL = 9;
