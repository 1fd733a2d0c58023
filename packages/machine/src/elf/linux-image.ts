/*
 * The RISC-V Linux `Image` format (the kernel's Documentation/riscv/boot-image-header.rst):
 * a flat binary whose first 64 bytes are a header,
 *
 *   0  u32 code0        executable code (a jump over the header)
 *   4  u32 code1
 *   8  u64 text_offset  load offset from a 2 MiB aligned RAM base (0x200000 on RV64)
 *  16  u64 image_size   effective size in memory, .bss included (0 on very old kernels)
 *  24  u64 flags        bit 0: endianness (0 = little)
 *  32  u32 version      header version (major << 16 | minor)
 *  36  u32 res1
 *  40  u64 res2
 *  48  u64 magic        "RISCV\0\0\0" (deprecated since version 0.2)
 *  56  u32 magic2       "RSC\x05"
 *  60  u32 res3
 *
 * All fields are little-endian. The entry point is the first byte.
 */
import { hex } from '@hvkit/interfaces';
import { ImageError } from '../errors.js';
import { type BootImage, type ImageSegment, segmentPhysical } from './image.js';

/** Size of the Image header. */
export const LINUX_IMAGE_HEADER_SIZE = 64;
/** `magic` at offset 48: "RISCV\0\0\0". */
const MAGIC = [0x52, 0x49, 0x53, 0x43, 0x56, 0, 0, 0];
/** `magic2` at offset 56: "RSC\x05". */
const MAGIC2 = [0x52, 0x53, 0x43, 0x05];
/** Largest text_offset / image_size taken seriously (anything larger is a corrupt header). */
const MAX_FIELD = 2 ** 32;

/** The fields of a Linux Image header a loader uses. */
export interface LinuxImageHeader {
  /** Load offset from a 2 MiB aligned base of RAM (0x200000 for RV64 kernels). */
  readonly textOffset: number;
  /** Bytes the kernel occupies once loaded, .bss included; 0 when the header does not say. */
  readonly imageSize: number;
  /** Header flags (bit 0: big-endian kernel). */
  readonly flags: bigint;
  /** Header version, major << 16 | minor. */
  readonly version: number;
}

function matches(bytes: Uint8Array, at: number, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[at + i] === b);
}

/** True when `bytes` start like an ELF file (`\x7fELF`). */
export function isElf(bytes: Uint8Array): boolean {
  return matches(bytes, 0, [0x7f, 0x45, 0x4c, 0x46]);
}

/** True when `bytes` carry a RISC-V Linux Image header (either magic). */
export function isLinuxImage(bytes: Uint8Array): boolean {
  return bytes.length >= LINUX_IMAGE_HEADER_SIZE && (matches(bytes, 48, MAGIC) || matches(bytes, 56, MAGIC2));
}

/** Reads the header of a RISC-V Linux Image; `ImageError` when there is none or it is implausible. */
export function parseLinuxImageHeader(bytes: Uint8Array): LinuxImageHeader {
  if (!isLinuxImage(bytes)) throw new ImageError('not a RISC-V Linux Image (no "RISCV" / "RSC\\x05" magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const textOffset = view.getBigUint64(8, true);
  const imageSize = view.getBigUint64(16, true);
  const flags = view.getBigUint64(24, true);
  if (flags & 1n) throw new ImageError('Linux Image is big-endian (header flags bit 0)');
  if (textOffset >= MAX_FIELD || textOffset % 4096n !== 0n) {
    throw new ImageError(
      `Linux Image text_offset ${hex(textOffset)} is not a 4 KiB aligned offset below 4 GiB`,
    );
  }
  if (imageSize >= MAX_FIELD) throw new ImageError(`Linux Image image_size ${hex(imageSize)} is implausible`);
  return {
    textOffset: Number(textOffset),
    imageSize: Number(imageSize),
    flags,
    version: view.getUint32(32, true),
  };
}

/**
 * A Linux Image placed at `loadAddress` (normally DRAM base + text_offset), entered at
 * its first byte; it occupies `max(image_size, file length)` bytes, the tail zeroed.
 */
export function linuxImage(bytes: Uint8Array, loadAddress: number): BootImage {
  const header = parseLinuxImageHeader(bytes);
  const segment: ImageSegment = {
    paddr: loadAddress,
    vaddr: BigInt(loadAddress),
    bytes,
    memsz: Math.max(header.imageSize, bytes.length),
  };
  return {
    format: 'image',
    entry: loadAddress,
    segments: [segment],
    symbol: () => undefined,
    physicalAddress: (vaddr) => segmentPhysical([segment], vaddr),
  };
}
