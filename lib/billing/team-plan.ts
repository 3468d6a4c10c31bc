import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { subscriptionAddons, subscriptions } from '@/db/schema';

/** Stripe statuses in which the team keeps its paid plan (past_due: grace while Stripe retries). */
export const LIVE_SUBSCRIPTION_STATUSES = ['active', 'trialing', 'past_due'] as const;

export interface TeamPlanState {
  /** The plan package id: `starter` when the team has no live paid subscription. */
  packageId: string;
  subscriptionId: string | null;
  stripeSubscriptionId: string | null;
  status: string | null;
  currency: string | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  trialEnd: Date | null;
  /** Active add-on package ids (one entry per unit). */
  addons: string[];
}

/** The team's current plan and add-ons, read from the subscription mirror the webhooks keep. */
export async function getTeamPlanState(db: DbOrTx, teamId: string): Promise<TeamPlanState> {
  const [sub] = await db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.teamId, teamId), inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES])))
    .orderBy(desc(subscriptions.createdAt))
    .limit(1);
  if (!sub) {
    return {
      packageId: 'starter',
      subscriptionId: null,
      stripeSubscriptionId: null,
      status: null,
      currency: null,
      currentPeriodStart: null,
      currentPeriodEnd: null,
      cancelAtPeriodEnd: false,
      trialEnd: null,
      addons: [],
    };
  }
  const addons = await db
    .select({ packageId: subscriptionAddons.packageId, quantity: subscriptionAddons.quantity })
    .from(subscriptionAddons)
    .where(
      and(
        eq(subscriptionAddons.subscriptionId, sub.id),
        eq(subscriptionAddons.status, 'active'),
        ne(subscriptionAddons.status, 'removed'),
      ),
    );
  return {
    packageId: sub.packageId,
    subscriptionId: sub.id,
    stripeSubscriptionId: sub.stripeSubscriptionId,
    status: sub.status,
    currency: sub.currency,
    currentPeriodStart: sub.currentPeriodStart,
    currentPeriodEnd: sub.currentPeriodEnd,
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
    trialEnd: sub.trialEnd,
    addons: addons.flatMap((a) => Array.from({ length: a.quantity }, () => a.packageId)),
  };
}
