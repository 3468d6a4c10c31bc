import { Forbidden } from '@/lib/errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cookie-authenticated state changes must come from our own pages: browsers send Origin on
 * such requests, and Sec-Fetch-Site tells same-origin apart. Bearer requests carry no ambient
 * credentials and are exempt.
 */
export function assertSameOrigin(req: Request, appUrl: string): void {
  if (SAFE_METHODS.has(req.method)) return;
  const site = req.headers.get('sec-fetch-site');
  if (site === 'same-origin') return;
  const origin = req.headers.get('origin');
  const allowed = new Set([new URL(appUrl).origin, new URL(req.url).origin]);
  if (origin && allowed.has(origin)) return;
  throw new Forbidden('Cross-site request refused (CSRF protection)');
}
