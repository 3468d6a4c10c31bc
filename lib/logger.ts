import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; tests pass `level: 'silent'` or a capturing destination. */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino({ level: options.level ?? 'info', base: { service: 'agileforge-packages' } }, options.destination);
}
