import { defineConfig } from 'vitest/config';

// Tests run from source: the `@samsa/source` export condition points each package at src/index.ts.
const sourceConditions = { ssr: { resolve: { conditions: ['@samsa/source'] } }, resolve: { conditions: ['@samsa/source'] } };

export default defineConfig({
  ...sourceConditions,
  test: {
    projects: [
      {
        ...sourceConditions,
        test: { name: 'unit', include: ['packages/*/src/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        ...sourceConditions,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Real broker processes: one file at a time keeps the 2-core machine from thrashing.
          fileParallelism: false,
        },
      },
    ],
  },
});
