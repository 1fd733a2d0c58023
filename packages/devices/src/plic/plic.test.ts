import type { IrqLine } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { Plic } from './plic.js';

class Line implements IrqLine {
  level = false;
  sets = 0;
  set(level: boolean): void {
    this.level = level;
    this.sets++;
  }
}

const PRIORITY = (src: number) => 4 * src;
const PENDING = (word: number) => 0x1000 + 4 * word;
const ENABLE = (ctx: number, word: number) => 0x2000 + 0x80 * ctx + 4 * word;
const THRESHOLD = (ctx: number) => 0x20_0000 + 0x1000 * ctx;
const CLAIM = (ctx: number) => 0x20_0004 + 0x1000 * ctx;

function setup(harts = 2) {
  const ctx = Array.from({ length: harts * 2 }, () => new Line());
  const plic = new Plic({ harts, contextIrqs: ctx });
  const r = (off: number) => plic.read(off, 4);
  const w = (off: number, v: number) => plic.write(off, 4, v);
  return { ctx, plic, r, w };
}

describe('Plic registers', () => {
  it('resets to everything zero, lines low', () => {
    const { plic, ctx, r } = setup();
    expect(plic.size).toBe(0x60_0000);
    expect(plic.name).toBe('plic');
    expect(plic.contexts).toBe(4);
    for (const src of [0, 1, 10, 95]) expect(r(PRIORITY(src))).toBe(0);
    for (const word of [0, 1, 2]) expect(r(PENDING(word))).toBe(0);
    expect(r(ENABLE(3, 2))).toBe(0);
    expect(r(THRESHOLD(3))).toBe(0);
    expect(r(CLAIM(3))).toBe(0);
    expect(ctx.every((l) => !l.level && l.sets === 1)).toBe(true);
  });

  it('priority is a 3-bit WARL field per source; source 0 is hardwired 0', () => {
    const { r, w } = setup();
    w(PRIORITY(1), 7);
    w(PRIORITY(95), 0xff);
    w(PRIORITY(10), 5);
    w(PRIORITY(0), 7);
    expect(r(PRIORITY(1))).toBe(7);
    expect(r(PRIORITY(95))).toBe(7);
    expect(r(PRIORITY(10))).toBe(5);
    expect(r(PRIORITY(0))).toBe(0);
    w(PRIORITY(96), 3);
    expect(r(PRIORITY(96))).toBe(0);
    expect(r(0xffc)).toBe(0);
  });

  it('enable words per context, bit 0 hardwired 0, words past source 95 reserved', () => {
    const { r, w } = setup();
    w(ENABLE(0, 0), 0xffff_ffff);
    w(ENABLE(1, 1), 0x8000_0001);
    w(ENABLE(3, 2), 0xffff_ffff);
    w(ENABLE(0, 3), 0xffff_ffff);
    w(ENABLE(4, 0), 0xffff_ffff); // context 4 does not exist with 2 harts
    expect(r(ENABLE(0, 0))).toBe(0xffff_fffe);
    expect(r(ENABLE(1, 1))).toBe(0x8000_0001);
    expect(r(ENABLE(3, 2))).toBe(0xffff_ffff);
    expect(r(ENABLE(0, 3))).toBe(0);
    expect(r(ENABLE(4, 0))).toBe(0);
    expect(r(ENABLE(1, 0))).toBe(0);
  });

  it('threshold is WARL 0..7 per context; reserved words in a context block read 0', () => {
    const { r, w } = setup();
    w(THRESHOLD(2), 0xff);
    w(THRESHOLD(1), 3);
    expect(r(THRESHOLD(2))).toBe(7);
    expect(r(THRESHOLD(1))).toBe(3);
    w(THRESHOLD(1) + 8, 5);
    expect(r(THRESHOLD(1) + 8)).toBe(0);
    w(THRESHOLD(4), 5);
    expect(r(THRESHOLD(4))).toBe(0);
    expect(r(0x5f_fffc)).toBe(0);
  });

  it('pending bits are read-only and follow source lines', () => {
    const { plic, r, w } = setup();
    w(PENDING(0), 0xffff_ffff);
    expect(r(PENDING(0))).toBe(0);
    plic.source(1).set(true);
    plic.source(33).set(true);
    plic.source(95).set(true);
    expect(r(PENDING(0))).toBe(0x2);
    expect(r(PENDING(1))).toBe(0x2);
    expect(r(PENDING(2))).toBe(0x8000_0000);
    expect(r(PENDING(3))).toBe(0);
    plic.source(33).set(false);
    expect(r(PENDING(1))).toBe(0);
    expect(plic.isPending(1)).toBe(true);
    expect(plic.isPending(33)).toBe(false);
  });

  it('ignores narrow and misaligned accesses', () => {
    const { plic, r } = setup();
    plic.write(PRIORITY(1), 1, 7);
    plic.write(PRIORITY(1) + 1, 4, 7);
    expect(r(PRIORITY(1))).toBe(0);
    expect(plic.read(PRIORITY(1), 2)).toBe(0);
  });

  it('source() returns stable lines and refuses 0 and ids past 95', () => {
    const { plic } = setup();
    expect(plic.source(10)).toBe(plic.source(10));
    expect(() => plic.source(0)).toThrow(/source 0/);
    expect(() => plic.source(96)).toThrow(/source 96/);
  });

  it('refuses bad hart counts and line counts', () => {
    expect(() => new Plic({ harts: 0, contextIrqs: [] })).toThrow(/harts must be/);
    expect(() => new Plic({ harts: 513, contextIrqs: [] })).toThrow(/harts must be/);
    expect(() => new Plic({ harts: 1, contextIrqs: [new Line()] })).toThrow(/one line per context/);
  });
});

describe('Plic delivery', () => {
  it('claims, keeps the source out of pending while in service, and re-pends on complete if still high', () => {
    const { plic, ctx, r, w } = setup();
    w(PRIORITY(10), 1);
    w(ENABLE(1, 0), 1 << 10); // hart 0 S-mode
    const uart = plic.source(10);
    uart.set(true);
    expect(ctx[1]!.level).toBe(true);
    expect(ctx[0]!.level).toBe(false);
    expect(r(CLAIM(1))).toBe(10);
    expect(ctx[1]!.level).toBe(false);
    expect(r(PENDING(0))).toBe(0);
    expect(r(CLAIM(1))).toBe(0);
    // Still high while in service: not pending again until complete.
    uart.set(false);
    uart.set(true);
    expect(ctx[1]!.level).toBe(false);
    w(CLAIM(1), 10);
    expect(ctx[1]!.level).toBe(true);
    expect(r(CLAIM(1))).toBe(10);
    uart.set(false);
    w(CLAIM(1), 10);
    expect(ctx[1]!.level).toBe(false);
    expect(r(CLAIM(1))).toBe(0);
  });

  it('a source whose line drops before the claim is no longer pending', () => {
    const { plic, ctx, r, w } = setup();
    w(PRIORITY(5), 1);
    w(ENABLE(0, 0), 1 << 5);
    plic.source(5).set(true);
    expect(ctx[0]!.level).toBe(true);
    plic.source(5).set(false);
    expect(ctx[0]!.level).toBe(false);
    expect(r(CLAIM(0))).toBe(0);
  });

  it('priority 0 is never delivered nor claimed', () => {
    const { plic, ctx, r, w } = setup();
    w(ENABLE(0, 0), 0xffff_fffe);
    plic.source(3).set(true);
    expect(r(PENDING(0))).toBe(1 << 3);
    expect(ctx[0]!.level).toBe(false);
    expect(r(CLAIM(0))).toBe(0);
    expect(r(PENDING(0))).toBe(1 << 3);
  });

  it('delivers only priorities above the threshold; claims ignore the threshold', () => {
    const { plic, ctx, r, w } = setup();
    w(PRIORITY(7), 3);
    w(ENABLE(0, 0), 1 << 7);
    w(THRESHOLD(0), 3);
    plic.source(7).set(true);
    expect(ctx[0]!.level).toBe(false);
    w(THRESHOLD(0), 2);
    expect(ctx[0]!.level).toBe(true);
    w(PRIORITY(7), 2);
    expect(ctx[0]!.level).toBe(false);
    w(THRESHOLD(0), 7);
    // PLIC spec: "the claim operation is not affected by the setting of the priority threshold register".
    expect(r(CLAIM(0))).toBe(7);
  });

  it('claims the highest priority first, the lowest id on ties', () => {
    const { plic, r, w } = setup();
    for (const [src, prio] of [
      [40, 2],
      [3, 1],
      [70, 6],
      [9, 2],
      [95, 6],
    ] as const) {
      w(PRIORITY(src), prio);
      plic.source(src).set(true);
    }
    w(ENABLE(2, 0), 0xffff_fffe);
    w(ENABLE(2, 1), 0xffff_ffff);
    w(ENABLE(2, 2), 0xffff_ffff);
    expect([r(CLAIM(2)), r(CLAIM(2)), r(CLAIM(2)), r(CLAIM(2)), r(CLAIM(2)), r(CLAIM(2))]).toEqual([
      70, 95, 9, 40, 3, 0,
    ]);
  });

  it('routes by context enables; completion of a source not enabled for the context is ignored', () => {
    const { plic, ctx, r, w } = setup();
    w(PRIORITY(1), 1);
    w(ENABLE(2, 0), 1 << 1); // hart 1 M-mode
    plic.source(1).set(true);
    expect(ctx.map((l) => l.level)).toEqual([false, false, true, false]);
    expect(r(CLAIM(0))).toBe(0);
    expect(r(CLAIM(2))).toBe(1);
    w(CLAIM(0), 1); // not enabled for context 0: ignored
    expect(ctx[2]!.level).toBe(false);
    w(CLAIM(2), 0); // source 0 / out-of-range ids are ignored
    w(CLAIM(2), 96);
    expect(ctx[2]!.level).toBe(false);
    w(CLAIM(2), 1);
    expect(ctx[2]!.level).toBe(true);
  });

  it('one source enabled in two contexts is claimed once', () => {
    const { plic, ctx, r, w } = setup();
    w(PRIORITY(2), 1);
    w(ENABLE(1, 0), 1 << 2);
    w(ENABLE(3, 0), 1 << 2);
    plic.source(2).set(true);
    expect(ctx[1]!.level && ctx[3]!.level).toBe(true);
    expect(r(CLAIM(3))).toBe(2);
    expect(ctx[1]!.level || ctx[3]!.level).toBe(false);
    expect(r(CLAIM(1))).toBe(0);
  });
});

describe('Plic snapshot', () => {
  it('round-trips as JSON and re-drives context lines', () => {
    const a = setup(1);
    a.w(PRIORITY(10), 4);
    a.w(PRIORITY(11), 2);
    a.w(ENABLE(1, 0), (1 << 10) | (1 << 11));
    a.w(THRESHOLD(1), 1);
    a.plic.source(10).set(true);
    a.plic.source(11).set(true);
    expect(a.r(CLAIM(1))).toBe(10);
    const state = JSON.parse(JSON.stringify(a.plic.save()));
    const b = setup(1);
    b.plic.restore(state);
    expect(b.ctx[1]!.level).toBe(true);
    expect(b.r(PRIORITY(10))).toBe(4);
    expect(b.r(THRESHOLD(1))).toBe(1);
    expect(b.r(CLAIM(1))).toBe(11);
    expect(b.r(CLAIM(1))).toBe(0);
    b.w(CLAIM(1), 10);
    expect(b.r(CLAIM(1))).toBe(10);
    expect(() => setup(2).plic.restore(state)).toThrow(/does not match/);
  });
});
