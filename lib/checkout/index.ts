import { createHash } from 'node:crypto';
import { and, eq, inArray, isNotNull, or } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database } from '@/db/client';
import { checkoutSessions, subscriptions, teams } from '@/db/schema';
import { LIVE_SUBSCRIPTION_STATUSES } from '@/lib/billing/team-plan';
import type { Env } from '@/lib/config/env';
import type { Clock } from '@/lib/clock';
import { loadCatalog } from '@/lib/catalog/queries';
import { Conflict, PackageNotFound, ValidationFailed } from '@/lib/errors';
import type { Logger } from '@/lib/logger';
import { ensureStripeCustomer } from '@/lib/stripe/customers';
import { allowedOrigins, assertAllowedRedirect } from './redirects';

export { allowedOrigins, assertAllowedRedirect } from './redirects';

export interface CheckoutDeps {
  db: Database;
  stripe: Stripe;
  clock: Clock;
  env: Env;
  logger: Logger;
}

export interface CheckoutRequest {
  teamId: string;
  userId: string;
  packageId: string;
  successUrl: string;
  cancelUrl: string;
  trialDays?: number;
  currency?: 'usd' | 'gbp';
  /** The client's Idempotency-Key, when it sent one. */
  idempotencyKey?: string | null;
}

export const CONTACT_SALES_URL = 'mailto:sales@agileforge.example?subject=Enterprise%20plan';
// A retry within this window reuses the session instead of opening a second one.
const RETRY_WINDOW_MS = 60_000;

/**
 * A retried request gets the session its first attempt opened. But a team that paid (or let a
 * session expire) and buys again within the window must get a new one: Stripe replays the first
 * response for a reused key, so a session we have already recorded is checked live, and a
 * finished one is chained into a new key.
 */
async function openSession(
  deps: CheckoutDeps,
  params: Stripe.Checkout.SessionCreateParams,
  key: string,
): Promise<Stripe.Checkout.Session> {
  for (let attempt = 0; ; attempt++) {
    const session = await deps.stripe.checkout.sessions.create(params, { idempotencyKey: key });
    const [known] = await deps.db
      .select({ id: checkoutSessions.id })
      .from(checkoutSessions)
      .where(eq(checkoutSessions.stripeSessionId, session.id));
    if (!known) return session;
    const live = await deps.stripe.checkout.sessions.retrieve(session.id);
    if (live.status === 'open' || attempt >= 5) return live;
    key = `${key}:${session.id}`;
  }
}

/** Opens a Stripe Checkout session for a plan (subscription mode) or a credit pack (payment mode). */
export async function createCheckout(
  deps: CheckoutDeps,
  req: CheckoutRequest,
): Promise<{ session_id: string; url: string }> {
  const origins = allowedOrigins(deps.env.APP_URL, deps.env.REDIRECT_ALLOWLIST);
  assertAllowedRedirect('success_url', req.successUrl, origins);
  assertAllowedRedirect('cancel_url', req.cancelUrl, origins);

  const now = deps.clock.now();
  const pkg = (await loadCatalog(deps.db, now.getTime())).find((p) => p.id === req.packageId);
  if (!pkg) throw new PackageNotFound(req.packageId);
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
  if (req.trialDays !== undefined && mode !== 'subscription')
    throw new ValidationFailed('trial_days: only subscription plans have trials');

  const [team] = await deps.db.select().from(teams).where(eq(teams.id, req.teamId));
  if (!team) throw new PackageNotFound(req.packageId);
  if (mode === 'subscription') {
    const [live] = await deps.db
      .select({ packageId: subscriptions.packageId })
      .from(subscriptions)
      .where(and(eq(subscriptions.teamId, req.teamId), inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES])));
    if (live)
      throw new Conflict(
        `Your team already has the ${live.packageId} plan; change plans with POST /api/packages/user/subscription`,
        'plan_active',
      );
    if (req.trialDays !== undefined) {
      const [trialed] = await deps.db
        .select({ id: subscriptions.id })
        .from(subscriptions)
        .where(and(eq(subscriptions.teamId, req.teamId), isNotNull(subscriptions.trialEnd)));
      const [startedTrial] = await deps.db
        .select({ id: checkoutSessions.id })
        .from(checkoutSessions)
        .where(
          and(
            eq(checkoutSessions.teamId, req.teamId),
            isNotNull(checkoutSessions.trialDays),
            or(eq(checkoutSessions.status, 'complete')),
          ),
        );
      if (team.trialUsedAt || trialed || startedTrial)
        throw new Conflict('Your team has already had its free trial', 'trial_used');
    }
  }
  if (req.currency && team.billingCurrency && req.currency !== team.billingCurrency) {
    throw new Conflict(
      `Your team is billed in ${team.billingCurrency.toUpperCase()}; a team keeps one currency`,
      'currency_fixed',
    );
  }
  const currency = req.currency ?? team.billingCurrency ?? pkg.currency!;
  if (pkg.prices[currency] === undefined)
    throw new ValidationFailed(`currency: ${pkg.id} is not offered in ${currency.toUpperCase()}`);

  const customer = await ensureStripeCustomer(deps, req.teamId);
  const metadata = { team_id: req.teamId, user_id: req.userId, package_id: pkg.id };
  const params: Stripe.Checkout.SessionCreateParams = {
    mode,
    customer,
    client_reference_id: req.teamId,
    currency,
    line_items: [{ price: pkg.stripePriceId, quantity: 1 }],
    success_url: req.successUrl,
    cancel_url: req.cancelUrl,
    metadata,
    ...(mode === 'subscription'
      ? {
          subscription_data: {
            metadata,
            billing_mode: { type: 'flexible' },
            ...(req.trialDays ? { trial_period_days: req.trialDays } : {}),
          },
        }
      : { payment_intent_data: { metadata } }),
  };
  const bucket = Math.floor(now.getTime() / RETRY_WINDOW_MS);
  const idempotencyKey = createHash('sha256')
    .update(
      JSON.stringify([
        req.teamId,
        req.userId,
        pkg.id,
        currency,
        req.trialDays ?? null,
        req.successUrl,
        req.cancelUrl,
        req.idempotencyKey ?? bucket,
      ]),
    )
    .digest('hex');
  const session = await openSession(deps, params, `checkout-${idempotencyKey}`);
  await deps.db
    .insert(checkoutSessions)
    .values({
      stripeSessionId: session.id,
      teamId: req.teamId,
      userId: req.userId,
      packageId: pkg.id,
      mode,
      currency,
      amountTotal: session.amount_total,
      status: 'open',
      paymentStatus: session.payment_status,
      trialDays: req.trialDays ?? null,
      url: session.url,
      createdAt: now,
      expiresAt: session.expires_at ? new Date(session.expires_at * 1000) : null,
    })
    .onConflictDoNothing({ target: checkoutSessions.stripeSessionId });
  deps.logger.info({ teamId: req.teamId, packageId: pkg.id, sessionId: session.id, mode }, 'Created checkout session');
  return { session_id: session.id, url: session.url! };
}
