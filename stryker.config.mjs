// Mutation testing of the money modules (issue 17). Slow: not part of `npm test`.
// Runs the tests on PostgreSQL: the concurrency and locking tests prove nothing on the embedded database.
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'lib/credits/**/*.ts',
    'lib/webhooks/**/*.ts',
    'lib/checkout/**/*.ts',
    'lib/subscriptions/**/*.ts',
    'lib/purchases/**/*.ts',
    // Pure type declarations: nothing to mutate at run time.
    '!lib/webhooks/types.ts',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level code: zod schemas, constants) would each rerun every test file, about
  // four minutes apiece here; they are reported as ignored and listed in tests/MUTANTS.md.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // The machine is shared; the tests clone a PostgreSQL database per file.
  concurrency: 1,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};

export default config;
