import { createHash } from 'node:crypto';
import type { CatalogRow } from '@/lib/catalog/queries';
import { Conflict, ValidationFailed } from '@/lib/errors';

export const CONTACT_SALES_URL = 'mailto:sales@agileforge.example?subject=Enterprise%20plan';
/** A retry within this window reuses the session instead of opening a second one. */
export const RETRY_WINDOW_MS = 60_000;

export type CheckoutMode = 'subscription' | 'payment';
export type BillingCurrency = 'usd' | 'gbp';

/** What Checkout sells: plans by subscription, packs by payment; anything else is refused with the way to get it. */
export function checkoutModeFor(pkg: CatalogRow, trialDays: number | undefined): CheckoutMode {
  if (pkg.packageType === 'enterprise')
    throw new Conflict('Enterprise is sold by our sales team; contact sales to get a quote', 'contact_sales', {
      contact_sales: CONTACT_SALES_URL,
    });
  if (pkg.packageType === 'addon')
    throw new Conflict('Add-ons attach to your plan: POST /api/packages/user/addons', 'use_addons_endpoint');
  if (!pkg.amount || !pkg.stripePriceId) {
    if (pkg.packageType === 'subscription' && !pkg.amount)
      throw new Conflict('Starter is free: every team has it without checkout', 'free_plan');
    throw new Conflict(
      `Package '${pkg.id}' is not set up for sale yet (run npm run init:packages)`,
      'package_not_synced',
    );
  }
  const mode = pkg.packageType === 'subscription' ? 'subscription' : 'payment';
  if (trialDays !== undefined && mode !== 'subscription')
    throw new ValidationFailed('trial_days: only subscription plans have trials');
  return mode;
}

/** A team keeps the currency of its first paid purchase; before that, the request's or the package's own. */
export function checkoutCurrency(
  pkg: CatalogRow,
  requested: BillingCurrency | undefined,
  teamCurrency: BillingCurrency | null,
): BillingCurrency {
  if (requested && teamCurrency && requested !== teamCurrency) {
    throw new Conflict(
      `Your team is billed in ${teamCurrency.toUpperCase()}; a team keeps one currency`,
      'currency_fixed',
    );
  }
  const currency = requested ?? teamCurrency ?? (pkg.currency as BillingCurrency);
  if (pkg.prices[currency] === undefined)
    throw new ValidationFailed(`currency: ${pkg.id} is not offered in ${currency.toUpperCase()}`);
  return currency;
}

export interface IdempotencyInput {
  teamId: string;
  userId: string;
  packageId: string;
  currency: BillingCurrency;
  trialDays: number | undefined;
  successUrl: string;
  cancelUrl: string;
  clientKey: string | null | undefined;
  nowMs: number;
}

/**
 * The Stripe idempotency key: the client's own key when it sent one, otherwise the request within a
 * short window, so a double click or a retry opens one session and a later purchase a new one.
 */
export function checkoutIdempotencyKey(input: IdempotencyInput): string {
  const bucket = Math.floor(input.nowMs / RETRY_WINDOW_MS);
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        input.teamId,
        input.userId,
        input.packageId,
        input.currency,
        input.trialDays ?? null,
        input.successUrl,
        input.cancelUrl,
        input.clientKey ?? bucket,
      ]),
    )
    .digest('hex');
  return `checkout-${digest}`;
}

export const CHECKOUT_SESSION_ID_TEMPLATE = '{CHECKOUT_SESSION_ID}';

/**
 * Adds `session_id={CHECKOUT_SESSION_ID}` to a success URL on the app's own origin, so the return
 * page knows what was bought. The template must reach Stripe verbatim (URL-encoding the braces
 * stops Stripe from filling it in), so it is appended as text; a URL that already carries the
 * template or a session_id, or points at another origin, is left alone.
 */
export function successUrlWithSessionId(successUrl: string, appUrl: string): string {
  let url: URL;
  try {
    url = new URL(successUrl);
  } catch {
    return successUrl;
  }
  if (url.origin !== new URL(appUrl).origin) return successUrl;
  if (successUrl.includes(CHECKOUT_SESSION_ID_TEMPLATE) || url.searchParams.has('session_id')) return successUrl;
  const hashAt = successUrl.indexOf('#');
  const base = hashAt === -1 ? successUrl : successUrl.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : successUrl.slice(hashAt);
  const joiner = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${joiner}session_id=${CHECKOUT_SESSION_ID_TEMPLATE}${hash}`;
}
