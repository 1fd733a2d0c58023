/*
 * The VS-stage translation of one guest-virtual address, walked in software over the
 * guest's RAM: the hypervisor needs it to read the trapping instruction when the hart
 * left htinst at 0. Page-table entries hold guest-physical addresses; one outside the
 * guest's RAM ends the walk (the hart would have taken a guest-page fault on it).
 */

/** vsatp.MODE values (priv spec "Supervisor Address Translation and Protection Register"). */
const SATP_BARE = 0n;
const SATP_SV39 = 8n;
const SATP_SV48 = 9n;

/** Reads a 64-bit little-endian word at a guest-physical address, or undefined outside guest RAM. */
export type GuestReader = (gpa: bigint) => bigint | undefined;

/** The guest-physical address of guest-virtual `va` under `vsatp`, or undefined when it is not mapped. */
export function translateVs(vsatp: bigint, va: bigint, read: GuestReader): bigint | undefined {
  const mode = vsatp >> 60n;
  va = BigInt.asUintN(64, va);
  if (mode === SATP_BARE) return va;
  const levels = mode === SATP_SV39 ? 3 : mode === SATP_SV48 ? 4 : 0;
  if (levels === 0) return undefined;
  // The bits above the top VPN must copy its highest bit.
  const vaBits = BigInt(12 + 9 * levels);
  if (BigInt.asUintN(64, BigInt.asIntN(Number(vaBits), va)) !== va) return undefined;
  let table = (vsatp & ((1n << 44n) - 1n)) << 12n;
  for (let level = levels - 1; level >= 0; level--) {
    const vpn = (va >> BigInt(12 + 9 * level)) & 0x1ffn;
    const pte = read(table + vpn * 8n);
    if (pte === undefined || (pte & 1n) === 0n) return undefined;
    const ppn = (pte >> 10n) & ((1n << 44n) - 1n);
    if ((pte & 0xan) !== 0n || (pte & 2n) !== 0n) {
      // A leaf: the low VPNs of the address pass through (superpages).
      const span = BigInt(12 + 9 * level);
      const mask = (1n << span) - 1n;
      return ((ppn << 12n) & ~mask) | (va & mask);
    }
    table = ppn << 12n;
  }
  return undefined;
}
