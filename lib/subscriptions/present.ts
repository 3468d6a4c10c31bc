import type { TeamPlanState } from '@/lib/billing/team-plan';

export function presentPlanState(s: TeamPlanState) {
  return {
    package_id: s.packageId,
    status: s.status,
    currency: s.currency,
    current_period_start: s.currentPeriodStart?.toISOString() ?? null,
    current_period_end: s.currentPeriodEnd?.toISOString() ?? null,
    cancel_at_period_end: s.cancelAtPeriodEnd,
    trial_end: s.trialEnd?.toISOString() ?? null,
    addons: s.addons,
  };
}
