// Test-only helpers: a fake physical bus over a Uint8Array and a page-table builder.
// Not exported from index.ts.
import {
  AccessType,
  BUS_FAULT,
  type GuestPhysAddr,
  type PhysicalBus,
  Privilege,
  type RamRegion,
} from '@hvkit/interfaces';
import { Mmu, type MmuOptions } from './mmu.js';
import { PTE_V } from './walk.js';

export const RAM_BASE = 0x8000_0000;
export const RAM_SIZE = 4 << 20;
/** A 4 KiB device window that answers reads and writes (like ROM or scratch MMIO). */
export const DEV_BASE = 0x1000_0000;
export const DEV_SIZE = 0x1000;

export const { Fetch, Load, Store } = AccessType;
export const { User: U, Supervisor: S, Machine: M } = Privilege;

/** A PhysicalBus with RAM at RAM_BASE, one scratch device at DEV_BASE and nothing elsewhere. */
export class TestBus implements PhysicalBus {
  readonly ram: RamRegion;
  readonly dev = new Uint8Array(DEV_SIZE);
  /** Device accesses seen, for asserting the slow path was used. */
  devReads = 0;
  devWrites = 0;

  constructor() {
    this.ram = { base: RAM_BASE as GuestPhysAddr, size: RAM_SIZE, bytes: new Uint8Array(RAM_SIZE) };
  }

  read(addr: GuestPhysAddr, size: 1 | 2 | 4): number {
    const off = addr - DEV_BASE;
    if (off < 0 || off + size > DEV_SIZE) return BUS_FAULT;
    this.devReads++;
    let v = 0;
    for (let k = size - 1; k >= 0; k--) v = v * 256 + this.dev[off + k]!;
    return v;
  }

  write(addr: GuestPhysAddr, size: 1 | 2 | 4, value: number): boolean {
    const off = addr - DEV_BASE;
    if (off < 0 || off + size > DEV_SIZE) return false;
    this.devWrites++;
    for (let k = 0; k < size; k++) this.dev[off + k] = (value >>> (8 * k)) & 0xff;
    return true;
  }

  /** Bytes backing `pa` (RAM or the device) and the offset into them. */
  private locate(pa: number): [Uint8Array, number] {
    if (pa >= RAM_BASE && pa + 8 <= RAM_BASE + RAM_SIZE) return [this.ram.bytes, pa - RAM_BASE];
    if (pa >= DEV_BASE && pa + 8 <= DEV_BASE + DEV_SIZE) return [this.dev, pa - DEV_BASE];
    throw new RangeError(`test bus: nothing at 0x${pa.toString(16)}`);
  }

  write64(pa: number, value: bigint): void {
    const [bytes, off] = this.locate(pa);
    new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(off, BigInt.asUintN(64, value), true);
  }

  read64(pa: number): bigint {
    const [bytes, off] = this.locate(pa);
    return new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(off, true);
  }
}

/** satp for `mode`, `asid`, root table at `rootPa`, as the [lo, hi] halves `configure` takes. */
export function satp(mode: number, asid: number, rootPa: number): [number, number] {
  const v = (BigInt(mode) << 60n) | (BigInt(asid) << 44n) | BigInt(rootPa / 4096);
  return [Number(v & 0xffff_ffffn) | 0, Number(v >> 32n) | 0];
}

/** A PTE pointing at `pa` with flag bits `flags` (V not implied). */
export function pte(pa: number, flags: number): bigint {
  return (BigInt(pa / 4096) << 10n) | BigInt(flags);
}

/**
 * Builds Sv39/Sv48 tables in the test bus: page-table pages come from a bump allocator
 * in RAM starting at `RAM_BASE + 1 MiB`.
 */
export class PageTables {
  readonly root: number;
  private next: number;

  constructor(
    readonly bus: TestBus,
    readonly levels: 3 | 4,
    firstTable = RAM_BASE + (1 << 20),
  ) {
    this.next = firstTable;
    this.root = this.alloc();
  }

  /** A zeroed 4 KiB table page. */
  alloc(): number {
    const pa = this.next;
    this.next += 4096;
    this.bus.ram.bytes.fill(0, pa - RAM_BASE, pa - RAM_BASE + 4096);
    return pa;
  }

  /** Physical address of the PTE for `va` at `level`, creating tables above it. */
  slot(va: number, level: number): number {
    const v = BigInt.asUintN(64, BigInt(va));
    let table = this.root;
    for (let i = this.levels - 1; ; i--) {
      const index = Number((v >> BigInt(12 + 9 * i)) & 0x1ffn);
      const addr = table + index * 8;
      if (i === level) return addr;
      const cur = this.bus.read64(addr);
      if ((cur & 1n) === 0n) {
        const next = this.alloc();
        this.bus.write64(addr, pte(next, PTE_V));
        table = next;
      } else {
        table = Number((cur >> 10n) & ((1n << 44n) - 1n)) * 4096;
      }
    }
  }

  /** Maps `va` to `pa` with a leaf at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB, 3: 512 GiB). */
  map(va: number, pa: number, flags: number, level = 0): number {
    const addr = this.slot(va, level);
    this.bus.write64(addr, pte(pa, flags));
    return addr;
  }
}

/** An Mmu over a fresh TestBus with PMP entry 0 = NAPOT all memory RWX (as OpenSBI sets before S-mode). */
export function setup(options: MmuOptions = {}): { bus: TestBus; mmu: Mmu } {
  const bus = new TestBus();
  const mmu = new Mmu(bus, options);
  openPmp(mmu);
  return { bus, mmu };
}

/** pmpaddr0 = all ones, pmp0cfg = NAPOT | R | W | X. */
export function openPmp(mmu: Mmu): void {
  mmu.writePmpaddr(0, -1, -1);
  mmu.writePmpcfg(0, 0x1f, 0);
}
