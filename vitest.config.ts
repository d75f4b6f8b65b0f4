import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/leakCheck.ts'],
    // The migrations module is generated from sql/migrations (as npm run build does).
    globalSetup: ['test/helpers/generateMigrations.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
