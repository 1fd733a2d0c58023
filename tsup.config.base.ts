import { defineConfig, type Options } from 'tsup';

/** The one bundler config every package uses: ESM, types, source maps, Node 20. */
export function packageConfig(entry: string[] = ['src/index.ts'], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    target: 'node20',
    dts: true,
    sourcemap: true,
    clean: true,
    ...extra,
  });
}
