import { configDefaults, defineConfig } from 'vitest/config';
import { offPostgres } from './test/engines.js';

// DESKOPS_TEST_ENGINE=postgres (`npm run test:pg`): every store a test opens is a PostgreSQL
// database (test/doubles/test-engine.ts) on one server for the run (test/doubles/pg-run.ts); the
// files test/engines.ts lists, each with its reason, are left out (the global setup says how many).
const onPostgres = process.env.DESKOPS_TEST_ENGINE === 'postgres';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: onPostgres ? [...configDefaults.exclude, ...offPostgres()] : configDefaults.exclude,
    testTimeout: 20_000,
    pool: 'forks',
    ...(onPostgres ? { globalSetup: ['test/doubles/pg-run.ts'], setupFiles: ['test/doubles/test-engine-setup.ts'] } : {}),
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line (one per engine).
    reporters: ['default', 'json'],
    outputFile: { json: onPostgres ? 'coverage/test-results-pg.json' : 'coverage/test-results.json' },
  },
});
