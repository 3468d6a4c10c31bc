import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { connectDatabase, type DbHandle } from '../../db/client';
import { startEmbeddedPostgres } from '../../db/embedded';
import { migrateDatabase } from '../../db/migrate';

export interface TestDatabase extends DbHandle {
  url: string;
  kind: 'postgres' | 'pglite';
}

/** A fresh, migrated database of its own for one test file. Call `close()` in afterAll. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const config = inject('testDatabase');
  if (config) {
    const name = `af_test_${config.runId}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(config.adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${config.template}"`);
    const u = new URL(config.adminUrl);
    u.pathname = `/${name}`;
    const url = u.toString();
    const handle = connectDatabase(url, { max: 20 });
    return {
      ...handle, url, kind: 'postgres',
      async close() {
        await handle.close();
        await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const embedded = await startEmbeddedPostgres();
  await migrateDatabase(embedded.url);
  // One connection: the embedded server cannot interleave transactions of several connections.
  const handle = connectDatabase(embedded.url, { max: 1 });
  return {
    ...handle, url: embedded.url, kind: 'pglite',
    async close() {
      await handle.close();
      await embedded.close();
    },
  };
}
