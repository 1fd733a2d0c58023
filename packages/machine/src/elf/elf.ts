import { GUEST_PHYS_LIMIT, hex } from '@hvkit/interfaces';
import { ImageError } from '../errors.js';
import { type BootImage, type ElfSymbol, type ImageSegment, segmentPhysical } from './image.js';

// Field offsets and values from the System V gABI ("ELF Header", "Program Header",
// "Sections", "Symbol Table") for ELFCLASS64, and the RISC-V ELF psABI for EM_RISCV.

/** e_ident[EI_CLASS]: 1 = 32-bit objects, 2 = 64-bit objects. */
const EI_CLASS = 4;
/** e_ident[EI_DATA]: 1 = little-endian, 2 = big-endian. */
const EI_DATA = 5;
/** e_ident[EI_VERSION]: must be EV_CURRENT. */
const EI_VERSION = 6;
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ELFDATA2MSB = 2;
const EV_CURRENT = 1;

/** ELF64 header field offsets. */
const E_TYPE = 16;
const E_MACHINE = 18;
const E_VERSION = 20;
const E_ENTRY = 24;
const E_PHOFF = 32;
const E_SHOFF = 40;
const E_EHSIZE = 52;
const E_PHENTSIZE = 54;
const E_PHNUM = 56;
const E_SHENTSIZE = 58;
const E_SHNUM = 60;
/** Size of the ELF64 header. */
const ELF64_EHDR_SIZE = 64;
/** Size of one ELF64 program header (Elf64_Phdr). */
const ELF64_PHDR_SIZE = 56;
/** Size of one ELF64 section header (Elf64_Shdr). */
const ELF64_SHDR_SIZE = 64;
/** Size of one ELF64 symbol (Elf64_Sym). */
const ELF64_SYM_SIZE = 24;
/** e_phnum value that means "the real count is in section 0" (gABI extended numbering). */
const PN_XNUM = 0xffff;

const ET_REL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const ET_CORE = 4;

/** RISC-V (psABI). */
export const EM_RISCV = 243;

const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHN_UNDEF = 0;
const STB_LOCAL = 0;

/** Names for the e_machine values people are likely to pass by mistake. */
const MACHINE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'none'],
  [2, 'SPARC'],
  [3, 'x86'],
  [8, 'MIPS'],
  [20, 'PowerPC'],
  [21, 'PowerPC64'],
  [22, 'S/390'],
  [40, 'ARM'],
  [43, 'SPARC V9'],
  [50, 'IA-64'],
  [62, 'x86-64'],
  [183, 'AArch64'],
  [258, 'LoongArch'],
]);

/** A parsed RISC-V ELF64 executable. */
export interface ElfImage extends BootImage {
  readonly format: 'elf';
  /** e_entry as written in the file (a link-time address; `entry` is its physical translation). */
  readonly linkedEntry: bigint;
}

/**
 * Parses an ELF64 little-endian RISC-V executable. Pure: reads `file` only, copies
 * nothing (segment bytes are views into `file`), and checks every offset and size it
 * follows, so a hostile file yields an `ImageError` with a one-line message, never an
 * out-of-bounds read or a wrapped address.
 */
export function parseElf(file: Uint8Array): ElfImage {
  if (file.length < 4 || file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c || file[3] !== 0x46) {
    throw new ImageError('not an ELF file');
  }
  if (file.length < 20) throw new ImageError(`ELF header is truncated (${file.length} bytes)`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);

  const data = file[EI_DATA];
  if (data === ELFDATA2MSB) throw new ImageError('ELF is big-endian; RISC-V is little-endian');
  if (data !== ELFDATA2LSB) throw new ImageError(`ELF has an invalid data encoding (${data})`);

  // e_machine sits at the same offset in both classes: check it first, so an x86
  // 32-bit file is reported as x86 rather than as 32-bit.
  const machine = view.getUint16(E_MACHINE, true);
  if (machine !== EM_RISCV) {
    const name = MACHINE_NAMES.get(machine);
    throw new ImageError(
      `ELF is for machine ${name === undefined ? machine : `${name} (${machine})`}, not RISC-V`,
    );
  }

  const elfClass = file[EI_CLASS];
  if (elfClass === ELFCLASS32) throw new ImageError('ELF is 32-bit; hvkit runs RV64');
  if (elfClass !== ELFCLASS64) throw new ImageError(`ELF has an invalid class (${elfClass})`);
  if (file.length < ELF64_EHDR_SIZE) {
    throw new ImageError(`ELF header is truncated (${file.length} bytes, need ${ELF64_EHDR_SIZE})`);
  }
  const version = view.getUint32(E_VERSION, true);
  if (file[EI_VERSION] !== EV_CURRENT || version !== EV_CURRENT) {
    throw new ImageError(`ELF version ${file[EI_VERSION]} is not supported`);
  }

  const type = view.getUint16(E_TYPE, true);
  if (type === ET_REL)
    throw new ImageError('ELF is a relocatable object (.o), not an executable; link it first');
  if (type === ET_CORE) throw new ImageError('ELF is a core dump, not an executable');
  if (type !== ET_EXEC && type !== ET_DYN) throw new ImageError(`ELF type ${type} is not an executable`);
  const ehsize = view.getUint16(E_EHSIZE, true);
  if (ehsize < ELF64_EHDR_SIZE) throw new ImageError(`ELF header size ${ehsize} is too small`);

  const segments = readSegments(file, view);
  const linkedEntry = view.getBigUint64(E_ENTRY, true);
  const entry = segmentPhysical(segments, linkedEntry);
  if (entry === undefined) {
    throw new ImageError(`entry point ${hex(linkedEntry)} is not inside any loadable segment`);
  }
  const symbols = readSymbols(file, view);
  return {
    format: 'elf',
    entry,
    linkedEntry,
    segments,
    symbol: (name) => symbols.get(name),
    physicalAddress: (vaddr) => segmentPhysical(segments, vaddr),
  };
}

/** Reads and checks the PT_LOAD program headers; returns the non-empty ones sorted by paddr. */
function readSegments(file: Uint8Array, view: DataView): ImageSegment[] {
  const size = BigInt(file.length);
  const phnum = view.getUint16(E_PHNUM, true);
  if (phnum === PN_XNUM) {
    throw new ImageError('ELF uses extended program header numbering, which hvkit does not support');
  }
  if (phnum === 0) throw new ImageError('ELF has no program headers (nothing to load)');
  const phentsize = view.getUint16(E_PHENTSIZE, true);
  if (phentsize !== ELF64_PHDR_SIZE) {
    throw new ImageError(`ELF program header size is ${phentsize}, expected ${ELF64_PHDR_SIZE}`);
  }
  const phoff = view.getBigUint64(E_PHOFF, true);
  if (phoff + BigInt(phnum * ELF64_PHDR_SIZE) > size) {
    throw new ImageError('ELF program headers lie outside the file');
  }

  const segments: ImageSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const ph = Number(phoff) + i * ELF64_PHDR_SIZE;
    if (view.getUint32(ph, true) !== PT_LOAD) continue;
    const offset = view.getBigUint64(ph + 8, true);
    const vaddr = view.getBigUint64(ph + 16, true);
    const paddr = view.getBigUint64(ph + 24, true);
    const filesz = view.getBigUint64(ph + 32, true);
    const memsz = view.getBigUint64(ph + 40, true);
    if (memsz === 0n) continue;
    const at = `segment at ${hex(paddr)}`;
    if (offset + filesz > size) throw new ImageError(`${at} lies outside the file (truncated ELF?)`);
    if (filesz > memsz) {
      throw new ImageError(
        `${at} has file size ${hex(filesz, 1)} larger than its memory size ${hex(memsz, 1)}`,
      );
    }
    if (paddr + memsz > 2n ** 64n || vaddr + memsz > 2n ** 64n) {
      throw new ImageError(`${at} wraps around the end of the address space`);
    }
    if (paddr + memsz > BigInt(GUEST_PHYS_LIMIT)) {
      throw new ImageError(`${at} is beyond hvkit's physical address space (2^53)`);
    }
    segments.push({
      paddr: Number(paddr),
      vaddr,
      bytes: file.subarray(Number(offset), Number(offset + filesz)),
      memsz: Number(memsz),
    });
  }
  if (segments.length === 0) throw new ImageError('ELF has no loadable segments');

  segments.sort((a, b) => a.paddr - b.paddr);
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1]!;
    const next = segments[i]!;
    if (prev.paddr + prev.memsz > next.paddr) {
      throw new ImageError(`segments at ${hex(prev.paddr)} and ${hex(next.paddr)} overlap`);
    }
  }
  return segments;
}

/** Reads the symbol table (SHT_SYMTAB and its linked string table), if the file has one. */
function readSymbols(file: Uint8Array, view: DataView): ReadonlyMap<string, ElfSymbol> {
  const symbols = new Map<string, ElfSymbol>();
  const shoff = view.getBigUint64(E_SHOFF, true);
  const shnum = view.getUint16(E_SHNUM, true);
  // No section headers (or > 0xff00 of them, counted in section 0): a stripped image, no symbols.
  if (shoff === 0n || shnum === 0) return symbols;
  const shentsize = view.getUint16(E_SHENTSIZE, true);
  if (shentsize !== ELF64_SHDR_SIZE) {
    throw new ImageError(`ELF section header size is ${shentsize}, expected ${ELF64_SHDR_SIZE}`);
  }
  const size = BigInt(file.length);
  if (shoff + BigInt(shnum * ELF64_SHDR_SIZE) > size) {
    throw new ImageError('ELF section headers lie outside the file');
  }
  const section = (index: number) => {
    const sh = Number(shoff) + index * ELF64_SHDR_SIZE;
    return {
      type: view.getUint32(sh + 4, true),
      offset: view.getBigUint64(sh + 24, true),
      size: view.getBigUint64(sh + 32, true),
      link: view.getUint32(sh + 40, true),
      entsize: view.getBigUint64(sh + 56, true),
    };
  };

  for (let i = 0; i < shnum; i++) {
    const symtab = section(i);
    if (symtab.type !== SHT_SYMTAB) continue;
    if (symtab.entsize !== BigInt(ELF64_SYM_SIZE)) {
      throw new ImageError(`ELF symbol size is ${symtab.entsize}, expected ${ELF64_SYM_SIZE}`);
    }
    if (symtab.offset + symtab.size > size) throw new ImageError('ELF symbol table lies outside the file');
    if (symtab.link >= shnum || section(symtab.link).type !== SHT_STRTAB) {
      throw new ImageError('ELF symbol table has no string table');
    }
    const strtab = section(symtab.link);
    if (strtab.offset + strtab.size > size) throw new ImageError('ELF string table lies outside the file');
    const strings = file.subarray(Number(strtab.offset), Number(strtab.offset + strtab.size));
    const decoder = new TextDecoder();
    const globals = new Set<string>();
    const count = Number(symtab.size / BigInt(ELF64_SYM_SIZE));
    for (let s = 1; s < count; s++) {
      const sym = Number(symtab.offset) + s * ELF64_SYM_SIZE;
      const nameOffset = view.getUint32(sym, true);
      const bind = file[sym + 4]! >>> 4;
      const shndx = view.getUint16(sym + 6, true);
      if (nameOffset === 0 || shndx === SHN_UNDEF) continue;
      if (nameOffset >= strings.length)
        throw new ImageError(`ELF symbol ${s} has a name outside the string table`);
      const end = strings.indexOf(0, nameOffset);
      if (end < 0) throw new ImageError(`ELF symbol ${s} has an unterminated name`);
      const name = decoder.decode(strings.subarray(nameOffset, end));
      // Global and weak symbols win over locals of the same name; the first of each kind wins.
      if (symbols.has(name) && (bind === STB_LOCAL || globals.has(name))) continue;
      symbols.set(name, {
        name,
        value: view.getBigUint64(sym + 8, true),
        size: view.getBigUint64(sym + 16, true),
      });
      if (bind !== STB_LOCAL) globals.add(name);
    }
    break; // gABI: at most one SHT_SYMTAB per file
  }
  return symbols;
}
