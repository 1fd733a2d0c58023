/*
 * Boot policy of the virt board, after QEMU 7.2 (hw/riscv/boot.c, hw/riscv/virt.c):
 * which firmware runs, where the kernel, initrd and device tree go in RAM, and the
 * state each hart starts in. Everything here is pure apart from the hart setters.
 */
import { CSR, type RiscvHart } from '@hvkit/cpu-core';
import { hex, Privilege } from '@hvkit/interfaces';
import { NATIVE_FIRMWARE_MEDELEG, NATIVE_FIRMWARE_MIDELEG } from '@hvkit/sbi';
import { parseElf } from '../elf/elf.js';
import { type BootImage, checkImageFits, rawImage } from '../elf/image.js';
import { isElf, isLinuxImage, linuxImage, parseLinuxImageHeader } from '../elf/linux-image.js';
import { ConfigError, ImageError } from '../errors.js';
import { VIRT_DRAM_BASE, VIRT_KERNEL_BASE } from './memory-map.js';

/** How a kernel's bytes are read: ELF, RISC-V Linux Image, raw binary, or decided from the bytes. */
export type KernelFormat = 'elf' | 'image' | 'raw' | 'auto';

/** The firmware option: none, native SBI in TypeScript, or the bytes of real firmware (OpenSBI). */
export type BiosOption = 'none' | 'native' | Uint8Array;

/** The boot mode a board resolved its options to. */
export type BootMode = 'none' | 'native' | 'firmware';

const MiB = 1024 * 1024;
/** QEMU puts the device tree below this address when RAM starts below it (reachable by 32-bit code). */
const FDT_LIMIT = 3072 * MiB;
/** Device tree alignment QEMU uses (riscv_compute_fdt_addr). */
const FDT_ALIGN = 2 * MiB;
/** Kernel alignment past firmware on RV64 (riscv_calc_kernel_start_addr). */
const KERNEL_ALIGN = 2 * MiB;
const PAGE = 4096;

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;
const alignDown = (v: number, a: number) => Math.floor(v / a) * a;

/** A half-open range of guest-physical addresses in use. */
export interface Span {
  readonly start: number;
  readonly end: number;
  /** What is there, for messages. */
  readonly what: string;
}

/** The spans an image's segments occupy. */
export function imageSpans(image: BootImage, what: string): Span[] {
  return image.segments.map((s) => ({ start: s.paddr, end: s.paddr + s.memsz, what }));
}

function overlapping(spans: readonly Span[], start: number, end: number): Span | undefined {
  return spans.find((s) => start < s.end && s.start < end);
}

/** The kernel and firmware images, placed, and the boot mode. */
export interface ResolvedImages {
  readonly mode: BootMode;
  readonly kernel: BootImage;
  readonly firmware: BootImage | undefined;
}

/** Reads the firmware bytes: an ELF at its own addresses, or a raw binary at DRAM base (QEMU's riscv_load_firmware). */
function loadFirmware(bytes: Uint8Array): BootImage {
  if (bytes.length === 0) throw new ConfigError('firmware image is empty');
  try {
    return isElf(bytes) ? parseElf(bytes) : rawImage(bytes, VIRT_DRAM_BASE);
  } catch (error) {
    if (error instanceof ImageError) throw new ImageError(`firmware: ${error.message}`);
    throw error;
  }
}

function lowestAddress(image: BootImage): number {
  return image.segments.reduce((low, s) => Math.min(low, s.paddr), Number.POSITIVE_INFINITY);
}

function highestAddress(image: BootImage): number {
  return image.segments.reduce((high, s) => Math.max(high, s.paddr + s.memsz), VIRT_DRAM_BASE);
}

/**
 * Decides the boot mode and places the kernel (and firmware). The default firmware
 * (`bios` undefined) is `'none'` for a kernel that starts at DRAM base (an ELF linked
 * at 0x8000_0000, or a raw binary, which owns M-mode), and `'native'` for one that
 * expects firmware below it (a Linux Image, an ELF linked higher up).
 */
export function resolveImages(
  kernel: Uint8Array | BootImage,
  format: KernelFormat,
  bios: BiosOption | undefined,
  memorySize: number,
): ResolvedImages {
  if (bios !== undefined && bios !== 'none' && bios !== 'native' && !(bios instanceof Uint8Array)) {
    throw new ConfigError(`bios must be 'none', 'native' or firmware bytes, not '${String(bios)}'`);
  }
  const firmware = bios instanceof Uint8Array ? loadFirmware(bios) : undefined;
  if (firmware !== undefined) {
    try {
      checkImageFits(firmware, VIRT_DRAM_BASE, memorySize);
    } catch (error) {
      if (error instanceof ImageError) throw new ImageError(`firmware: ${error.message}`);
      throw error;
    }
  }
  // Kernels that go above firmware start at the first 2 MiB boundary past it (and at least DRAM + 2 MiB).
  const aboveFirmware = Math.max(
    VIRT_KERNEL_BASE,
    firmware === undefined ? 0 : alignUp(highestAddress(firmware), KERNEL_ALIGN),
  );

  let kind: 'elf' | 'image' | 'raw';
  if (!(kernel instanceof Uint8Array)) kind = kernel.format;
  else if (format === 'auto') kind = isElf(kernel) ? 'elf' : isLinuxImage(kernel) ? 'image' : 'raw';
  else kind = format;

  const elf = kernel instanceof Uint8Array && kind === 'elf' ? parseElf(kernel) : undefined;
  let mode: BootMode;
  if (firmware !== undefined) mode = 'firmware';
  else if (bios !== undefined) mode = bios as 'none' | 'native';
  else if (kind === 'image') mode = 'native';
  else if (kind === 'raw' && kernel instanceof Uint8Array) mode = 'none';
  else mode = lowestAddress(elf ?? (kernel as BootImage)) === VIRT_DRAM_BASE ? 'none' : 'native';

  let image: BootImage;
  if (!(kernel instanceof Uint8Array)) image = kernel;
  else if (elf !== undefined) image = elf;
  else if (kind === 'image') {
    const { textOffset } = parseLinuxImageHeader(kernel);
    const base =
      mode === 'none' ? VIRT_DRAM_BASE + textOffset : Math.max(VIRT_DRAM_BASE + textOffset, aboveFirmware);
    image = linuxImage(kernel, base);
  } else image = rawImage(kernel, mode === 'none' ? VIRT_DRAM_BASE : aboveFirmware);

  checkImageFits(image, VIRT_DRAM_BASE, memorySize);
  if (firmware !== undefined) {
    const fw = imageSpans(firmware, 'firmware');
    for (const s of image.segments) {
      const clash = overlapping(fw, s.paddr, s.paddr + s.memsz);
      if (clash !== undefined) {
        throw new ImageError(
          `kernel segment at ${hex(s.paddr)} overlaps the firmware at [${hex(clash.start)}, ${hex(clash.end)})`,
        );
      }
    }
  }
  return { mode, kernel: image, firmware };
}

/**
 * Where the initrd goes: QEMU's riscv_load_initrd puts it at kernel entry +
 * min(RAM / 2, 128 MiB), far enough that the kernel does not clobber it while it
 * unpacks, low enough to stay in the kernel's linear map. Moved up past anything
 * already there; `ConfigError` when it does not fit.
 */
export function placeInitrd(
  size: number,
  kernelEntry: number,
  memorySize: number,
  used: readonly Span[],
): Span {
  const ramEnd = VIRT_DRAM_BASE + memorySize;
  let start = alignUp(kernelEntry + Math.min(memorySize / 2, 128 * MiB), PAGE);
  for (let clash = overlapping(used, start, start + size); clash !== undefined; ) {
    start = alignUp(clash.end, PAGE);
    clash = overlapping(used, start, start + size);
  }
  if (start + size > ramEnd) {
    throw new ConfigError(
      `initrd of ${size} bytes does not fit in RAM above the kernel (RAM ends at ${hex(ramEnd)})`,
    );
  }
  return { start, end: start + size, what: 'initrd' };
}

/**
 * Where the device tree goes: as QEMU's riscv_compute_fdt_addr, at the highest 2 MiB
 * boundary that leaves room for it below the end of RAM (or 3 GiB, whichever is lower),
 * so the kernel, which finds it through a1 and reserves it, never loads over it; when
 * RAM is too small for that, the top of RAM, 8-byte aligned. `ConfigError` when it
 * cannot go anywhere free.
 */
export function placeDtb(size: number, memorySize: number, used: readonly Span[]): number {
  const ramEnd = VIRT_DRAM_BASE + memorySize;
  const top = Math.min(ramEnd, FDT_LIMIT);
  for (const at of [alignDown(top - size, FDT_ALIGN), alignDown(ramEnd - size, 8)]) {
    if (at >= VIRT_DRAM_BASE && overlapping(used, at, at + size) === undefined) return at;
  }
  throw new ConfigError(
    `no room for the ${size}-byte device tree in RAM [${hex(VIRT_DRAM_BASE)}, ${hex(ramEnd)})`,
  );
}

/** mstatus.FS = Initial (priv spec "Extension Context Status"). */
const MSTATUS_FS_INITIAL = 1 << 13;
/** menvcfg.STCE, bit 63 (Sstc): in the high half. */
const MENVCFG_STCE_HI = 0x8000_0000 | 0;
/** pmpcfg of entry 0: NAPOT, R, W, X. */
const PMP_NAPOT_RWX = (3 << 3) | 7;

/** Puts `hart` at `pc` in M-mode with a0 = its hart id, a1 = `dtb`, a2 = 0 (QEMU's reset vector). */
export function enterMachine(hart: RiscvHart, pc: number, dtb: number): void {
  hart.pc = pc;
  hart.setX(10, BigInt(hart.hartId));
  hart.setX(11, BigInt(dtb));
  hart.setX(12, 0n);
}

/**
 * Puts `hart` in S-mode at `pc` with a0 = hart id and a1 = `arg1`, with the machine
 * state OpenSBI leaves behind: exceptions and S-level interrupts delegated
 * (NATIVE_FIRMWARE_MEDELEG / MIDELEG), every counter readable from S-mode, Sstc's
 * stimecmp enabled when `sstc`, PMP entry 0 granting all memory (else S-mode could
 * touch nothing), mstatus.FS Initial, satp 0, sstatus.SIE 0.
 */
export function enterSupervisor(hart: RiscvHart, pc: number, arg1: bigint, sstc: boolean): void {
  hart.reset();
  hart.writeCsr(CSR.medeleg, NATIVE_FIRMWARE_MEDELEG, 0);
  hart.writeCsr(CSR.mideleg, NATIVE_FIRMWARE_MIDELEG, 0);
  hart.writeCsr(CSR.mcounteren, -1, 0);
  hart.writeCsr(CSR.menvcfg, 0, sstc ? MENVCFG_STCE_HI : 0);
  hart.writeCsr(CSR.pmpaddr0, -1, -1);
  hart.writeCsr(CSR.pmpcfg0, PMP_NAPOT_RWX, 0);
  hart.writeCsr(CSR.mstatus, MSTATUS_FS_INITIAL, 0);
  hart.writeCsr(CSR.satp, 0, 0);
  hart.priv = Privilege.Supervisor;
  hart.fenceI();
  hart.flushTranslations();
  hart.pc = pc;
  hart.setX(10, BigInt(hart.hartId));
  hart.setX(11, arg1);
}
