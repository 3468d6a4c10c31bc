import { describe, expect, it } from 'vitest';
import { formatMoney, presentPackage } from '@/lib/catalog/presenter';
import type { CatalogRow } from '@/lib/catalog/queries';

const row: CatalogRow = {
  id: 'credits_50',
  packageType: 'credit_pack',
  name: '50 AI Stories',
  description: 'd',
  features: ['f'],
  limits: null,
  credits: 50,
  validityDays: 90,
  interval: null,
  currency: 'gbp',
  amount: 500,
  prices: { usd: 600, gbp: 500 },
  stripeProductId: 'af_credits_50',
  stripePriceId: 'price_1',
  lookupKey: 'credits_50',
  active: true,
  sortOrder: 1,
  updatedAt: new Date(),
};

describe('presentPackage', () => {
  it('lists the seed currency first and marks the team currency', () => {
    const out = presentPackage(row, 'usd');
    expect(out.prices).toEqual([
      { amount: 500, currency: 'gbp', interval: null, team_currency: false },
      { amount: 600, currency: 'usd', interval: null, team_currency: true },
    ]);
    expect(out).toMatchObject({
      id: 'credits_50',
      package_type: 'credit_pack',
      credits: 50,
      validity_days: 90,
      contact_sales: false,
    });
  });

  it('marks no currency for a team that has not paid yet', () => {
    expect(presentPackage(row, null).prices.every((p) => !p.team_currency)).toBe(true);
  });
});

describe('formatMoney', () => {
  it('formats minor units in the currency', () => {
    expect(formatMoney(1000, 'usd')).toBe('$10.00');
    expect(formatMoney(500, 'gbp')).toBe('£5.00');
  });
});
