import { NextResponse, type NextRequest } from 'next/server';
import { SESSION_COOKIES, prerenderedPricingPath, prerenderedPricingVariant } from '@/lib/pricing/prerendered';

const SIGNED_IN_AREAS = ['/account', '/admin'];

/**
 * Three jobs, all cheap and stateless:
 * - trailing slashes (Next's own redirect is off, see next.config.js): an API path with a trailing
 *   slash is served in place, without a redirect, because API clients of the seed's documented
 *   `/api/packages/` should not pay a round trip (and some do not follow redirects for every
 *   method); a page with one is redirected to its canonical URL;
 * - a fast redirect for signed-out visitors of account and admin pages. Not an authorization
 *   check: every page and route verifies the session itself;
 * - signed-out visitors of /pricing get the page built at build time instead of a render.
 */
export function proxy(request: NextRequest) {
  const requestUrl = new URL(request.url);
  const { pathname, search } = requestUrl;
  if (pathname.length > 1 && pathname.endsWith('/')) {
    // A plain URL: NextURL would remember the slash and put it back.
    const url = new URL(request.url);
    url.pathname = pathname.replace(/\/+$/, '') || '/';
    if (pathname.startsWith('/api/')) return NextResponse.rewrite(url);
    return NextResponse.redirect(url, 308);
  }
  if (pathname === '/pricing') {
    const variant = prerenderedPricingVariant({
      method: request.method,
      url: requestUrl,
      hasCookie: (name) => request.cookies.has(name),
      acceptLanguage: request.headers.get('accept-language'),
    });
    if (!variant) return NextResponse.next();
    const response = NextResponse.rewrite(new URL(prerenderedPricingPath(variant), request.url));
    // The same URL answers differently when signed in or in another language, so no shared cache may
    // keep it (Next would send the prerender's `s-maxage=31536000`; it keeps a header set here).
    response.headers.set('Cache-Control', 'private, no-cache');
    return response;
  }
  if (!SIGNED_IN_AREAS.some((area) => pathname === area || pathname.startsWith(`${area}/`))) return NextResponse.next();
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  const url = new URL('/signin', request.url);
  url.searchParams.set('callbackUrl', pathname + search);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but Next's own assets and the favicon.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg).*)'],
};
