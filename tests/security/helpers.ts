import { SOCKET_ADDRESS_HEADER } from '@/lib/http/client-address';
import { TEST_APP_URL } from '../helpers/app';

export type SignInOutcome = 'signed_in' | 'wrong_credentials' | 'rate_limited' | 'client_unknown';

/**
 * One password sign-in through Auth.js's real route handlers (GET /api/auth/csrf, then POST
 * /api/auth/callback/credentials), as a browser's form post would arrive.
 */
export async function attemptSignIn(
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<SignInOutcome> {
  const { handlers } = await import('@/lib/auth/config');
  const csrf = await handlers.GET(new Request(`${TEST_APP_URL}/api/auth/csrf`) as never);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const res = await handlers.POST(
    new Request(`${TEST_APP_URL}/api/auth/callback/credentials`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ email, password, csrfToken, callbackUrl: '/account' }),
    }) as never,
  );
  const location = res.headers.get('location') ?? '';
  if (res.headers.getSetCookie().some((c) => c.startsWith('authjs.session-token='))) return 'signed_in';
  const code = new URL(location, TEST_APP_URL).searchParams.get('code');
  if (code === 'rate_limited') return 'rate_limited';
  if (code === 'client_unknown') return 'client_unknown';
  if (code === 'credentials') return 'wrong_credentials';
  throw new Error(`unexpected sign-in answer ${res.status} ${location}`);
}

/** Headers of a request as the server entry hands it to Next: the socket's address stamped in. */
export function fromSocket(address: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, [SOCKET_ADDRESS_HEADER]: address };
}

/** The session cookie a successful password sign-in sets, as a Cookie header value. */
export async function attemptSignInForCookie(email: string, password: string): Promise<string> {
  const { handlers } = await import('@/lib/auth/config');
  const csrf = await handlers.GET(new Request(`${TEST_APP_URL}/api/auth/csrf`) as never);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const res = await handlers.POST(
    new Request(`${TEST_APP_URL}/api/auth/callback/credentials`, {
      method: 'POST',
      headers: {
        cookie,
        'content-type': 'application/x-www-form-urlencoded',
        [SOCKET_ADDRESS_HEADER]: '192.0.2.250',
      },
      body: new URLSearchParams({ email, password, csrfToken, callbackUrl: '/account' }),
    }) as never,
  );
  const session = res.headers.getSetCookie().find((c) => c.startsWith('authjs.session-token='));
  if (!session) throw new Error(`sign-in as ${email} failed: ${res.headers.get('location')}`);
  return session.split(';')[0]!;
}
