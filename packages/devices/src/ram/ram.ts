/*
 * Guest RAM: one WebAssembly.Memory, so a later WebAssembly JIT tier and worker
 * threads can share the same bytes (DESIGN.md "Performance shape").
 *
 * What a hostile guest can do: read and write any byte of its own RAM, nothing
 * more. Bounds are the bus's job (an access straddling the end faults there);
 * the region never grows (maximum = initial), so the guest cannot make the host
 * allocate. A guest cannot pick the RAM size: the board does, and the constructor
 * refuses sizes that are zero, not page-multiples or larger than wasm32 allows.
 */
import { GUEST_PHYS_LIMIT, type GuestPhysAddr, guestPhysAddr, hex, type RamRegion } from '@hvkit/interfaces';

/** Granule of RAM sizes and bases: one 4 KiB page (Sv39/Sv48 base page). */
export const RAM_PAGE_SIZE = 0x1000;

/** Size of one WebAssembly memory page (64 KiB); RAM is rounded up to these. */
export const WASM_PAGE_SIZE = 0x1_0000;

/** Largest RAM a wasm32 memory can hold: 65536 pages of 64 KiB = 4 GiB. */
export const RAM_MAX_SIZE = 65536 * WASM_PAGE_SIZE;

/** Wasm pages added past the guest's RAM for host scratch (see `reserveScratch`): 16 harts' JIT state. */
const SCRATCH_PAGES = 1;

/** The part of `WebAssembly.Memory` RAM relies on (typed here because hvkit's lib settings omit the DOM/wasm typings). */
export interface WasmMemory {
  /** The bytes of the memory; stays valid because the memory never grows. */
  readonly buffer: ArrayBuffer;
}

interface WasmMemoryConstructor {
  new (descriptor: { initial: number; maximum: number; shared?: boolean }): WasmMemory;
}

const wasmMemory = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }).WebAssembly
  .Memory;

/** Guest RAM at [base, base + size), backed by a non-growing WebAssembly.Memory; implements `RamRegion`. */
export class Ram implements RamRegion {
  /** Guest-physical address of the first byte. */
  readonly base: GuestPhysAddr;
  /** Length in bytes (a multiple of 4 KiB). */
  readonly size: number;
  /** The backing memory, shareable with a wasm JIT tier (its buffer may be longer than `size`). */
  readonly memory: WasmMemory;
  /** The guest's bytes, exactly [base, base + size); index = address - base. */
  readonly bytes: Uint8Array;
  /** Little-endian view over `bytes` used by the bus for 2- and 4-byte accesses. */
  readonly view: DataView;
  /**
   * Host-only bytes after the guest's, in the same memory: harts keep state there that
   * WebAssembly code compiled by cpu-core's JIT tier reads (never guest-addressable).
   */
  private scratchNext: number;
  private readonly scratchEnd: number;

  /** Creates `size` bytes of zeroed RAM at guest-physical `base` (both multiples of 4 KiB). */
  constructor(base: number, size: number) {
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new RangeError(`RAM size must be a positive integer number of bytes, got ${size}`);
    }
    if (size % RAM_PAGE_SIZE !== 0) {
      throw new RangeError(`RAM size ${hex(size)} is not a multiple of 4 KiB (${hex(RAM_PAGE_SIZE)})`);
    }
    if (size > RAM_MAX_SIZE) {
      throw new RangeError(`RAM size ${hex(size)} is too big: a wasm32 memory holds at most 4 GiB`);
    }
    this.base = guestPhysAddr(base);
    if (base % RAM_PAGE_SIZE !== 0) {
      throw new RangeError(`RAM base ${hex(base)} is not 4 KiB aligned`);
    }
    if (base + size > GUEST_PHYS_LIMIT) {
      throw new RangeError(`RAM [${hex(base)}, ${hex(base + size)}) ends past the guest-physical limit 2^53`);
    }
    this.size = size;
    // One more wasm page for host scratch (hart state), when the 4 GiB limit leaves room.
    const pages = Math.min(Math.ceil(size / WASM_PAGE_SIZE) + SCRATCH_PAGES, RAM_MAX_SIZE / WASM_PAGE_SIZE);
    try {
      this.memory = new wasmMemory({ initial: pages, maximum: pages });
    } catch (cause) {
      throw new RangeError(`RAM size ${hex(size)}: the host could not allocate ${pages} wasm pages`, {
        cause,
      });
    }
    this.bytes = new Uint8Array(this.memory.buffer, 0, size);
    this.view = new DataView(this.memory.buffer, 0, size);
    this.scratchNext = size;
    this.scratchEnd = pages * WASM_PAGE_SIZE;
  }

  /** Reserves `bytes` (8-aligned) of host scratch past the guest's RAM; undefined when full. */
  reserveScratch(bytes: number): number | undefined {
    const at = Math.ceil(this.scratchNext / 8) * 8;
    if (at + bytes > this.scratchEnd) return undefined;
    this.scratchNext = at + bytes;
    return at;
  }

  /** Exclusive end address, base + size. */
  get end(): number {
    return this.base + this.size;
  }

  /** True when [addr, addr + len) lies entirely inside this RAM. */
  contains(addr: number, len = 1): boolean {
    const off = addr - this.base;
    return off >= 0 && off + len <= this.size;
  }
}
