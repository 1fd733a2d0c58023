import { describe, expect, it } from 'vitest';
import { checkTable, parseSize, parseTable, TableError } from './table.js';

const MiB = 1024 * 1024;

/** The table of the README (and of the issue). */
const TABLE = {
  board: { harts: 4, memory: '512M' },
  guests: [
    { name: 'linux', harts: [0, 1], memory: '128M', kernel: 'linux' },
    { name: 'stub', harts: [2], memory: '64M', kernel: 'os-stub', disks: ['disk.img'] },
  ],
};

/** The problems `checkTable` reports for `table`. */
function problems(table: unknown, canonical?: (p: string) => string): readonly string[] {
  try {
    checkTable(table, canonical);
  } catch (error) {
    expect(error).toBeInstanceOf(TableError);
    return (error as TableError).problems;
  }
  throw new Error('the table was accepted');
}

/** TABLE with guests[i] changed by `patch`. */
function withGuest(i: number, patch: Record<string, unknown>) {
  return { ...TABLE, guests: TABLE.guests.map((g, j) => (j === i ? { ...g, ...patch } : g)) };
}

describe('parseSize', () => {
  it('reads bytes and K/M/G suffixes', () => {
    expect(parseSize('512M')).toBe(512 * MiB);
    expect(parseSize('1G')).toBe(1024 * MiB);
    expect(parseSize('64k')).toBe(64 * 1024);
    expect(parseSize('2MiB')).toBe(2 * MiB);
    expect(parseSize(4096)).toBe(4096);
    expect(parseSize('4096')).toBe(4096);
  });
  it('refuses what is not a size', () => {
    for (const bad of ['', 'lots', '-1M', '1.5G', '1T', 0, -5, 1.5]) expect(parseSize(bad)).toBeUndefined();
  });
});

describe('checkTable', () => {
  it('places the example table: hypervisor first, then each guest in order', () => {
    const plan = checkTable(TABLE);
    expect(plan.board).toEqual({ harts: 4, memory: 512 * MiB, reserved: 16 * MiB });
    expect(plan.pool).toEqual([3]);
    const [linux, stub] = plan.guests;
    expect(linux).toMatchObject({ name: 'linux', harts: [0, 1], vcpus: 2, memory: 128 * MiB });
    expect(linux!.hostBase).toBe(0x8000_0000 + 16 * MiB);
    expect(stub).toMatchObject({ name: 'stub', harts: [2], vcpus: 1, kernel: 'os-stub', cpuShare: 100 });
    expect(stub!.hostBase).toBe(linux!.hostBase + 128 * MiB);
    expect(stub!.disks).toEqual([{ path: 'disk.img', readOnly: false }]);
  });

  it('takes vcpus to time-share own harts or the pool, shares, read-only disks, pass-through', () => {
    const plan = checkTable({
      board: { harts: 2, memory: 256 * MiB, reserved: '8M' },
      guests: [
        { name: 'a', harts: [0], vcpus: 2, memory: '32M', kernel: 'os-stub', cpuShare: 50 },
        { name: 'b', vcpus: 3, memory: '32M', kernel: 'k/Image', disks: [{ path: 'd', readOnly: true }] },
        { name: 'c', vcpus: 1, memory: '32M', kernel: 'os-stub', passthrough: ['rtc'], bootargs: 'x' },
      ],
    });
    expect(plan.pool).toEqual([1]);
    expect(plan.guests.map((g) => [g.vcpus, g.harts, g.cpuShare])).toEqual([
      [2, [0], 50],
      [3, [], 100],
      [1, [], 100],
    ]);
    expect(plan.guests[1]!.disks).toEqual([{ path: 'd', readOnly: true }]);
    expect(plan.guests[2]).toMatchObject({ passthrough: ['rtc'], bootargs: 'x' });
  });

  it('a hart given twice', () => {
    expect(problems(withGuest(1, { harts: [2, 1] }))).toEqual([
      'table: guests[1].harts: hart 1 is already given to "linux"',
    ]);
    expect(problems(withGuest(0, { harts: [0, 0] }))).toEqual([
      'table: guests[0].harts[1]: hart 0 is listed twice',
    ]);
  });

  it('a hart the board does not have', () => {
    expect(problems(withGuest(1, { harts: [4] }))).toEqual([
      'table: guests[1].harts[0]: hart 4 does not exist (the board has harts 0-3)',
    ]);
    expect(problems(withGuest(1, { harts: [-1] }))[0]).toMatch(/hart -1 does not exist/);
  });

  it('more memory than the board has, less the reservation', () => {
    expect(problems(withGuest(0, { memory: '448M' }))).toEqual([
      'table: guests: their memory adds up to 512 MiB, more than the 496 MiB the board has (512 MiB less 16 MiB for the hypervisor)',
    ]);
    // Exactly what is left fits.
    expect(() => checkTable(withGuest(0, { memory: '432M' }))).not.toThrow();
  });

  it('sizes that are not whole 2 MiB, or past 4 GiB', () => {
    expect(problems(withGuest(1, { memory: '3M' }))).toEqual([
      'table: guests[1].memory: must be a multiple of 2 MiB, not 3 MiB',
    ]);
    expect(problems({ ...TABLE, board: { harts: 4, memory: '8G' } })[0]).toBe(
      'table: board.memory: at most 4 GiB, not 8192 MiB',
    );
    expect(problems({ ...TABLE, board: { harts: 4, memory: '512M', reserved: '1M' } })).toEqual([
      'table: board.reserved: must be a multiple of 2 MiB and at least 4 MiB, not 1 MiB',
    ]);
    expect(problems({ ...TABLE, board: { harts: 4, memory: '16M', reserved: '16M' } })).toContain(
      "table: board.reserved: 16 MiB leaves nothing of the board's 16 MiB",
    );
    expect(problems(withGuest(0, { memory: 'big' }))).toEqual([
      'table: guests[0].memory: "big" is not a size (bytes, or with K, M, G)',
    ]);
  });

  it('too many or too few harts and vCPUs', () => {
    expect(problems({ ...TABLE, board: { harts: 9, memory: '512M' } })).toEqual([
      'table: board.harts: the virt board has at most 8 harts',
    ]);
    expect(problems(withGuest(0, { vcpus: 1 }))).toEqual([
      'table: guests[0].vcpus: 1 vCPUs cannot use its 2 harts (a hart would idle)',
    ]);
    expect(problems(withGuest(0, { vcpus: 9 }))).toEqual(['table: guests[0].vcpus: must be at most 8']);
    expect(problems(withGuest(0, { harts: [] }))).toEqual([
      'table: guests[0].harts: must name at least one hart',
    ]);
    expect(problems(withGuest(1, { harts: undefined }))).toEqual([
      'table: guests[1]: give it "harts" (its own) or "vcpus" (to time-share the harts no guest is given)',
    ]);
  });

  it('a pool guest when every hart is given away', () => {
    const table = {
      board: { harts: 2, memory: '256M' },
      guests: [
        { name: 'a', harts: [0, 1], memory: '32M', kernel: 'os-stub' },
        { name: 'b', vcpus: 1, memory: '32M', kernel: 'os-stub' },
      ],
    };
    expect(problems(table)).toEqual([
      'table: guests[1].vcpus: no hart is left to time-share (every hart is given to a guest)',
    ]);
  });

  it('names: repeated, or not a name', () => {
    expect(problems(withGuest(1, { name: 'linux' }))).toEqual([
      'table: guests[1].name: "linux" is already the name of guests[0]',
    ]);
    expect(problems(withGuest(1, { name: '[x]' }))).toEqual([
      'table: guests[1].name: must be a letter then up to 31 letters, digits, - or _',
    ]);
  });

  it('a disk given to two guests (also under two names), or too many disks', () => {
    const twice = withGuest(0, { disks: ['./disk.img'] });
    expect(problems(twice, (p) => p.replace(/^\.\//, ''))).toEqual([
      'table: guests[1].disks[0]: disk.img is already a disk of "linux" (guests cannot share a disk)',
    ]);
    expect(problems(withGuest(1, { disks: Array.from({ length: 9 }, (_, i) => `d${i}`) }))).toEqual([
      'table: guests[1].disks: at most 8 disks (virtio slots)',
    ]);
    expect(problems(withGuest(1, { disks: [3] }))).toEqual([
      'table: guests[1].disks[0]: must be a path or { "path": ..., "readOnly": true }',
    ]);
  });

  it('pass-through: unknown, DMA-capable, or given twice', () => {
    expect(problems(withGuest(1, { passthrough: ['gpu'] }))).toEqual([
      'table: guests[1].passthrough[0]: cannot pass through "gpu"; devices that can be: rtc',
    ]);
    expect(problems(withGuest(1, { passthrough: ['virtio0'] }))[0]).toMatch(
      /cannot pass through "virtio0" \(its DMA would reach all of RAM: the board has no IOMMU; use "disks"\)/,
    );
    const both = { ...TABLE, guests: TABLE.guests.map((g) => ({ ...g, passthrough: ['rtc'] })) };
    expect(problems(both)).toEqual([
      'table: guests[1].passthrough[0]: rtc is already passed through to "linux"',
    ]);
  });

  it('shape: missing, mistyped and unknown keys', () => {
    expect(problems({})).toEqual(['table: board: is missing', 'table: guests: is missing']);
    expect(problems({ ...TABLE, extra: 1 })).toEqual(['table: table: unknown key "extra"']);
    expect(problems(withGuest(0, { kernal: 'linux' }))).toEqual(['table: guests[0]: unknown key "kernal"']);
    expect(problems(withGuest(0, { harts: '0,1' }))).toEqual([
      'table: guests[0].harts: must be array, not a string',
    ]);
    expect(problems(withGuest(0, { kernel: undefined }))).toEqual(['table: guests[0].kernel: is missing']);
    expect(problems(withGuest(0, { kernel: '' }))).toEqual(['table: guests[0].kernel: cannot be empty']);
    expect(problems(withGuest(0, { cpuShare: 0 }))).toEqual(['table: guests[0].cpuShare: must be 1 to 100']);
    expect(problems({ board: TABLE.board, guests: [] })).toEqual([
      'table: guests: must list at least one guest',
    ]);
    expect(problems(withGuest(0, { memory: true }))).toEqual([
      'table: guests[0].memory: must be a size (bytes, or a string like "64M"), not a boolean',
    ]);
  });

  it('reports every problem at once', () => {
    const bad = withGuest(1, { harts: [1, 7], memory: '3M', name: 'linux' });
    expect(problems(bad)).toEqual([
      'table: guests[1].name: "linux" is already the name of guests[0]',
      'table: guests[1].harts: hart 1 is already given to "linux"',
      'table: guests[1].harts[1]: hart 7 does not exist (the board has harts 0-3)',
      'table: guests[1].memory: must be a multiple of 2 MiB, not 3 MiB',
    ]);
  });
});

describe('parseTable', () => {
  it('parses JSON text', () => {
    expect(parseTable(JSON.stringify(TABLE)).guests).toHaveLength(2);
  });
  it('a syntax error is one line', () => {
    expect(() => parseTable('{ "board": ')).toThrow(/^table: not JSON: /);
  });
});
