import { defineConfig } from 'vitest/config';

/** Shared vitest settings: workspace packages resolve from source, no build needed. */
export default defineConfig({
  resolve: { conditions: ['@hvkit/source'] },
  ssr: { resolve: { conditions: ['@hvkit/source'] } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 30_000 },
});
