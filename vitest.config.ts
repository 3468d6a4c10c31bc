import path from 'node:path';
import { defineConfig } from 'vitest/config';

const realPostgres = Boolean(process.env.TEST_DATABASE_URL);

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      // `server-only` throws outside React Server Components; tests import server modules directly.
      'server-only': path.resolve(import.meta.dirname, 'tests/helpers/server-only-stub.ts'),
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    globalSetup: ['tests/setup/global-setup.ts'],
    environment: 'node',
    // next-auth imports `next/server` without an extension, which Node's ESM resolver refuses; Vite resolves it.
    server: { deps: { inline: ['next-auth'] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each test file gets its own database (a template clone on PostgreSQL, an in-memory PGlite otherwise).
    pool: 'forks',
    maxWorkers: realPostgres ? 2 : 2,
  },
});
