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
  /** Whether statements are named and prepared (`ConnectOptions.prepare`): a second handle on the same database uses the same. */
  prepare: boolean;
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
  const prepare = options.prepare ?? true;
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // Surfaces an unreachable database quickly so routes can answer 503 instead of hanging.
    connect_timeout: (options.connectTimeoutMs ?? 10_000) / 1000,
    // The driver waits before reconnecting after a failure, up to 20 s by default, and queued queries
    // wait with it: capped, so a request during an outage still fails (503) within the connect timeout + 250 ms.
    backoff: (retries: number) => Math.min(0.25, ((0.5 + Math.random() / 2) * 3 ** retries) / 100),
    prepare,
    ...(statementTimeoutMs > 0 ? { connection: { statement_timeout: statementTimeoutMs } } : {}),
  });
  const db = drizzle(prepare ? namedStatements(sql) : sql, { schema });
  return { db, sql, prepare, close: () => sql.end({ timeout: 5 }) };
}

/**
 * Drizzle asks the driver for an unnamed statement unless a query is given a name of its own, and
 * the `postgres` driver describes an unnamed statement that has parameters before it binds it: two
 * round trips for every such statement, and none sent behind it on the connection until both are
 * back, so statements started together (under a team's lock) still went one after another. Named
 * statements are described once per connection, then bound and executed in one round trip and
 * pipelined. This client names every statement Drizzle sends, transactions and savepoints included.
 */
function namedStatements<T extends postgres.Sql | postgres.TransactionSql>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe')
        return (
          query: string,
          parameters?: postgres.ParameterOrJSON<never>[],
          queryOptions?: postgres.UnsafeQueryOptions,
        ) => target.unsafe(query, parameters, { ...queryOptions, prepare: true });
      if (property === 'begin' || property === 'savepoint')
        return (...args: unknown[]) => {
          const callback = args.pop() as (tx: postgres.TransactionSql) => unknown;
          const open = Reflect.get(target, property, receiver) as (...a: unknown[]) => Promise<unknown>;
          return open.call(target, ...args, (tx: postgres.TransactionSql) => callback(namedStatements(tx)));
        };
      return Reflect.get(target, property, receiver);
    },
  });
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
