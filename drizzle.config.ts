import { defineConfig } from 'drizzle-kit';

// Only `generate` is used: migrations are applied by scripts/migrate.ts so that the
// embedded database and real PostgreSQL go through the same code path.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
});
