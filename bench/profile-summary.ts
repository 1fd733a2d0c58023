/*
 * Prints the summary of V8 CPU profiles (see lib/cpuprofile.ts): functions by
 * self time, source lines (when a source map is given) and files.
 *
 *   node --import tsx bench/profile-summary.ts FILE.cpuprofile|DIR... [--map BUNDLE.mjs.map] [--top N]
 *
 * bench/profile.ts runs a profile and prints this summary itself; use this for
 * profiles taken another way, e.g.
 *   node --cpu-prof --cpu-prof-dir=bench/results/prof --conditions=@hvkit/source \
 *     --import tsx bench/run.ts --only sieve --no-qemu
 * (Node writes one profile per thread; near-idle ones, like tsx's loader
 * thread, are skipped.)
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readProfile, summariseProfile } from './lib/cpuprofile.js';
import { SourceMap } from './lib/sourcemap.js';

const USAGE =
  'usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile|DIR... [--map FILE.map] [--top N]';

function profileFiles(paths: readonly string[]): string[] {
  return paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.cpuprofile'))
          .sort()
          .map((f) => join(p, f))
      : [p],
  );
}

function main(): number {
  let parsed: ReturnType<typeof read>;
  function read() {
    return parseArgs({
      allowPositionals: true,
      options: { map: { type: 'string' }, top: { type: 'string', default: '25' } },
    });
  }
  try {
    parsed = read();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const top = Number(values.top);
  const files = profileFiles(positionals);
  if (files.length === 0 || !Number.isInteger(top) || top < 1) {
    console.error(USAGE);
    return 2;
  }
  const map = values.map === undefined ? undefined : new SourceMap(resolve(values.map));
  const bundle = values.map === undefined ? undefined : resolve(values.map).replace(/\.map$/, '');
  for (const file of files) {
    const summary = summariseProfile(readProfile(file), { top, map, bundle });
    console.log(`== ${relative(process.cwd(), file)}`);
    console.log(summary ?? '(skipped: almost all idle)');
    console.log('');
  }
  return 0;
}

process.exitCode = main();
