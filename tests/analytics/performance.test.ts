import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performanceReport, type PerformanceReport } from '@/lib/analytics';
import { ManualClock } from '@/lib/clock';
import { deductCredit } from '@/lib/credits';
import { recordPurchase } from '@/lib/purchases';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { buyPack, createSubscription, createTeam, openCheckout, refundPack, seedCatalog } from './fixtures';

// Known purchases across several days of November 2026 (both currencies, a partial and a full
// refund, trials, expired and abandoned checkouts, a pack expiring unused, deductions on three
// plans) and every figure the report gives, worked out by hand.

let t: TestDatabase;
const clock = new ManualClock('2026-11-10T12:00:00Z');
const deps = () => ({ db: t.db, clock });
const zeroSales = {
  purchases: 0,
  gross_revenue: 0,
  refunds: 0,
  refunded_amount: 0,
  net_revenue: 0,
  average_purchase_value: null,
  checkout_sessions: { created: 0, completed: 0, expired: 0, conversion_rate: null },
  active_subscriptions: 0,
  mrr: 0,
  trials: { started: 0, converted: 0, conversion_rate: null },
};

beforeAll(async () => {
  t = await createTestDatabase();
  await seedCatalog(t.db);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

async function seedNovember() {
  const starter = await createTeam(t.db, 'starter-gbp');
  const pro = await createTeam(t.db, 'pro-usd');
  const business = await createTeam(t.db, 'business-gbp');
  const trialing = await createTeam(t.db, 'trialing-usd');
  const converted = await createTeam(t.db, 'converted-gbp');
  const lapsed = await createTeam(t.db, 'lapsed-usd');
  await createSubscription(t.db, {
    teamId: pro,
    packageId: 'professional_monthly',
    currency: 'usd',
    status: 'active',
    addons: [{ packageId: 'addon_storage', quantity: 2 }],
  });
  await createSubscription(t.db, { teamId: business, packageId: 'business_annual', currency: 'gbp', status: 'active' });
  await createSubscription(t.db, {
    teamId: trialing,
    packageId: 'professional_monthly',
    currency: 'usd',
    status: 'trialing',
    trialStart: '2026-11-03T12:00:00Z',
  });
  const convertedSub = await createSubscription(t.db, {
    teamId: converted,
    packageId: 'professional_monthly',
    currency: 'gbp',
    status: 'active',
    trialStart: '2026-11-02T12:00:00Z',
  });
  await createSubscription(t.db, {
    teamId: lapsed,
    packageId: 'professional_annual',
    currency: 'usd',
    status: 'canceled',
    trialStart: '2026-10-20T12:00:00Z',
  });

  // August: a pack that expires unused on Oct 30.
  clock.set('2026-08-01T10:00:00Z');
  await buyPack(t.db, clock, { teamId: starter, packageId: 'credits_50', currency: 'gbp' });
  // Nov 2: the starter team spends 20; the expired pack leaves (50) and November's 25 arrive.
  clock.set('2026-11-02T09:00:00Z');
  await deductCredit(deps(), starter, 'ai_stories', 20, 'story-starter-1');
  await openCheckout(t.db, {
    teamId: converted,
    packageId: 'professional_monthly',
    currency: 'gbp',
    at: '2026-11-02T11:00:00Z',
    status: 'complete',
  });
  // Nov 3: an expired attempt, then a paid 100 pack; 250 spent (200 allowance, then 50 of the pack).
  await openCheckout(t.db, {
    teamId: pro,
    packageId: 'credits_100',
    currency: 'usd',
    at: '2026-11-03T11:00:00Z',
    status: 'expired',
  });
  await openCheckout(t.db, {
    teamId: trialing,
    packageId: 'professional_monthly',
    currency: 'usd',
    at: '2026-11-03T11:30:00Z',
    status: 'complete',
  });
  clock.set('2026-11-03T12:00:00Z');
  const proPack = await buyPack(t.db, clock, { teamId: pro, packageId: 'credits_100', currency: 'usd' });
  clock.set('2026-11-03T13:00:00Z');
  await deductCredit(deps(), pro, 'ai_stories', 250, 'story-pro-1');
  // Nov 4: half of the 100 pack refunded (£5.50 of £11): its last 50 credits go back.
  clock.set('2026-11-04T10:00:00Z');
  await refundPack(t.db, clock, proPack, 550);
  await openCheckout(t.db, {
    teamId: business,
    packageId: 'credits_250',
    currency: 'gbp',
    at: '2026-11-04T23:59:59Z',
    status: 'open',
  });
  // Nov 5: a 250 pack on Business, 7 stories used on the unlimited plan; Nov 6: the pack refunded in full.
  clock.set('2026-11-05T08:00:00Z');
  const businessPack = await buyPack(t.db, clock, { teamId: business, packageId: 'credits_250', currency: 'gbp' });
  clock.set('2026-11-05T09:00:00Z');
  await deductCredit(deps(), business, 'ai_stories', 7, 'story-business-1');
  clock.set('2026-11-06T10:00:00Z');
  await refundPack(t.db, clock, businessPack, 2000);
  // Nov 6 and 7: two 50 packs in dollars on a trialing Professional team; a plan checkout expires.
  clock.set('2026-11-06T11:00:00Z');
  await buyPack(t.db, clock, { teamId: trialing, packageId: 'credits_50', currency: 'usd' });
  clock.set('2026-11-07T10:00:00Z');
  await buyPack(t.db, clock, { teamId: trialing, packageId: 'credits_50', currency: 'usd' });
  await openCheckout(t.db, {
    teamId: starter,
    packageId: 'professional_monthly',
    currency: 'gbp',
    at: '2026-11-07T23:00:00Z',
    status: 'expired',
  });
  // Nov 9: the converted trial's first invoice (£8).
  await recordPurchase(t.db, {
    teamId: converted,
    packageId: 'professional_monthly',
    businessKey: 'invoice:in_converted',
    stripeInvoiceId: 'in_converted',
    stripeSubscriptionId: convertedSub,
    amount: 800,
    currency: 'gbp',
    purchasedAt: new Date('2026-11-09T08:00:00Z'),
  });
  clock.set('2026-11-10T12:00:00Z');
}

const row = (r: PerformanceReport, packageId: string, currency: string) =>
  r.packages.find((p) => p.package_id === packageId && p.currency === currency);
const total = (r: PerformanceReport, currency: string) => r.totals.find((p) => p.currency === currency);

describe('package performance figures', () => {
  it('on an empty database: every priced package and currency listed with zeros, every day present', async () => {
    const r = await performanceReport(deps());
    expect(r.range).toEqual({ from: '2026-10-12', to: '2026-11-10', days: 30 });
    expect(r.currency).toBeNull();
    expect(r.as_of).toBe('2026-11-10T12:00:00.000Z');
    // 10 priced packages (starter and enterprise have no price) in 2 currencies.
    expect(r.packages).toHaveLength(20);
    for (const p of r.packages) expect(p).toMatchObject(zeroSales);
    expect(r.totals).toEqual([
      { currency: 'usd', ...zeroSales },
      { currency: 'gbp', ...zeroSales },
    ]);
    expect(r.daily).toHaveLength(60);
    expect(r.daily[0]).toEqual({
      date: '2026-10-12',
      currency: 'usd',
      purchases: 0,
      gross_revenue: 0,
      refunded_amount: 0,
      net_revenue: 0,
      checkouts_created: 0,
      checkouts_completed: 0,
    });
    expect(r.daily.at(-1)).toMatchObject({ date: '2026-11-10', currency: 'gbp', purchases: 0 });
    expect(r.credit_usage.by_pack.map((p) => [p.package_id, p.credits, p.granted, p.expiration_rate])).toEqual([
      ['credits_50', 50, 0, null],
      ['credits_100', 100, 0, null],
      ['credits_250', 250, 0, null],
    ]);
    expect(r.credit_usage.by_plan_type.map((p) => p.plan_type)).toEqual(['starter', 'professional', 'business']);
    expect(r.credit_usage.daily).toHaveLength(30);
    expect(r.credit_usage.daily.every((d) => d.granted === 0 && d.spent === 0 && d.expired === 0)).toBe(true);
  });

  it('over Nov 1–7: every figure per package, per currency, per day and for credits', async () => {
    await seedNovember();
    const r = await performanceReport(deps(), { from: '2026-11-01', to: '2026-11-07' });
    expect(r.range).toEqual({ from: '2026-11-01', to: '2026-11-07', days: 7 });

    expect(row(r, 'credits_100', 'usd')).toEqual({
      package_id: 'credits_100',
      package_type: 'credit_pack',
      currency: 'usd',
      ...zeroSales,
      purchases: 1,
      gross_revenue: 1100,
      refunds: 1,
      refunded_amount: 550,
      net_revenue: 550,
      average_purchase_value: 1100,
      checkout_sessions: { created: 2, completed: 1, expired: 1, conversion_rate: 0.5 },
    });
    expect(row(r, 'credits_250', 'gbp')).toMatchObject({
      purchases: 1,
      gross_revenue: 2000,
      refunds: 1,
      refunded_amount: 2000,
      net_revenue: 0,
      average_purchase_value: 2000,
      checkout_sessions: { created: 2, completed: 1, expired: 0, conversion_rate: 0.5 },
    });
    expect(row(r, 'credits_50', 'usd')).toMatchObject({
      purchases: 2,
      gross_revenue: 1200,
      refunds: 0,
      net_revenue: 1200,
      average_purchase_value: 600,
      checkout_sessions: { created: 2, completed: 2, expired: 0, conversion_rate: 1 },
    });
    // The August purchase is outside the range.
    expect(row(r, 'credits_50', 'gbp')).toMatchObject({ ...zeroSales });
    expect(row(r, 'professional_monthly', 'gbp')).toEqual({
      package_id: 'professional_monthly',
      package_type: 'subscription',
      currency: 'gbp',
      ...zeroSales,
      checkout_sessions: { created: 2, completed: 1, expired: 1, conversion_rate: 0.5 },
      active_subscriptions: 1,
      mrr: 800,
      trials: { started: 1, converted: 1, conversion_rate: 1 },
    });
    expect(row(r, 'professional_monthly', 'usd')).toMatchObject({
      purchases: 0,
      checkout_sessions: { created: 1, completed: 1, expired: 0, conversion_rate: 1 },
      // The trialing subscription is not paying yet.
      active_subscriptions: 1,
      mrr: 1000,
      trials: { started: 1, converted: 0, conversion_rate: 0 },
    });
    // £150 a year is £12.50 a month.
    expect(row(r, 'business_annual', 'gbp')).toMatchObject({ active_subscriptions: 1, mrr: 1250 });
    expect(row(r, 'addon_storage', 'usd')).toMatchObject({ active_subscriptions: 2, mrr: 600 });
    // Cancelled: neither active nor recurring; its trial began before the range.
    expect(row(r, 'professional_annual', 'usd')).toMatchObject({ ...zeroSales });

    expect(total(r, 'gbp')).toEqual({
      currency: 'gbp',
      purchases: 1,
      gross_revenue: 2000,
      refunds: 1,
      refunded_amount: 2000,
      net_revenue: 0,
      average_purchase_value: 2000,
      checkout_sessions: { created: 4, completed: 2, expired: 1, conversion_rate: 0.5 },
      active_subscriptions: 2,
      mrr: 2050,
      trials: { started: 1, converted: 1, conversion_rate: 1 },
    });
    expect(total(r, 'usd')).toEqual({
      currency: 'usd',
      purchases: 3,
      gross_revenue: 2300,
      refunds: 1,
      refunded_amount: 550,
      net_revenue: 1750,
      average_purchase_value: 767,
      checkout_sessions: { created: 5, completed: 4, expired: 1, conversion_rate: 0.8 },
      active_subscriptions: 3,
      mrr: 1600,
      trials: { started: 1, converted: 0, conversion_rate: 0 },
    });

    const day = (date: string, currency: string) => {
      const d = r.daily.find((p) => p.date === date && p.currency === currency)!;
      return [
        d.purchases,
        d.gross_revenue,
        d.refunded_amount,
        d.net_revenue,
        d.checkouts_created,
        d.checkouts_completed,
      ];
    };
    expect(r.daily).toHaveLength(14);
    expect(r.daily.map((d) => `${d.date}/${d.currency}`).slice(0, 4)).toEqual([
      '2026-11-01/usd',
      '2026-11-01/gbp',
      '2026-11-02/usd',
      '2026-11-02/gbp',
    ]);
    expect({
      '01 usd': day('2026-11-01', 'usd'),
      '01 gbp': day('2026-11-01', 'gbp'),
      '02 usd': day('2026-11-02', 'usd'),
      '02 gbp': day('2026-11-02', 'gbp'),
      '03 usd': day('2026-11-03', 'usd'),
      '03 gbp': day('2026-11-03', 'gbp'),
      '04 usd': day('2026-11-04', 'usd'),
      '04 gbp': day('2026-11-04', 'gbp'),
      '05 usd': day('2026-11-05', 'usd'),
      '05 gbp': day('2026-11-05', 'gbp'),
      '06 usd': day('2026-11-06', 'usd'),
      '06 gbp': day('2026-11-06', 'gbp'),
      '07 usd': day('2026-11-07', 'usd'),
      '07 gbp': day('2026-11-07', 'gbp'),
    }).toEqual({
      '01 usd': [0, 0, 0, 0, 0, 0],
      '01 gbp': [0, 0, 0, 0, 0, 0],
      '02 usd': [0, 0, 0, 0, 0, 0],
      '02 gbp': [0, 0, 0, 0, 1, 1],
      '03 usd': [1, 1100, 550, 550, 3, 2],
      '03 gbp': [0, 0, 0, 0, 0, 0],
      '04 usd': [0, 0, 0, 0, 0, 0],
      '04 gbp': [0, 0, 0, 0, 1, 0],
      '05 usd': [0, 0, 0, 0, 0, 0],
      '05 gbp': [1, 2000, 2000, 0, 1, 1],
      '06 usd': [1, 600, 0, 600, 1, 1],
      '06 gbp': [0, 0, 0, 0, 0, 0],
      '07 usd': [1, 600, 0, 600, 1, 1],
      '07 gbp': [0, 0, 0, 0, 1, 0],
    });

    expect(r.credit_usage.by_pack).toEqual([
      {
        package_id: 'credits_50',
        credits: 50,
        purchases: 2,
        granted: 100,
        spent: 0,
        expired: 50,
        refunded: 0,
        voided: 0,
        expiration_rate: 0.5,
      },
      {
        package_id: 'credits_100',
        credits: 100,
        purchases: 1,
        granted: 100,
        spent: 50,
        expired: 0,
        refunded: 50,
        voided: 0,
        expiration_rate: 0,
      },
      {
        package_id: 'credits_250',
        credits: 250,
        purchases: 1,
        granted: 250,
        spent: 0,
        expired: 0,
        refunded: 250,
        voided: 0,
        expiration_rate: 0,
      },
    ]);
    expect(r.credit_usage.by_plan_type).toEqual([
      { plan_type: 'starter', granted: 25, spent: 20, expired: 50, refunded: 0, voided: 0, unmetered_usage: 0 },
      { plan_type: 'professional', granted: 400, spent: 250, expired: 0, refunded: 50, voided: 0, unmetered_usage: 0 },
      { plan_type: 'business', granted: 250, spent: 0, expired: 0, refunded: 250, voided: 0, unmetered_usage: 7 },
    ]);
    expect(r.credit_usage.most_popular_packs).toEqual([
      { package_id: 'credits_50', credits: 50, purchases: 2 },
      { package_id: 'credits_100', credits: 100, purchases: 1 },
      { package_id: 'credits_250', credits: 250, purchases: 1 },
    ]);
    expect(r.credit_usage.daily.map((d) => [d.date.slice(8), d.granted, d.spent, d.expired])).toEqual([
      ['01', 0, 0, 0],
      ['02', 25, 20, 50],
      ['03', 300, 250, 0],
      ['04', 0, 0, 0],
      ['05', 250, 0, 0],
      ['06', 50, 0, 0],
      ['07', 50, 0, 0],
    ]);
  });

  it('by default covers the last 30 days up to today by the clock, including the Nov 9 invoice and the Oct 20 trial', async () => {
    const r = await performanceReport(deps());
    expect(r.range).toEqual({ from: '2026-10-12', to: '2026-11-10', days: 30 });
    expect(total(r, 'gbp')).toMatchObject({
      purchases: 2,
      gross_revenue: 2800,
      net_revenue: 800,
      average_purchase_value: 1400,
    });
    expect(row(r, 'professional_monthly', 'gbp')).toMatchObject({ purchases: 1, gross_revenue: 800, net_revenue: 800 });
    expect(row(r, 'professional_annual', 'usd')).toMatchObject({
      trials: { started: 1, converted: 0, conversion_rate: 0 },
      active_subscriptions: 0,
    });
    expect(r.daily.find((d) => d.date === '2026-11-09' && d.currency === 'gbp')).toMatchObject({
      purchases: 1,
      net_revenue: 800,
    });
  });

  it('with a currency filter: only that currency, never mixed', async () => {
    const r = await performanceReport(deps(), { from: '2026-11-01', to: '2026-11-07', currency: 'USD' });
    expect(r.currency).toBe('usd');
    expect(new Set(r.packages.map((p) => p.currency))).toEqual(new Set(['usd']));
    expect(r.totals.map((x) => [x.currency, x.purchases, x.net_revenue])).toEqual([['usd', 3, 1750]]);
    expect(r.daily).toHaveLength(7);
    expect(r.credit_usage.most_popular_packs.map((p) => [p.package_id, p.purchases])).toEqual([
      ['credits_50', 2],
      ['credits_100', 1],
      ['credits_250', 0],
    ]);
  });

  it('over a range with no sales: zero sales and credits every day, current subscriptions still shown', async () => {
    const r = await performanceReport(deps(), { from: '2026-06-01', to: '2026-06-30' });
    expect(r.daily).toHaveLength(60);
    expect(r.daily.every((d) => d.purchases === 0 && d.gross_revenue === 0 && d.checkouts_created === 0)).toBe(true);
    expect(total(r, 'gbp')).toEqual({
      currency: 'gbp',
      ...zeroSales,
      active_subscriptions: 2,
      mrr: 2050,
    });
    expect(total(r, 'usd')).toEqual({ currency: 'usd', ...zeroSales, active_subscriptions: 3, mrr: 1600 });
    expect(r.credit_usage.by_pack.every((p) => p.granted === 0 && p.purchases === 0)).toBe(true);
    expect(r.credit_usage.by_plan_type.every((p) => p.granted === 0 && p.spent === 0)).toBe(true);
  });
});
