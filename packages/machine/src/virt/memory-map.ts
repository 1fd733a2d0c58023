// The QEMU `virt` board's memory map (QEMU hw/riscv/virt.c `virt_memmap`, DESIGN.md).

/** SiFive test finisher (power off / reset). */
export const VIRT_TEST_BASE = 0x0010_0000;
/** Goldfish RTC. */
export const VIRT_RTC_BASE = 0x0010_1000;
/** PLIC source number of the RTC. */
export const VIRT_RTC_IRQ = 11;
/** CLINT (ACLINT MSWI at +0, MTIMER mtimecmp at +0x4000, mtime at +0xbff8). */
export const VIRT_CLINT_BASE = 0x0200_0000;
/** PLIC. */
export const VIRT_PLIC_BASE = 0x0c00_0000;
/** NS16550A UART0. */
export const VIRT_UART0_BASE = 0x1000_0000;
/** PLIC source number of UART0. */
export const VIRT_UART0_IRQ = 10;
/** Start of DRAM, where `-bios none` kernels and firmware are loaded. */
export const VIRT_DRAM_BASE = 0x8000_0000;

/** Default RAM size: 128 MiB, as QEMU's default `-m`. */
export const VIRT_DEFAULT_MEMORY = 128 * 1024 * 1024;
/** Smallest RAM the board accepts (one 4 KiB page granule; sizes are multiples of it). */
export const VIRT_MEMORY_GRANULE = 0x1000;
/** Largest RAM the board accepts: 4 GiB, what one wasm32 memory can hold. */
export const VIRT_MAX_MEMORY = 4 * 1024 * 1024 * 1024;
