import { describe, expect, it } from 'vitest';
import { ImageError } from '../errors.js';
import { makeElf } from '../test-support/make-elf.js';
import { parseElf } from './elf.js';
import { checkImageFits, copyImage, rawImage } from './image.js';

const RAM_BASE = 0x8000_0000;
const MiB = 1024 * 1024;
const code = new Uint8Array([0x13, 0x05, 0x10, 0x00, 0x73, 0x00, 0x50, 0x10]);

function error(file: Uint8Array): string {
  try {
    parseElf(file);
  } catch (e) {
    expect(e).toBeInstanceOf(ImageError);
    return (e as Error).message;
  }
  throw new Error('parseElf accepted the file');
}

describe('parseElf: valid files', () => {
  it('returns the entry and the PT_LOAD segments', () => {
    const image = parseElf(
      makeElf({
        entry: 0x8000_0004n,
        segments: [
          { paddr: 0x8000_0000n, data: code },
          { paddr: 0x8000_1000n, data: new Uint8Array([1, 2]), memsz: 0x100n },
        ],
      }),
    );
    expect(image.format).toBe('elf');
    expect(image.entry).toBe(0x8000_0004);
    expect(image.segments.map((s) => [s.paddr, s.bytes.length, s.memsz])).toEqual([
      [0x8000_0000, 8, 8],
      [0x8000_1000, 2, 0x100],
    ]);
    expect([...image.segments[0]!.bytes]).toEqual([...code]);
  });

  it('sorts segments by address and skips non-LOAD and empty ones', () => {
    const image = parseElf(
      makeElf({
        entry: 0x8000_0000n,
        segments: [
          { paddr: 0x8000_2000n, data: code },
          { type: 4, paddr: 0n, data: new Uint8Array(4) }, // PT_NOTE
          { paddr: 0x9000_0000n, data: new Uint8Array(0), memsz: 0n },
          { paddr: 0x8000_0000n, data: code },
        ],
      }),
    );
    expect(image.segments.map((s) => s.paddr)).toEqual([0x8000_0000, 0x8000_2000]);
  });

  it('translates a virtual entry point through its segment (VMA != LMA)', () => {
    const image = parseElf(
      makeElf({
        entry: 0xffff_ffff_8000_0010n,
        segments: [{ paddr: 0x8020_0000n, vaddr: 0xffff_ffff_8000_0000n, data: new Uint8Array(0x20) }],
      }),
    );
    expect(image.entry).toBe(0x8020_0010);
    expect(image.linkedEntry).toBe(0xffff_ffff_8000_0010n);
    expect(image.physicalAddress(0xffff_ffff_8000_0008n)).toBe(0x8020_0008);
    expect(image.physicalAddress(0x1234n)).toBeUndefined();
  });

  it('accepts position-independent executables (ET_DYN)', () => {
    expect(parseElf(makeElf({ type: 3 })).entry).toBe(0x8000_0000);
  });

  it('looks symbols up by name, globals over locals, skipping undefined ones', () => {
    const image = parseElf(
      makeElf({
        symbols: [
          { name: 'tohost', value: 0x8000_1000n, bind: 0 },
          { name: 'tohost', value: 0x8000_2000n, bind: 1 },
          { name: 'tohost', value: 0x8000_3000n, bind: 0 },
          { name: 'fromhost', value: 0x8000_1040n, size: 8n },
          { name: 'extern_thing', value: 0n, shndx: 0 },
        ],
      }),
    );
    expect(image.symbol('tohost')?.value).toBe(0x8000_2000n);
    expect(image.symbol('fromhost')).toEqual({ name: 'fromhost', value: 0x8000_1040n, size: 8n });
    expect(image.symbol('extern_thing')).toBeUndefined();
    expect(image.symbol('nope')).toBeUndefined();
  });

  it('has no symbols when the file has no section headers', () => {
    expect(parseElf(makeElf()).symbol('tohost')).toBeUndefined();
  });

  it('reads from a Uint8Array that is a view into a larger buffer', () => {
    const elf = makeElf();
    const big = new Uint8Array(elf.length + 16);
    big.set(elf, 16);
    expect(parseElf(big.subarray(16)).entry).toBe(0x8000_0000);
  });
});

describe('parseElf: rejected files', () => {
  it('rejects files that are not ELF', () => {
    expect(error(new Uint8Array())).toBe('not an ELF file');
    expect(error(new TextEncoder().encode('#!/bin/sh\necho hi\n'))).toBe('not an ELF file');
    expect(error(new Uint8Array([0x7f, 0x45, 0x4c]))).toBe('not an ELF file');
  });

  it('rejects a truncated header', () => {
    expect(error(makeElf().subarray(0, 10))).toMatch(/^ELF header is truncated/);
    expect(error(makeElf().subarray(0, 40))).toBe('ELF header is truncated (40 bytes, need 64)');
  });

  it('rejects other machines by name', () => {
    expect(error(makeElf({ machine: 62 }))).toBe('ELF is for machine x86-64 (62), not RISC-V');
    expect(error(makeElf({ machine: 183 }))).toBe('ELF is for machine AArch64 (183), not RISC-V');
    expect(error(makeElf({ machine: 9999 }))).toBe('ELF is for machine 9999, not RISC-V');
    // A 32-bit x86 file is reported by machine, which says more than its class.
    expect(error(makeElf({ machine: 3, elfClass: 1 }))).toBe('ELF is for machine x86 (3), not RISC-V');
  });

  it('rejects 32-bit RISC-V', () => {
    expect(error(makeElf({ elfClass: 1 }))).toBe('ELF is 32-bit; hvkit runs RV64');
  });

  it('rejects invalid class, data encoding and version', () => {
    expect(error(makeElf({ elfClass: 3 }))).toBe('ELF has an invalid class (3)');
    expect(error(makeElf({ data: 2 }))).toBe('ELF is big-endian; RISC-V is little-endian');
    expect(error(makeElf({ data: 0 }))).toBe('ELF has an invalid data encoding (0)');
    expect(error(makeElf({ version: 2 }))).toBe('ELF version 2 is not supported');
  });

  it('rejects objects, core dumps and unknown types', () => {
    expect(error(makeElf({ type: 1 }))).toMatch(/relocatable object/);
    expect(error(makeElf({ type: 4 }))).toMatch(/core dump/);
    expect(error(makeElf({ type: 0x1234 }))).toBe('ELF type 4660 is not an executable');
  });

  it('rejects broken program header tables', () => {
    expect(error(makeElf({ phnum: 0 }))).toMatch(/no program headers/);
    expect(error(makeElf({ phnum: 0xffff }))).toMatch(/extended program header numbering/);
    expect(error(makeElf({ phentsize: 32 }))).toBe('ELF program header size is 32, expected 56');
    expect(error(makeElf({ phoff: 0xffff_ffff_ffff_fff0n }))).toBe(
      'ELF program headers lie outside the file',
    );
    expect(error(makeElf({ phnum: 3 }))).toBe('ELF program headers lie outside the file');
  });

  it('rejects segments whose bytes lie outside the file, including by overflow', () => {
    expect(
      error(makeElf({ segments: [{ paddr: 0x8000_0000n, data: code, filesz: 0x1000n, memsz: 0x1000n }] })),
    ).toBe('segment at 0x80000000 lies outside the file (truncated ELF?)');
    expect(
      error(makeElf({ segments: [{ paddr: 0x8000_0000n, data: code, offset: 0xffff_ffff_ffff_fffcn }] })),
    ).toMatch(/lies outside the file/);
  });

  it('rejects filesz > memsz', () => {
    expect(error(makeElf({ segments: [{ paddr: 0x8000_0000n, data: code, memsz: 4n }] }))).toBe(
      'segment at 0x80000000 has file size 0x8 larger than its memory size 0x4',
    );
  });

  it('rejects segments that wrap around or leave the physical address space', () => {
    expect(
      error(
        makeElf({ segments: [{ paddr: 0xffff_ffff_ffff_f000n, data: code, memsz: 0x2000n }], entry: 0n }),
      ),
    ).toMatch(/wraps around/);
    expect(error(makeElf({ segments: [{ paddr: 2n ** 53n, data: code }] }))).toMatch(
      /beyond hvkit's physical address space/,
    );
  });

  it('rejects overlapping segments', () => {
    expect(
      error(
        makeElf({
          segments: [
            { paddr: 0x8000_0000n, data: code, memsz: 0x100n },
            { paddr: 0x8000_0080n, data: code },
          ],
        }),
      ),
    ).toBe('segments at 0x80000000 and 0x80000080 overlap');
  });

  it('rejects files with nothing to load', () => {
    expect(error(makeElf({ segments: [{ type: 4, paddr: 0n, data: code }] }))).toBe(
      'ELF has no loadable segments',
    );
  });

  it('rejects an entry point outside every segment', () => {
    expect(error(makeElf({ entry: 0x1000n }))).toBe(
      'entry point 0x00001000 is not inside any loadable segment',
    );
  });

  it('rejects broken section and symbol tables', () => {
    const symbols = [{ name: 'tohost', value: 0x8000_0000n }];
    expect(error(makeElf({ symbols, shentsize: 40 }))).toBe('ELF section header size is 40, expected 64');
    expect(error(makeElf({ symbols, shoffPastEnd: true }))).toBe('ELF section headers lie outside the file');
    expect(error(makeElf({ symbols, symentsize: 16n }))).toBe('ELF symbol size is 16, expected 24');
  });
});

describe('raw images and placement', () => {
  it('places a raw binary at the given address with the entry there', () => {
    const image = rawImage(code, RAM_BASE);
    expect(image.format).toBe('raw');
    expect(image.entry).toBe(RAM_BASE);
    expect(image.segments).toHaveLength(1);
    expect(image.symbol('tohost')).toBeUndefined();
    expect(() => rawImage(new Uint8Array(), RAM_BASE)).toThrow('image is empty');
  });

  it('copies segments and zeroes their .bss', () => {
    const image = parseElf(
      makeElf({
        segments: [
          { paddr: 0x8000_0000n, data: code },
          { paddr: 0x8000_0010n, data: new Uint8Array([9]), memsz: 4n },
        ],
      }),
    );
    const ram = new Uint8Array(64).fill(0xee);
    copyImage(image, ram, RAM_BASE);
    expect([...ram.subarray(0, 8)]).toEqual([...code]);
    expect([...ram.subarray(8, 0x16)]).toEqual([
      0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 9, 0, 0, 0, 0xee, 0xee,
    ]);
  });

  it('refuses segments and entry points outside RAM', () => {
    const below = parseElf(makeElf({ segments: [{ paddr: 0x1000n, data: code }] }));
    expect(() => checkImageFits(below, RAM_BASE, 128 * MiB)).toThrow(
      'segment at 0x00001000 (0x8 bytes) does not fit in RAM [0x80000000, 0x88000000)',
    );
    const past = parseElf(makeElf({ segments: [{ paddr: 0x87ff_fffcn, data: code }] }));
    expect(() => checkImageFits(past, RAM_BASE, 128 * MiB)).toThrow(
      /segment at 0x87fffffc .* does not fit in RAM/,
    );
    const bss = parseElf(makeElf({ segments: [{ paddr: 0x8000_0000n, data: code, memsz: 0x200_0000n }] }));
    expect(() => checkImageFits(bss, RAM_BASE, 16 * MiB)).toThrow(
      /does not fit in RAM \[0x80000000, 0x81000000\)/,
    );
    expect(() => copyImage(bss, new Uint8Array(16), RAM_BASE)).toThrow(ImageError);
    expect(() => checkImageFits(rawImage(code, 0x9000_0000), RAM_BASE, MiB)).toThrow(ImageError);
  });
});
