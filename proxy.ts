import { NextResponse, type NextRequest } from 'next/server';

const SESSION_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token'];
const SIGNED_IN_AREAS = ['/account', '/admin'];

/**
 * Two jobs, both cheap and stateless:
 * - trailing slashes (Next's own redirect is off, see next.config.js): an API path with a trailing
 *   slash is served in place, without a redirect, because API clients of the seed's documented
 *   `/api/packages/` should not pay a round trip (and some do not follow redirects for every
 *   method); a page with one is redirected to its canonical URL;
 * - a fast redirect for signed-out visitors of account and admin pages. Not an authorization
 *   check: every page and route verifies the session itself.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = new URL(request.url);
  if (pathname.length > 1 && pathname.endsWith('/')) {
    // A plain URL: NextURL would remember the slash and put it back.
    const url = new URL(request.url);
    url.pathname = pathname.replace(/\/+$/, '') || '/';
    if (pathname.startsWith('/api/')) return NextResponse.rewrite(url);
    return NextResponse.redirect(url, 308);
  }
  if (!SIGNED_IN_AREAS.some((area) => pathname === area || pathname.startsWith(`${area}/`))) return NextResponse.next();
  const signedIn = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (signedIn) return NextResponse.next();
  const url = new URL('/signin', request.url);
  url.searchParams.set('callbackUrl', pathname + search);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but Next's own assets and the favicon.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg).*)'],
};
