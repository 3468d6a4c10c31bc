import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database } from '@/db/client';
import { checkoutSessions, subscriptions, teams } from '@/db/schema';
import { LIVE_SUBSCRIPTION_STATUSES } from '@/lib/billing/team-plan';
import type { Env } from '@/lib/config/env';
import type { Clock } from '@/lib/clock';
import { loadCatalog, type CatalogRow } from '@/lib/catalog/queries';
import { Conflict, PackageNotFound } from '@/lib/errors';
import type { Logger } from '@/lib/logger';
import { ensureStripeCustomer } from '@/lib/stripe/customers';
import { allowedOrigins, assertAllowedRedirect } from './redirects';

import {
  checkoutCurrency,
  checkoutIdempotencyKey,
  checkoutModeFor,
  successUrlWithSessionId,
  type BillingCurrency,
  type CheckoutMode,
} from './rules';

export { allowedOrigins, assertAllowedRedirect } from './redirects';
export { CONTACT_SALES_URL } from './rules';
export { getCheckoutStatus } from './status';
export type { CheckoutStatusView, CheckoutState } from './schemas';

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
  assertRedirects(deps, req);
  const now = deps.clock.now();
  const pkg = await findSellablePackage(deps, req.packageId, now);
  const mode = checkoutModeFor(pkg, req.trialDays);
  const team = await loadTeam(deps, req);
  if (mode === 'subscription') await assertPlanPurchasable(deps, team, req.trialDays);
  const currency = checkoutCurrency(pkg, req.currency, team.billingCurrency as BillingCurrency | null);
  const customer = await ensureStripeCustomer(deps, req.teamId);
  const params = sessionParams(
    { ...req, successUrl: successUrlWithSessionId(req.successUrl, deps.env.APP_URL) },
    pkg,
    mode,
    currency,
    customer,
  );
  const key = checkoutIdempotencyKey({
    teamId: req.teamId,
    userId: req.userId,
    packageId: pkg.id,
    currency,
    trialDays: req.trialDays,
    successUrl: req.successUrl,
    cancelUrl: req.cancelUrl,
    clientKey: req.idempotencyKey,
    nowMs: now.getTime(),
  });
  const session = await openSession(deps, params, key);
  await recordSession(deps, req, { session, packageId: pkg.id, mode, currency, now });
  deps.logger.info({ teamId: req.teamId, packageId: pkg.id, sessionId: session.id, mode }, 'Created checkout session');
  return { session_id: session.id, url: session.url! };
}

function assertRedirects(deps: CheckoutDeps, req: CheckoutRequest): void {
  const origins = allowedOrigins(deps.env.APP_URL, deps.env.REDIRECT_ALLOWLIST);
  assertAllowedRedirect('success_url', req.successUrl, origins);
  assertAllowedRedirect('cancel_url', req.cancelUrl, origins);
}

async function findSellablePackage(deps: CheckoutDeps, packageId: string, now: Date): Promise<CatalogRow> {
  const pkg = (await loadCatalog(deps.db, now.getTime())).find((p) => p.id === packageId);
  if (!pkg) throw new PackageNotFound(packageId);
  return pkg;
}

async function loadTeam(deps: CheckoutDeps, req: CheckoutRequest) {
  const [team] = await deps.db.select().from(teams).where(eq(teams.id, req.teamId));
  if (!team) throw new PackageNotFound(req.packageId);
  return team;
}

/** One live plan per team, and one trial per team. */
async function assertPlanPurchasable(
  deps: CheckoutDeps,
  team: typeof teams.$inferSelect,
  trialDays: number | undefined,
): Promise<void> {
  const [live] = await deps.db
    .select({ packageId: subscriptions.packageId })
    .from(subscriptions)
    .where(and(eq(subscriptions.teamId, team.id), inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES])));
  if (live)
    throw new Conflict(
      `Your team already has the ${live.packageId} plan; change plans with POST /api/packages/user/subscription`,
      'plan_active',
    );
  if (trialDays === undefined) return;
  const [trialed] = await deps.db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.teamId, team.id), isNotNull(subscriptions.trialEnd)));
  const [startedTrial] = await deps.db
    .select({ id: checkoutSessions.id })
    .from(checkoutSessions)
    .where(
      and(
        eq(checkoutSessions.teamId, team.id),
        isNotNull(checkoutSessions.trialDays),
        eq(checkoutSessions.status, 'complete'),
      ),
    );
  if (team.trialUsedAt || trialed || startedTrial)
    throw new Conflict('Your team has already had its free trial', 'trial_used');
}

function sessionParams(
  req: CheckoutRequest,
  pkg: CatalogRow,
  mode: CheckoutMode,
  currency: BillingCurrency,
  customer: string,
): Stripe.Checkout.SessionCreateParams {
  const metadata = { team_id: req.teamId, user_id: req.userId, package_id: pkg.id };
  return {
    mode,
    customer,
    client_reference_id: req.teamId,
    currency,
    line_items: [{ price: pkg.stripePriceId!, quantity: 1 }],
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
}

async function recordSession(
  deps: CheckoutDeps,
  req: CheckoutRequest,
  opened: {
    session: Stripe.Checkout.Session;
    packageId: string;
    mode: CheckoutMode;
    currency: BillingCurrency;
    now: Date;
  },
): Promise<void> {
  const { session } = opened;
  await deps.db
    .insert(checkoutSessions)
    .values({
      stripeSessionId: session.id,
      teamId: req.teamId,
      userId: req.userId,
      packageId: opened.packageId,
      mode: opened.mode,
      currency: opened.currency,
      amountTotal: session.amount_total,
      status: 'open',
      paymentStatus: session.payment_status,
      trialDays: req.trialDays ?? null,
      url: session.url,
      createdAt: opened.now,
      expiresAt: session.expires_at ? new Date(session.expires_at * 1000) : null,
    })
    .onConflictDoNothing({ target: checkoutSessions.stripeSessionId });
}
