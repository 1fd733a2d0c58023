import type { GuestPhysAddr } from './address.js';

/** Width in bytes of one device register access. Eight-byte accesses are split in two by the bus. */
export type AccessSize = 1 | 2 | 4;

/**
 * A memory-mapped device as the bus sees it (STYLE.md 1): offsets are relative
 * to the device's own window, so the device does not care where it is mapped.
 * Values are unsigned and at most 32 bits wide.
 */
export interface MmioDevice {
  /** Short name used in bus error messages, e.g. `uart0`. */
  readonly name: string;
  /** Length of the register window in bytes. */
  readonly size: number;
  /** Reads `size` bytes at `offset`; returns the unsigned value (reads of holes return 0). */
  read(offset: number, size: AccessSize): number;
  /** Writes the low `size` bytes of `value` at `offset`. */
  write(offset: number, size: AccessSize, value: number): void;
}

/** The value `PhysicalBus.read` returns for an access that hits no RAM and no device. */
export const BUS_FAULT = -1;

/**
 * A region of guest RAM that harts may access directly (the fast path of DESIGN.md):
 * `bytes` covers [base, base + size) and is little-endian like RISC-V.
 */
export interface RamRegion {
  readonly base: GuestPhysAddr;
  readonly size: number;
  readonly bytes: Uint8Array;
}

/**
 * The physical address space as a hart or an MMU reaches it: RAM straight through
 * `ram`, everything else through `read`/`write`.
 */
export interface PhysicalBus {
  /** The main RAM, for direct access by harts and page walkers. */
  readonly ram: RamRegion;
  /** Reads `size` bytes at `addr`; returns the unsigned value, or `BUS_FAULT` when nothing answers there. */
  read(addr: GuestPhysAddr, size: AccessSize): number;
  /** Writes `size` bytes at `addr`; returns false when nothing answers there (an access fault). */
  write(addr: GuestPhysAddr, size: AccessSize, value: number): boolean;
}
