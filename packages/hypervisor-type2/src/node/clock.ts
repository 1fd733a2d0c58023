import type { HostClock } from '../host-os.js';

/** The Node host clock: `performance.now()` (monotonic) and `Date.now()` (wall, ms resolution). */
export const nodeClock: HostClock = {
  monotonicMs: () => performance.now(),
  wallNs: () => BigInt(Date.now()) * 1_000_000n,
};
