/**
 * Checks the soft-float against reference vectors produced by real RISC-V FP instructions
 * (vectors/gen: fpgen.c run under qemu-riscv64). Every line of every vectors/*.txt file is
 * checked, result and fflags, in each rounding mode.
 *
 * HVKIT_FPU_VECTORS=/some/dir additionally checks a directory written by
 * `vectors/gen/gen.sh /some/dir SCALE` (a larger, uncommitted set).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SoftFloat } from './index.js';

/** Runs one vector: `k` is the rounding mode, or for files without rounding the instruction index. */
type Runner = (sf: SoftFloat, args: readonly string[], k: number) => string;

const h32 = (s: string): number => Number.parseInt(s, 16);
const h64 = (s: string): bigint => BigInt(`0x${s}`);
/** Formats a result, first checking it has the documented representation. */
function check<T>(ok: boolean, v: T, what: string): T {
  if (!ok) throw new Error(`result ${String(v)} is not ${what}`);
  return v;
}
/** binary32 patterns: unsigned 32-bit integers. */
const x32 = (v: number): string =>
  check(Number.isInteger(v) && v >= 0 && v <= 0xffffffff, v, 'a uint32')
    .toString(16)
    .padStart(8, '0');
/** W conversions: the int32 the instruction sign-extends (never -0). */
const xi32 = (v: number): string =>
  (check(Object.is(v, v | 0), v, 'an int32') >>> 0).toString(16).padStart(8, '0');
/** binary64 patterns and LU conversions: unsigned 64-bit bigints. */
const x64 = (v: bigint): string =>
  check(v >= 0n && v < 2n ** 64n, v, 'a uint64')
    .toString(16)
    .padStart(16, '0');
/** L conversions: signed 64-bit bigints. */
const xs64 = (v: bigint): string =>
  BigInt.asUintN(64, check(v >= -(2n ** 63n) && v < 2n ** 63n, v, 'an int64'))
    .toString(16)
    .padStart(16, '0');
const a = (args: readonly string[], i: number): string => args[i] ?? '';

/** Per file: whether lines hold five rounding-mode variants, and how to run one. */
const OPS: Record<string, { rounding: boolean; variants?: number; run: Runner }> = {
  f32_add: { rounding: true, run: (sf, v, rm) => x32(sf.add32(h32(a(v, 0)), h32(a(v, 1)), rm)) },
  f32_sub: { rounding: true, run: (sf, v, rm) => x32(sf.sub32(h32(a(v, 0)), h32(a(v, 1)), rm)) },
  f32_mul: { rounding: true, run: (sf, v, rm) => x32(sf.mul32(h32(a(v, 0)), h32(a(v, 1)), rm)) },
  f32_div: { rounding: true, run: (sf, v, rm) => x32(sf.div32(h32(a(v, 0)), h32(a(v, 1)), rm)) },
  f32_sqrt: { rounding: true, run: (sf, v, rm) => x32(sf.sqrt32(h32(a(v, 0)), rm)) },
  f32_fmadd: {
    rounding: true,
    run: (sf, v, rm) => x32(sf.fmadd32(h32(a(v, 0)), h32(a(v, 1)), h32(a(v, 2)), rm)),
  },
  f32_fmsub: {
    rounding: true,
    run: (sf, v, rm) => x32(sf.fmsub32(h32(a(v, 0)), h32(a(v, 1)), h32(a(v, 2)), rm)),
  },
  f32_fnmsub: {
    rounding: true,
    run: (sf, v, rm) => x32(sf.fnmsub32(h32(a(v, 0)), h32(a(v, 1)), h32(a(v, 2)), rm)),
  },
  f32_fnmadd: {
    rounding: true,
    run: (sf, v, rm) => x32(sf.fnmadd32(h32(a(v, 0)), h32(a(v, 1)), h32(a(v, 2)), rm)),
  },
  f32_minmax: {
    rounding: false,
    variants: 2,
    run: (sf, v, k) => x32((k === 0 ? sf.min32 : sf.max32).call(sf, h32(a(v, 0)), h32(a(v, 1)))),
  },
  f32_cmp: {
    rounding: false,
    variants: 3,
    run: (sf, v, k) => {
      const x = h32(a(v, 0));
      const y = h32(a(v, 1));
      return (k === 0 ? sf.eq32(x, y) : k === 1 ? sf.lt32(x, y) : sf.le32(x, y)) ? '1' : '0';
    },
  },
  f32_class: {
    rounding: false,
    run: (sf, v) =>
      sf
        .classify32(h32(a(v, 0)))
        .toString(16)
        .padStart(3, '0'),
  },
  f32_cvt_w: { rounding: true, run: (sf, v, rm) => xi32(sf.f32ToI32(h32(a(v, 0)), rm)) },
  f32_cvt_wu: { rounding: true, run: (sf, v, rm) => xi32(sf.f32ToU32(h32(a(v, 0)), rm)) },
  f32_cvt_l: { rounding: true, run: (sf, v, rm) => xs64(sf.f32ToI64(h32(a(v, 0)), rm)) },
  f32_cvt_lu: { rounding: true, run: (sf, v, rm) => x64(sf.f32ToU64(h32(a(v, 0)), rm)) },
  f32_from_w: { rounding: true, run: (sf, v, rm) => x32(sf.i32ToF32(h32(a(v, 0)), rm)) },
  f32_from_wu: { rounding: true, run: (sf, v, rm) => x32(sf.u32ToF32(h32(a(v, 0)), rm)) },
  f32_from_l: { rounding: true, run: (sf, v, rm) => x32(sf.i64ToF32(h64(a(v, 0)), rm)) },
  f32_from_lu: { rounding: true, run: (sf, v, rm) => x32(sf.u64ToF32(h64(a(v, 0)), rm)) },
  f32_from_f64: { rounding: true, run: (sf, v, rm) => x32(sf.f64ToF32(h64(a(v, 0)), rm)) },
  f64_add: { rounding: true, run: (sf, v, rm) => x64(sf.add64(h64(a(v, 0)), h64(a(v, 1)), rm)) },
  f64_sub: { rounding: true, run: (sf, v, rm) => x64(sf.sub64(h64(a(v, 0)), h64(a(v, 1)), rm)) },
  f64_mul: { rounding: true, run: (sf, v, rm) => x64(sf.mul64(h64(a(v, 0)), h64(a(v, 1)), rm)) },
  f64_div: { rounding: true, run: (sf, v, rm) => x64(sf.div64(h64(a(v, 0)), h64(a(v, 1)), rm)) },
  f64_sqrt: { rounding: true, run: (sf, v, rm) => x64(sf.sqrt64(h64(a(v, 0)), rm)) },
  f64_fmadd: {
    rounding: true,
    run: (sf, v, rm) => x64(sf.fmadd64(h64(a(v, 0)), h64(a(v, 1)), h64(a(v, 2)), rm)),
  },
  f64_fmsub: {
    rounding: true,
    run: (sf, v, rm) => x64(sf.fmsub64(h64(a(v, 0)), h64(a(v, 1)), h64(a(v, 2)), rm)),
  },
  f64_fnmsub: {
    rounding: true,
    run: (sf, v, rm) => x64(sf.fnmsub64(h64(a(v, 0)), h64(a(v, 1)), h64(a(v, 2)), rm)),
  },
  f64_fnmadd: {
    rounding: true,
    run: (sf, v, rm) => x64(sf.fnmadd64(h64(a(v, 0)), h64(a(v, 1)), h64(a(v, 2)), rm)),
  },
  f64_minmax: {
    rounding: false,
    variants: 2,
    run: (sf, v, k) => x64((k === 0 ? sf.min64 : sf.max64).call(sf, h64(a(v, 0)), h64(a(v, 1)))),
  },
  f64_cmp: {
    rounding: false,
    variants: 3,
    run: (sf, v, k) => {
      const x = h64(a(v, 0));
      const y = h64(a(v, 1));
      return (k === 0 ? sf.eq64(x, y) : k === 1 ? sf.lt64(x, y) : sf.le64(x, y)) ? '1' : '0';
    },
  },
  f64_class: {
    rounding: false,
    run: (sf, v) =>
      sf
        .classify64(h64(a(v, 0)))
        .toString(16)
        .padStart(3, '0'),
  },
  f64_cvt_w: { rounding: true, run: (sf, v, rm) => xi32(sf.f64ToI32(h64(a(v, 0)), rm)) },
  f64_cvt_wu: { rounding: true, run: (sf, v, rm) => xi32(sf.f64ToU32(h64(a(v, 0)), rm)) },
  f64_cvt_l: { rounding: true, run: (sf, v, rm) => xs64(sf.f64ToI64(h64(a(v, 0)), rm)) },
  f64_cvt_lu: { rounding: true, run: (sf, v, rm) => x64(sf.f64ToU64(h64(a(v, 0)), rm)) },
  f64_from_w: { rounding: true, run: (sf, v, rm) => x64(sf.i32ToF64(h32(a(v, 0)), rm)) },
  f64_from_wu: { rounding: true, run: (sf, v, rm) => x64(sf.u32ToF64(h32(a(v, 0)), rm)) },
  f64_from_l: { rounding: true, run: (sf, v, rm) => x64(sf.i64ToF64(h64(a(v, 0)), rm)) },
  f64_from_lu: { rounding: true, run: (sf, v, rm) => x64(sf.u64ToF64(h64(a(v, 0)), rm)) },
  f64_from_f32: { rounding: false, run: (sf, v) => x64(sf.f32ToF64(h32(a(v, 0)))) },
};

const RM_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm'];

interface FileResult {
  lines: number;
  checks: number;
  failures: string[];
}

/** Checks every line of one vector file; returns the failing lines (at most 20 described). */
function checkFile(path: string, op: string): FileResult {
  const spec = OPS[op];
  if (!spec) throw new Error(`no runner for vector file ${op}`);
  const text = readFileSync(path, 'utf8');
  const res: FileResult = { lines: 0, checks: 0, failures: [] };
  let failed = 0;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    res.lines++;
    const fields = line.split(' ');
    const expected = fields.filter((f) => f.includes(':'));
    const inputs = fields.filter((f) => !f.includes(':'));
    const variants = spec.rounding ? 5 : (spec.variants ?? 1);
    if (expected.length !== variants || inputs.length === 0) {
      throw new Error(`${path}: malformed line "${line}"`);
    }
    const got: string[] = [];
    for (let k = 0; k < expected.length; k++) {
      const sf = new SoftFloat();
      const r = spec.run(sf, inputs, k);
      got.push(`${r}:${sf.flags.toString(16).padStart(2, '0')}`);
    }
    for (let k = 0; k < expected.length; k++) {
      res.checks++;
      if (got[k] !== expected[k]) {
        failed++;
        if (res.failures.length < 20) {
          const which = spec.rounding ? RM_NAMES[k] : `#${k}`;
          res.failures.push(`${op} ${inputs.join(' ')} ${which}: expected ${expected[k]} got ${got[k]}`);
        }
      }
    }
  }
  if (failed > res.failures.length) res.failures.push(`... ${failed} failing checks in all`);
  return res;
}

function vectorFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
}

const here = dirname(fileURLToPath(import.meta.url));
const committed = join(here, 'vectors');

describe('reference vectors (RISC-V, qemu softfloat)', () => {
  const files = vectorFiles(committed);

  it('covers every operation', () => {
    expect(files.map((f) => f.replace(/\.txt$/, ''))).toEqual(Object.keys(OPS).sort());
  });

  for (const file of files) {
    const op = file.replace(/\.txt$/, '');
    it(op, () => {
      const r = checkFile(join(committed, file), op);
      expect(r.lines).toBeGreaterThan(0);
      expect(r.failures).toEqual([]);
    });
  }
});

const extra = process.env.HVKIT_FPU_VECTORS;
describe.skipIf(!extra)('extra reference vectors ($HVKIT_FPU_VECTORS)', () => {
  if (!extra) return;
  for (const file of vectorFiles(extra)) {
    const op = file.replace(/\.txt$/, '');
    it(op, () => {
      const r = checkFile(join(extra, file), op);
      console.log(`${op}: ${r.lines} lines, ${r.checks} checks`);
      expect(r.failures).toEqual([]);
    }, 600_000);
  }
});
