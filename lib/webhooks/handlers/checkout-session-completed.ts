import { and, eq, ne, sql } from 'drizzle-orm';
import Stripe from 'stripe';
import type { Tx } from '@/db/client';
import { checkoutSessions, teams } from '@/db/schema';
import { findPackage } from '@/lib/catalog/packages';
import { applyChargeRefunds, applyDispute } from '@/lib/billing/payment-reversals';
import { grantPackCredits } from '@/lib/credits';
import { recordPurchase } from '@/lib/purchases';
import { fromUnix, idOf } from '@/lib/stripe/ids';
import { mirrorSubscription } from '@/lib/subscriptions/mirror';
import { teamForStripe } from '@/lib/subscriptions/sync';
import {
  claimTrialCard,
  endTrialForUsedCard,
  subscriptionCardFingerprint,
  trialCardOwner,
} from '@/lib/subscriptions/trial-cards';
import { defineHandler, type WebhookDeps } from '../types';

interface Fetched {
  session: Stripe.Checkout.Session;
  subscription: Stripe.Subscription | null;
  /** A pack's charge as it is now: refunds made before fulfilment are honoured from it. */
  charge: Stripe.Charge | null;
  /** The charge's disputes, when it is disputed: applied at fulfilment even if their own events were parked. */
  disputes: Stripe.Dispute[];
  /** A trialing subscription's card, so a card gets one trial across all teams. */
  trialCard: string | null;
}

async function fulfilPack(
  tx: Tx,
  deps: WebhookDeps,
  teamId: string,
  session: Stripe.Checkout.Session,
  charge: Stripe.Charge | null,
  disputes: Stripe.Dispute[],
  paidAt: Date,
): Promise<void> {
  const pkg = findPackage(session.metadata?.package_id ?? '');
  if (!pkg || pkg.packageType !== 'credit_pack' || !pkg.credits || !pkg.validityDays) {
    deps.logger.warn(
      { sessionId: session.id, packageId: session.metadata?.package_id },
      'Paid checkout for an unknown credit pack',
    );
    return;
  }
  const userId = session.metadata?.user_id ?? null;
  const amount = session.amount_total ?? 0;
  await recordPurchase(tx, {
    teamId,
    userId,
    packageId: pkg.id,
    businessKey: `checkout:${session.id}`,
    stripeCheckoutSessionId: session.id,
    stripePaymentIntentId: idOf(session.payment_intent),
    stripeChargeId: charge?.id ?? null,
    amount,
    currency: session.currency ?? pkg.currency!,
    purchasedAt: paidAt,
  });
  await grantPackCredits(tx, deps.clock, deps.logger, {
    teamId,
    userId,
    packageId: pkg.id,
    credits: pkg.credits,
    validityDays: pkg.validityDays,
    priority: pkg.priorityProcessing,
    businessKey: `pack:${session.id}`,
    sourceRef: session.id,
  });
  // Refunded before this ran (support refunded while fulfilment was being retried): only the
  // unrefunded share is granted, nothing for a full refund. Keyed like charge.refunded's, so both agree.
  if (charge && charge.amount_refunded > 0) await applyChargeRefunds(tx, deps, charge, { refundReversed: false });
  for (const dispute of disputes) await applyDispute(tx, deps, dispute);
}

/**
 * One plan per team: once a plan checkout completes, the team's other open plan checkouts (another
 * tab, another admin) are expired at Stripe so they cannot be paid too. One that completed in the
 * meantime cannot be expired; its own completion cancels and refunds it as a duplicate.
 */
async function expireOtherPlanCheckouts(tx: Tx, deps: WebhookDeps, teamId: string, completedId: string) {
  const others = await tx
    .select({ stripeSessionId: checkoutSessions.stripeSessionId })
    .from(checkoutSessions)
    .where(
      and(
        eq(checkoutSessions.teamId, teamId),
        eq(checkoutSessions.mode, 'subscription'),
        eq(checkoutSessions.status, 'open'),
        ne(checkoutSessions.stripeSessionId, completedId),
      ),
    );
  for (const { stripeSessionId } of others) {
    try {
      await deps.stripe.checkout.sessions.expire(stripeSessionId);
    } catch (err) {
      if (err instanceof Stripe.errors.StripeInvalidRequestError) continue; // already complete or expired
      throw err;
    }
    await tx
      .update(checkoutSessions)
      .set({ status: 'expired' })
      .where(eq(checkoutSessions.stripeSessionId, stripeSessionId));
    deps.logger.info({ teamId, sessionId: stripeSessionId, completedId }, 'Expired another open plan checkout');
  }
}

/** Also used for `checkout.session.async_payment_succeeded`: the same session, now paid. */
export const checkoutSessionCompleted = defineHandler<Fetched>({
  async fetch(deps, event) {
    // One call: a pack's charge comes expanded with the session (its receipt, refunds and disputes).
    const session = await deps.stripe.checkout.sessions.retrieve((event.data.object as Stripe.Checkout.Session).id, {
      expand: ['payment_intent.latest_charge'],
    });
    const subscriptionId = idOf(session.subscription);
    const intent = session.mode === 'payment' ? expanded(session.payment_intent) : null;
    const charge = expanded(intent?.latest_charge);
    let subscription: Stripe.Subscription | null = subscriptionId
      ? await deps.stripe.subscriptions.retrieve(subscriptionId)
      : null;
    let trialCard: string | null = null;
    if (subscription?.status === 'trialing') {
      trialCard = await subscriptionCardFingerprint(deps.stripe, subscription);
      const owner = trialCard ? await trialCardOwner(deps.db, trialCard) : null;
      const teamId = session.client_reference_id ?? session.metadata?.team_id ?? null;
      if (owner && owner !== teamId)
        subscription = await endTrialForUsedCard(deps.stripe, deps.logger, subscription, owner);
    }
    const disputes = charge?.disputed ? (await deps.stripe.disputes.list({ charge: charge.id })).data : [];
    return { session, subscription, charge, disputes, trialCard };
  },
  async apply(tx, deps, event, { session, subscription, charge, disputes, trialCard }) {
    const teamId = await teamForStripe(
      tx,
      { team_id: session.client_reference_id ?? session.metadata?.team_id ?? '' },
      session.customer,
    );
    if (!teamId) {
      deps.logger.warn({ sessionId: session.id }, 'Checkout completed for no known team');
      return;
    }
    const now = deps.clock.now();
    await tx
      .update(checkoutSessions)
      .set({
        status: session.status === 'complete' ? 'complete' : session.status === 'expired' ? 'expired' : 'open',
        paymentStatus: session.payment_status,
        amountTotal: session.amount_total,
        completedAt: now,
      })
      .where(eq(checkoutSessions.stripeSessionId, session.id));
    const customerId = idOf(session.customer);
    if (customerId)
      await tx
        .update(teams)
        .set({ stripeCustomerId: sql`COALESCE(${teams.stripeCustomerId}, ${customerId})` })
        .where(eq(teams.id, teamId));
    // Paid, or nothing to pay (a trial): anything else waits for async_payment_succeeded.
    const settled = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
    if (!settled) return;
    if (session.currency)
      await tx
        .update(teams)
        .set({ billingCurrency: sql`COALESCE(${teams.billingCurrency}, ${session.currency})` })
        .where(eq(teams.id, teamId));
    if (session.mode === 'payment')
      await fulfilPack(tx, deps, teamId, session, charge, disputes, fromUnix(event.created) ?? now);
    if (session.mode === 'subscription' && subscription) {
      await mirrorSubscription(tx, deps, subscription);
      if (subscription.status === 'trialing' && trialCard)
        await claimTrialCard(tx, { fingerprint: trialCard, teamId, stripeSubscriptionId: subscription.id });
    }
    if (session.mode === 'subscription' && session.status === 'complete')
      await expireOtherPlanCheckouts(tx, deps, teamId, session.id);
    deps.logger.info(
      { teamId, sessionId: session.id, mode: session.mode, packageId: session.metadata?.package_id },
      'Processed checkout completion',
    );
  },
});

/** An expanded field's object (null when Stripe left it unset or, unexpectedly, as an id). */
function expanded<T extends { id: string }>(value: string | T | null | undefined): T | null {
  return value && typeof value === 'object' ? value : null;
}
