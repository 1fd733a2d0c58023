/*
 * VM threads as Node worker threads. The worker runs `vm-worker.ts` (vm-worker.js
 * once built), which owns the board; this side only moves messages.
 *
 * Running from source (the `@hvkit/source` condition, as the tests do), the entry
 * is TypeScript, which Node 20 cannot load in a worker by itself: the
 * worker then starts from a two-line bootstrap that imports it through tsx's
 * `tsImport`, with the same condition so the workspace packages resolve to source.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VmThread } from '../host-os.js';
import type { FromVmThread, ToVmThread } from '../protocol.js';

/** Options of `startNodeVmThread`. */
export interface NodeVmThreadOptions {
  /** V8 heap limits of the worker (guest RAM is outside the heap and not counted). */
  readonly resourceLimits?: {
    readonly maxOldGenerationSizeMb?: number;
    readonly maxYoungGenerationSizeMb?: number;
  };
}

/** The worker entry next to this module: TypeScript from source, JavaScript once built. */
function workerEntry(): URL {
  const source = import.meta.url.endsWith('.ts');
  const name = source ? './vm-worker.ts' : './vm-worker.js';
  const here = new URL(name, import.meta.url);
  if (source || existsSync(fileURLToPath(here))) return here;
  // Bundled into a shared chunk at dist/: the entry is in dist/node/.
  return new URL(`./node/${name.slice(2)}`, import.meta.url);
}

/** The source-mode bootstrap: loads `entry` through tsx. */
function sourceBootstrap(entry: URL): string {
  let api: string;
  try {
    api = createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs');
  } catch {
    throw new Error('running hvkit from source needs the tsx package (a devDependency of the workspace)');
  }
  const url = JSON.stringify(entry.href);
  return `import(${JSON.stringify(pathToFileURL(api).href)}).then((tsx) => tsx.tsImport(${url}, ${url}));`;
}

/** Starts a worker thread running the VM thread code (see `HostOs.startVmThread`). */
export function startNodeVmThread(options: NodeVmThreadOptions = {}): VmThread {
  const entry = workerEntry();
  const limits =
    options.resourceLimits === undefined ? {} : { resourceLimits: { ...options.resourceLimits } };
  const worker = entry.pathname.endsWith('.ts')
    ? new Worker(sourceBootstrap(entry), { eval: true, execArgv: ['--conditions=@hvkit/source'], ...limits })
    : new Worker(entry, { execArgv: [], ...limits });
  let terminating = false;
  let failed: ((error: Error) => void) | undefined;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    if (terminating) return;
    terminating = true;
    if (failed === undefined) failure = error;
    else failed(error);
  };
  worker.on('error', (error) => fail(error instanceof Error ? error : new Error(String(error))));
  worker.on('exit', (code) => fail(new Error(`the VM thread exited unexpectedly (code ${code})`)));
  return {
    post(message: ToVmThread, transfer: readonly ArrayBuffer[] = []) {
      worker.postMessage(message, transfer as ArrayBuffer[]);
    },
    onMessage(listener: (message: FromVmThread) => void) {
      worker.on('message', listener);
    },
    onFailure(listener: (error: Error) => void) {
      failed = listener;
      if (failure !== undefined) listener(failure);
    },
    async terminate() {
      terminating = true;
      await worker.terminate();
    },
  };
}
