#!/usr/bin/env node
/*
 * Runs a workspace program (`hvkit` or `bench`) from an esbuild bundle of its
 * TypeScript sources instead of through tsx.
 *
 * Why: tsx transpiles every module at start-up, in the main thread and again in
 * each VM worker, and its output keeps function names (`__name` wrappers), which
 * V8 optimises worse. Measured on the Linux boot: about 2 s of start-up through
 * tsx, and a boot ~30% slower than the same code bundled the way tsup ships it.
 * The bundle is built with tsup's settings (esbuild, ESM, node20, no keepNames),
 * so `pnpm hvkit` and `pnpm bench` run the code users get.
 *
 * The bundle is cached under node_modules/.cache/hvkit-run/NAME and rebuilt when
 * any of its input files (esbuild's metafile lists them) is newer than the build,
 * so an edited source never runs stale. Builds go to a fresh directory and the
 * manifest that points at it is replaced by a rename, so concurrent runs are safe.
 *
 * Usage: node scripts/run-bundled.mjs hvkit|bench [args...]
 *        node scripts/run-bundled.mjs --print-dir hvkit|bench   (bundles; prints the directory)
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The programs: their entry points (the first is run) and extra entries bundled beside it. */
const PROGRAMS = {
  hvkit: {
    // worker-thread.ts starts `vm-worker.js` from next to its own module: here, the bundle.
    bin: 'apps/cli/src/bin.ts',
    'vm-worker': 'packages/hypervisor-type2/src/node/vm-worker.ts',
  },
  bench: { run: 'bench/run.ts' },
};

/** Files that locate the VM worker next to their bundled module keep the bundle's `import.meta.url`. */
const KEEP_BUNDLE_URL = new Set(['packages/hypervisor-type2/src/node/worker-thread.ts']);

const printDir = process.argv[2] === '--print-dir';
if (printDir) process.argv.splice(2, 1);
const name = process.argv[2];
const program = PROGRAMS[name];
if (program === undefined) {
  process.stderr.write(`run-bundled: the program is one of ${Object.keys(PROGRAMS).join(', ')}\n`);
  process.exit(2);
}
const cacheDir = join(ROOT, 'node_modules', '.cache', 'hvkit-run', name);
const manifestPath = join(cacheDir, 'manifest.json');
const main = `${Object.keys(program)[0]}.js`;

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** The directory of a bundle that is newer than all its inputs, or null. */
function freshBundle() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return null;
  }
  const dir = join(cacheDir, manifest.dir);
  if (mtime(join(dir, main)) === Number.POSITIVE_INFINITY) return null;
  for (const input of manifest.inputs) {
    if (mtime(join(ROOT, input)) > manifest.builtAt) return null;
  }
  return dir;
}

/**
 * Bundled modules that find files beside them (`../images/Image`, `../package.json`)
 * keep the URL of their source file, so those paths resolve as they do from source.
 */
const sourceUrlPlugin = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const rel = relative(ROOT, args.path);
      if (rel.startsWith('..') || rel.includes('node_modules')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (KEEP_BUNDLE_URL.has(rel) || !text.includes('import.meta.url'))
        return { contents: text, loader: 'ts' };
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

async function build() {
  const { build: esbuild } = await import('esbuild');
  const started = Date.now();
  const dirName = `b-${started}-${process.pid}`;
  const dir = join(cacheDir, dirName);
  mkdirSync(dir, { recursive: true });
  // Each bundle is plain ESM, whatever package.json above says.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const result = await esbuild({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(program).map(([out, src]) => [out, join(ROOT, src)])),
    outdir: dir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@hvkit/source'],
    // npm dependencies are bundled too (the cache directory cannot resolve them);
    // the banner gives bundled CommonJS modules a `require` for Node's built-ins.
    banner: {
      js: "import { createRequire as __hvkitRequire } from 'node:module'; const require = __hvkitRequire(import.meta.url);",
    },
    plugins: [sourceUrlPlugin],
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
  });
  // Metafile paths are relative to absWorkingDir, as freshBundle reads them.
  const inputs = Object.keys(result.metafile.inputs);
  inputs.push('scripts/run-bundled.mjs', 'pnpm-lock.yaml');
  const tmp = `${manifestPath}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ dir: dirName, builtAt: started, inputs }));
  renameSync(tmp, manifestPath);
  // Earlier builds: a run that started from one ten minutes ago has loaded it long since.
  for (const entry of readdirSync(cacheDir)) {
    if (entry.startsWith('b-') && entry !== dirName && Date.now() - mtime(join(cacheDir, entry)) > 600_000) {
      rmSync(join(cacheDir, entry), { recursive: true, force: true });
    }
  }
  return dir;
}

/**
 * Runs started together (a test suite spawning the command) wait for one build instead of
 * each making its own: the first takes a lock directory; the others poll for a fresh
 * bundle while it is held, and build themselves if it is released or goes stale.
 */
async function buildOnce() {
  const lock = join(cacheDir, 'lock');
  mkdirSync(cacheDir, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const fresh = freshBundle();
      if (fresh !== null) return fresh;
      // A holder that died leaves its lock: after 30 s, take it over.
      if (Date.now() - mtime(lock) > 30_000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return freshBundle() ?? (await build());
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let dir = freshBundle();
if (dir === null) {
  try {
    dir = await buildOnce();
  } catch (error) {
    process.stderr.write(`run-bundled: cannot bundle ${name}: ${error.message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
if (printDir) {
  process.stdout.write(`${dir}\n`);
} else {
  process.argv.splice(2, 1);
  await import(pathToFileURL(join(dir, main)).href);
}
