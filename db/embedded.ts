import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves an embedded PGlite over the PostgreSQL wire protocol, so the app, the CLI and
 * tests all use the same `postgres` driver whether or not DATABASE_URL is set.
 * `dataDir` undefined keeps the database in memory.
 */
export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number; host?: string } = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
  const pg = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db: pg, host, port: options.port ?? 0, maxConnections: 200 });
  await server.start();
  const conn = server.getServerConn();
  const port = Number(conn.split(':').pop());
  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres`,
    port,
    async close() {
      await server.stop();
      await pg.close();
    },
  };
}
