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

/**
 * Structured JSON logs; `pretty` (development) prints them human-readable instead. Tests pass
 * `level: 'silent'` or a capturing destination.
 */
export function createLogger(
  options: { level?: string; destination?: pino.DestinationStream; pretty?: boolean } = {},
): Logger {
  const destination = options.destination ?? (options.pretty ? prettyStream() : undefined);
  return pino({ level: options.level ?? 'info', base: { service: 'agileforge-packages' } }, destination);
}
