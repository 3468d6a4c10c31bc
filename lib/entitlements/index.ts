import { and, count, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { teamMembers, userCredits } from '@/db/schema';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import type { Clock } from '@/lib/clock';
import { computeEntitlements, type Entitlements } from './rules';

export { computeEntitlements, upgradeTargetFor, type Entitlements } from './rules';

/** The one place a team's limits and features are derived; everything else asks here. */
export async function getTeamEntitlements(deps: { db: DbOrTx; clock: Clock }, teamId: string): Promise<Entitlements> {
  const now = deps.clock.now();
  const [plan, members, priority] = await Promise.all([
    getTeamPlanState(deps.db, teamId, now),
    deps.db.select({ n: count() }).from(teamMembers).where(eq(teamMembers.teamId, teamId)),
    deps.db
      .select({ n: count() })
      .from(userCredits)
      .where(
        and(
          eq(userCredits.teamId, teamId),
          eq(userCredits.priority, true),
          gt(userCredits.remaining, 0),
          isNull(userCredits.voidedAt),
          or(isNull(userCredits.expiresAt), gt(userCredits.expiresAt, sql`${now.toISOString()}::timestamptz`)),
        ),
      ),
  ]);
  return computeEntitlements({
    planPackageId: plan.packageId,
    addons: plan.addons,
    memberCount: members[0]?.n ?? 1,
    hasPriorityCredits: (priority[0]?.n ?? 0) > 0,
  });
}
