import { configDefaults, defineConfig } from 'vitest/config';

// The three-replica chaos test (test/chaos/) runs on its own, `npm run test:chaos`: it takes about
// 150 s of the machine's whole CPU, and its page-timing check is not met yet (see the README).
const chaos = process.env.DESKOPS_TEST_CHAOS === '1';

export default defineConfig({
  test: {
    include: chaos ? ['test/chaos/**/*.test.ts'] : ['test/**/*.test.ts'],
    exclude: chaos ? configDefaults.exclude : [...configDefaults.exclude, 'test/chaos/**'],
    testTimeout: 20_000,
    pool: 'forks',
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', 'json'],
    outputFile: { json: 'coverage/test-results.json' },
  },
});
