import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

// The tests that exercise the mutated money modules (see stryker.config.mjs and tests/MUTANTS.md).
// The fast-check property tests are left out: each runs hundreds of database round trips per
// mutant, which makes a run impractical on the shared machine.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: [
        'tests/credits/**/*.test.ts',
        'tests/webhooks/**/*.test.ts',
        'tests/checkout/**/*.test.ts',
        'tests/subscriptions/**/*.test.ts',
        'tests/purchases/**/*.test.ts',
      ],
      exclude: ['tests/e2e/**', 'node_modules/**', 'tests/**/*-property.test.ts'],
    },
  }),
);
