/*
 * Just enough of Source Map v3 to map a position in a bundle back to its source
 * file and line (for bench/profile.ts). Mappings are base64 VLQ segments:
 * [generated column, source index, original line, original column, (name)],
 * each relative to the previous one; lines are separated by `;`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** An original position: absolute source path and 1-based line. */
export interface OriginalPosition {
  readonly source: string;
  readonly line: number;
}

interface Segment {
  readonly column: number;
  readonly source: number;
  readonly line: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** Decodes one segment's VLQ numbers. */
function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const digit = DIGIT.get(c);
    if (digit === undefined) throw new Error(`bad source map character '${c}'`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return out;
}

/** A parsed source map. */
export class SourceMap {
  private readonly sources: readonly string[];
  /** Segments per generated line (0-based), sorted by column. */
  private readonly lines: readonly (readonly Segment[])[];

  /** Reads `file` (a .map); source paths are resolved against its directory (and sourceRoot). */
  constructor(file: string) {
    const map = JSON.parse(readFileSync(file, 'utf8')) as {
      sources: string[];
      sourceRoot?: string;
      mappings: string;
    };
    const root = resolve(dirname(file), map.sourceRoot ?? '');
    this.sources = map.sources.map((s) => resolve(root, s));
    const lines: Segment[][] = [];
    let source = 0;
    let line = 0;
    for (const text of map.mappings.split(';')) {
      const segments: Segment[] = [];
      let generated = 0;
      for (const part of text.split(',')) {
        if (part === '') continue;
        const v = decodeVlq(part);
        generated += v[0]!;
        if (v.length >= 4) {
          source += v[1]!;
          line += v[2]!; // v[3], the original column, is not needed
          segments.push({ column: generated, source, line });
        }
      }
      lines.push(segments);
    }
    this.lines = lines;
  }

  /**
   * The original position of generated (line, column), both 0-based: the last
   * segment at or before the column, else the line's first segment.
   */
  lookup(line: number, column = 0): OriginalPosition | null {
    const segments = this.lines[line];
    if (segments === undefined || segments.length === 0) return null;
    let best = segments[0]!;
    for (const s of segments) {
      if (s.column > column) break;
      best = s;
    }
    const source = this.sources[best.source];
    return source === undefined ? null : { source, line: best.line + 1 };
  }
}
