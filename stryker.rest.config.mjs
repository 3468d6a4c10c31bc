// lib/purchases, lib/checkout, lib/webhooks, lib/subscriptions (tests/MUTANTS.md): stryker.config.mjs
// run against the documented test set only (vitest.stryker-rest.config.ts), with a dry-run timeout
// that survives a loaded machine (the default five minutes did not).
// Run: npx stryker run stryker.rest.config.mjs --mutate 'lib/checkout/**/*.ts' --incrementalFile reports/stryker-incremental-checkout.json
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  ...base,
  vitest: { ...base.vitest, configFile: 'vitest.stryker-rest.config.ts' },
  dryRunTimeoutMinutes: 20,
};

export default config;
