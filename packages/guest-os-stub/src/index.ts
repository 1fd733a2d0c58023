// @hvkit/guest-os-stub: a small S-mode guest OS that checks the virtual hardware and
// prints a machine-checkable report. Imports nothing; the image is embedded.
import { OS_STUB_ELF_BASE64 } from './image.js';

/** Where the image is linked and loaded (guest-physical), as a RISC-V S-mode kernel. */
export const OS_STUB_LOAD_ADDRESS = 0x8020_0000;
/** The ELF entry point: entered in S-mode with a0 = hart id, a1 = DTB, SBI available. */
export const OS_STUB_ENTRY = 0x8020_0000;

/** The checks, in the order the stub reports them. */
export const OS_STUB_CHECKS = [
  'dtb',
  'uart',
  'sbi-dbcn',
  'sv39',
  'timer-sbi',
  'timer-sstc',
  'plic',
  'sched',
  'harts',
  'virtio-blk',
] as const;
export type OsStubCheckName = (typeof OS_STUB_CHECKS)[number];

/**
 * Where the committed image lives (`images/os-stub.elf` in this package), for hosts
 * that load kernels from files (`hvkit run --kernel os-stub`).
 */
export const OS_STUB_IMAGE_URL: URL = new URL('../images/os-stub.elf', import.meta.url);

let cached: Uint8Array | undefined;
/** The committed ELF image (`images/os-stub.elf`), a fresh copy on every call. */
export function osStubImage(): Uint8Array {
  cached ??= decodeBase64(OS_STUB_ELF_BASE64);
  return cached.slice();
}

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export interface OsStubCheck {
  readonly name: string;
  readonly ok: boolean;
  /** Why it failed (FAIL lines), or the detail in parentheses (ok lines), if any. */
  readonly why?: string;
}

export interface OsStubReport {
  readonly checks: OsStubCheck[];
  /** From the summary line when present, else counted from the check lines. */
  readonly passed: number;
  readonly total: number;
  /** 'incomplete' when no summary line was printed (the guest hung or crashed). */
  readonly verdict: 'PASS' | 'FAIL' | 'incomplete';
  /**
   * When incomplete: the first check of {@link OS_STUB_CHECKS} that was not reported,
   * i.e. the one the guest hung or crashed in (checks run in that order).
   */
  readonly pending?: string;
}

const OK = /^os-stub: ok (\S+)(?: \((.*)\))?$/;
const FAIL = /^os-stub: FAIL (\S+): (.*)$/;
const SUMMARY = /^os-stub: (PASS|FAIL) (\d+)\/(\d+)$/;

/**
 * Parses the stub's console output (other lines, firmware banners and CRs are
 * ignored). The summary is `PASS n/n` or `FAIL k/n` with k = checks passed; a
 * summary that disagrees with the check lines, or a PASS with a failed check,
 * is a FAIL.
 */
export function parseOsStubReport(text: string): OsStubReport {
  const checks: OsStubCheck[] = [];
  let summary: { verdict: 'PASS' | 'FAIL'; passed: number; total: number } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r/g, '').trim();
    let m = OK.exec(line);
    if (m) {
      checks.push(m[2] === undefined ? { name: m[1]!, ok: true } : { name: m[1]!, ok: true, why: m[2] });
      continue;
    }
    m = SUMMARY.exec(line);
    if (m) {
      summary = { verdict: m[1] as 'PASS' | 'FAIL', passed: Number(m[2]), total: Number(m[3]) };
      continue;
    }
    m = FAIL.exec(line);
    if (m) checks.push({ name: m[1]!, ok: false, why: m[2]! });
  }
  const counted = checks.filter((c) => c.ok).length;
  if (!summary) {
    const pending = OS_STUB_CHECKS.find((name) => !checks.some((c) => c.name === name));
    const base = { checks, passed: counted, total: checks.length, verdict: 'incomplete' as const };
    return pending === undefined ? base : { ...base, pending };
  }
  const consistent =
    summary.passed === counted &&
    summary.total === checks.length &&
    (summary.verdict === 'PASS') === (counted === checks.length && checks.length > 0);
  return {
    checks,
    passed: summary.passed,
    total: summary.total,
    verdict: summary.verdict === 'PASS' && consistent ? 'PASS' : 'FAIL',
  };
}
