// The zod schemas of the money modules (tests/MUTANTS.md, "Schemas"). Their mutants are module-level
// code: with `ignoreStatic` the main run tests each only against the one test that first loaded the
// module, so they are tested here instead, statically (every test of the narrow set reruns with the
// module reloaded). Run: npx stryker run stryker.schemas.config.mjs --mutate 'lib/purchases/schemas.ts'
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  ...base,
  vitest: { ...base.vitest, configFile: 'vitest.stryker-schemas.config.ts' },
  ignoreStatic: false,
  dryRunTimeoutMinutes: 20,
  incrementalFile: 'reports/stryker-incremental-schemas.json',
};

export default config;
