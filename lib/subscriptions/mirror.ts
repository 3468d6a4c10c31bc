import { and, eq, inArray, ne } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { DbOrTx } from '@/db/client';
import { subscriptions, teams, userPurchases } from '@/db/schema';
import { LIVE_SUBSCRIPTION_STATUSES } from '@/lib/billing/team-plan';
import { packageForPrice } from '@/lib/catalog/price-lookup';
import type { Clock } from '@/lib/clock';
import type { Logger } from '@/lib/logger';
import { recordPurchase } from '@/lib/purchases';
import { fromUnix, idOf } from '@/lib/stripe/ids';
import { syncSubscription, teamForStripe } from './sync';

export interface MirrorDeps {
  stripe: Stripe;
  clock: Clock;
  logger: Logger;
}

export const DUPLICATE_SUBSCRIPTION = 'duplicate_subscription';

const isLive = (status: string) => (LIVE_SUBSCRIPTION_STATUSES as readonly string[]).includes(status);

/**
 * Mirrors a subscription inside the caller's transaction, safe against event order and races:
 * the team's row is locked (`SELECT … FOR UPDATE`) so one mirror of the team runs at a time, and
 * the subscription is fetched from Stripe again after the lock, so the newest state is what lands
 * (a snapshot fetched earlier may be older than one another handler already applied). A second
 * live subscription for a team that already has one is cancelled and refunded in full.
 */
export async function mirrorSubscription(
  tx: DbOrTx,
  deps: MirrorDeps,
  seen: Stripe.Subscription,
): Promise<{ teamId: string; subscriptionId: string } | null> {
  const teamId = await teamForStripe(tx, seen.metadata, seen.customer);
  if (!teamId) return null;
  await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId)).for('update');
  let sub: Stripe.Subscription = await deps.stripe.subscriptions.retrieve(seen.id);
  if (isLive(sub.status)) {
    const [kept] = await tx
      .select({ stripeSubscriptionId: subscriptions.stripeSubscriptionId })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.teamId, teamId),
          inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES]),
          ne(subscriptions.stripeSubscriptionId, sub.id),
        ),
      );
    if (kept) sub = await cancelDuplicate(tx, deps, teamId, sub, kept.stripeSubscriptionId);
  }
  return syncSubscription(tx, sub, deps.clock.now());
}

/**
 * The team already has a live plan (two checkouts paid, two tabs, two admins): the newcomer is
 * cancelled at once and every payment it took is refunded in full, recorded on the purchase with
 * the reason. Idempotency keys make a retried event repeat nothing at Stripe.
 */
async function cancelDuplicate(
  tx: DbOrTx,
  deps: MirrorDeps,
  teamId: string,
  duplicate: Stripe.Subscription,
  keptSubscriptionId: string,
): Promise<Stripe.Subscription> {
  const invoices = await deps.stripe.invoices.list({
    subscription: duplicate.id,
    status: 'paid',
    expand: ['data.payments'],
    limit: 100,
  });
  const planItem = duplicate.items.data[0];
  const plan = planItem ? await packageForPrice(tx, planItem.price) : null;
  for (const invoice of invoices.data) {
    if (invoice.amount_paid <= 0) continue;
    const payment = invoice.payments?.data.find((p) => p.status === 'paid') ?? invoice.payments?.data[0];
    const paymentIntentId = idOf(payment?.payment?.payment_intent ?? null);
    if (!paymentIntentId) {
      deps.logger.error(
        { teamId, subscriptionId: duplicate.id, invoiceId: invoice.id },
        'Duplicate subscription invoice has no payment to refund',
      );
      continue;
    }
    await deps.stripe.refunds.create(
      { payment_intent: paymentIntentId, reason: 'duplicate', metadata: { reason: DUPLICATE_SUBSCRIPTION } },
      { idempotencyKey: `duplicate-refund-${invoice.id}` },
    );
    const { purchase } = await recordPurchase(tx, {
      teamId,
      packageId: plan?.id ?? 'starter',
      businessKey: `invoice:${invoice.id}`,
      stripeInvoiceId: invoice.id,
      stripeSubscriptionId: duplicate.id,
      stripePaymentIntentId: paymentIntentId,
      amount: invoice.amount_paid,
      currency: invoice.currency,
      userId: duplicate.metadata?.user_id ?? null,
      purchasedAt: fromUnix(invoice.status_transitions?.paid_at ?? invoice.created)!,
    });
    await tx
      .update(userPurchases)
      .set({
        status: 'refunded',
        amountRefunded: purchase.amount,
        refundReason: DUPLICATE_SUBSCRIPTION,
        stripePaymentIntentId: purchase.stripePaymentIntentId ?? paymentIntentId,
      })
      .where(eq(userPurchases.id, purchase.id));
  }
  // Cancelled only once every payment is refunded: a retry after a failure on the way (the event is
  // redelivered) must still find the duplicate live, or it would never be refunded.
  const canceled = await deps.stripe.subscriptions.cancel(
    duplicate.id,
    {},
    { idempotencyKey: `duplicate-cancel-${duplicate.id}` },
  );
  deps.logger.warn(
    { teamId, subscriptionId: duplicate.id, keptSubscriptionId, refundedInvoices: invoices.data.length },
    'Cancelled and refunded a duplicate subscription',
  );
  return canceled;
}
