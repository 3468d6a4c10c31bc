import { CURRENCIES, type Currency } from '@/lib/catalog/packages';
import { visitorPricing, type BillingInterval } from './rules';

/** Auth.js's session cookie names (the `__Secure-` one over HTTPS). */
export const SESSION_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token'] as const;

export interface PricingVariant {
  currency: Currency;
  billing: BillingInterval;
}

export interface PageRequest {
  method: string;
  url: URL;
  hasCookie(name: string): boolean;
  acceptLanguage: string | null;
}

/**
 * The page built at build time that a request for /pricing may be answered with, or null when it
 * must be rendered: a signed-in visitor, a method other than GET or HEAD, or checkout state in the
 * URL (`?buy=`, `?checkout=cancelled`). The variant is chosen as the page itself would choose it:
 * `?currency=`, else Accept-Language; `?billing=annual`, else monthly. proxy.ts and the server
 * entry's in-memory copy (lib/http/pricing-front.ts) both decide with this one function.
 */
export function prerenderedPricingVariant(request: PageRequest): PricingVariant | null {
  if (request.url.pathname !== '/pricing') return null;
  if (request.method !== 'GET' && request.method !== 'HEAD') return null;
  if (SESSION_COOKIES.some((name) => request.hasCookie(name))) return null;
  const { searchParams } = request.url;
  if ([...searchParams.keys()].some((key) => key !== 'currency' && key !== 'billing')) return null;
  return visitorPricing(
    { currency: searchParams.get('currency'), billing: searchParams.get('billing') },
    request.acceptLanguage,
  );
}

/** Every variant built at build time: each currency, monthly and annual. */
export const PRERENDERED_PRICING: readonly PricingVariant[] = CURRENCIES.flatMap((currency) =>
  (['month', 'year'] as const).map((billing) => ({ currency, billing })),
);

/** Where a variant is built (app/(prerendered)/prerendered/pricing/[currency]/[billing]). */
export function prerenderedPricingPath({ currency, billing }: PricingVariant): string {
  return `/prerendered/pricing/${currency}/${billing}`;
}
