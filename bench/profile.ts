/*
 * Profiles hvkit on the benchmark guests and prints where the host time goes:
 * functions by self time, hot source lines, files.
 *
 *   node --import tsx bench/profile.ts                      # sieve, full size
 *   node --import tsx bench/profile.ts --only crc32 --quick  # any `pnpm bench` flags
 *   node --import tsx bench/profile.ts --top 40 --only interp
 *
 * It profiles the bundle `pnpm bench` runs (scripts/run-bundled.mjs: readable
 * esbuild output with a source map), under `node --cpu-prof` with `--no-qemu`, and
 * maps the profile back to the .ts lines. Everything it writes stays in
 * bench/results/profile/ (gitignored): the .cpuprofile (open it in Chrome DevTools
 * or VS Code for flame charts), run.json, summary.txt.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readProfile, summariseProfile } from './lib/cpuprofile.js';
import { REPO_ROOT, RESULTS_DIR } from './lib/paths.js';
import { SourceMap } from './lib/sourcemap.js';

/** Splits off `--top N`; the rest goes to run.ts (default `--only sieve`). */
function parseArgs(argv: string[]): { top: number; runArgs: string[] } {
  let top = 25;
  const runArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--top') {
      top = Number(argv[++i]);
      if (!Number.isInteger(top) || top < 1) throw new Error('--top wants a positive whole number');
    } else {
      runArgs.push(argv[i]!);
    }
  }
  if (!runArgs.some((a) => a === '--only' || a.startsWith('--only='))) runArgs.push('--only', 'sieve');
  return { top, runArgs };
}

function run(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`profile: ${(error as Error).message}`);
    return 2;
  }
  const outDir = join(RESULTS_DIR, 'profile');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const launcher = join(REPO_ROOT, 'scripts', 'run-bundled.mjs');
  const dir = execFileSync(process.execPath, [launcher, '--print-dir', 'bench'], { encoding: 'utf8' }).trim();
  const bundle = join(dir, 'run.js');

  const args = ['--cpu-prof', `--cpu-prof-dir=${outDir}`, bundle, ...options.runArgs, '--no-qemu'];
  args.push('--json', join(outDir, 'run.json'));
  console.error(`profile: node ${args.map((a) => relative(process.cwd(), a) || a).join(' ')}`);
  const status = await run(process.execPath, args);

  const map = new SourceMap(`${bundle}.map`);
  const summaries: string[] = [];
  for (const file of readdirSync(outDir).filter((f) => f.endsWith('.cpuprofile'))) {
    const summary = summariseProfile(readProfile(join(outDir, file)), { top: options.top, map, bundle });
    if (summary !== null) summaries.push(`== ${relative(process.cwd(), join(outDir, file))}\n${summary}\n`);
  }
  const text = summaries.join('\n') || 'profile: no profile with JavaScript samples was written\n';
  process.stdout.write(`\n${text}`);
  writeFileSync(join(outDir, 'summary.txt'), text);
  return status;
}

process.exitCode = await main();
