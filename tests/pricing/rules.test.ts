import { describe, expect, it } from 'vitest';
import { findPackage } from '@/lib/catalog/packages';
import {
  annualSaving,
  currencyFromAcceptLanguage,
  packDiscountPercent,
  perStoryPrice,
  planColumns,
} from '@/lib/pricing/rules';

describe('currencyFromAcceptLanguage', () => {
  it.each([
    ['en-GB,en;q=0.9', 'gbp'],
    ['en-US,en;q=0.9', 'usd'],
    ['cy-GB', 'gbp'],
    ['en;q=0.8,en-GB;q=0.9', 'gbp'],
    ['fr-FR,en-GB;q=0.5', 'usd'],
    ['en-US;q=0.1,en-GB;q=0.9', 'gbp'],
    ['en', 'usd'],
    ['*', 'usd'],
    ['', 'usd'],
    [null, 'usd'],
    ['garbage;;;,', 'usd'],
  ])('%s → %s', (header, currency) => {
    expect(currencyFromAcceptLanguage(header)).toBe(currency);
  });
});

describe('credit pack prices', () => {
  it('gives the price per story and the discount against the 50 pack in each currency', () => {
    const [p50, p100, p250] = ['credits_50', 'credits_100', 'credits_250'].map((id) => findPackage(id)!);
    expect(perStoryPrice(p50!, 'gbp')).toBe(10);
    expect(perStoryPrice(p100!, 'gbp')).toBe(9);
    expect(perStoryPrice(p250!, 'gbp')).toBe(8);
    expect([p50, p100, p250].map((p) => packDiscountPercent(p!, 'gbp'))).toEqual([0, 10, 20]);
    // The USD counterparts are round local prices, so their discounts are their own.
    expect([p50, p100, p250].map((p) => packDiscountPercent(p!, 'usd'))).toEqual([0, 8, 17]);
  });
});

describe('annualSaving', () => {
  it('is two months free on both paid plans in both currencies', () => {
    for (const plan of ['professional', 'business'])
      for (const currency of ['usd', 'gbp'] as const) {
        const saving = annualSaving(findPackage(`${plan}_monthly`)!, findPackage(`${plan}_annual`)!, currency);
        expect(saving?.monthsFree).toBe(2);
      }
    expect(annualSaving(findPackage('professional_monthly')!, findPackage('professional_annual')!, 'gbp')).toEqual({
      amount: 1600,
      monthsFree: 2,
    });
  });
});

describe('planColumns', () => {
  it('lists the four plans with the limits lib/entitlements grants, and the package of the chosen interval', () => {
    const monthly = planColumns('month');
    expect(monthly.map((c) => [c.family, c.pkg?.id ?? null])).toEqual([
      ['starter', null],
      ['professional', 'professional_monthly'],
      ['business', 'business_monthly'],
      ['enterprise', null],
    ]);
    expect(planColumns('year').map((c) => c.pkg?.id ?? null)).toEqual([
      null,
      'professional_annual',
      'business_annual',
      null,
    ]);
    const limits = Object.fromEntries(
      monthly.map((c) => [c.family, Object.fromEntries(c.limits.map((l) => [l.label, l.value]))]),
    );
    expect(limits.starter).toEqual({
      Members: 'Up to 3',
      Projects: '5',
      Storage: '1 GB',
      'AI stories a month': '25 per team',
    });
    expect(limits.professional!['AI stories a month']).toBe('200 per member');
    expect(limits.business!['AI stories a month']).toBe('Unlimited');
    expect(monthly.find((c) => c.family === 'business')!.features).toContain('SSO');
    expect(monthly.find((c) => c.family === 'professional')!.features).not.toContain('SSO');
  });
});
