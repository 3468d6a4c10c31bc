import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { subscriptionAddons, subscriptions } from '@/db/schema';
import { getEnv } from '@/lib/config/env';
import { pastDueGraceOver } from '@/lib/credits/rules';

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
  /** Past due with its invoice unpaid: no new allowance is granted. */
  unpaid: boolean;
  /** Past due beyond the grace period: `packageId` is then `starter` (limits) until the invoice is paid. */
  graceOver: boolean;
  /** The subscribed plan, even when Starter limits apply. */
  subscribedPackageId: string;
  /** Active add-on package ids (one entry per unit). */
  addons: string[];
}

/** A team's live subscriptions; the plan is the newest (`newestFirst`, limit 1). */
export const liveSubscriptionOf = (teamId: string) =>
  and(eq(subscriptions.teamId, teamId), inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES]));
export const newestFirst = desc(subscriptions.createdAt);

/** Past due: unpaid; past due beyond the grace period at `at`: Starter (`packageId`) until paid. */
export function planStanding(
  sub: { packageId: string; status: string; pastDueSince: Date | null },
  at: Date | undefined,
  graceDays: number,
): Pick<TeamPlanState, 'packageId' | 'unpaid' | 'graceOver'> {
  const unpaid = sub.status === 'past_due';
  const graceOver = unpaid && at !== undefined && pastDueGraceOver(sub.pastDueSince ?? at, at, graceDays);
  return { packageId: graceOver ? 'starter' : sub.packageId, unpaid, graceOver };
}

/**
 * The team's current plan and add-ons, read from the subscription mirror the webhooks keep. With
 * `at`, a plan past due for longer than `PAST_DUE_GRACE_DAYS` counts as Starter (what limits apply);
 * without it, the plan as subscribed (what billing manages).
 */
export async function getTeamPlanState(
  db: DbOrTx,
  teamId: string,
  at?: Date,
  graceDays: number = getEnv().PAST_DUE_GRACE_DAYS,
): Promise<TeamPlanState> {
  const [sub] = await db.select().from(subscriptions).where(liveSubscriptionOf(teamId)).orderBy(newestFirst).limit(1);
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
      unpaid: false,
      graceOver: false,
      subscribedPackageId: 'starter',
      addons: [],
    };
  }
  const { packageId, unpaid, graceOver } = planStanding(sub, at, graceDays);
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
    packageId,
    subscriptionId: sub.id,
    stripeSubscriptionId: sub.stripeSubscriptionId,
    status: sub.status,
    currency: sub.currency,
    currentPeriodStart: sub.currentPeriodStart,
    currentPeriodEnd: sub.currentPeriodEnd,
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
    trialEnd: sub.trialEnd,
    unpaid,
    graceOver,
    subscribedPackageId: sub.packageId,
    addons: graceOver ? [] : addons.flatMap((a) => Array.from({ length: a.quantity }, () => a.packageId)),
  };
}
