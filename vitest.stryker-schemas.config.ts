import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// For the zod schemas only (tests/MUTANTS.md, "Schemas"): their mutants are module-level code, so
// each one reloads and reruns every test file Stryker is given. This set holds just the tests that
// parse with the schemas, so `--ignoreStatic false` can test them in minutes instead of hours.
// Built by hand rather than with mergeConfig, which would append to the base `include`.
// STRYKER_SCHEMA_TESTS (comma-separated globs) names another module's set, e.g.
// tests/subscriptions/schemas.test.ts for lib/subscriptions/schemas.ts; the default is lib/purchases'.
const include = process.env.STRYKER_SCHEMA_TESTS?.split(',').filter(Boolean) ?? [
  'tests/purchases/purchases.test.ts',
  'tests/purchases/schemas.test.ts',
];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include,
  },
});
