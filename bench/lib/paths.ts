/* Where bench/ is: the nearest directory at or above this module that holds
 * guests/build.sh and run.ts. Found by walking up (not by a fixed `..`) so the
 * same code also works when bench/profile.ts bundles it into bench/results/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findBenchDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'guests', 'build.sh')) && existsSync(join(dir, 'run.ts'))) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the bench/ directory above ${start}`);
  }
}

/** The bench/ directory. */
export const BENCH_DIR = findBenchDir(dirname(fileURLToPath(import.meta.url)));
/** The repository root (bench/..). */
export const REPO_ROOT = dirname(BENCH_DIR);
/** The committed guest images. */
export const IMAGES_DIR = join(BENCH_DIR, 'guests', 'images');
/** Results (gitignored). */
export const RESULTS_DIR = join(BENCH_DIR, 'results');
