import { configDefaults, defineConfig } from 'vitest/config';
import { NOT_YET_ON_POSTGRES, offPostgres } from './test/engines.js';

// DESKOPS_TEST_ENGINE=postgres (`npm run test:pg`): every store a test opens is a PostgreSQL
// database (test/doubles/test-engine.ts) on one server for the run (test/doubles/pg-run.ts); the
// files test/engines.ts lists, each with its reason, are left out (the global setup says how many).
const onPostgres = process.env.DESKOPS_TEST_ENGINE === 'postgres';
// DESKOPS_TEST_PG_TRY=1 runs the files not yet converted too, to see which pass on PostgreSQL.
const leftOut = process.env.DESKOPS_TEST_PG_TRY === '1' ? offPostgres().filter((file) => !(file in NOT_YET_ON_POSTGRES)) : offPostgres();
// The three-replica chaos test (test/chaos/) runs on its own, `npm run test:chaos` (.ci/run runs it
// after both suites): it takes about 150 s of the machine's whole CPU, so nothing may run beside it.
const chaos = process.env.DESKOPS_TEST_CHAOS === '1';

export default defineConfig({
  test: {
    include: chaos ? ['test/chaos/**/*.test.ts'] : ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(chaos ? [] : ['test/chaos/**']), ...(onPostgres ? leftOut : [])],
    testTimeout: 20_000,
    pool: 'forks',
    ...(onPostgres ? { globalSetup: ['test/doubles/pg-run.ts'], setupFiles: ['test/doubles/test-engine-setup.ts'] } : {}),
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line (one per engine).
    reporters: ['default', 'json'],
    outputFile: { json: onPostgres ? 'coverage/test-results-pg.json' : chaos ? 'coverage/test-results-chaos.json' : 'coverage/test-results.json' },
  },
});
