import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DbHandle } from '@/db/client';
import { throughProxy, tieSockets } from '../helpers/cuttable-proxy';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The `postgres` driver, patched (patches/postgres+3.4.9.patch), when a transaction's backend dies:
 * - a write buffered for the closed socket was flushed from a timer onto `null`, an uncaught
 *   TypeError that took the whole process down (porsager/postgres#1154, #1208);
 * - the closed session's statement and queue outlived it: after a socket error the transaction's
 *   rollback stayed queued, so the next session hung waiting for its answer, or resolved a query
 *   with another statement's result (an empty `COMMIT`);
 * - what the dead transaction sent afterwards could run in the session that replaced it, outside
 *   any transaction.
 * - a session that closed while it started up (fetching the array types) left that fetch's
 *   rejection unhandled, which ends a Node process.
 * Each pause below lets the server's close reach the driver before, during or after the next
 * statement is written; all three orders failed before the patch.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

async function selectNumber(handle: DbHandle, n: number): Promise<number | undefined> {
  const rows = (await handle.db.execute(sql`SELECT ${n}::int AS n`)) as unknown as { n: number }[];
  return rows[0]?.n;
}

async function backendPid(tx: Pick<DbHandle['db'], 'execute'>): Promise<number> {
  const [row] = (await tx.execute(sql`SELECT pg_backend_pid() AS pid`)) as unknown as { pid: number }[];
  return row!.pid;
}

/**
 * A proxy that, on each of its first `cuts` connections, lets the startup through and then closes
 * the connection instead of forwarding the client's first statement (the driver's array-type fetch).
 */
async function startupCutter(target: URL, cuts: number, how: 'end' | 'reset') {
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    const cut = cuts-- > 0;
    let ready = false;
    upstream.on('data', (chunk: Buffer) => {
      // ReadyForQuery ('Z', length 5): the startup is over.
      if (chunk.includes(Buffer.from([0x5a, 0, 0, 0, 5]))) ready = true;
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => {
      if (!(cut && ready)) return void upstream.write(chunk);
      if (how === 'reset') client.resetAndDestroy();
      else client.end();
      upstream.destroy();
    });
    tieSockets(client, upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: throughProxy(target.toString(), (server.address() as net.AddressInfo).port),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe.skipIf(!process.env.TEST_DATABASE_URL)(
  'a connection lost in a transaction (PostgreSQL: pg_terminate_backend)',
  () => {
    it('rejects the transaction, keeps the process up, and the next query gets its own answer', async () => {
      const handle = connectDatabase(t.url, { max: 1 });
      const killer = postgres(t.url, { max: 1, onnotice: () => {} });
      try {
        let attempt = 0;
        for (const pauseMs of [0, 1, 5, 20, 0, 1, 5, 20]) {
          attempt++;
          await expect(
            handle.db.transaction(async (tx) => {
              const pid = await backendPid(tx);
              await killer`SELECT pg_terminate_backend(${pid})`;
              await sleep(pauseMs);
              await tx.execute(sql`SELECT 1`);
              await tx.execute(sql`SELECT 2`);
            }),
          ).rejects.toThrow();
          // A write flushed onto the closed socket would throw from a timer here, outside any promise.
          await sleep(pauseMs);
          // Not a rejection, not a hang, not another statement's (empty) result.
          await expect(selectNumber(handle, attempt), `after a ${pauseMs} ms pause`).resolves.toBe(attempt);
        }
      } finally {
        await killer.end();
        await handle.close();
      }
    });

    it("never runs the dead transaction's later statements in the session that replaced it", async () => {
      const handle = connectDatabase(t.url, { max: 1 });
      const killer = postgres(t.url, { max: 1, onnotice: () => {} });
      await handle.db.execute(sql`CREATE TABLE lost_writes (id int)`);
      try {
        let reconnected!: () => void;
        const poolReconnected = new Promise<void>((resolve) => (reconnected = resolve));
        let laterWrite: Promise<string> | undefined;
        const transaction = handle.db.transaction(async (tx) => {
          const pid = await backendPid(tx);
          await killer`SELECT pg_terminate_backend(${pid})`;
          await sleep(20);
          // Code that catches a failed statement and carries on.
          await tx.execute(sql`SELECT 1`).catch(() => undefined);
          await poolReconnected;
          laterWrite = tx.execute(sql`INSERT INTO lost_writes VALUES (1)`).then(
            () => 'ran',
            (err: { cause?: unknown }) => String(err.cause ?? err),
          );
          await laterWrite;
        });
        await expect(transaction).rejects.toThrow();
        // The pool's only connection reconnects for this query, a new session.
        expect(await selectNumber(handle, 7)).toBe(7);
        reconnected();
        await expect.poll(() => laterWrite).toBeDefined();
        expect(await laterWrite).toMatch(/CONNECTION_CLOSED/);
        const [count] = (await handle.db.execute(sql`SELECT count(*)::int AS n FROM lost_writes`)) as unknown as {
          n: number;
        }[];
        expect(count!.n).toBe(0);
      } finally {
        await killer.end();
        await handle.close();
      }
    });

    for (const how of ['end', 'reset'] as const) {
      it(`a session closed (${how}) while it starts up: no unhandled rejection, and the next query is served`, async () => {
        const unhandled: unknown[] = [];
        const onUnhandled = (reason: unknown) => unhandled.push(reason);
        process.on('unhandledRejection', onUnhandled);
        const cutter = await startupCutter(new URL(t.url), 2, how);
        const handle = connectDatabase(cutter.url, { max: 1 });
        try {
          // A closed startup is retried with the waiting query; a reset one fails it (a 503 for a request).
          const first = await selectNumber(handle, 1).catch((err: { cause?: unknown }) => String(err.cause ?? err));
          expect(first === 1 || /ECONNRESET|CONNECTION/.test(String(first)), String(first)).toBe(true);
          await expect(selectNumber(handle, 2).catch(() => selectNumber(handle, 2))).resolves.toBe(2);
          await sleep(50);
          expect(unhandled.map(String)).toEqual([]);
        } finally {
          process.off('unhandledRejection', onUnhandled);
          await handle.close();
          await cutter.close();
        }
      });
    }
  },
);
