import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// The test set for mutation runs of lib/purchases, lib/checkout, lib/webhooks and lib/subscriptions
// (tests/MUTANTS.md). By default the set the method describes: tests/{credits,webhooks,checkout,
// subscriptions,purchases} without the property tests. vitest.stryker.config.ts means the same, but
// mergeConfig appends its `include` to the base `tests/**/*.test.ts`, so it runs the whole suite.
// STRYKER_TESTS (comma-separated globs) narrows it to the tests of one module: every surviving
// mutant of lib/checkout/index.ts otherwise reruns some 25 files that each start a local Stripe.
const include = process.env.STRYKER_TESTS?.split(',').filter(Boolean) ?? [
  'tests/credits/**/*.test.ts',
  'tests/webhooks/**/*.test.ts',
  'tests/checkout/**/*.test.ts',
  'tests/subscriptions/**/*.test.ts',
  'tests/purchases/**/*.test.ts',
];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include,
    exclude: ['tests/e2e/**', 'node_modules/**', 'tests/**/*-property.test.ts'],
  },
});
