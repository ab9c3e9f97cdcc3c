import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests start real child processes and servers; 2 cores.
    maxWorkers: 2,
    // One PostgreSQL server for the run's store tests (unless GATEHOUSE_TEST_PG_URL names one).
    globalSetup: ['test/postgres-global-setup.ts'],
  },
});
