import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Supervision tests spawn real processes and wait on real signals; give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: run files two at a time so process-heavy suites do not starve each other.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
