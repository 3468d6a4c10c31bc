import 'server-only';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { checkoutSessions, subscriptions, teams } from '@/db/schema';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { findPackage, type Currency } from '@/lib/catalog/packages';
import type { PlanFamily } from './rules';

export * from './rules';

export interface TeamPricingContext {
  planPackageId: string;
  planFamily: PlanFamily;
  hasPaidPlan: boolean;
  billingCurrency: Currency | null;
  trialEligible: boolean;
}

/**
 * What the pricing page needs to know about a signed-in team: its plan (marked "Your plan"),
 * its billing currency, and whether it may still start a trial (one per team, as checkout
 * enforces: never on a paid plan, never twice).
 */
export async function teamPricingContext(db: DbOrTx, teamId: string): Promise<TeamPricingContext> {
  const [plan, [team], [trialed], [startedTrial]] = await Promise.all([
    getTeamPlanState(db, teamId),
    db
      .select({ currency: teams.billingCurrency, trialUsedAt: teams.trialUsedAt })
      .from(teams)
      .where(eq(teams.id, teamId)),
    db
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(and(eq(subscriptions.teamId, teamId), isNotNull(subscriptions.trialEnd)))
      .limit(1),
    db
      .select({ id: checkoutSessions.id })
      .from(checkoutSessions)
      .where(
        and(
          eq(checkoutSessions.teamId, teamId),
          isNotNull(checkoutSessions.trialDays),
          eq(checkoutSessions.status, 'complete'),
        ),
      )
      .limit(1),
  ]);
  const hasPaidPlan = plan.stripeSubscriptionId !== null;
  return {
    planPackageId: plan.packageId,
    planFamily: (findPackage(plan.packageId)?.plan ?? 'starter') as PlanFamily,
    hasPaidPlan,
    billingCurrency: (team?.currency as Currency | null) ?? null,
    trialEligible: !hasPaidPlan && !team?.trialUsedAt && !trialed && !startedTrial,
  };
}
