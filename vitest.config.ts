import { execSync } from 'node:child_process';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const realPostgres = Boolean(process.env.TEST_DATABASE_URL);

/**
 * The fast-check properties' seed (tests/setup/property-seed.ts), unless FC_SEED is given: taken
 * from the commit, so each commit explores new cases and its run in CI is the one anyone gets on it.
 */
function propertySeed(): string {
  if (process.env.FC_SEED) return process.env.FC_SEED;
  try {
    const head = execSync('git rev-parse HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return String(Number.parseInt(head.slice(0, 8), 16) | 0);
  } catch {
    return '20261127';
  }
}

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
    setupFiles: ['tests/setup/property-seed.ts'],
    env: { FC_SEED: propertySeed() },
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
