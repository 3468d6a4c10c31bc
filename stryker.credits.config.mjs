// lib/credits alone, against the narrower test set of vitest.stryker-credits.config.ts (tests/MUTANTS.md):
//   npx stryker run stryker.credits.config.mjs
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  ...base,
  vitest: { ...base.vitest, configFile: 'vitest.stryker-credits.config.ts' },
  mutate: ['lib/credits/**/*.ts'],
  incrementalFile: 'reports/stryker-incremental-credits.json',
};

export default config;
