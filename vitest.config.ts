import { defineConfig } from 'vitest/config';

// Tests import workspace packages through their "@mcpkit/source" export condition, so they run the
// TypeScript sources directly; spawned CLI processes run the built dist (npm test builds first).
export default defineConfig({
  resolve: { conditions: ['@mcpkit/source'] },
  ssr: { resolve: { conditions: ['@mcpkit/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
