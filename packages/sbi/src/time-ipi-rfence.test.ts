import { describe, expect, it } from 'vitest';
import { SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_TIME, SBI_RFENCE_SIZE_ALL } from './constants.js';
import { ecall, FakeHart, setup } from './testing/fakes.js';

const ALL = -1n; // hart_mask_base = -1: every available hart
const U64_MAX = 0xffff_ffff_ffff_ffffn;

describe('TIME', () => {
  it('set_timer hands the absolute 64-bit deadline to the platform for the calling hart', () => {
    const { fw, platform } = setup();
    const hart = new FakeHart(2);
    expect(ecall(fw, hart, SBI_EXT_TIME, 0, 0x1234_5678_9abcn)).toEqual({ a0: 0n, a1: 0n });
    expect(platform.actions).toEqual([['setTimer', 2, 0x1234_5678_9abcn]]);
  });

  it('passes (uint64_t)-1, "never", as an unsigned value', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, SBI_EXT_TIME, 0, -1n).a0).toBe(0n);
    expect(platform.callsOf('setTimer')).toEqual([[0, U64_MAX]]);
  });

  it('answers other FIDs with SBI_ERR_NOT_SUPPORTED', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, SBI_EXT_TIME, 1, 5n)).toEqual({ a0: -2n, a1: 0n });
    expect(platform.actions).toEqual([]);
  });
});

describe('IPI send_ipi and the hart mask', () => {
  const send = (mask: bigint, base: bigint, hartCount = 4, missing: number[] = []) => {
    const { fw, hart, platform } = setup(hartCount, missing);
    return { platform, result: ecall(fw, hart, SBI_EXT_IPI, 0, mask, base) };
  };
  const sent = (mask: bigint, base: bigint, hartCount = 4) =>
    send(mask, base, hartCount).platform.callsOf('sendIpi');

  it('sends to each hart base + i for set bit i', () => {
    expect(send(0b101n, 0n).result).toEqual({ a0: 0n, a1: 0n });
    expect(sent(0b101n, 0n)).toEqual([[0], [2]]);
    expect(sent(0b11n, 2n)).toEqual([[2], [3]]);
    expect(sent(0b1n, 3n)).toEqual([[3]]);
  });

  it('treats hart_mask_base = -1 as every available hart, ignoring hart_mask', () => {
    expect(sent(0xdead_beefn, ALL)).toEqual([[0], [1], [2], [3]]);
    expect(sent(0n, ALL)).toEqual([[0], [1], [2], [3]]);
  });

  it('skips stopped and missing harts when sending to all', () => {
    const { fw, hart, platform } = setup(4, [1]);
    platform.states[3] = 'stopped';
    expect(ecall(fw, hart, SBI_EXT_IPI, 0, 0n, ALL).a0).toBe(0n);
    expect(platform.callsOf('sendIpi')).toEqual([[0], [2]]);
  });

  it('does nothing, successfully, for an empty mask whatever the base', () => {
    expect(send(0n, 0n).result.a0).toBe(0n);
    expect(send(0n, 1000n).platform.actions).toEqual([]);
    expect(send(0n, 1000n).result.a0).toBe(0n);
  });

  it('does not require base to be a hart unless bit 0 is set', () => {
    // Base 5 with hartCount 8: bit 0 is hart 5, bit 2 is hart 7.
    expect(sent(0b100n, 5n, 8)).toEqual([[7]]);
  });

  it('refuses a hart id past the last hart with SBI_ERR_INVALID_PARAM and sends nothing', () => {
    expect(send(0b1n, 4n).result).toEqual({ a0: -3n, a1: 0n });
    const r = send(0b1001n, 1n); // harts 1 and 4: 4 does not exist
    expect(r.result.a0).toBe(-3n);
    expect(r.platform.callsOf('sendIpi')).toEqual([]);
  });

  it('refuses a missing hart id', () => {
    const r = send(0b110n, 0n, 4, [2]);
    expect(r.result.a0).toBe(-3n);
    expect(r.platform.callsOf('sendIpi')).toEqual([]);
  });

  it('refuses a stopped or pending hart but accepts a suspended one', () => {
    const { fw, hart, platform } = setup();
    platform.states[1] = 'stopped';
    platform.states[2] = 'start-pending';
    platform.states[3] = 'suspended';
    expect(ecall(fw, hart, SBI_EXT_IPI, 0, 0b10n, 0n).a0).toBe(-3n);
    expect(ecall(fw, hart, SBI_EXT_IPI, 0, 0b100n, 0n).a0).toBe(-3n);
    expect(ecall(fw, hart, SBI_EXT_IPI, 0, 0b1000n, 0n).a0).toBe(0n);
    expect(platform.callsOf('sendIpi')).toEqual([[3]]);
  });

  it('does not let base + i wrap around 2^64 or mistake 2^64 - 2 for "all"', () => {
    expect(send(0b1n, U64_MAX - 1n).result.a0).toBe(-3n);
    expect(send(0b10n, U64_MAX - 1n).result.a0).toBe(-3n); // base + 1 = 2^64 - 1, not -1
    expect(send(0b100n, U64_MAX - 1n).result.a0).toBe(-3n); // would wrap to hart 0
    expect(send(1n << 63n, 0n).result.a0).toBe(-3n);
  });

  it('reaches harts 32-63 through the high half of the mask and bases past 63', () => {
    expect(sent(1n << 63n, 0n, 70)).toEqual([[63]]);
    expect(sent((1n << 40n) | 1n, 0n, 70)).toEqual([[0], [40]]);
    expect(sent(0b100000n, 64n, 70)).toEqual([[69]]);
    expect(send(1n << 63n, 7n, 70).result.a0).toBe(-3n); // hart 70
  });

  it('answers other FIDs with SBI_ERR_NOT_SUPPORTED', () => {
    const r = send(0n, 0n);
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, SBI_EXT_IPI, 1, 1n, 0n)).toEqual({ a0: -2n, a1: 0n });
    expect(platform.actions).toEqual(r.platform.actions);
  });
});

describe('RFENCE', () => {
  it('remote_fence_i fences each hart of the mask', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, SBI_EXT_RFENCE, 0, 0b11n, 0n)).toEqual({ a0: 0n, a1: 0n });
    expect(ecall(fw, hart, SBI_EXT_RFENCE, 0, 0n, ALL).a0).toBe(0n);
    expect(platform.actions).toEqual([
      ['remoteFenceI', 0],
      ['remoteFenceI', 1],
      ['remoteFenceI', 0],
      ['remoteFenceI', 1],
      ['remoteFenceI', 2],
      ['remoteFenceI', 3],
    ]);
  });

  it('remote_fence_i refuses a bad mask and fences nothing', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, SBI_EXT_RFENCE, 0, 0b1_0001n, 0n).a0).toBe(-3n);
    expect(platform.actions).toEqual([]);
  });

  it('remote_sfence_vma passes the range without an ASID', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, SBI_EXT_RFENCE, 1, 0b1n, 1n, 0x4000_0000n, 0x2000n)).toEqual({ a0: 0n, a1: 0n });
    expect(platform.actions).toEqual([['remoteSfenceVma', 1, 0x4000_0000n, 0x2000n]]);
  });

  it('normalizes both spellings of "everything" to start 0, size 2^64 - 1', () => {
    const { fw, hart, platform } = setup();
    expect(SBI_RFENCE_SIZE_ALL).toBe(U64_MAX);
    ecall(fw, hart, SBI_EXT_RFENCE, 1, 0b1n, 0n, 0n, 0n);
    ecall(fw, hart, SBI_EXT_RFENCE, 1, 0b1n, 0n, 0x1000n, -1n);
    expect(platform.actions).toEqual([
      ['remoteSfenceVma', 0, 0n, U64_MAX],
      ['remoteSfenceVma', 0, 0n, U64_MAX],
    ]);
  });

  it('accepts a range ending exactly at 2^64 and refuses one past it with SBI_ERR_INVALID_ADDRESS', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, SBI_EXT_RFENCE, 1, 0b1n, 0n, 0xffff_ffff_ffff_f000n, 0x1000n).a0).toBe(0n);
    expect(ecall(fw, hart, SBI_EXT_RFENCE, 1, 0b1n, 0n, 0xffff_ffff_ffff_f000n, 0x2000n).a0).toBe(-5n);
    expect(platform.actions).toEqual([['remoteSfenceVma', 0, 0xffff_ffff_ffff_f000n, 0x1000n]]);
  });

  it('remote_sfence_vma_asid passes the ASID and refuses one wider than 16 bits', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, SBI_EXT_RFENCE, 2, 0b1100n, 0n, 0x1000n, 0x1000n, 0xffffn).a0).toBe(0n);
    expect(ecall(fw, hart, SBI_EXT_RFENCE, 2, 0b1n, 0n, 0n, 0n, 0x1_0000n)).toEqual({ a0: -3n, a1: 0n });
    expect(platform.actions).toEqual([
      ['remoteSfenceVma', 2, 0x1000n, 0x1000n, 0xffff],
      ['remoteSfenceVma', 3, 0x1000n, 0x1000n, 0xffff],
    ]);
  });

  it('checks the hart mask first, then the range, then the ASID', () => {
    const { fw, hart } = setup();
    const badRange = [0xffff_ffff_ffff_f000n, 0x2000n] as const;
    expect(ecall(fw, hart, SBI_EXT_RFENCE, 2, 0b1n, 9n, ...badRange, 1n << 20n).a0).toBe(-3n);
    expect(ecall(fw, hart, SBI_EXT_RFENCE, 2, 0b1n, 0n, ...badRange, 1n << 20n).a0).toBe(-5n);
  });

  it.each([3, 4, 5, 6, 7])('answers FID %i (HFENCE, unknown) with SBI_ERR_NOT_SUPPORTED', (fid) => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, SBI_EXT_RFENCE, fid, 0b1n, 0n, 0n, 0n, 0n)).toEqual({ a0: -2n, a1: 0n });
    expect(platform.actions).toEqual([]);
  });
});
