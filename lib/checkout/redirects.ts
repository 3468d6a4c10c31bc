import { ValidationFailed } from '@/lib/errors';

/** Origins a customer may be sent back to after Stripe: ours, plus the configured allow-list. */
export function allowedOrigins(appUrl: string, allowlist: string): Set<string> {
  const origins = new Set([new URL(appUrl).origin]);
  for (const entry of allowlist
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    try {
      origins.add(new URL(entry).origin);
    } catch {
      // A malformed allow-list entry allows nothing.
    }
  }
  return origins;
}

/** Refuses open redirects: the URL must be absolute http(s) on an allowed origin. */
export function assertAllowedRedirect(field: string, value: string, origins: Set<string>): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationFailed(`${field}: must be an absolute URL`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !origins.has(url.origin)) {
    throw new ValidationFailed(`${field}: must be on this app's origin (${[...origins].join(', ')})`);
  }
}
