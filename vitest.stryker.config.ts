import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

// The tests that exercise the mutated money modules (see stryker.config.mjs and tests/MUTANTS.md).
// The fast-check property tests are left out: each runs hundreds of database round trips per
// mutant, which makes a run impractical on the shared machine.
const config = mergeConfig(
  base,
  defineConfig({
    test: { exclude: ['tests/e2e/**', 'node_modules/**', 'tests/**/*-property.test.ts'] },
  }),
);
// mergeConfig concatenates arrays: `include` is set afterwards, or the base's `tests/**/*.test.ts`
// stays in and every test file of the project runs.
config.test!.include = [
  'tests/credits/**/*.test.ts',
  'tests/webhooks/**/*.test.ts',
  'tests/checkout/**/*.test.ts',
  'tests/subscriptions/**/*.test.ts',
  'tests/purchases/**/*.test.ts',
];
export default config;
