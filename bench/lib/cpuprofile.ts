/*
 * Summary of a V8 CPU profile (`node --cpu-prof`, a .cpuprofile file): self time
 * per function, per source line and per file. Used by bench/profile.ts and
 * bench/profile-summary.ts.
 *
 * Locations: with the source map of a bundle (bench/profile.ts), functions and
 * lines map exactly to .ts files. Without one (a profile of `pnpm bench`, i.e.
 * of code loaded through tsx), V8 saw tsx's whitespace-minified output where
 * everything is on line 1: functions are then placed by finding their
 * declaration by name in the .ts source (`?` after the line: the name is
 * declared more than once there, the first is shown; `:?`: not found), and no
 * per-line table is possible.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './paths.js';
import type { SourceMap } from './sourcemap.js';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  /** 0-based. */
  readonly lineNumber: number;
  /** 0-based. */
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly hitCount?: number;
  /** Samples per 1-based line of the function's script. */
  readonly positionTicks?: readonly { readonly line: number; readonly ticks: number }[];
}

/** The parts of a .cpuprofile this summary reads. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** V8's pseudo-frames: not JavaScript that ran. */
const PSEUDO = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

/** A path for display: repo-relative when inside the repo. */
function short(path: string): string {
  const rel = relative(REPO_ROOT, path);
  return rel.startsWith('..') ? path : rel;
}

/** The script of a frame as a path, `node:...`, or `(native)`. */
function scriptPath(frame: CallFrame): string {
  if (frame.url === '') return '(native)';
  return frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
}

const sourceCache = new Map<string, readonly string[] | null>();

/** Lines of a TypeScript source file, or null. */
function tsLines(path: string): readonly string[] | null {
  let lines = sourceCache.get(path);
  if (lines === undefined) {
    try {
      lines = /\.[cm]?ts$/.test(path) ? readFileSync(path, 'utf8').split('\n') : null;
    } catch {
      lines = null;
    }
    sourceCache.set(path, lines);
  }
  return lines;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `file:line` of a function found by its declaration in a .ts file (see the header). */
function byName(path: string, name: string, lines: readonly string[]): string {
  const id = escapeRegExp(name.replace(/^(get|set) /, ''));
  const modifiers =
    '(?:(?:export|default|async|static|private|protected|public|readonly|override|get|set)\\s+)*';
  const declaration = new RegExp(
    `^\\s*${modifiers}(?:function\\s*\\*?\\s*)?${id}\\s*(?:<[^>]*>)?\\s*\\(|^\\s*(?:export\\s+)?(?:const|let)\\s+${id}\\s*=`,
  );
  const found: number[] = [];
  lines.forEach((line, i) => {
    if (declaration.test(line)) found.push(i + 1);
  });
  if (found.length === 0) return `${short(path)}:?`;
  return `${short(path)}:${found[0]}${found.length > 1 ? '?' : ''}`;
}

/** Options of `summariseProfile`. */
export interface SummaryOptions {
  /** Rows per table. */
  readonly top: number;
  /** Source map of the bundle the profile ran, if any. */
  readonly map?: SourceMap | undefined;
  /** The bundle's path (frames from other scripts are not mapped). */
  readonly bundle?: string | undefined;
}

interface Tally {
  readonly label: string;
  readonly where: string;
  value: number;
}

function add(map: Map<string, Tally>, key: string, label: string, where: string, value: number): void {
  const entry = map.get(key);
  if (entry === undefined) map.set(key, { label, where, value });
  else entry.value += value;
}

function sorted(map: Map<string, Tally>, top: number): Tally[] {
  return [...map.values()].sort((a, b) => b.value - a.value).slice(0, top);
}

/** The summary as text, or null when the profile is (nearly) all idle (e.g. a loader thread). */
export function summariseProfile(profile: CpuProfile, options: SummaryOptions): string | null {
  const { top, map, bundle } = options;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const mapped = (frame: CallFrame): boolean => map !== undefined && scriptPath(frame) === bundle;

  // Self time: each sample is charged the interval up to the next sample.
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }

  let total = 0;
  let js = 0;
  const pseudo = new Map<string, Tally>();
  const functions = new Map<string, Tally>();
  const files = new Map<string, Tally>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    total += us;
    if (PSEUDO.has(frame.functionName)) {
      add(pseudo, frame.functionName, frame.functionName, '', us);
      continue;
    }
    js += us;
    const name = frame.functionName || '(anonymous)';
    const script = scriptPath(frame);
    let file = short(script);
    let where = `${file}:${frame.lineNumber + 1}`;
    if (mapped(frame)) {
      const pos = map!.lookup(frame.lineNumber, frame.columnNumber);
      if (pos !== null) {
        file = short(pos.source);
        where = `${file}:${pos.line}`;
      }
    } else {
      const lines = tsLines(script);
      if (lines !== null && frame.functionName !== '') where = byName(script, frame.functionName, lines);
    }
    add(functions, `${script}:${frame.lineNumber}:${frame.columnNumber}:${name}`, name, where, us);
    add(files, file, file, '', us);
  }
  if (total === 0 || js < total * 0.05) return null;

  // Per-line samples (only meaningful with a source map; see the header).
  const lineTicks = new Map<string, Tally>();
  let samples = 0;
  for (const node of profile.nodes) samples += node.hitCount ?? 0;
  if (map !== undefined) {
    for (const node of profile.nodes) {
      if (!mapped(node.callFrame)) continue;
      for (const { line, ticks } of node.positionTicks ?? []) {
        const pos = map.lookup(line - 1);
        if (pos === null) continue;
        const where = `${short(pos.source)}:${pos.line}`;
        const text = tsLines(pos.source)?.[pos.line - 1]?.trim() ?? '';
        add(lineTicks, where, text, where, ticks);
      }
    }
  }

  const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1).padStart(5)}%`;
  const ms = (us: number): string => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const out: string[] = [`${(total / 1e6).toFixed(2)} s sampled, ${(js / 1e6).toFixed(2)} s in JavaScript`];
  for (const t of sorted(pseudo, 4)) out.push(`  ${pct(t.value, total)} ${ms(t.value)}  ${t.label}`);
  out.push('', `top ${top} functions by self time:`);
  for (const t of sorted(functions, top)) {
    out.push(`  ${pct(t.value, total)} ${ms(t.value)}  ${t.label.padEnd(28)} ${t.where}`);
  }
  if (lineTicks.size > 0) {
    out.push('', `top ${top} source lines by self samples:`);
    for (const t of sorted(lineTicks, top)) {
      out.push(`  ${pct(t.value, samples)}  ${t.where.padEnd(42)} ${t.label.slice(0, 80)}`);
    }
  }
  out.push('', 'self time by file:');
  for (const t of sorted(files, 12)) out.push(`  ${pct(t.value, total)} ${ms(t.value)}  ${t.label}`);
  return out.join('\n');
}

/** Reads a .cpuprofile file. */
export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}
