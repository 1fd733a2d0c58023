import { describe, expect, it } from 'vitest';
import { A0, ECALL_PC, ecall, FakeHart, RAM_BASE, setup } from './testing/fakes.js';

const MASK = RAM_BASE + 0x800n;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** The little-endian bytes of 64-bit words, as a legacy hart mask sits in memory. */
function words(...values: bigint[]): number[] {
  const out: number[] = [];
  for (const v of values) for (let i = 0n; i < 8n; i++) out.push(Number((v >> (8n * i)) & 0xffn));
  return out;
}

describe('legacy set_timer (0x00)', () => {
  it('programs the timer, returns 0 in a0 and leaves a1 alone', () => {
    const { fw, platform } = setup();
    const hart = new FakeHart(3);
    expect(ecall(fw, hart, 0x00, 0, 0x1_0000_0000n, 0x77n)).toEqual({ a0: 0n, a1: 0x77n });
    expect(ecall(fw, hart, 0x00, 0, -1n, 0x77n).a0).toBe(0n);
    expect(platform.actions).toEqual([
      ['setTimer', 3, 0x1_0000_0000n],
      ['setTimer', 3, U64_MAX],
    ]);
  });
});

describe('legacy console (0x01, 0x02)', () => {
  it('putchar writes the low byte of a0, whatever a6 holds', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, 0x01, 0, 0x41n, 0x77n)).toEqual({ a0: 0n, a1: 0x77n });
    expect(ecall(fw, hart, 0x01, 0x1234, 0x1ffn).a0).toBe(0n);
    expect(platform.output).toEqual([0x41, 0xff]);
  });

  it('getchar returns the next byte, or -1 when none is waiting', () => {
    const { fw, hart, platform } = setup();
    platform.input = [0x7a, 0xff];
    expect(ecall(fw, hart, 0x02, 0, 0n, 0x77n)).toEqual({ a0: 0x7an, a1: 0x77n });
    expect(ecall(fw, hart, 0x02, 0).a0).toBe(0xffn);
    expect(ecall(fw, hart, 0x02, 0).a0).toBe(-1n);
    expect(platform.callsOf('consoleRead')).toEqual([[1], [1], [1]]);
  });
});

describe('legacy clear_ipi (0x03)', () => {
  it('clears SSIP on the calling hart and returns 1 if it was pending, else 0', () => {
    const { fw, platform } = setup();
    const hart = new FakeHart(2);
    expect(ecall(fw, hart, 0x03, 0).a0).toBe(0n);
    platform.ssip[2] = true;
    expect(ecall(fw, hart, 0x03, 0).a0).toBe(1n);
    expect(platform.ssip[2]).toBe(false);
    expect(platform.callsOf('clearIpi')).toEqual([[2], [2]]);
  });
});

describe('legacy send_ipi (0x04) and hart masks in memory', () => {
  it('reads the mask as unsigned longs at a0 and interrupts those harts', () => {
    const { fw, hart, platform } = setup();
    platform.poke(MASK, words(0b1010n));
    expect(ecall(fw, hart, 0x04, 0, MASK, 0x77n)).toEqual({ a0: 0n, a1: 0x77n });
    expect(platform.callsOf('sendIpi')).toEqual([[1], [3]]);
    expect(platform.callsOf('readPhys')).toEqual([[MASK, 8]]);
  });

  it('treats a NULL mask as all available harts', () => {
    const { fw, hart, platform } = setup();
    platform.states[2] = 'stopped';
    expect(ecall(fw, hart, 0x04, 0, 0n).a0).toBe(0n);
    expect(platform.callsOf('sendIpi')).toEqual([[0], [1], [3]]);
  });

  it('reads ceil(hartCount / 64) words: bit 5 of the second word is hart 69', () => {
    const { fw, hart, platform } = setup(70);
    platform.poke(MASK, words(1n, 1n << 5n));
    expect(ecall(fw, hart, 0x04, 0, MASK).a0).toBe(0n);
    expect(platform.callsOf('readPhys')).toEqual([[MASK, 16]]);
    expect(platform.callsOf('sendIpi')).toEqual([[0], [69]]);
  });

  it('refuses a set bit past the last hart and sends nothing', () => {
    const { fw, hart, platform } = setup(70);
    platform.poke(MASK, words(1n, 1n << 6n)); // hart 70
    expect(ecall(fw, hart, 0x04, 0, MASK).a0).toBe(-3n);
    const small = setup(4);
    small.platform.poke(MASK, words(0b10001n)); // harts 0 and 4
    expect(ecall(small.fw, small.hart, 0x04, 0, MASK).a0).toBe(-3n);
    expect([...platform.callsOf('sendIpi'), ...small.platform.callsOf('sendIpi')]).toEqual([]);
  });

  it('refuses a mask naming a missing or stopped hart', () => {
    const { fw, hart, platform } = setup(4, [1]);
    platform.states[2] = 'stopped';
    platform.poke(MASK, words(0b10n));
    expect(ecall(fw, hart, 0x04, 0, MASK).a0).toBe(-3n);
    platform.poke(MASK, words(0b100n));
    expect(ecall(fw, hart, 0x04, 0, MASK).a0).toBe(-3n);
    expect(platform.callsOf('sendIpi')).toEqual([]);
  });

  it.each([
    ['outside RAM', 0x1000n],
    ['straddling the end of RAM', RAM_BASE + 0xfffcn],
    ['near 2^64', U64_MAX - 3n],
    ['at 2^53', 1n << 53n],
  ])('answers SBI_ERR_INVALID_ADDRESS (-5) for a mask pointer %s', (_name, pointer) => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, 0x04, 0, pointer).a0).toBe(-5n);
    expect(platform.callsOf('sendIpi')).toEqual([]);
  });
});

describe('legacy remote fences (0x05-0x07)', () => {
  it('remote_fence_i fences the harts of the mask', () => {
    const { fw, hart, platform } = setup();
    platform.poke(MASK, words(0b101n));
    expect(ecall(fw, hart, 0x05, 0, MASK, 0x77n)).toEqual({ a0: 0n, a1: 0x77n });
    expect(platform.actions).toEqual([
      ['remoteFenceI', 0],
      ['remoteFenceI', 2],
    ]);
  });

  it('remote_sfence_vma takes start in a1 and size in a2', () => {
    const { fw, hart, platform } = setup();
    platform.poke(MASK, words(0b10n));
    expect(ecall(fw, hart, 0x06, 0, MASK, 0x4000n, 0x1000n).a0).toBe(0n);
    expect(ecall(fw, hart, 0x06, 0, MASK, 0n, 0n).a0).toBe(0n);
    expect(ecall(fw, hart, 0x06, 0, MASK, U64_MAX, 2n).a0).toBe(-5n);
    expect(platform.actions).toEqual([
      ['remoteSfenceVma', 1, 0x4000n, 0x1000n],
      ['remoteSfenceVma', 1, 0n, U64_MAX],
    ]);
  });

  it('remote_sfence_vma_asid takes the ASID in a3', () => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, 0x07, 0, 0n, 0x4000n, 0x1000n, 7n).a0).toBe(0n);
    expect(ecall(fw, hart, 0x07, 0, 0n, 0x4000n, 0x1000n, 0x1_0000n).a0).toBe(-3n);
    expect(platform.actions).toEqual([
      ['remoteSfenceVma', 0, 0x4000n, 0x1000n, 7],
      ['remoteSfenceVma', 1, 0x4000n, 0x1000n, 7],
      ['remoteSfenceVma', 2, 0x4000n, 0x1000n, 7],
      ['remoteSfenceVma', 3, 0x4000n, 0x1000n, 7],
    ]);
  });
});

describe('legacy shutdown (0x08) and reserved EIDs', () => {
  it('shuts the system down after a0 and pc are written', () => {
    const { fw, hart, platform } = setup();
    const seen: unknown[] = [];
    platform.systemReset = (type, reason) => {
      seen.push([type, reason, hart.pc, hart.get(A0)]);
    };
    hart.set(A0, 5n);
    ecall(fw, hart, 0x08, 0);
    expect(seen).toEqual([['shutdown', 'none', ECALL_PC + 4, 0n]]);
  });

  it.each([0x09, 0x0c, 0x0f])('answers reserved EID %i with -2 in a0 and leaves a1 alone', (eid) => {
    const { fw, hart, platform } = setup();
    expect(ecall(fw, hart, eid, 0, 0n, 0x77n)).toEqual({ a0: -2n, a1: 0x77n });
    expect(platform.actions).toEqual([]);
  });
});
