import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as alias } from '@/app/api/packages/admin/analytics/route';
import { GET as performance } from '@/app/api/packages/analytics/performance/route';
import type { PerformanceReport } from '@/lib/analytics';
import { apiRequest, createUserWithToken } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const SEED_PATH = '/api/packages/analytics/performance';

describe('GET /api/packages/analytics/performance through the local Stripe', () => {
  it('reports purchases, refunds and checkout conversion per package and currency, from real webhooks', async () => {
    const admin = await createUserWithToken(h.t.db, { isPlatformAdmin: true });
    const gbpBuyer = await createUserWithToken(h.t.db);
    const usdBuyer = await createUserWithToken(h.t.db);
    const sessionId = await h.buy(gbpBuyer, 'credits_50');
    await h.buy(gbpBuyer, 'credits_50');
    await h.buy(usdBuyer, 'credits_50', { currency: 'usd' });
    // A checkout opened and abandoned lowers the USD conversion only.
    expect((await h.checkout(usdBuyer, { package_id: 'credits_50' })).status).toBe(201);
    const session = await h.app.stripe.checkout.sessions.retrieve(sessionId);
    await h.app.stripe.refunds.create({ payment_intent: session.payment_intent as string, amount: 200 });
    await h.deliver();

    const res = await performance(apiRequest(SEED_PATH, { token: admin.token }));
    expect(res.status).toBe(200);
    const report = (await res.json()) as PerformanceReport;
    const row = (currency: string) =>
      report.packages.find((r) => r.package_id === 'credits_50' && r.currency === currency);
    expect(row('gbp')).toMatchObject({
      purchases: 2,
      gross_revenue: 1000,
      refunds: 1,
      refunded_amount: 200,
      net_revenue: 800,
      average_purchase_value: 500,
      checkout_sessions: { created: 2, completed: 2, expired: 0, conversion_rate: 1 },
    });
    expect(row('usd')).toMatchObject({
      purchases: 1,
      net_revenue: 600,
      checkout_sessions: { created: 2, completed: 1, expired: 0, conversion_rate: 0.5 },
    });
    expect(report.credit_usage.by_pack.find((p) => p.package_id === 'credits_50')).toMatchObject({
      purchases: 3,
      granted: 150,
      refunded: 20,
    });

    // The earlier admin path answers the same.
    const viaAlias = await alias(apiRequest('/api/packages/admin/analytics', { token: admin.token }));
    expect(viaAlias.status).toBe(200);
    expect(((await viaAlias.json()) as PerformanceReport).packages).toEqual(report.packages);
  });

  it('is refused with 403 to everyone else, team owners included, and 401 without credentials', async () => {
    const owner = await createUserWithToken(h.t.db);
    for (const route of [performance, alias]) {
      const forbidden = await route(apiRequest(SEED_PATH, { token: owner.token }));
      expect(forbidden.status).toBe(403);
      expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      const anonymous = await route(apiRequest(SEED_PATH));
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
  });

  it('answers 400 naming the parameter for a bad date, a reversed or too long range and an unknown currency', async () => {
    const admin = await createUserWithToken(h.t.db, { isPlatformAdmin: true });
    for (const [query, mentions] of [
      ['from=2026-13-01', 'from'],
      ['to=yesterday', 'to'],
      ['from=2026-03-01&to=2026-02-01', 'after'],
      ['from=2025-01-01&to=2026-01-02', '366'],
      ['currency=eur', 'currency'],
      ['colour=red', 'colour'],
    ] as const) {
      const res = await performance(apiRequest(`${SEED_PATH}?${query}`, { token: admin.token }));
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.message, query).toContain(mentions);
    }
    const longest = await performance(apiRequest(`${SEED_PATH}?from=2025-01-01&to=2026-01-01`, { token: admin.token }));
    expect(longest.status).toBe(200);
    expect(((await longest.json()) as PerformanceReport).range.days).toBe(366);
  });
});
