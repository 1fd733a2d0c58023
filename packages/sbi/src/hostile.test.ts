/*
 * A supervisor may put anything in a0-a7. Random register files against every EID:
 * the firmware must never throw, must always step pc, must write only a0/a1, and
 * must hand the platform only checked hart ids and safe-integer lengths (the fake
 * platform throws otherwise).
 */
import { describe, expect, it } from 'vitest';
import {
  SBI_ERR_ALREADY_AVAILABLE,
  SBI_ERR_FAILED,
  SBI_ERR_INVALID_ADDRESS,
  SBI_ERR_INVALID_PARAM,
  SBI_ERR_NOT_SUPPORTED,
  SBI_EXT_BASE,
  SBI_EXT_DBCN,
  SBI_EXT_HSM,
  SBI_EXT_IPI,
  SBI_EXT_RFENCE,
  SBI_EXT_SRST,
  SBI_EXT_TIME,
  SBI_SUCCESS,
} from './constants.js';
import { SbiCallCounter } from './events.js';
import type { HsmState } from './platform.js';
import { A0, A1, A6, A7, ECALL_PC, FakeHart, RAM_BASE, RAM_SIZE, setup } from './testing/fakes.js';

/** xorshift64*: deterministic, so a failure replays. */
function rng(seed: bigint): () => bigint {
  let s = seed;
  return () => {
    s ^= s >> 12n;
    s ^= (s << 25n) & 0xffff_ffff_ffff_ffffn;
    s ^= s >> 27n;
    return (s * 0x2545_f491_4f6c_dd1dn) & 0xffff_ffff_ffff_ffffn;
  };
}

const EIDS = [
  0n,
  1n,
  2n,
  3n,
  4n,
  5n,
  6n,
  7n,
  8n,
  9n,
  15n,
  BigInt(SBI_EXT_BASE),
  BigInt(SBI_EXT_TIME),
  BigInt(SBI_EXT_IPI),
  BigInt(SBI_EXT_RFENCE),
  BigInt(SBI_EXT_HSM),
  BigInt(SBI_EXT_SRST),
  BigInt(SBI_EXT_DBCN),
];
const STATES: HsmState[] = ['started', 'stopped', 'start-pending', 'stop-pending', 'suspended'];
const V2_ERRORS = new Set([
  SBI_SUCCESS,
  SBI_ERR_FAILED,
  SBI_ERR_NOT_SUPPORTED,
  SBI_ERR_INVALID_PARAM,
  SBI_ERR_INVALID_ADDRESS,
  SBI_ERR_ALREADY_AVAILABLE,
]);

describe('hostile register values', () => {
  it('never throw, always step pc and touch only a0/a1', () => {
    const next = rng(0x5eed_1234_abcd_ef01n);
    const interesting = [
      0n,
      1n,
      -1n,
      -2n,
      RAM_BASE,
      RAM_BASE + BigInt(RAM_SIZE) - 1n,
      1n << 53n,
      (1n << 53n) - 1n,
      1n << 63n,
      0x8000_0000n,
      0xffff_ffffn,
      3n,
      64n,
    ];
    const pick = (): bigint => {
      const r = next();
      if ((r & 3n) === 0n) return r;
      if ((r & 3n) === 1n) return r & 0xffn;
      return interesting[Number((r >> 8n) % BigInt(interesting.length))]!;
    };
    const counter = new SbiCallCounter();
    for (let iter = 0; iter < 5000; iter++) {
      const { fw, platform } = setup(3, iter % 5 === 0 ? [2] : [], { events: counter });
      platform.withSuspend();
      platform.input = [0x41, 0x42];
      for (let h = 1; h < 3; h++) platform.states[h] = STATES[Number(next() % 5n)]!;
      const hart = new FakeHart(0);
      for (let i = 1; i < 32; i++) hart.set(i, pick());
      const r = next();
      if ((r & 7n) !== 0n) hart.set(A7, EIDS[Number((r >> 3n) % BigInt(EIDS.length))]!);
      if ((r & 0x70n) !== 0n) hart.set(A6, (r >> 8n) % 8n);
      const eid = hart.get(A7);
      const before = { xl: hart.xl.slice(), xh: hart.xh.slice() };
      hart.pc = ECALL_PC;
      expect(fw.handleTrap(hart, 9)).toBe(true);
      expect(hart.pc).toBe(ECALL_PC + 4);
      const legacy = eid >= 0n && eid <= 15n;
      for (let i = 0; i < 33; i++) {
        if (i === A0 || (i === A1 && !legacy)) continue;
        if (hart.xl[i] !== before.xl[i] || hart.xh[i] !== before.xh[i]) {
          throw new Error(`iteration ${iter}: x${i} changed (eid ${eid})`);
        }
      }
      const a0 = Number(hart.get(A0));
      if (!legacy && !V2_ERRORS.has(a0)) throw new Error(`iteration ${iter}: a0 = ${a0} (eid ${eid})`);
    }
    // Every extension was reached, and not only through its error paths.
    for (const n of Object.values(counter.calls)) expect(n).toBeGreaterThan(100);
    expect(counter.total - counter.errors).toBeGreaterThan(1000);
  });
});
