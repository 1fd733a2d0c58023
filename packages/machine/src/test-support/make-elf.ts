// Test helper: builds small ELF64 files byte by byte, with knobs to break every field
// the loader checks. Not exported from the package.

/** One program header to write. Overrides let a test lie about offsets and sizes. */
export interface SegmentSpec {
  readonly type?: number;
  readonly paddr: bigint;
  readonly vaddr?: bigint;
  readonly data: Uint8Array;
  readonly memsz?: bigint;
  readonly offset?: bigint;
  readonly filesz?: bigint;
}

/** One symbol to write into .symtab. */
export interface SymbolSpec {
  readonly name: string;
  readonly value: bigint;
  readonly size?: bigint;
  /** STB_* binding; defaults to global (1). */
  readonly bind?: number;
  /** Section index; defaults to 1 (defined), 0 means undefined. */
  readonly shndx?: number;
}

/** What to put in the ELF file; every field has a valid RISC-V default. */
export interface ElfSpec {
  readonly elfClass?: number;
  readonly data?: number;
  readonly version?: number;
  readonly machine?: number;
  readonly type?: number;
  readonly entry?: bigint;
  readonly segments?: readonly SegmentSpec[];
  readonly symbols?: readonly SymbolSpec[];
  readonly phentsize?: number;
  readonly phoff?: bigint;
  readonly phnum?: number;
  readonly shentsize?: number;
  readonly symentsize?: bigint;
  /** Moves the section headers past the end of the file. */
  readonly shoffPastEnd?: boolean;
}

const EHDR = 64;
const PHDR = 56;
const SHDR = 64;
const SYM = 24;

/** Builds an ELF64 file from `spec`. */
export function makeElf(spec: ElfSpec = {}): Uint8Array {
  const segments = spec.segments ?? [{ paddr: 0x8000_0000n, data: new Uint8Array([0x73, 0x00, 0x50, 0x10]) }];
  const symbols = spec.symbols ?? [];

  // Layout: header, program headers, segment data, .strtab, .symtab, section headers.
  let at = EHDR + segments.length * PHDR;
  const dataOffsets = segments.map((s) => {
    const here = at;
    at += s.data.length;
    return here;
  });
  const names: number[] = [0];
  const nameOffsets = symbols.map((s) => {
    const here = names.length;
    for (const c of new TextEncoder().encode(s.name)) names.push(c);
    names.push(0);
    return here;
  });
  const strtabOffset = at;
  at += names.length;
  at = (at + 7) & ~7;
  const symtabOffset = at;
  at += (symbols.length + 1) * SYM;
  const shoff = symbols.length > 0 ? at : 0;
  if (symbols.length > 0) at += 3 * SHDR;

  const file = new Uint8Array(at);
  const view = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, spec.elfClass ?? 2, spec.data ?? 1, spec.version ?? 1]);
  view.setUint16(16, spec.type ?? 2, true);
  view.setUint16(18, spec.machine ?? 243, true);
  view.setUint32(20, spec.version ?? 1, true);
  view.setBigUint64(24, spec.entry ?? segments[0]?.vaddr ?? segments[0]?.paddr ?? 0n, true);
  view.setBigUint64(32, spec.phoff ?? BigInt(EHDR), true);
  view.setBigUint64(40, spec.shoffPastEnd === true ? BigInt(at) : BigInt(shoff), true);
  view.setUint16(52, EHDR, true);
  view.setUint16(54, spec.phentsize ?? PHDR, true);
  view.setUint16(56, spec.phnum ?? segments.length, true);
  view.setUint16(58, spec.shentsize ?? SHDR, true);
  view.setUint16(60, symbols.length > 0 ? 3 : 0, true);

  segments.forEach((s, i) => {
    const ph = EHDR + i * PHDR;
    const offset = dataOffsets[i]!;
    view.setUint32(ph, s.type ?? 1, true);
    view.setUint32(ph + 4, 5, true); // PF_R | PF_X
    view.setBigUint64(ph + 8, s.offset ?? BigInt(offset), true);
    view.setBigUint64(ph + 16, s.vaddr ?? s.paddr, true);
    view.setBigUint64(ph + 24, s.paddr, true);
    view.setBigUint64(ph + 32, s.filesz ?? BigInt(s.data.length), true);
    view.setBigUint64(ph + 40, s.memsz ?? BigInt(s.data.length), true);
    view.setBigUint64(ph + 48, 0x1000n, true);
    file.set(s.data, offset);
  });

  if (symbols.length > 0) {
    file.set(names, strtabOffset);
    symbols.forEach((s, i) => {
      const sym = symtabOffset + (i + 1) * SYM;
      view.setUint32(sym, nameOffsets[i]!, true);
      file[sym + 4] = ((s.bind ?? 1) << 4) | 1; // STT_OBJECT
      view.setUint16(sym + 6, s.shndx ?? 1, true);
      view.setBigUint64(sym + 8, s.value, true);
      view.setBigUint64(sym + 16, s.size ?? 8n, true);
    });
    // Section 0 is the null section; 1 = .symtab (link 2), 2 = .strtab.
    const symtab = shoff + SHDR;
    view.setUint32(symtab + 4, 2, true);
    view.setBigUint64(symtab + 24, BigInt(symtabOffset), true);
    view.setBigUint64(symtab + 32, BigInt((symbols.length + 1) * SYM), true);
    view.setUint32(symtab + 40, 2, true);
    view.setBigUint64(symtab + 56, spec.symentsize ?? BigInt(SYM), true);
    const strtab = shoff + 2 * SHDR;
    view.setUint32(strtab + 4, 3, true);
    view.setBigUint64(strtab + 24, BigInt(strtabOffset), true);
    view.setBigUint64(strtab + 32, BigInt(names.length), true);
  }
  return file;
}
