import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { connectDatabase, type DbHandle } from './client';
import { EMBEDDED_PREPARE, startEmbeddedPostgres } from './embedded';
import { migrateDatabase } from './migrate';

export interface ScratchDatabase extends DbHandle {
  url: string;
  kind: 'postgres' | 'pglite';
}

/**
 * A throwaway migrated database for tests and benchmarks: a uniquely named database on
 * `adminUrl`'s server (copied from `template` when given, else migrated), dropped on close; or,
 * without `adminUrl`, an in-memory PGlite on one connection, since the embedded server cannot
 * interleave transactions of several connections.
 */
export async function createScratchDatabase(options: {
  adminUrl?: string | null;
  prefix: string;
  template?: string;
  max?: number;
}): Promise<ScratchDatabase> {
  if (options.adminUrl) {
    const name = `${options.prefix}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(options.adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(
      options.template ? `CREATE DATABASE "${name}" TEMPLATE "${options.template}"` : `CREATE DATABASE "${name}"`,
    );
    const u = new URL(options.adminUrl);
    u.pathname = `/${name}`;
    const url = u.toString();
    if (!options.template) await migrateDatabase(url);
    const handle = connectDatabase(url, { max: options.max ?? 20 });
    return {
      ...handle,
      url,
      kind: 'postgres',
      async close() {
        await handle.close();
        await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const embedded = await startEmbeddedPostgres();
  await migrateDatabase(embedded.url);
  const handle = connectDatabase(embedded.url, { max: 1, prepare: EMBEDDED_PREPARE });
  return {
    ...handle,
    url: embedded.url,
    kind: 'pglite',
    async close() {
      await handle.close();
      await embedded.close();
    },
  };
}
