import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { subscriptions, teams } from '@/db/schema';
import { liveSubscriptionOf, newestFirst, planStanding, type TeamPlanState } from '@/lib/billing/team-plan';
import { getEnv } from '@/lib/config/env';

/** What the credit rules need of a team's plan: which one applies and whether it is paid. */
export type CreditPlan = Pick<TeamPlanState, 'packageId' | 'unpaid' | 'graceOver'>;

/** The team's live subscription (the newest), as a subquery to join. */
export function livePlan(db: DbOrTx, teamId: string) {
  return db
    .select({
      packageId: subscriptions.packageId,
      status: subscriptions.status,
      pastDueSince: subscriptions.pastDueSince,
    })
    .from(subscriptions)
    .where(liveSubscriptionOf(teamId))
    .orderBy(newestFirst)
    .limit(1)
    .as('live_plan');
}

/** The plan that applies at `now`, as `getTeamPlanState` tells it: Starter without a live subscription or past its grace. */
export function creditPlan(
  sub: { packageId: string | null; status: string | null; pastDueSince: Date | null } | null,
  now: Date,
  graceDays: number = getEnv().PAST_DUE_GRACE_DAYS,
): CreditPlan {
  if (!sub?.packageId || !sub.status) return { packageId: 'starter', unpaid: false, graceOver: false };
  return planStanding({ packageId: sub.packageId, status: sub.status, pastDueSince: sub.pastDueSince }, now, graceDays);
}

/** The plan and the allowance anchor in one statement. */
export async function readPlanAndAnchor(
  tx: DbOrTx,
  teamId: string,
  now: Date,
): Promise<{ plan: CreditPlan; anchor: Date | null }> {
  const plan = livePlan(tx, teamId);
  const [row] = await tx
    .select({
      anchor: teams.allowanceAnchor,
      plan: { packageId: plan.packageId, status: plan.status, pastDueSince: plan.pastDueSince },
    })
    .from(teams)
    .leftJoin(plan, sql`true`)
    .where(eq(teams.id, teamId));
  return { plan: creditPlan(row?.plan ?? null, now), anchor: row?.anchor ?? null };
}
