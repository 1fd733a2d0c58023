import { describe, expect, it } from 'vitest';
import { ImageError } from '../errors.js';
import { linuxImageHeader, program } from '../test-support/asm.js';
import { isElf, isLinuxImage, linuxImage, parseLinuxImageHeader } from './linux-image.js';

const header = (imageSize = 0x10_0000, textOffset = 0x20_0000) =>
  program(linuxImageHeader(imageSize, textOffset));

describe('RISC-V Linux Image', () => {
  it('reads the header fields', () => {
    expect(parseLinuxImageHeader(header())).toEqual({
      textOffset: 0x20_0000,
      imageSize: 0x10_0000,
      flags: 0n,
      version: 2,
    });
  });

  it('recognises either magic, and ELF files apart', () => {
    const onlyOld = header();
    onlyOld.fill(0, 56, 60);
    expect(isLinuxImage(onlyOld)).toBe(true);
    const onlyNew = header();
    onlyNew.fill(0, 48, 56);
    expect(isLinuxImage(onlyNew)).toBe(true);
    onlyNew.fill(0, 56, 60);
    expect(isLinuxImage(onlyNew)).toBe(false);
    expect(isLinuxImage(header().subarray(0, 63))).toBe(false);
    expect(isElf(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2]))).toBe(true);
    expect(isElf(header())).toBe(false);
  });

  it('places the image and covers image_size (the .bss) in memory', () => {
    const image = linuxImage(header(0x10_0000), 0x8020_0000);
    expect(image.format).toBe('image');
    expect(image.entry).toBe(0x8020_0000);
    expect(image.segments).toHaveLength(1);
    expect(image.segments[0]!.memsz).toBe(0x10_0000);
    expect(image.segments[0]!.bytes.length).toBe(64);
    expect(linuxImage(header(0), 0x8020_0000).segments[0]!.memsz).toBe(64); // old kernels: file size
  });

  it('refuses broken headers with ImageError', () => {
    expect(() => parseLinuxImageHeader(new Uint8Array(64))).toThrow(ImageError);
    expect(() => parseLinuxImageHeader(header(0x1000, 0x123))).toThrow(
      /text_offset 0x00000123 is not a 4 KiB/,
    );
    const bigEndian = header();
    bigEndian[24] = 1;
    expect(() => parseLinuxImageHeader(bigEndian)).toThrow(/big-endian/);
    const huge = header();
    huge[20] = 1; // image_size >= 2^32
    expect(() => parseLinuxImageHeader(huge)).toThrow(/image_size .* is implausible/);
  });
});
