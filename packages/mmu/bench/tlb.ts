// TLB shape benchmark: translations per second for synthetic hart traces.
// Run: node --conditions=@hvkit/source --import tsx packages/mmu/bench/tlb.ts
import { Mmu, type MmuOptions, SatpMode } from '../src/mmu.js';
import { PageTables, RAM_BASE, S, satp, TestBus } from '../src/test-helpers.js';
import { PTE_A, PTE_D, PTE_R, PTE_V, PTE_W, PTE_X } from '../src/walk.js';

const RWX = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;

interface Trace {
  readonly name: string;
  readonly va: Float64Array;
  readonly access: Uint8Array;
}

/** One fetch per instruction, a load or store for 40% of them; code walks sequentially in a loop. */
function trace(
  name: string,
  codeBase: number,
  codePages: number,
  dataBase: number,
  dataPages: number,
): Trace {
  const n = 1 << 20;
  const va = new Float64Array(n);
  const access = new Uint8Array(n);
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  let pc = 0;
  for (let i = 0; i < n; i++) {
    if (rand() < 0.4 / 1.4) {
      va[i] = dataBase + Math.floor(rand() * dataPages) * 4096 + Math.floor(rand() * 512) * 8;
      access[i] = rand() < 0.3 ? 2 : 1;
    } else {
      va[i] = codeBase + (pc % (codePages * 4096));
      pc += 4;
      access[i] = 0;
    }
  }
  return { name, va, access };
}

function build(options: MmuOptions, traces: Trace[]): Mmu {
  const bus = new TestBus();
  const mmu = new Mmu(bus, options);
  mmu.writePmpaddr(0, -1, -1);
  mmu.writePmpcfg(0, 0x1f, 0);
  const pt = new PageTables(bus, 3);
  const mapped = new Set<number>();
  for (const t of traces) {
    for (const v of t.va) {
      const page = Math.floor(v / 4096) * 4096;
      if (!mapped.has(page)) {
        mapped.add(page);
        pt.map(page, RAM_BASE + (page % (1 << 30)), RWX);
      }
    }
  }
  mmu.configure(...satp(SatpMode.Sv39, 1, pt.root), false, false);
  return mmu;
}

function run(mmu: Mmu, t: Trace, rounds: number): number {
  let sum = 0;
  const { va, access } = t;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < va.length; i++) sum += mmu.translate(va[i]!, access[i] as 0 | 1 | 2, S);
  }
  const ms = performance.now() - start;
  if (sum === 0.5) console.log('unreachable');
  return (rounds * va.length) / ms / 1000; // millions per second
}

const traces = [
  trace('small: 2 code + 16 data pages', 0x1000_0000, 2, 0x2000_0000, 16),
  trace('medium: 16 code + 128 data pages', 0x1000_0000, 16, 0x2000_0000, 128),
  trace('large: 64 code + 1024 data pages', 0x1000_0000, 64, 0x2000_0000, 1024),
  trace('conflict: code and data on equal low VPN bits', 0x1000_0000, 4, 0x4000_0000, 4),
];
const shapes: [string, MmuOptions][] = [
  ['split 64+64', { tlbEntries: 64 }],
  ['split 256+256', { tlbEntries: 256 }],
  ['split 512+512', { tlbEntries: 512 }],
  ['split 1024+1024', { tlbEntries: 1024 }],
  ['shared 512', { tlbEntries: 512, splitTlb: false }],
  ['shared 2048', { tlbEntries: 2048, splitTlb: false }],
];
for (const t of traces) {
  const row: string[] = [];
  for (const [name, options] of shapes) {
    const mmu = build(options, [t]);
    run(mmu, t, 2); // warm up
    const walks = mmu.walks;
    const best = Math.max(run(mmu, t, 4), run(mmu, t, 4), run(mmu, t, 4));
    const missRate = (mmu.walks - walks) / (12 * t.va.length);
    row.push(`${name}: ${best.toFixed(0)} M/s, ${(missRate * 100).toFixed(2)}% misses`);
  }
  console.log(`${t.name}\n  ${row.join('\n  ')}`);
}

// Baseline: the same loop without translation.
{
  const t = traces[0]!;
  let sum = 0;
  const start = performance.now();
  for (let r = 0; r < 8; r++) for (let i = 0; i < t.va.length; i++) sum += t.va[i]! + t.access[i]!;
  const ms = performance.now() - start;
  console.log(`loop alone: ${((8 * t.va.length) / ms / 1000).toFixed(0)} M/s (${sum > 0 ? 'ok' : ''})`);
}

// Bare / M-mode identity path.
{
  const bus = new TestBus();
  const mmu = new Mmu(bus);
  mmu.writePmpaddr(0, -1, -1);
  mmu.writePmpcfg(0, 0x1f, 0);
  const t = trace('bare', 0x8000_0000, 4, 0x8010_0000, 64);
  run(mmu, t, 2);
  console.log(`bare S-mode identity: ${run(mmu, t, 8).toFixed(0)} M/s`);
}

// Miss path: a one-entry TLB and two alternating pages, so every access walks 3 levels.
{
  const bus = new TestBus();
  const mmu = new Mmu(bus, { tlbEntries: 1 });
  mmu.writePmpaddr(0, -1, -1);
  mmu.writePmpcfg(0, 0x1f, 0);
  const pt = new PageTables(bus, 3);
  pt.map(0x1000, RAM_BASE, RWX);
  pt.map(0x2000, RAM_BASE + 0x1000, RWX);
  mmu.configure(...satp(SatpMode.Sv39, 1, pt.root), false, false);
  const walkAll = (n: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += mmu.translate(0x1000 + (i & 1) * 0x1000, 1, S);
    return s;
  };
  walkAll(200_000);
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 3; k++) {
    const start = performance.now();
    walkAll(1_000_000);
    best = Math.min(best, performance.now() - start); // ms per million = ns each
  }
  console.log(`Sv39 miss (3-level walk + fill): ${best.toFixed(0)} ns`);
}
