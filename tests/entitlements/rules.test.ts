import { describe, expect, it } from 'vitest';
import { computeEntitlements, upgradeTargetFor } from '@/lib/entitlements/rules';

const ADDONS = ['addon_storage', 'addon_priority_support', 'addon_integrations'] as const;
const subsets = Array.from({ length: 8 }, (_, mask) => ADDONS.filter((_, i) => mask & (1 << i)));

const plans = {
  starter: {
    members: 3,
    projects: 5,
    storage: 1,
    stories: { unlimited: false, per_member: null, total: 25 },
    sso: false,
    integrations: false,
    support: false,
  },
  professional_monthly: {
    members: null,
    projects: null,
    storage: 50,
    stories: { unlimited: false, per_member: 200, total: 800 },
    sso: false,
    integrations: true,
    support: false,
  },
  professional_annual: {
    members: null,
    projects: null,
    storage: 50,
    stories: { unlimited: false, per_member: 200, total: 800 },
    sso: false,
    integrations: true,
    support: false,
  },
  business_monthly: {
    members: null,
    projects: null,
    storage: 200,
    stories: { unlimited: true, per_member: null, total: null },
    sso: true,
    integrations: true,
    support: true,
  },
  business_annual: {
    members: null,
    projects: null,
    storage: 200,
    stories: { unlimited: true, per_member: null, total: null },
    sso: true,
    integrations: true,
    support: true,
  },
} as const;

describe('entitlements for every plan and add-on combination', () => {
  for (const [planId, want] of Object.entries(plans)) {
    for (const addons of subsets) {
      it(`${planId} + [${addons.join(', ')}]`, () => {
        const e = computeEntitlements({ planPackageId: planId, addons, memberCount: 4, hasPriorityCredits: false });
        expect(e.plan).toBe(planId);
        expect(e.member_limit).toBe(want.members);
        expect(e.project_limit).toBe(want.projects);
        expect(e.storage_gb).toBe(want.storage + (addons.includes('addon_storage') ? 10 : 0));
        expect(e.monthly_story_allowance).toEqual(want.stories);
        expect(e.features.sso).toBe(want.sso);
        expect(e.features.api_access).toBe(want.sso);
        expect(e.features.advanced_analytics).toBe(want.sso);
        expect(e.features.advanced_integrations).toBe(want.integrations || addons.includes('addon_integrations'));
        expect(e.features.priority_support).toBe(want.support || addons.includes('addon_priority_support'));
        expect(e.features.priority_ai_processing).toBe(false);
      });
    }
  }

  it('adds 10 GB per storage add-on unit', () => {
    expect(
      computeEntitlements({
        planPackageId: 'professional_monthly',
        addons: ['addon_storage', 'addon_storage'],
        memberCount: 1,
        hasPriorityCredits: false,
      }).storage_gb,
    ).toBe(70);
  });

  it('grants priority AI processing only while a 250 pack has credits', () => {
    expect(
      computeEntitlements({ planPackageId: 'starter', addons: [], memberCount: 1, hasPriorityCredits: true }).features
        .priority_ai_processing,
    ).toBe(true);
  });

  it('scales the Professional allowance with members', () => {
    expect(
      computeEntitlements({
        planPackageId: 'professional_annual',
        addons: [],
        memberCount: 7,
        hasPriorityCredits: false,
      }).monthly_story_allowance.total,
    ).toBe(1400);
  });

  it('names the plan to upgrade to', () => {
    expect(upgradeTargetFor('starter')).toBe('Professional');
    expect(upgradeTargetFor('professional_monthly')).toBe('Business');
  });
});
