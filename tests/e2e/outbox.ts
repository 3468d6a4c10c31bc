import fs from 'node:fs';
import path from 'node:path';

/** Where the end-to-end server's mails go (one directory per app port, so parallel checkouts never mix). */
export function e2eOutboxDir(appPort: string | number): string {
  return path.resolve('.data', `e2e-outbox-${appPort}`);
}

/** The first link in the newest mail to `to` whose link contains `pathPart`, or null. */
export function linkInOutbox(to: string, pathPart: string): string | null {
  const dir = e2eOutboxDir(process.env.E2E_APP_PORT ?? 3100);
  if (!fs.existsSync(dir)) return null;
  const mails = fs
    .readdirSync(dir)
    .sort()
    .reverse()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { to: string; text: string });
  for (const mail of mails) {
    if (mail.to !== to) continue;
    const link = mail.text.split(/\s+/).find((word) => word.startsWith('http') && word.includes(pathPart));
    if (link) return link;
  }
  return null;
}
