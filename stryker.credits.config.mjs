// lib/credits alone, against the credit tests of vitest.stryker-credits.config.ts (tests/MUTANTS.md).
// On the shared machine the module is run file by file, each against the test files that exercise it:
//   CREDITS_RUN=spend CREDITS_TESTS=spend-edges,metering npx stryker run stryker.credits.config.mjs --mutate lib/credits/spend.ts
// CREDITS_RUN names the run's report (reports/mutation/credits-<run>.json) and incremental file;
// CREDITS_TESTS (file names under tests/credits, without .test.ts) narrows the test set.
import base from './stryker.config.mjs';

const run = process.env.CREDITS_RUN ?? 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  ...base,
  vitest: { ...base.vitest, configFile: 'vitest.stryker-credits.config.ts' },
  mutate: ['lib/credits/**/*.ts'],
  incrementalFile: `reports/stryker-incremental-credits-${run}.json`,
  htmlReporter: { fileName: `reports/mutation/credits-${run}.html` },
  jsonReporter: { fileName: `reports/mutation/credits-${run}.json` },
};

export default config;
