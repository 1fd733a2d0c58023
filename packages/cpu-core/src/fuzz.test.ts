// Hostile code: random instruction words, random registers, a trap vector that
// points into the same random code (so faults happen inside trap handlers), and
// jumps anywhere. The hart must trap as the spec says and never throw.
import { describe, expect, it } from 'vitest';
import { hartWith, RAM_BASE } from './testing/board.js';

/** xorshift32: a small deterministic generator so failures reproduce. */
function rng(seed: number) {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

describe('hostile instruction streams', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: 200k random instructions never throw', (seed) => {
    const next = rng(seed * 7919);
    const { hart, view, bus } = hartWith([]);
    for (let off = 0; off < 0x4000; off += 4) view.setUint32(off, next(), true);
    for (let r = 1; r < 32; r++) {
      const pick = next() % 4;
      const v =
        pick === 0
          ? BigInt(RAM_BASE + (next() % 0x4000))
          : pick === 1
            ? BigInt.asIntN(64, (BigInt(next()) << 32n) | BigInt(next()))
            : BigInt(next() % 64);
      hart.setX(r, v);
    }
    // mtvec and stvec inside the random code: traps land in garbage too.
    view.setUint32(0x3ffc, 0, true);
    hart.writeCsr(0x305, RAM_BASE + 0x100, 0);
    hart.writeCsr(0x105, RAM_BASE + 0x200, 0);
    hart.writeCsr(0x300, 1 << 13, 0); // FS on so FP paths run
    expect(() => {
      for (let i = 0; i < 200; i++) {
        // Restart somewhere random (sometimes outside RAM) so each slice sees new code.
        hart.pc = next() % 8 === 0 ? next() * 2 : RAM_BASE + ((next() % 0x4000) & ~1);
        const why = hart.run(1000);
        if (why === 'wfi') hart.setPending(7, true);
      }
    }).not.toThrow();
    expect(bus.ram.size).toBe(1 << 20);
  });
});
