declare const guestPhysBrand: unique symbol;

/**
 * A guest-physical address: what a hart puts on the bus after translation.
 * Held in a JS number; hvkit's physical address space is below 2^53, well past
 * the 56-bit physical addresses of Sv39/Sv48 boards that exist.
 */
export type GuestPhysAddr = number & { readonly [guestPhysBrand]: 'GuestPhysAddr' };

/** Largest guest-physical address hvkit can represent (exclusive). */
export const GUEST_PHYS_LIMIT = 2 ** 53;

/** Brands a number as a guest-physical address after checking it is a non-negative integer. */
export function guestPhysAddr(value: number): GuestPhysAddr {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`not a guest-physical address: ${value}`);
  }
  return value as GuestPhysAddr;
}

/** Formats an address as 0x-prefixed hex, for messages. */
export function hex(value: number | bigint, digits = 8): string {
  return `0x${value.toString(16).padStart(digits, '0')}`;
}
