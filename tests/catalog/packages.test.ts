import { describe, expect, it } from 'vitest';
import { PACKAGES, findPackage } from '@/lib/catalog/packages';

// The seed's packages, transcribed from ../shared/spec/stripe-packages-seed.md.
const seed = [
  { id: 'starter', type: 'subscription', amount: null, currency: null, interval: null },
  { id: 'professional_monthly', type: 'subscription', amount: 1000, currency: 'usd', interval: 'month' },
  { id: 'professional_annual', type: 'subscription', amount: 10000, currency: 'usd', interval: 'year' },
  { id: 'business_monthly', type: 'subscription', amount: 1800, currency: 'usd', interval: 'month' },
  { id: 'business_annual', type: 'subscription', amount: 18000, currency: 'usd', interval: 'year' },
  { id: 'enterprise', type: 'enterprise', amount: null, currency: null, interval: null },
  { id: 'credits_50', type: 'credit_pack', amount: 500, currency: 'gbp', interval: null, credits: 50, days: 90 },
  { id: 'credits_100', type: 'credit_pack', amount: 900, currency: 'gbp', interval: null, credits: 100, days: 90 },
  { id: 'credits_250', type: 'credit_pack', amount: 2000, currency: 'gbp', interval: null, credits: 250, days: 120 },
  { id: 'addon_storage', type: 'addon', amount: 200, currency: 'gbp', interval: 'month' },
  { id: 'addon_priority_support', type: 'addon', amount: 500, currency: 'gbp', interval: 'month' },
  { id: 'addon_integrations', type: 'addon', amount: 800, currency: 'gbp', interval: 'month' },
] as const;

describe('catalog', () => {
  it('holds exactly the seed packages', () => {
    expect(PACKAGES.map((p) => p.id).sort()).toEqual(seed.map((s) => s.id).sort());
  });

  it.each(seed)('$id matches the seed amount, currency, interval and type', (s) => {
    const pkg = findPackage(s.id)!;
    expect(pkg.packageType).toBe(s.type);
    expect(pkg.amount).toBe(s.amount);
    expect(pkg.currency).toBe(s.currency);
    expect(pkg.interval).toBe(s.interval);
    if ('credits' in s) {
      expect(pkg.credits).toBe(s.credits);
      expect(pkg.validityDays).toBe(s.days);
    }
  });

  it('prices every paid package in USD and GBP, keeping the seed amount in the seed currency', () => {
    for (const pkg of PACKAGES.filter((p) => p.amount !== null)) {
      expect(Object.keys(pkg.prices).sort()).toEqual(['gbp', 'usd']);
      expect(pkg.prices[pkg.currency!]).toBe(pkg.amount);
      for (const amount of Object.values(pkg.prices)) expect(Number.isInteger(amount) && amount > 0).toBe(true);
    }
  });

  it('has the seed limits for each plan', () => {
    expect(findPackage('starter')!.limits).toMatchObject({ members: 3, monthlyStories: 25, projects: 5, storageGb: 1 });
    expect(findPackage('professional_monthly')!.limits).toMatchObject({
      members: null,
      monthlyStories: 200,
      storiesPerMember: true,
      projects: null,
      storageGb: 50,
    });
    expect(findPackage('business_annual')!.limits).toMatchObject({
      members: null,
      monthlyStories: null,
      storageGb: 200,
    });
    expect(findPackage('credits_250')!.priorityProcessing).toBe(true);
    expect(findPackage('credits_100')!.priorityProcessing).toBe(false);
  });

  it('bills annual plans at the seed annual price, not twelve months', () => {
    expect(findPackage('professional_annual')!.amount).toBe(10 * findPackage('professional_monthly')!.amount!);
    expect(findPackage('business_annual')!.amount).toBe(10 * findPackage('business_monthly')!.amount!);
  });
});
