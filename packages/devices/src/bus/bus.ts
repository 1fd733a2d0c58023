/*
 * The physical address space: RAM plus device windows at fixed bases.
 *
 * What a hostile guest can do: issue any address and size. Addresses outside RAM
 * and every window answer BUS_FAULT / false (the hart turns that into an access
 * fault); an access that starts inside RAM or a window but runs past its end
 * faults instead of touching the neighbour, so a guest cannot reach a device
 * register through RAM or vice versa. Lookup is a binary search over a sorted
 * array plus a one-entry cache: O(log n) at worst, no allocation, nothing the
 * guest can make slower.
 */
import {
  type AccessSize,
  BUS_FAULT,
  GUEST_PHYS_LIMIT,
  type GuestPhysAddr,
  hex,
  type MmioDevice,
  type PhysicalBus,
} from '@hvkit/interfaces';
import type { Ram } from '../ram/ram.js';

/** One device window as attached to the bus. */
export interface BusMapping {
  /** Guest-physical address of the window's first byte. */
  readonly base: number;
  /** Window length in bytes (the device's `size`). */
  readonly size: number;
  /** The device answering in the window. */
  readonly device: MmioDevice;
}

function range(name: string, base: number, size: number): string {
  return `${name} [${hex(base)}, ${hex(base + size)})`;
}

/** The board's physical bus: RAM straight through, device windows by offset; implements `PhysicalBus`. */
export class Bus implements PhysicalBus {
  /** The main RAM. */
  readonly ram: Ram;
  // Sorted by base; parallel arrays keep the lookup loop monomorphic and allocation-free.
  private readonly mappings: BusMapping[] = [];
  private bases: number[] = [];
  private ends: number[] = [];
  private devs: MmioDevice[] = [];
  private lastHit = -1;
  private readonly ramBase: number;
  private readonly ramSize: number;
  private readonly ramView: DataView;

  /** Creates a bus whose only occupant so far is `ram`. */
  constructor(ram: Ram) {
    this.ram = ram;
    this.ramBase = ram.base;
    this.ramSize = ram.size;
    this.ramView = ram.view;
  }

  /** Maps `device` at guest-physical `base`; throws if the window overlaps RAM or another device. */
  attach(base: number, device: MmioDevice): void {
    const size = device.size;
    if (!Number.isSafeInteger(base) || base < 0) {
      throw new RangeError(`${device.name}: base ${base} is not a guest-physical address`);
    }
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new RangeError(`${device.name}: window size ${size} must be a positive integer`);
    }
    if (base + size > GUEST_PHYS_LIMIT) {
      throw new RangeError(`${range(device.name, base, size)} ends past the guest-physical limit 2^53`);
    }
    const end = base + size;
    if (base < this.ramBase + this.ramSize && this.ramBase < end) {
      throw new Error(
        `${range(device.name, base, size)} overlaps ${range('ram', this.ramBase, this.ramSize)}`,
      );
    }
    for (const m of this.mappings) {
      if (base < m.base + m.size && m.base < end) {
        throw new Error(`${range(device.name, base, size)} overlaps ${range(m.device.name, m.base, m.size)}`);
      }
    }
    this.mappings.push({ base, size, device });
    this.mappings.sort((a, b) => a.base - b.base);
    this.bases = this.mappings.map((m) => m.base);
    this.ends = this.mappings.map((m) => m.base + m.size);
    this.devs = this.mappings.map((m) => m.device);
    this.lastHit = -1;
  }

  /** The attached device windows, sorted by base address. */
  devices(): readonly BusMapping[] {
    return this.mappings.slice();
  }

  /** The device window containing `addr`, or undefined (for debuggers and messages; RAM is not a device). */
  findDevice(addr: number): BusMapping | undefined {
    const i = this.lookup(addr);
    return i < 0 ? undefined : this.mappings[i];
  }

  /** Reads `size` bytes at `addr` (little-endian); BUS_FAULT when unmapped or straddling a window's end. */
  read(addr: GuestPhysAddr, size: AccessSize): number {
    const off = addr - this.ramBase;
    if (off >= 0 && off < this.ramSize) {
      if (off + size > this.ramSize) return BUS_FAULT;
      if (size === 4) return this.ramView.getUint32(off, true);
      if (size === 1) return this.ramView.getUint8(off);
      return this.ramView.getUint16(off, true);
    }
    const i = this.lookup(addr);
    if (i < 0 || addr + size > this.ends[i]!) return BUS_FAULT;
    return this.devs[i]!.read(addr - this.bases[i]!, size);
  }

  /** Writes the low `size` bytes of `value` at `addr`; false when unmapped or straddling a window's end. */
  write(addr: GuestPhysAddr, size: AccessSize, value: number): boolean {
    const off = addr - this.ramBase;
    if (off >= 0 && off < this.ramSize) {
      if (off + size > this.ramSize) return false;
      if (size === 4) this.ramView.setUint32(off, value, true);
      else if (size === 1) this.ramView.setUint8(off, value);
      else this.ramView.setUint16(off, value, true);
      return true;
    }
    const i = this.lookup(addr);
    if (i < 0 || addr + size > this.ends[i]!) return false;
    const masked = size === 4 ? value >>> 0 : size === 1 ? value & 0xff : value & 0xffff;
    this.devs[i]!.write(addr - this.bases[i]!, size, masked);
    return true;
  }

  /** Index of the window containing `addr`, or -1: last-hit cache first, then binary search. */
  private lookup(addr: number): number {
    const hit = this.lastHit;
    if (hit >= 0 && addr >= this.bases[hit]! && addr < this.ends[hit]!) return hit;
    const bases = this.bases;
    let lo = 0;
    let hi = bases.length - 1;
    // Find the last window whose base <= addr.
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (bases[mid]! <= addr) lo = mid + 1;
      else hi = mid - 1;
    }
    if (hi >= 0 && addr < this.ends[hi]!) {
      this.lastHit = hi;
      return hi;
    }
    return -1;
  }
}
