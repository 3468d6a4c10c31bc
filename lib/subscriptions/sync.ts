import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { DbOrTx } from '@/db/client';
import { subscriptionAddons, subscriptions, teams } from '@/db/schema';
import { packageForPrice } from '@/lib/catalog/price-lookup';
import { LIVE_SUBSCRIPTION_STATUSES } from '@/lib/billing/team-plan';
import { fromUnix, idOf } from '@/lib/stripe/ids';
import { uuidText } from '@/lib/validation/text';

/** Statuses a Stripe subscription never leaves. */
export const TERMINAL_STATUSES: readonly string[] = ['canceled', 'incomplete_expired'];

/** Which team a Stripe object belongs to: our metadata first, then the team's customer id. */
export async function teamForStripe(
  tx: DbOrTx,
  metadata: Stripe.Metadata | null | undefined,
  customer: string | { id: string } | null,
): Promise<string | null> {
  const fromMeta = metadata?.team_id;
  // Metadata can be edited in Stripe's dashboard: a team id that is no uuid names no team (and
  // must not reach the uuid column, where PostgreSQL refuses it and aborts the transaction).
  if (fromMeta && uuidText('team').safeParse(fromMeta).success) {
    const [t] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, fromMeta));
    if (t) return t.id;
  }
  const customerId = idOf(customer);
  if (!customerId) return null;
  const [t] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.stripeCustomerId, customerId));
  return t?.id ?? null;
}

/**
 * Mirrors a Stripe subscription as Stripe has it now (the caller fetched it fresh), so the
 * outcome does not depend on the order events arrive in. Add-ons are the items whose price
 * sells an add-on; items that disappeared are removed.
 */
export async function syncSubscription(
  tx: DbOrTx,
  sub: Stripe.Subscription,
  now: Date,
): Promise<{ teamId: string; subscriptionId: string } | null> {
  const teamId = await teamForStripe(tx, sub.metadata, sub.customer);
  if (!teamId) return null;
  // Stripe never brings a canceled or expired subscription back: an older snapshot must not either.
  const [mirrored] = await tx
    .select({ id: subscriptions.id, status: subscriptions.status })
    .from(subscriptions)
    .where(eq(subscriptions.stripeSubscriptionId, sub.id));
  if (mirrored && TERMINAL_STATUSES.includes(mirrored.status) && mirrored.status !== sub.status)
    return { teamId, subscriptionId: mirrored.id };
  let planItem: Stripe.SubscriptionItem | undefined;
  let planPackage: string | undefined;
  const addonItems: { item: Stripe.SubscriptionItem; packageId: string }[] = [];
  for (const item of sub.items.data) {
    const pkg = await packageForPrice(tx, item.price);
    if (pkg?.packageType === 'subscription' && !planItem) {
      planItem = item;
      planPackage = pkg.id;
    } else if (pkg?.packageType === 'addon') addonItems.push({ item, packageId: pkg.id });
  }
  if (!planItem || !planPackage) return null;
  const values = {
    teamId,
    stripeSubscriptionId: sub.id,
    stripeCustomerId: idOf(sub.customer)!,
    packageId: planPackage,
    stripePriceId: planItem.price.id,
    status: sub.status,
    currency: sub.currency,
    currentPeriodStart: fromUnix(planItem.current_period_start),
    currentPeriodEnd: fromUnix(planItem.current_period_end),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    canceledAt: fromUnix(sub.canceled_at),
    endedAt: fromUnix(sub.ended_at),
    trialStart: fromUnix(sub.trial_start),
    trialEnd: fromUnix(sub.trial_end),
    metadata: sub.metadata ?? {},
    updatedAt: now,
  };
  const { teamId: _t, stripeSubscriptionId: _s, ...update } = values;
  const pastDue = sub.status === 'past_due';
  const [row] = await tx
    .insert(subscriptions)
    .values({ ...values, pastDueSince: pastDue ? now : null })
    .onConflictDoUpdate({
      target: subscriptions.stripeSubscriptionId,
      set: {
        ...update,
        pastDueSince: pastDue ? sql`COALESCE(${subscriptions.pastDueSince}, ${now.toISOString()}::timestamptz)` : null,
      },
    })
    .returning({ id: subscriptions.id });
  const subscriptionId = row!.id;

  const live = (LIVE_SUBSCRIPTION_STATUSES as readonly string[]).includes(sub.status);
  // The first paid subscription anchors the team's allowance windows, once and for good.
  if (live)
    await tx
      .update(teams)
      .set({
        allowanceAnchor: sql`COALESCE(${teams.allowanceAnchor}, ${fromUnix(sub.start_date)!.toISOString()}::timestamptz)`,
      })
      .where(eq(teams.id, teamId));
  const keepItemIds = live ? addonItems.map((a) => a.item.id) : [];
  for (const { item, packageId } of live ? addonItems : []) {
    const [existing] = await tx
      .select({ id: subscriptionAddons.id })
      .from(subscriptionAddons)
      .where(eq(subscriptionAddons.stripeSubscriptionItemId, item.id));
    if (existing) {
      await tx
        .update(subscriptionAddons)
        .set({
          status: 'active',
          quantity: item.quantity ?? 1,
          activatedAt: sql`COALESCE(${subscriptionAddons.activatedAt}, ${now.toISOString()}::timestamptz)`,
        })
        .where(eq(subscriptionAddons.id, existing.id));
    } else {
      // A pending row for the same add-on (written when it was requested) becomes this item.
      const [pending] = await tx
        .select({ id: subscriptionAddons.id })
        .from(subscriptionAddons)
        .where(
          and(
            eq(subscriptionAddons.teamId, teamId),
            eq(subscriptionAddons.packageId, packageId),
            inArray(subscriptionAddons.status, ['pending', 'active']),
          ),
        );
      if (pending) {
        await tx
          .update(subscriptionAddons)
          .set({
            status: 'active',
            subscriptionId,
            stripeSubscriptionItemId: item.id,
            quantity: item.quantity ?? 1,
            activatedAt: now,
          })
          .where(eq(subscriptionAddons.id, pending.id));
      } else {
        await tx.insert(subscriptionAddons).values({
          teamId,
          subscriptionId,
          packageId,
          stripeSubscriptionItemId: item.id,
          status: 'active',
          quantity: item.quantity ?? 1,
          activatedAt: now,
        });
      }
    }
  }
  const stale = and(
    eq(subscriptionAddons.subscriptionId, subscriptionId),
    inArray(subscriptionAddons.status, ['active', 'pending']),
    keepItemIds.length
      ? sql`(${subscriptionAddons.stripeSubscriptionItemId} IS NULL OR ${notInArray(subscriptionAddons.stripeSubscriptionItemId, keepItemIds)})`
      : undefined,
  );
  // Pending rows without an item yet are left alone while the subscription is live: their payment is in flight.
  await tx
    .update(subscriptionAddons)
    .set({ status: 'removed', removedAt: now })
    .where(live ? and(stale, sql`${subscriptionAddons.stripeSubscriptionItemId} IS NOT NULL`) : stale);
  if (sub.trial_end)
    await tx
      .update(teams)
      .set({ trialUsedAt: sql`COALESCE(${teams.trialUsedAt}, ${now.toISOString()}::timestamptz)` })
      .where(eq(teams.id, teamId));
  if (sub.status !== 'incomplete' && sub.status !== 'incomplete_expired') {
    await tx
      .update(teams)
      .set({ billingCurrency: sql`COALESCE(${teams.billingCurrency}, ${sub.currency})` })
      .where(eq(teams.id, teamId));
  }
  return { teamId, subscriptionId };
}
