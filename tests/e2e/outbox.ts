import path from 'node:path';

/** Where the end-to-end server's mails go (one directory per app port, so parallel checkouts never mix). */
export function e2eOutboxDir(appPort: string | number): string {
  return path.resolve('.data', `e2e-outbox-${appPort}`);
}
