/*
 * G-stage page tables (priv spec "Two-Stage Address Translation", Sv39x4), written
 * into the physical RAM the hypervisor keeps for itself. A guest-physical address
 * has 41 bits: VPN[2] = gpa[40:30] indexes the 16 KiB root (2048 entries), VPN[1]
 * and VPN[0] the 4 KiB tables below it. Leaves carry U = 1 (every G-stage access
 * counts as a U-mode access) and A = D = 1, so the walker never has to set them.
 * Whatever is not mapped faults to the hypervisor: that is how guests are kept apart.
 */
import { hex } from '@hvkit/interfaces';

/** hgatp.MODE of Sv39x4. */
export const HGATP_MODE_SV39X4 = 8n;
/** Bytes of guest-physical address space Sv39x4 covers (2^41). */
export const SV39X4_LIMIT = 2 ** 41;
const PAGE = 4096;
/** The Sv39x4 root is four pages, 16 KiB aligned. */
export const ROOT_SIZE = 4 * PAGE;
const MEGA = 2 * 1024 * 1024;
const GIGA = 1024 * 1024 * 1024;
const TWO32 = 0x1_0000_0000;

/** PTE bits (priv spec, "Sv39: Page-Based 39-bit Virtual-Memory System"). */
export const PTE = { V: 1, R: 2, W: 4, X: 8, U: 16, G: 32, A: 64, D: 128 } as const;
/** Read, write and execute: guest RAM. */
export const PERM_RWX = PTE.R | PTE.W | PTE.X;
/** Read and write: a passed-through device window. */
export const PERM_RW = PTE.R | PTE.W;

/** Physical memory the tables are written into (the board's RAM). */
export interface TableMemory {
  readonly base: number;
  readonly bytes: Uint8Array;
}

/** Hands out zeroed, aligned pages from a range of the hypervisor's reservation. */
export class PageAllocator {
  private next: number;
  constructor(
    private readonly memory: TableMemory,
    start: number,
    private readonly end: number,
  ) {
    this.next = start;
  }

  /** `size` bytes at a multiple of `align`, zeroed; throws when the range is used up. */
  alloc(size: number, align: number): number {
    const at = Math.ceil(this.next / align) * align;
    if (at + size > this.end) {
      throw new Error(
        `hypervisor memory for page tables is used up (${hex(at)} + ${size} > ${hex(this.end)})`,
      );
    }
    this.next = at + size;
    this.memory.bytes.fill(0, at - this.memory.base, at + size - this.memory.base);
    return at;
  }

  /** First byte not handed out yet. */
  get used(): number {
    return this.next;
  }
}

/** The result of a software walk. */
export interface GStageMapping {
  readonly hpa: number;
  /** R/W/X bits of the leaf. */
  readonly perms: number;
  /** Size of the page that maps it. */
  readonly pageSize: number;
}

/** One guest's G-stage address space. */
export class GStageTables {
  /** Host-physical address of the 16 KiB root. */
  readonly root: number;
  private readonly view: DataView;

  constructor(
    private readonly memory: TableMemory,
    private readonly pages: PageAllocator,
  ) {
    this.view = new DataView(memory.bytes.buffer, memory.bytes.byteOffset, memory.bytes.byteLength);
    this.root = pages.alloc(ROOT_SIZE, ROOT_SIZE);
  }

  /** hgatp for these tables: MODE Sv39x4, `vmid`, PPN of the root. */
  hgatp(vmid: number): bigint {
    return (HGATP_MODE_SV39X4 << 60n) | (BigInt(vmid & 0x3fff) << 44n) | BigInt(this.root / PAGE);
  }

  /**
   * Maps guest-physical [gpa, gpa + size) to host-physical [hpa, ...) with `perms`
   * (R/W/X), using 1 GiB and 2 MiB pages where both sides are aligned. All three
   * numbers must be multiples of 4 KiB; a page already mapped is an error.
   */
  map(gpa: number, hpa: number, size: number, perms: number): void {
    if (gpa % PAGE !== 0 || hpa % PAGE !== 0 || size % PAGE !== 0 || size <= 0) {
      throw new RangeError(`G-stage map ${hex(gpa)} -> ${hex(hpa)} + ${size}: not whole 4 KiB pages`);
    }
    if (gpa + size > SV39X4_LIMIT)
      throw new RangeError(`G-stage map: ${hex(gpa + size)} is past Sv39x4's 2^41`);
    if ((perms & ~PERM_RWX) !== 0 || (perms & PTE.R) === 0)
      throw new RangeError(`G-stage map: bad permissions ${perms}`);
    let done = 0;
    while (done < size) {
      const g = gpa + done;
      const h = hpa + done;
      const left = size - done;
      const level =
        g % GIGA === 0 && h % GIGA === 0 && left >= GIGA
          ? 2
          : g % MEGA === 0 && h % MEGA === 0 && left >= MEGA
            ? 1
            : 0;
      this.setLeaf(g, h, level, perms);
      done += level === 2 ? GIGA : level === 1 ? MEGA : PAGE;
    }
  }

  /** Walks the tables as the hardware would; undefined when `gpa` is not mapped. */
  translate(gpa: number): GStageMapping | undefined {
    if (gpa < 0 || gpa >= SV39X4_LIMIT) return undefined;
    let table = this.root;
    for (let level = 2; level >= 0; level--) {
      const pte = this.readPte(table + this.index(gpa, level) * 8);
      if ((pte.lo & PTE.V) === 0) return undefined;
      const ppnAddr = this.pteAddress(pte);
      if ((pte.lo & PERM_RWX) !== 0) {
        const pageSize = level === 2 ? GIGA : level === 1 ? MEGA : PAGE;
        return { hpa: ppnAddr + (gpa % pageSize), perms: pte.lo & PERM_RWX, pageSize };
      }
      table = ppnAddr;
    }
    return undefined;
  }

  /** VPN[level] of `gpa`: 11 bits at the root, 9 below. */
  private index(gpa: number, level: number): number {
    if (level === 2) return Math.floor(gpa / GIGA) & 0x7ff;
    if (level === 1) return Math.floor(gpa / MEGA) & 0x1ff;
    return Math.floor(gpa / PAGE) & 0x1ff;
  }

  private setLeaf(gpa: number, hpa: number, level: number, perms: number): void {
    let table = this.root;
    for (let l = 2; l > level; l--) {
      const at = table + this.index(gpa, l) * 8;
      const pte = this.readPte(at);
      if ((pte.lo & PTE.V) === 0) {
        const next = this.pages.alloc(PAGE, PAGE);
        this.writePte(at, next, PTE.V);
        table = next;
      } else if ((pte.lo & PERM_RWX) !== 0) {
        throw new RangeError(`G-stage map: ${hex(gpa)} is already mapped`);
      } else {
        table = this.pteAddress(pte);
      }
    }
    const at = table + this.index(gpa, level) * 8;
    if ((this.readPte(at).lo & PTE.V) !== 0)
      throw new RangeError(`G-stage map: ${hex(gpa)} is already mapped`);
    this.writePte(at, hpa, PTE.V | perms | PTE.U | PTE.A | PTE.D);
  }

  private offset(hpa: number): number {
    const off = hpa - this.memory.base;
    if (off < 0 || off + 8 > this.memory.bytes.length)
      throw new RangeError(`page table at ${hex(hpa)} is outside RAM`);
    return off;
  }

  private readPte(hpa: number): { lo: number; hi: number } {
    const off = this.offset(hpa);
    return { lo: this.view.getUint32(off, true), hi: this.view.getUint32(off + 4, true) };
  }

  /** PPN (bits 53:10) of a PTE as a byte address. */
  private pteAddress(pte: { lo: number; hi: number }): number {
    const ppn = Math.floor(pte.lo / 1024) + (pte.hi & 0x3f_ffff) * (TWO32 / 1024);
    return ppn * PAGE;
  }

  private writePte(hpa: number, target: number, flags: number): void {
    const off = this.offset(hpa);
    const ppn = target / PAGE;
    // PTE = ppn << 10 | flags, split into 32-bit halves.
    const lo = ((ppn % (TWO32 / 1024)) * 1024 + flags) >>> 0;
    const hi = Math.floor(ppn / (TWO32 / 1024));
    this.view.setUint32(off, lo, true);
    this.view.setUint32(off + 4, hi, true);
  }
}
