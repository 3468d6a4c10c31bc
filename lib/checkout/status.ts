import 'server-only';
import { and, desc, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database } from '@/db/client';
import { checkoutSessions, subscriptions, userCredits, userPurchases } from '@/db/schema';
import { findPackage } from '@/lib/catalog/packages';
import type { Clock } from '@/lib/clock';
import { NotFound } from '@/lib/errors';
import type { CheckoutStatusView } from './schemas';

export type { CheckoutStatusView } from './schemas';

/**
 * Where a Checkout session stands for the return page, read from what the webhooks recorded:
 * `open` until the customer pays, `processing` once Stripe took the payment but the webhook has
 * not fulfilled it yet (or an asynchronous payment is pending), `fulfilled` when the credits or
 * the plan are the team's, `failed` when the session expired or its payment failed. Only the
 * team that opened the session may see it: another team's id is a 404, like an unknown one.
 * While our record still says `open`, Stripe is asked, since the customer usually returns before
 * the webhook lands.
 */
export async function getCheckoutStatus(
  deps: { db: Database; clock: Clock; stripe: Stripe },
  teamId: string,
  sessionId: string,
): Promise<CheckoutStatusView> {
  const [session] = await deps.db
    .select()
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.stripeSessionId, sessionId), eq(checkoutSessions.teamId, teamId)));
  if (!session) throw new NotFound(`No checkout session '${sessionId}' for your team`, 'checkout_not_found');
  const pkg = findPackage(session.packageId);
  const base = {
    session_id: session.stripeSessionId,
    package_id: session.packageId,
    package_name: pkg?.name ?? session.packageId,
    package_type: pkg?.packageType ?? 'unknown',
    mode: session.mode,
    amount_total: session.amountTotal,
    currency: session.currency,
    trial_days: session.trialDays,
    credits: null,
    subscription: null,
  };
  if (session.status === 'expired' || session.paymentStatus === 'failed') return { ...base, status: 'failed' };
  if (session.mode === 'payment') {
    const [grant] = await deps.db
      .select({ amount: userCredits.amount, expiresAt: userCredits.expiresAt })
      .from(userCredits)
      .where(and(eq(userCredits.teamId, teamId), eq(userCredits.businessKey, `pack:${session.stripeSessionId}`)));
    const [purchase] = await deps.db
      .select({ id: userPurchases.id })
      .from(userPurchases)
      .where(
        and(eq(userPurchases.teamId, teamId), eq(userPurchases.businessKey, `checkout:${session.stripeSessionId}`)),
      );
    if (grant && purchase)
      return {
        ...base,
        status: 'fulfilled',
        credits: { granted: grant.amount, expires_at: grant.expiresAt?.toISOString() ?? null },
      };
    return { ...base, status: await unfulfilledState(deps.stripe, session) };
  }
  const settled = session.paymentStatus === 'paid' || session.paymentStatus === 'no_payment_required';
  if (session.status === 'complete' && settled) {
    const [sub] = await deps.db
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.teamId, teamId), eq(subscriptions.packageId, session.packageId)))
      .orderBy(desc(subscriptions.createdAt))
      .limit(1);
    if (sub)
      return {
        ...base,
        status: 'fulfilled',
        subscription: {
          package_id: sub.packageId,
          status: sub.status,
          trial_end: sub.trialEnd?.toISOString() ?? null,
          current_period_end: sub.currentPeriodEnd?.toISOString() ?? null,
        },
      };
  }
  return { ...base, status: await unfulfilledState(deps.stripe, session) };
}

async function unfulfilledState(
  stripe: Stripe,
  session: typeof checkoutSessions.$inferSelect,
): Promise<'open' | 'processing' | 'failed'> {
  if (session.status === 'complete') return 'processing';
  const live = await stripe.checkout.sessions.retrieve(session.stripeSessionId);
  if (live.status === 'expired') return 'failed';
  return live.status === 'complete' ? 'processing' : 'open';
}
