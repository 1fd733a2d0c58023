/*
 * The resource allocation table: which physical harts, how much RAM, which kernel,
 * disks and pass-through devices each guest gets. The shape is checked with a zod
 * schema; what a schema cannot say (a hart given twice, more memory than the board
 * has, two guests on one disk file) is checked after it. Every problem becomes one
 * line, `table: <where>: <what>`, and all problems are reported at once.
 *
 * The table names files (kernels, initrds, disks) but never opens them: the app
 * resolves names to bytes and block backends before the hypervisor runs.
 */
import { z } from 'zod';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Most harts the virt board has (one PLIC context pair each). */
export const MAX_BOARD_HARTS = 8;
/** Most RAM the virt board has (a 32-bit size cell). */
export const MAX_BOARD_MEMORY = 4 * GiB;
/** RAM the hypervisor keeps for itself by default: its code, G-stage tables, the idle loop. */
export const DEFAULT_RESERVED = 16 * MiB;
/** Least RAM the hypervisor can live in (code page at +2 MiB, tables below it). */
export const MIN_RESERVED = 4 * MiB;
/** Guest RAM granule: G-stage megapages, and the 2 MiB alignment Linux wants. */
export const GUEST_MEMORY_GRANULE = 2 * MiB;
/** Most vCPUs of one guest (its virtual PLIC has one context pair per vCPU). */
export const MAX_VCPUS = 8;
/** Virtio-mmio slots of a guest's virtual board. */
export const MAX_DISKS = 8;
/** Where the board's RAM starts (virt DRAM base). */
export const BOARD_RAM_BASE = 0x8000_0000;
/** The kernels the app knows by name. */
export const BUILTIN_KERNELS = ['linux', 'os-stub'] as const;
/** Board devices that can be passed through (no DMA, so no IOMMU is needed to keep them isolated). */
export const PASSTHROUGH_DEVICES = ['rtc'] as const;

export type PassthroughDevice = (typeof PASSTHROUGH_DEVICES)[number];

/** A problem with the table; `problems` holds every line, `message` all of them. */
export class TableError extends Error {
  override readonly name = 'TableError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/**
 * Parses a memory size: a whole number of bytes, or a string with a K, M or G suffix
 * (`"512M"`, `"1G"`, `"65536"`); undefined when it is not one.
 */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(value.trim());
  if (m === null) return undefined;
  const unit = { '': 1, K: KiB, M: MiB, G: GiB }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  const n = Number(m[1]) * unit;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

const size = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = parseSize(v);
  if (n === undefined) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `${JSON.stringify(v)} is not a size (bytes, or with K, M, G)`,
    });
    return z.NEVER;
  }
  return n;
});

const diskSchema = z.union([
  z.string().min(1, 'a disk path cannot be empty'),
  z
    .object({ path: z.string().min(1, 'a disk path cannot be empty'), readOnly: z.boolean().optional() })
    .strict(),
]);

const guestSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'must be a letter then up to 31 letters, digits, - or _'),
    harts: z
      .array(z.number().int('must be whole hart numbers'))
      .min(1, 'must name at least one hart')
      .optional(),
    vcpus: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(MAX_VCPUS, `must be at most ${MAX_VCPUS}`)
      .optional(),
    memory: size,
    kernel: z.string().min(1, 'cannot be empty'),
    bootargs: z.string().optional(),
    initrd: z.string().min(1, 'cannot be empty').optional(),
    disks: z.array(diskSchema).max(MAX_DISKS, `at most ${MAX_DISKS} disks (virtio slots)`).optional(),
    cpuShare: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be 1 to 100')
      .max(100, 'must be 1 to 100')
      .optional(),
    passthrough: z.array(z.string()).optional(),
  })
  .strict();

const tableSchema = z
  .object({
    board: z
      .object({
        harts: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(MAX_BOARD_HARTS, `the virt board has at most ${MAX_BOARD_HARTS} harts`),
        memory: size,
        reserved: size.optional(),
      })
      .strict(),
    guests: z
      .array(guestSchema)
      .min(1, 'must list at least one guest')
      .max(MAX_BOARD_HARTS * MAX_VCPUS),
  })
  .strict();

/** A disk as the table names it. */
export interface TableDisk {
  readonly path: string;
  readonly readOnly: boolean;
}

/** One guest's allocation, checked. */
export interface GuestPlan {
  readonly name: string;
  /** Index in `guests`, for messages. */
  readonly index: number;
  /**
   * Physical harts given to this guest alone; empty for a guest that time-shares the
   * pool (the harts no guest is given).
   */
  readonly harts: readonly number[];
  /** Number of vCPUs (ids 0..vcpus-1). */
  readonly vcpus: number;
  /** RAM in bytes; the guest sees it at guest-physical 0x8000_0000. */
  readonly memory: number;
  /** Host-physical base of its RAM on the board (after the hypervisor's reservation and the guests before it). */
  readonly hostBase: number;
  /** `linux`, `os-stub` or a file path, as written. */
  readonly kernel: string;
  readonly bootargs: string | undefined;
  readonly initrd: string | undefined;
  readonly disks: readonly TableDisk[];
  /** Relative weight of each of its vCPUs when vCPUs time-share a hart, 1-100. */
  readonly cpuShare: number;
  readonly passthrough: readonly PassthroughDevice[];
}

/** The whole table, checked, with host-physical placements. */
export interface Plan {
  readonly board: { readonly harts: number; readonly memory: number; readonly reserved: number };
  /** Harts given to no guest: the pool that guests without `harts` share. */
  readonly pool: readonly number[];
  readonly guests: readonly GuestPlan[];
}

/** `guests[1].harts[0]` from a zod path. */
function where(path: readonly (string | number)[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s === '' ? 'table' : s;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** One zod issue as one line, with its place in the table. */
function issueLine(issue: z.ZodIssue, input: unknown): string {
  let value: unknown = input;
  for (const p of issue.path) value = (value as Record<string | number, unknown> | undefined)?.[p];
  let what: string;
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      what =
        issue.received === 'undefined'
          ? 'is missing'
          : `must be ${issue.expected}, not ${describeType(value)}`;
      break;
    case z.ZodIssueCode.unrecognized_keys:
      what = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
      break;
    case z.ZodIssueCode.invalid_union:
      what =
        issue.path.at(-2) === 'disks'
          ? 'must be a path or { "path": ..., "readOnly": true }'
          : `must be a size (bytes, or a string like "64M"), not ${describeType(value)}`;
      break;
    default:
      what = issue.message;
  }
  return `table: ${where(issue.path)}: ${what}`;
}

const mib = (n: number) => (n % MiB === 0 ? `${n / MiB} MiB` : `${n} bytes`);

/**
 * Checks a parsed table file (any JSON value) and places every guest's RAM; throws
 * `TableError` listing every problem. `canonicalPath` maps a disk path to the file it
 * names (the app resolves relative paths), so two names for one file are caught.
 */
export function checkTable(input: unknown, canonicalPath: (path: string) => string = (p) => p): Plan {
  const parsed = tableSchema.safeParse(input);
  if (!parsed.success) throw new TableError(parsed.error.issues.map((i) => issueLine(i, input)));
  const { board, guests } = parsed.data;
  const problems: string[] = [];
  const reserved = board.reserved ?? DEFAULT_RESERVED;

  if (board.memory > MAX_BOARD_MEMORY)
    problems.push(`table: board.memory: at most 4 GiB, not ${mib(board.memory)}`);
  if (board.memory % GUEST_MEMORY_GRANULE !== 0)
    problems.push(`table: board.memory: must be a multiple of 2 MiB, not ${mib(board.memory)}`);
  if (reserved < MIN_RESERVED || reserved % GUEST_MEMORY_GRANULE !== 0)
    problems.push(
      `table: board.reserved: must be a multiple of 2 MiB and at least 4 MiB, not ${mib(reserved)}`,
    );
  if (reserved >= board.memory)
    problems.push(
      `table: board.reserved: ${mib(reserved)} leaves nothing of the board's ${mib(board.memory)}`,
    );

  const hartOwner = new Map<number, number>();
  const names = new Map<string, number>();
  const disks = new Map<string, string>();
  const passOwner = new Map<string, string>();
  let total = 0;
  guests.forEach((g, i) => {
    const at = `table: guests[${i}]`;
    const other = names.get(g.name);
    if (other !== undefined) problems.push(`${at}.name: "${g.name}" is already the name of guests[${other}]`);
    else names.set(g.name, i);
    (g.harts ?? []).forEach((h, j) => {
      if (h < 0 || h >= board.harts) {
        problems.push(
          `${at}.harts[${j}]: hart ${h} does not exist (the board has harts 0-${board.harts - 1})`,
        );
        return;
      }
      const owner = hartOwner.get(h);
      if (owner === i) problems.push(`${at}.harts[${j}]: hart ${h} is listed twice`);
      else if (owner !== undefined)
        problems.push(`${at}.harts: hart ${h} is already given to "${guests[owner]!.name}"`);
      else hartOwner.set(h, i);
    });
    if (g.harts !== undefined && g.vcpus !== undefined && g.vcpus < g.harts.length) {
      problems.push(
        `${at}.vcpus: ${g.vcpus} vCPUs cannot use its ${g.harts.length} harts (a hart would idle)`,
      );
    }
    if (g.harts === undefined && g.vcpus === undefined) {
      problems.push(
        `${at}: give it "harts" (its own) or "vcpus" (to time-share the harts no guest is given)`,
      );
    }
    if (g.memory % GUEST_MEMORY_GRANULE !== 0)
      problems.push(`${at}.memory: must be a multiple of 2 MiB, not ${mib(g.memory)}`);
    total += g.memory;
    (g.disks ?? []).forEach((d, j) => {
      const path = typeof d === 'string' ? d : d.path;
      const key = canonicalPath(path);
      const owner = disks.get(key);
      if (owner !== undefined)
        problems.push(
          `${at}.disks[${j}]: ${path} is already a disk of "${owner}" (guests cannot share a disk)`,
        );
      else disks.set(key, g.name);
    });
    (g.passthrough ?? []).forEach((d, j) => {
      if (!(PASSTHROUGH_DEVICES as readonly string[]).includes(d)) {
        const why = /^virtio|disk|blk/.test(d)
          ? ' (its DMA would reach all of RAM: the board has no IOMMU; use "disks")'
          : '';
        problems.push(
          `${at}.passthrough[${j}]: cannot pass through "${d}"${why}; devices that can be: ${PASSTHROUGH_DEVICES.join(', ')}`,
        );
        return;
      }
      const owner = passOwner.get(d);
      if (owner !== undefined)
        problems.push(`${at}.passthrough[${j}]: ${d} is already passed through to "${owner}"`);
      else passOwner.set(d, g.name);
    });
  });
  const available = board.memory - reserved;
  if (reserved < board.memory && total > available) {
    problems.push(
      `table: guests: their memory adds up to ${mib(total)}, more than the ${mib(available)} the board has ` +
        `(${mib(board.memory)} less ${mib(reserved)} for the hypervisor)`,
    );
  }
  const pool: number[] = [];
  for (let h = 0; h < board.harts; h++) if (!hartOwner.has(h)) pool.push(h);
  guests.forEach((g, i) => {
    if (g.harts === undefined && g.vcpus !== undefined && pool.length === 0) {
      problems.push(
        `table: guests[${i}].vcpus: no hart is left to time-share (every hart is given to a guest)`,
      );
    }
  });
  if (problems.length > 0) throw new TableError(problems);

  let next = BOARD_RAM_BASE + reserved;
  const plans = guests.map((g, index): GuestPlan => {
    const hostBase = next;
    next += g.memory;
    return {
      name: g.name,
      index,
      harts: g.harts ?? [],
      vcpus: g.vcpus ?? g.harts?.length ?? 1,
      memory: g.memory,
      hostBase,
      kernel: g.kernel,
      bootargs: g.bootargs,
      initrd: g.initrd,
      disks: (g.disks ?? []).map((d) =>
        typeof d === 'string'
          ? { path: d, readOnly: false }
          : { path: d.path, readOnly: d.readOnly ?? false },
      ),
      cpuShare: g.cpuShare ?? 100,
      passthrough: (g.passthrough ?? []) as PassthroughDevice[],
    };
  });
  return { board: { harts: board.harts, memory: board.memory, reserved }, pool, guests: plans };
}

/** Parses table text (JSON) and checks it; a syntax error is one line too. */
export function parseTable(text: string, canonicalPath?: (path: string) => string): Plan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TableError([`table: not JSON: ${(error as Error).message}`]);
  }
  return checkTable(json, canonicalPath);
}
