import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema>;
/** A transaction handle; domain functions accept either this or the database. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
export type DbOrTx = Database | Tx;

export interface DbHandle {
  db: Database;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export interface ConnectOptions {
  max?: number;
  /** How long opening a connection may take before the query fails (and the route answers 503). */
  connectTimeoutMs?: number;
  /** The server cancels any statement running longer (lock waits included); 0 turns it off. */
  statementTimeoutMs?: number;
  /**
   * Named prepared statements; PgBouncer in transaction mode hands each transaction a different
   * server connection, where a statement prepared on another one does not exist, so set false there.
   */
  prepare?: boolean;
}

export function connectDatabase(url: string, options: ConnectOptions = {}): DbHandle {
  const statementTimeoutMs = options.statementTimeoutMs ?? 0;
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // Surfaces an unreachable database quickly so routes can answer 503 instead of hanging.
    connect_timeout: (options.connectTimeoutMs ?? 10_000) / 1000,
    // The driver waits before reconnecting after a failure, up to 20 s by default, and queued queries
    // wait with it: capped, so a request during an outage still fails (503) within the connect timeout + 250 ms.
    backoff: (retries: number) => Math.min(0.25, ((0.5 + Math.random() / 2) * 3 ** retries) / 100),
    prepare: options.prepare ?? true,
    ...(statementTimeoutMs > 0 ? { connection: { statement_timeout: statementTimeoutMs } } : {}),
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

/** Whether a database error (postgres or PGlite, possibly wrapped by Drizzle) is a unique violation, optionally of one constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (
    let e = err as { code?: string; constraint_name?: string; constraint?: string; cause?: unknown } | undefined;
    e;
  ) {
    if (e.code === '23505') return !constraint || (e.constraint_name ?? e.constraint) === constraint;
    e = e.cause as typeof e;
  }
  return false;
}
