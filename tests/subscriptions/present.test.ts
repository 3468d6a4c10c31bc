import { describe, expect, it } from 'vitest';
import type { TeamPlanState } from '@/lib/billing/team-plan';
import { presentPlanState } from '@/lib/subscriptions/present';

const state = (over: Partial<TeamPlanState> = {}): TeamPlanState => ({
  packageId: 'business_annual',
  subscriptionId: 'mirror-id',
  stripeSubscriptionId: 'sub_123',
  status: 'trialing',
  currency: 'gbp',
  currentPeriodStart: new Date('2031-01-02T03:04:05.678Z'),
  currentPeriodEnd: new Date('2032-01-02T03:04:05.678Z'),
  cancelAtPeriodEnd: true,
  trialEnd: new Date('2031-01-16T03:04:05.678Z'),
  unpaid: false,
  graceOver: false,
  subscribedPackageId: 'business_annual',
  addons: ['addon_storage', 'addon_storage', 'addon_integrations'],
  ...over,
});

describe('presentPlanState', () => {
  it('answers every field of a paid plan, dates in ISO 8601, and nothing internal', () => {
    expect(presentPlanState(state())).toEqual({
      package_id: 'business_annual',
      status: 'trialing',
      currency: 'gbp',
      current_period_start: '2031-01-02T03:04:05.678Z',
      current_period_end: '2032-01-02T03:04:05.678Z',
      cancel_at_period_end: true,
      trial_end: '2031-01-16T03:04:05.678Z',
      addons: ['addon_storage', 'addon_storage', 'addon_integrations'],
    });
  });

  it('answers null for the dates a team on Starter does not have', () => {
    expect(
      presentPlanState(
        state({
          packageId: 'starter',
          status: null,
          currency: null,
          currentPeriodStart: null,
          currentPeriodEnd: null,
          cancelAtPeriodEnd: false,
          trialEnd: null,
          addons: [],
        }),
      ),
    ).toEqual({
      package_id: 'starter',
      status: null,
      currency: null,
      current_period_start: null,
      current_period_end: null,
      cancel_at_period_end: false,
      trial_end: null,
      addons: [],
    });
  });
});
