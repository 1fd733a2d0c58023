// The QEMU `virt` board's memory map (QEMU hw/riscv/virt.c `virt_memmap`, DESIGN.md).

/** SiFive test finisher (power off / reset). */
export const VIRT_TEST_BASE = 0x0010_0000;
/** Size of the finisher's window. */
export const VIRT_TEST_SIZE = 0x1000;
/** Goldfish RTC. */
export const VIRT_RTC_BASE = 0x0010_1000;
/** Size of the RTC's window. */
export const VIRT_RTC_SIZE = 0x1000;
/** PLIC source number of the RTC. */
export const VIRT_RTC_IRQ = 11;
/** CLINT (ACLINT MSWI at +0, MTIMER mtimecmp at +0x4000, mtime at +0xbff8). */
export const VIRT_CLINT_BASE = 0x0200_0000;
/** Size of the CLINT's window. */
export const VIRT_CLINT_SIZE = 0x1_0000;
/** PLIC. */
export const VIRT_PLIC_BASE = 0x0c00_0000;
/** Size of the PLIC's window as the device tree describes it (room for 2 contexts x 8 harts and more). */
export const VIRT_PLIC_SIZE = 0x60_0000;
/** Highest PLIC source number (`riscv,ndev`): the board's PLIC has sources 1..95. */
export const VIRT_PLIC_NDEV = 95;
/** NS16550A UART0. */
export const VIRT_UART0_BASE = 0x1000_0000;
/** Size of UART0's window. */
export const VIRT_UART0_SIZE = 0x100;
/** PLIC source number of UART0. */
export const VIRT_UART0_IRQ = 10;
/** UART0 input clock in Hz, as the device tree tells drivers (QEMU: 3.6864 MHz). */
export const VIRT_UART0_CLOCK_HZ = 3_686_400;
/** First virtio-mmio slot; slot i is at VIRT_VIRTIO_BASE + i * VIRT_VIRTIO_SIZE. */
export const VIRT_VIRTIO_BASE = 0x1000_1000;
/** Size of one virtio-mmio slot. */
export const VIRT_VIRTIO_SIZE = 0x1000;
/** Number of virtio-mmio slots. */
export const VIRT_VIRTIO_COUNT = 8;
/** PLIC source of virtio slot 0; slot i uses VIRT_VIRTIO_IRQ + i. */
export const VIRT_VIRTIO_IRQ = 1;
/** Start of DRAM, where `-bios none` kernels and firmware are loaded. */
export const VIRT_DRAM_BASE = 0x8000_0000;
/**
 * Where a kernel goes when firmware (native or real) sits below it: DRAM base + 2 MiB,
 * QEMU's `KERNEL_BOOT_ADDRESS` for RV64 and OpenSBI fw_jump's `FW_JUMP_ADDR`.
 */
export const VIRT_KERNEL_BASE = 0x8020_0000;

/** Default RAM size: 128 MiB, as QEMU's default `-m`. */
export const VIRT_DEFAULT_MEMORY = 128 * 1024 * 1024;
/** Smallest RAM the board accepts (one 4 KiB page granule; sizes are multiples of it). */
export const VIRT_MEMORY_GRANULE = 0x1000;
/** Largest RAM the board accepts: 4 GiB, what one wasm32 memory can hold. */
export const VIRT_MAX_MEMORY = 4 * 1024 * 1024 * 1024;
/** Most harts the board runs (QEMU's virt allows more; hvkit interleaves harts on one thread). */
export const VIRT_MAX_HARTS = 8;
