import { NextResponse, type NextRequest } from 'next/server';
import { visitorPricing } from '@/lib/pricing/rules';

const SESSION_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token'];
const SIGNED_IN_AREAS = ['/account', '/admin'];

/**
 * The prerendered pricing page for a signed-out visitor whose URL carries nothing but a currency or
 * billing period (checkout state, like `?buy=` or `?checkout=cancelled`, needs the page rendered).
 * The variant is chosen as the page itself would choose it: `?currency=`, else Accept-Language.
 */
function prerenderedPricing(request: NextRequest, signedIn: boolean): URL | null {
  if (signedIn || (request.method !== 'GET' && request.method !== 'HEAD')) return null;
  const url = new URL(request.url);
  if ([...url.searchParams.keys()].some((key) => key !== 'currency' && key !== 'billing')) return null;
  const { currency, billing } = visitorPricing(
    { currency: url.searchParams.get('currency'), billing: url.searchParams.get('billing') },
    request.headers.get('accept-language'),
  );
  url.pathname = `/prerendered/pricing/${currency}/${billing}`;
  url.search = '';
  return url;
}

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
  const { pathname, search } = new URL(request.url);
  if (pathname.length > 1 && pathname.endsWith('/')) {
    // A plain URL: NextURL would remember the slash and put it back.
    const url = new URL(request.url);
    url.pathname = pathname.replace(/\/+$/, '') || '/';
    if (pathname.startsWith('/api/')) return NextResponse.rewrite(url);
    return NextResponse.redirect(url, 308);
  }
  const signedIn = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (pathname === '/pricing') {
    const prerendered = prerenderedPricing(request, signedIn);
    if (!prerendered) return NextResponse.next();
    const response = NextResponse.rewrite(prerendered);
    // The same URL answers differently when signed in or in another language, so no shared cache may
    // keep it (Next would send the prerender's `s-maxage=31536000`; it keeps a header set here).
    response.headers.set('Cache-Control', 'private, no-cache');
    return response;
  }
  if (!SIGNED_IN_AREAS.some((area) => pathname === area || pathname.startsWith(`${area}/`))) return NextResponse.next();
  if (signedIn) return NextResponse.next();
  const url = new URL('/signin', request.url);
  url.searchParams.set('callbackUrl', pathname + search);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but Next's own assets and the favicon.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg).*)'],
};
