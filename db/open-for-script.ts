import fs from 'node:fs';
import path from 'node:path';
import { connectDatabase, type DbHandle } from './client';
import { EMBEDDED_PREPARE, startEmbeddedPostgres } from './embedded';
import { ensurePrivateDir } from './private-files';
import { migrateDatabase } from './migrate';

export const DATA_DIR = path.resolve(process.env.AF_DATA_DIR ?? '.data');
export const EMBEDDED_DIR = path.join(DATA_DIR, 'pglite');
export const EMBEDDED_INFO_FILE = path.join(DATA_DIR, 'embedded-db.json');
/** The embedded database's generated password (0600); see db/embedded.ts. */
export const EMBEDDED_PASSWORD_FILE = path.join(DATA_DIR, 'embedded-db-password');

interface EmbeddedInfo {
  url: string;
  pid: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The embedded database a running `npm run dev` serves, if any. */
export function runningEmbeddedDatabase(): EmbeddedInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(EMBEDDED_INFO_FILE, 'utf8')) as EmbeddedInfo;
    return isAlive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

/**
 * Opens the database a script (CLI, init, migrate) should use: DATABASE_URL when set;
 * otherwise the embedded one — through the dev server when it holds the data directory
 * (PGlite belongs to one process), or opened directly when nothing runs.
 */
export async function openDatabaseForScript(options: { migrate?: boolean } = {}): Promise<DbHandle & { url: string }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    if (options.migrate) await migrateDatabase(url);
    return { ...connectDatabase(url, { max: 5 }), url };
  }
  const running = runningEmbeddedDatabase();
  if (running) {
    if (options.migrate) await migrateDatabase(running.url);
    return { ...connectDatabase(running.url, { max: 1, prepare: EMBEDDED_PREPARE }), url: running.url };
  }
  ensurePrivateDir(DATA_DIR);
  const embedded = await startEmbeddedPostgres({ dataDir: EMBEDDED_DIR, passwordFile: EMBEDDED_PASSWORD_FILE });
  await migrateDatabase(embedded.url);
  const handle = connectDatabase(embedded.url, { max: 1, prepare: EMBEDDED_PREPARE });
  return {
    ...handle,
    url: embedded.url,
    async close() {
      await handle.close();
      await embedded.close();
    },
  };
}
