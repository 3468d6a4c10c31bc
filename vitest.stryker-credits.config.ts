import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

// A narrower test set for mutating lib/credits alone (see tests/MUTANTS.md): the credit tests only,
// so that the whole module fits a session on the shared machine. Left out, as well as the property
// tests: the webhook tests that reach the pack holds through local Stripe (tests/credits/pack-holds
// and grants call those functions directly), the local-Stripe allowance windows, the concurrency
// races and the fast-check ledger model. A mutant only those would kill counts as survived here, so
// the score is a lower bound.
const config = mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        'tests/e2e/**',
        'node_modules/**',
        'tests/**/*-property.test.ts',
        'tests/credits/allowance-windows.test.ts',
        'tests/credits/concurrency.test.ts',
        'tests/credits/ledger-model.test.ts',
      ],
    },
  }),
);
// mergeConfig concatenates arrays: set `include` afterwards, or the base's `tests/**/*.test.ts` stays in.
// CREDITS_TESTS (see stryker.credits.config.mjs) narrows it to some of the credit test files.
const only = process.env.CREDITS_TESTS?.split(',').filter(Boolean);
// Named files are run even if the default set leaves them out (e.g. `concurrency` for the lock's mutants).
config.test!.include = only?.length
  ? only.map((name) => `tests/credits/${name}.test.ts`)
  : ['tests/credits/**/*.test.ts'];
if (only?.length) {
  config.test!.exclude = config.test!.exclude!.filter(
    (pattern: string) => !only.some((name) => pattern === `tests/credits/${name}.test.ts`),
  );
}
export default config;
