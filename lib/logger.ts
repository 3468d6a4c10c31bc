import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * A synchronous pino-pretty stream for development, or undefined (JSON to stdout) when
 * pino-pretty, a dev dependency, is not installed. Synchronous rather than a transport because
 * worker-thread transports do not survive Next's bundling.
 */
function prettyStream(): pino.DestinationStream | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as (options: object) => pino.DestinationStream;
    return pretty({ colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname,service', sync: true });
  } catch {
    return undefined;
  }
}

// Field names whose values are credentials or derived from them, wherever they sit in a log object.
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'password',
  'passwordHash',
  'password_hash',
  'token',
  'tokenHash',
  'token_hash',
  'secret',
  'webhookSecret',
  'secretKey',
  'hash',
  'acceptPath',
  'acceptUrl',
];

/** `key`, `*.key`, `*.*.key`, `*.*.*.key`: a secret is redacted up to three objects deep. */
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

// Properties by which a database error carries the values of the failed statement.
const STATEMENT_VALUE_FIELDS = new Set(['params', 'parameters', 'args', 'detail', 'where']);

/**
 * A database error without the statement's values. Drizzle's DrizzleQueryError puts every parameter
 * in its message ("params: email,hash"), and PostgreSQL's `detail` repeats key values; the SQL text,
 * error code and constraint stay, since they are what one debugs with.
 */
export function withoutStatementValues(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || depth > 8) return err;
  const source = err as Error & Record<string, unknown>;
  const cause = withoutStatementValues(source.cause, depth + 1);
  const carriesValues = Object.getOwnPropertyNames(source).some((k) => STATEMENT_VALUE_FIELDS.has(k));
  if (!carriesValues && cause === source.cause) return err;
  const message = source.message.replace(/\nparams: [\s\S]*$/, '');
  const copy = Object.create(Object.getPrototypeOf(source) as object) as Record<string, unknown>;
  for (const key of Object.keys(source))
    if (!STATEMENT_VALUE_FIELDS.has(key) && key !== 'cause') copy[key] = source[key];
  Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
  Object.defineProperty(copy, 'stack', {
    value: source.stack?.replace(source.message, message),
    writable: true,
    configurable: true,
  });
  if (cause !== undefined) Object.defineProperty(copy, 'cause', { value: cause, writable: true, configurable: true });
  return copy;
}

const errSerializer = (err: unknown) => pino.stdSerializers.err(withoutStatementValues(err) as Error);

/**
 * Structured JSON logs with credentials redacted and database errors stripped of their values;
 * tests pass `level: 'silent'` or a capturing destination.
 */
export function createLogger(
  options: { level?: string; destination?: pino.DestinationStream; pretty?: boolean } = {},
): Logger {
  const destination = options.destination ?? (options.pretty ? prettyStream() : undefined);
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'agileforge-packages' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: errSerializer, error: errSerializer },
    },
    destination,
  );
}
