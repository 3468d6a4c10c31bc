import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DbHandle } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The `postgres` driver, patched (patches/postgres+3.4.9.patch): a write buffered for a socket that
 * has since closed was flushed from a timer onto `null`, an uncaught TypeError that took the whole
 * process down (porsager/postgres#1154, #1208), and the closed connection kept a stale timer, so it
 * never flushed again. Here the query is rejected and the pool carries on (after at most one more
 * rejected query, handed the closed connection before it reconnects).
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

async function selectWithinTwoTries(handle: DbHandle, n: number): Promise<number> {
  const select = async () =>
    ((await handle.db.execute(sql`SELECT ${n}::int AS n`)) as unknown as { n: number }[])[0]!.n;
  try {
    return await select();
  } catch (err) {
    expect(String((err as { cause?: unknown }).cause ?? err)).toMatch(/CONNECTION_CLOSED/);
    return select();
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)(
  'a connection lost in a transaction (PostgreSQL: pg_terminate_backend)',
  () => {
    it('rejects the transaction, keeps the process up, and the pool serves the next query', async () => {
      const handle = connectDatabase(t.url, { max: 1 });
      const killer = postgres(t.url, { max: 1, onnotice: () => {} });
      try {
        for (let attempt = 0; attempt < 3; attempt++) {
          await expect(
            handle.db.transaction(async (tx) => {
              const [row] = (await tx.execute(sql`SELECT pg_backend_pid() AS pid`)) as unknown as { pid: number }[];
              await killer`SELECT pg_terminate_backend(${row!.pid})`;
              // The server's close reaches the driver before the next statement is written.
              await new Promise((resolve) => setTimeout(resolve, 20));
              await tx.execute(sql`SELECT 1`);
            }),
          ).rejects.toThrow();
          // A write flushed onto the closed socket would throw from a timer here, outside any promise.
          await new Promise((resolve) => setTimeout(resolve, 20));
          // The pool recovers by itself: a query handed the closed connection before it reconnects is
          // rejected (CONNECTION_CLOSED: a 503 for a request), and the next one is served.
          expect(await selectWithinTwoTries(handle, attempt)).toBe(attempt);
        }
      } finally {
        await killer.end();
        await handle.close();
      }
    });
  },
);
