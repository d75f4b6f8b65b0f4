import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/leakCheck.ts'],
    // The migrations module is generated from sql/migrations (as npm run build does).
    globalSetup: ['test/helpers/generateMigrations.ts'],
    pool: 'forks',
    // Vitest's default (cores - 1) runs one file at a time on 2 cores, while most files wait on
    // PostgreSQL, servers, child processes or Chromium: one file per core keeps both busy.
    maxWorkers: Math.max(availableParallelism(), 2),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
