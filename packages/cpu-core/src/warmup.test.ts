// The interpreter warm-up's contract: it runs once per isolate, on harts that use the
// translator a board passes in, and leaves those harts' work where nobody sees it.
// (Its own file: vitest gives each test file a fresh isolate, so nothing warmed up yet.)
import type { PhysicalBus, Translator } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { RiscvHart } from './hart.js';
import { IdentityTranslator } from './warmup.js';

/** Counts what the warm-up asks of its translators. */
class CountingTranslator extends IdentityTranslator {
  static made = 0;
  translations = 0;
  flushes = 0;
  constructor() {
    super(0x8000_0000, 0x8001_0000);
    CountingTranslator.made++;
  }
  override translate(va: number, access: number, priv: number): number {
    this.translations++;
    return super.translate(va, access, priv as never);
  }
  override flush(): void {
    this.flushes++;
  }
}

describe('RiscvHart.warmUp', () => {
  it("runs the program on harts built with the board's translator, once per isolate", () => {
    const made: CountingTranslator[] = [];
    const buses: PhysicalBus[] = [];
    const factory = (bus: PhysicalBus): Translator => {
      buses.push(bus);
      const t = new CountingTranslator();
      made.push(t);
      return t;
    };
    RiscvHart.warmUp({ translator: factory });
    // One interpreting hart and, where WebAssembly exists, two compiling ones.
    expect(made.length).toBe((globalThis as { WebAssembly?: unknown }).WebAssembly === undefined ? 1 : 3);
    expect(new Set(buses).size).toBe(made.length);
    for (const t of made) {
      // Loads, stores and fetches of the S-mode pass go through it; SFENCE.VMA flushes it.
      expect(t.translations).toBeGreaterThan(100);
      expect(t.flushes).toBeGreaterThan(0);
    }
    // Later calls (and the harts a board then builds) do not run it again.
    RiscvHart.warmUp({ translator: factory });
    new RiscvHart({ hartId: 0, bus: buses[0]!, translator: new IdentityTranslator() });
    expect(CountingTranslator.made).toBe(made.length);
  });
});
