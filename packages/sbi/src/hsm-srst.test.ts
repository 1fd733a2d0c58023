import { describe, expect, it } from 'vitest';
import { SBI_EXT_HSM, SBI_EXT_SRST, SBI_HSM_STATE } from './constants.js';
import type { HsmState } from './platform.js';
import { A0, A1, ECALL_PC, ecall, FakeHart, RAM_BASE, RAM_SIZE, setup } from './testing/fakes.js';

const HSM = SBI_EXT_HSM;
const ENTRY = 0x8000_2000n;

describe('HSM hart_start', () => {
  it('starts a stopped hart at start_addr with opaque, as unsigned values', () => {
    const { fw, hart, platform } = setup();
    platform.states[1] = 'stopped';
    expect(ecall(fw, hart, HSM, 0, 1n, ENTRY, 0xdead_beef_cafe_f00dn)).toEqual({ a0: 0n, a1: 0n });
    platform.states[2] = 'stopped';
    expect(ecall(fw, hart, HSM, 0, 2n, ENTRY + 2n, -1n).a0).toBe(0n);
    expect(platform.actions).toEqual([
      ['hartStart', 1, ENTRY, 0xdead_beef_cafe_f00dn],
      ['hartStart', 2, ENTRY + 2n, 0xffff_ffff_ffff_ffffn],
    ]);
    // The fake reports start-pending from then on: id 2.
    expect(ecall(fw, hart, HSM, 2, 1n)).toEqual({ a0: 0n, a1: 2n });
  });

  it('answers SBI_ERR_ALREADY_AVAILABLE for a started hart, the caller included', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, HSM, 0, 1n, ENTRY, 0n)).toEqual({ a0: -6n, a1: 0n });
    expect(ecall(fw, hart, HSM, 0, 0n, ENTRY, 0n).a0).toBe(-6n);
    expect(platform.actions).toEqual([]);
  });

  it.each<HsmState>(['start-pending', 'stop-pending', 'suspended'])(
    'answers SBI_ERR_INVALID_PARAM for a hart in state %s',
    (state) => {
      const { fw, hart, platform } = setup();
      platform.states[3] = state;
      expect(ecall(fw, hart, HSM, 0, 3n, ENTRY, 0n).a0).toBe(-3n);
      expect(platform.actions).toEqual([]);
    },
  );

  it('answers SBI_ERR_INVALID_PARAM for hart ids that do not exist', () => {
    const { fw, hart, platform } = setup(4, [2]);
    platform.states[2] = 'stopped';
    expect(ecall(fw, hart, HSM, 0, 4n, ENTRY, 0n).a0).toBe(-3n);
    expect(ecall(fw, hart, HSM, 0, 2n, ENTRY, 0n).a0).toBe(-3n);
    expect(ecall(fw, hart, HSM, 0, -1n, ENTRY, 0n).a0).toBe(-3n);
    expect(ecall(fw, hart, HSM, 0, 1n << 53n, ENTRY, 0n).a0).toBe(-3n);
    expect(platform.actions).toEqual([]);
  });

  it.each([
    ['below RAM', 0x1000n],
    ['odd', ENTRY + 1n],
    ['the last byte of RAM', RAM_BASE + BigInt(RAM_SIZE) - 1n],
    ['just past RAM', RAM_BASE + BigInt(RAM_SIZE)],
    ['2^64 - 2', 0xffff_ffff_ffff_fffen],
    ['2^53', 1n << 53n],
  ])('answers SBI_ERR_INVALID_ADDRESS for a start address %s', (_name, addr) => {
    const { fw, hart, platform } = setup();
    platform.states[1] = 'stopped';
    expect(ecall(fw, hart, HSM, 0, 1n, addr, 0n).a0).toBe(-5n);
    expect(platform.actions).toEqual([]);
  });

  it('accepts the last halfword of RAM', () => {
    const { fw, hart, platform } = setup();
    platform.states[1] = 'stopped';
    expect(ecall(fw, hart, HSM, 0, 1n, RAM_BASE + BigInt(RAM_SIZE) - 2n, 0n).a0).toBe(0n);
  });

  it('checks the hart id, then the address, then the state', () => {
    const { fw, hart } = setup();
    expect(ecall(fw, hart, HSM, 0, 9n, 0x1001n, 0n).a0).toBe(-3n);
    expect(ecall(fw, hart, HSM, 0, 1n, 0x1001n, 0n).a0).toBe(-5n); // hart 1 is started
  });
});

describe('HSM hart_stop', () => {
  it('writes a0 = 0 and steps pc before the platform stops the calling hart', () => {
    const { fw, platform } = setup();
    const hart = new FakeHart(2);
    const seen: unknown[] = [];
    platform.hartStop = (id) => {
      seen.push([id, hart.pc, hart.get(A0)]);
      platform.states[id] = 'stopped';
    };
    hart.set(A0, 77n);
    expect(ecall(fw, hart, HSM, 1)).toEqual({ a0: 0n, a1: 0n });
    expect(seen).toEqual([[2, ECALL_PC + 4, 0n]]);
    expect(platform.hartState(2)).toBe('stopped');
  });

  it('fails with SBI_ERR_FAILED when the calling hart is not in state started', () => {
    const { fw, hart, platform } = setup();
    platform.states[0] = 'stop-pending';
    expect(ecall(fw, hart, HSM, 1)).toEqual({ a0: -1n, a1: 0n });
    expect(platform.actions).toEqual([]);
  });
});

describe('HSM hart_get_status', () => {
  it.each(Object.entries(SBI_HSM_STATE))('reports %s as state id %i', (state, id) => {
    const { fw, hart, platform } = setup();
    platform.states[3] = state as HsmState;
    expect(ecall(fw, hart, HSM, 2, 3n)).toEqual({ a0: 0n, a1: BigInt(id) });
  });

  it('numbers the states as the spec table does', () => {
    expect(SBI_HSM_STATE).toEqual({
      started: 0,
      stopped: 1,
      'start-pending': 2,
      'stop-pending': 3,
      suspended: 4,
      'suspend-pending': 5,
      'resume-pending': 6,
    });
  });

  it('answers SBI_ERR_INVALID_PARAM for a hart that does not exist', () => {
    const { fw, hart } = setup(4, [1]);
    expect(ecall(fw, hart, HSM, 2, 1n)).toEqual({ a0: -3n, a1: 0n });
    expect(ecall(fw, hart, HSM, 2, 4n).a0).toBe(-3n);
    expect(ecall(fw, hart, HSM, 2, -1n).a0).toBe(-3n);
  });
});

describe('HSM hart_suspend', () => {
  it('returns at once from a default retentive suspend when the platform has no hartSuspend', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, HSM, 3, 0n, 0x1234n, 0x5678n)).toEqual({ a0: 0n, a1: 0n });
    expect(platform.actions).toEqual([]);
  });

  it('parks the hart through hartSuspend after a0 and pc are written', () => {
    const { fw, platform } = setup();
    platform.withSuspend();
    const hart = new FakeHart(1);
    const seen: unknown[] = [];
    const record = platform.hartSuspend!;
    platform.hartSuspend = (id) => {
      seen.push([hart.pc, hart.get(A0)]);
      record(id);
    };
    // Only the low 32 bits of suspend_type count (uint32_t).
    expect(ecall(fw, hart, HSM, 3, 0xffff_ffff_0000_0000n, 0n, 0n).a0).toBe(0n);
    expect(platform.actions).toEqual([['hartSuspend', 1]]);
    expect(seen).toEqual([[ECALL_PC + 4, 0n]]);
  });

  it('answers SBI_ERR_NOT_SUPPORTED for the default non-retentive suspend', () => {
    const { fw, hart, platform } = setup();
    platform.withSuspend();
    expect(ecall(fw, hart, HSM, 3, 0x8000_0000n, ENTRY, 0n)).toEqual({ a0: -2n, a1: 0n });
    expect(platform.actions).toEqual([]);
  });

  it.each([0x1n, 0x0fff_ffffn, 0x1000_0000n, 0x7fff_ffffn, 0x8000_0001n, 0x9000_0000n, 0xffff_ffffn])(
    'answers SBI_ERR_INVALID_PARAM for reserved or platform type %s',
    (type) => {
      const { fw, hart, platform } = setup();
      platform.withSuspend();
      expect(ecall(fw, hart, HSM, 3, type, ENTRY, 0n).a0).toBe(-3n);
      expect(platform.actions).toEqual([]);
    },
  );

  it('answers unknown HSM functions with SBI_ERR_NOT_SUPPORTED', () => {
    const { fw, hart } = setup();
    expect(ecall(fw, hart, HSM, 4).a0).toBe(-2n);
  });
});

describe('SRST system_reset', () => {
  it.each([
    [0n, 0n, 'shutdown', 'none'],
    [1n, 1n, 'cold-reboot', 'failure'],
    [2n, 0n, 'warm-reboot', 'none'],
    [0x1_0000_0000n, 0xffff_ffff_0000_0001n, 'shutdown', 'failure'], // uint32_t: upper halves ignored
  ])('type %s reason %s resets as %s/%s after a0 and pc are written', (type, reason, t, r) => {
    const { fw, hart, platform } = setup();
    const seen: unknown[] = [];
    platform.systemReset = (...args) => {
      seen.push([...args, hart.pc, hart.get(A0), hart.get(A1)]);
    };
    hart.set(A1, 5n);
    expect(ecall(fw, hart, SBI_EXT_SRST, 0, type, reason)).toEqual({ a0: 0n, a1: 0n });
    expect(seen).toEqual([[t, r, ECALL_PC + 4, 0n, 0n]]);
  });

  it.each([
    ['type 3 (reserved)', 3n, 0n],
    ['type 0xEFFFFFFF (reserved)', 0xefff_ffffn, 0n],
    ['type 0xF0000000 (vendor)', 0xf000_0000n, 0n],
    ['reason 2 (reserved)', 0n, 2n],
    ['reason 0xE0000000 (implementation)', 0n, 0xe000_0000n],
    ['reason 0xFFFFFFFF (vendor)', 1n, 0xffff_ffffn],
  ])('answers SBI_ERR_INVALID_PARAM for %s', (_name, type, reason) => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, SBI_EXT_SRST, 0, type, reason)).toEqual({ a0: -3n, a1: 0n });
    expect(platform.actions).toEqual([]);
  });

  it('answers unknown SRST functions with SBI_ERR_NOT_SUPPORTED', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, SBI_EXT_SRST, 1, 0n, 0n).a0).toBe(-2n);
    expect(platform.actions).toEqual([]);
  });
});
