import { hex } from '@hvkit/interfaces';
import { ImageError } from '../errors.js';

/** One piece of an image to place in guest-physical memory. */
export interface ImageSegment {
  /** Guest-physical load address (the ELF p_paddr, the load address of a raw image). */
  readonly paddr: number;
  /** Virtual address the segment was linked at (p_vaddr; equal to paddr for raw images). */
  readonly vaddr: bigint;
  /** Bytes to copy to `paddr` (a view into the file, not a copy). */
  readonly bytes: Uint8Array;
  /** Size in memory; the bytes past `bytes.length` up to `memsz` are zero (.bss). */
  readonly memsz: number;
}

/** A symbol from the ELF symbol table (gABI "Symbol Table"). */
export interface ElfSymbol {
  readonly name: string;
  /** st_value: the symbol's (link-time, virtual) address. */
  readonly value: bigint;
  /** st_size in bytes. */
  readonly size: bigint;
}

/** A loadable program image: what a board needs to put a kernel or firmware in RAM and start it. */
export interface BootImage {
  /** Where it came from: an ELF file, a RISC-V Linux `Image`, or a raw binary. */
  readonly format: 'elf' | 'image' | 'raw';
  /** Guest-physical address of the first instruction. */
  readonly entry: number;
  /** PT_LOAD segments with a non-zero memory size, sorted by `paddr`, not overlapping. */
  readonly segments: readonly ImageSegment[];
  /** Looks a symbol up by name (global symbols win over local ones); undefined for raw images. */
  symbol(name: string): ElfSymbol | undefined;
  /** Maps a link-time (virtual) address inside a segment to its guest-physical address, or undefined. */
  physicalAddress(vaddr: bigint): number | undefined;
}

/** A raw binary placed at `loadAddress` (QEMU's fallback for a kernel that is not an ELF). */
export function rawImage(bytes: Uint8Array, loadAddress: number): BootImage {
  if (bytes.length === 0) throw new ImageError('image is empty');
  const segment: ImageSegment = {
    paddr: loadAddress,
    vaddr: BigInt(loadAddress),
    bytes,
    memsz: bytes.length,
  };
  return {
    format: 'raw',
    entry: loadAddress,
    segments: [segment],
    symbol: () => undefined,
    physicalAddress: (vaddr) => segmentPhysical([segment], vaddr),
  };
}

/** Maps `vaddr` through the segment that contains it (p_vaddr -> p_paddr), or undefined. */
export function segmentPhysical(segments: readonly ImageSegment[], vaddr: bigint): number | undefined {
  for (const s of segments) {
    if (vaddr >= s.vaddr && vaddr < s.vaddr + BigInt(s.memsz)) return s.paddr + Number(vaddr - s.vaddr);
  }
  return undefined;
}

/**
 * Checks that every segment and the entry point of `image` lie inside the RAM window
 * [base, base + size), with one-line errors naming the offending address.
 */
export function checkImageFits(image: BootImage, base: number, size: number): void {
  const end = base + size;
  const window = `RAM [${hex(base)}, ${hex(end)})`;
  for (const s of image.segments) {
    if (s.paddr < base || s.paddr + s.memsz > end) {
      throw new ImageError(`segment at ${hex(s.paddr)} (${hex(s.memsz, 1)} bytes) does not fit in ${window}`);
    }
  }
  if (image.entry < base || image.entry >= end) {
    throw new ImageError(`entry point ${hex(image.entry)} is not in ${window}`);
  }
}

/**
 * Copies `image` into `ram`, which holds guest-physical [base, base + ram.length):
 * file bytes, then zeros up to each segment's memory size.
 */
export function copyImage(image: BootImage, ram: Uint8Array, base: number): void {
  checkImageFits(image, base, ram.length);
  for (const s of image.segments) {
    const at = s.paddr - base;
    ram.set(s.bytes, at);
    ram.fill(0, at + s.bytes.length, at + s.memsz);
  }
}
