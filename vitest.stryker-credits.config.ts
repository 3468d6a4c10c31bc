import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

// A narrower test set for mutating lib/credits alone (see tests/MUTANTS.md): the credit tests and
// the webhook tests that grant, void, restore or hold pack credits. The property tests stay out,
// as in vitest.stryker.config.ts.
const config = mergeConfig(
  base,
  defineConfig({
    test: { exclude: ['tests/e2e/**', 'node_modules/**', 'tests/**/*-property.test.ts'] },
  }),
);
// mergeConfig concatenates arrays: set `include` afterwards, or the base's `tests/**/*.test.ts` stays in.
config.test!.include = [
  'tests/credits/**/*.test.ts',
  'tests/webhooks/event-effects.test.ts',
  'tests/webhooks/fulfilment.test.ts',
  'tests/webhooks/refunds-disputes.test.ts',
];
export default config;
