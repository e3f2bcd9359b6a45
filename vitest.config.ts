import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Each file gets its own database (a temp SQLite file, or its own PostgreSQL schema), so files
    // run in parallel without sharing state.
    pool: 'forks',
    setupFiles: ['test/support/property-seed.ts'],
    // Builds dist/ when a source changed (the CLI, fault and race suites start bin/latchkey.js), and
    // collects the notices of suites that cannot run here, which the last reporter sums up once.
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/skip-summary.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
