import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { creditReservations, teamMembers, teams, userCredits } from '@/db/schema';
import { getEnv } from '@/lib/config/env';
import { expiryDueSql } from './due';
import { allowanceFor, type AllowanceWindowState, type CreditGrant } from './grants';
import { isHeldReservation } from './held';
import { creditPlan, livePlan } from './plan-state';
import { allowancePeriod, type CreditType } from './rules';

/** An allowance window is at most 31 days long, so no grant ending earlier counts in the current one. */
const LONGEST_WINDOW_MS = 31 * 86_400_000;

export interface TeamCreditsInspection {
  /** False when `prepareTeamCredits` would write (an expiry, a lapsed hold, an allowance to void or grant). */
  upToDate: boolean;
  unlimited: boolean;
  window: AllowanceWindowState;
  /** The team's grants of the credit type that are not voided (spent and expired ones too), soonest expiry first. */
  live: CreditGrant[];
  /** Credits held by open reservations. */
  held: number;
}

/**
 * A team's credit state at `now` from one statement, without the lock: the plan, the allowance
 * anchor, the grants, the held credits, whether an expiry is due and the member count. Reads use it
 * to skip the lock, and so never queue behind the team's deductions; `prepareTeamCredits` makes the
 * same decisions (`allowanceFor`) under the lock when something is due.
 */
export async function inspectTeamCredits(
  db: DbOrTx,
  teamId: string,
  creditType: CreditType,
  now: Date,
  graceDays: number = getEnv().PAST_DUE_GRACE_DAYS,
): Promise<TeamCreditsInspection> {
  const plan = livePlan(db, teamId);
  const rows = await db
    .select({
      anchor: teams.allowanceAnchor,
      plan: { packageId: plan.packageId, status: plan.status, pastDueSince: plan.pastDueSince },
      grant: userCredits,
      held: sql<string | null>`(SELECT SUM(${creditReservations.amount}) FROM ${creditReservations}
        WHERE ${creditReservations.teamId} = ${teamId} AND ${isHeldReservation})`,
      due: expiryDueSql(teamId, now),
      members: sql<string>`(SELECT count(*) FROM ${teamMembers} WHERE ${teamMembers.teamId} = ${teamId})`,
    })
    .from(teams)
    .leftJoin(plan, sql`true`)
    .leftJoin(
      userCredits,
      and(
        eq(userCredits.teamId, teams.id),
        eq(userCredits.creditType, creditType),
        or(
          isNull(userCredits.voidedAt),
          // Voided allowances of the current window count what was spent from them.
          and(
            eq(userCredits.source, 'plan_allowance'),
            gt(userCredits.expiresAt, new Date(now.getTime() - LONGEST_WINDOW_MS)),
          ),
        ),
      ),
    )
    .where(eq(teams.id, teamId))
    .orderBy(asc(userCredits.expiresAt));
  const first = rows[0];
  const grants = rows.flatMap((r) => (r.grant ? [r.grant] : []));
  const period = allowancePeriod(now, first?.anchor ?? null);
  const allowance = await allowanceFor(db, teamId, creditType, now, {
    plan: creditPlan(first?.plan ?? null, now, graceDays),
    period,
    allowances: grants.filter((g) => g.source === 'plan_allowance'),
    members: Number(first?.members ?? 0),
  });
  return {
    upToDate: first?.due !== true && allowance.toVoid.length === 0 && allowance.topUp === null,
    unlimited: allowance.unlimited,
    window: allowance.window,
    live: grants.filter((g) => g.voidedAt === null),
    held: Number(first?.held ?? 0),
  };
}
