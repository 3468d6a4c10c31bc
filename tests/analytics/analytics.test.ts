import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as analytics } from '@/app/api/packages/admin/analytics/route';
import type { PackagePerformance } from '@/lib/analytics';
import { apiRequest, createUserWithToken } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

async function report(token: string): Promise<PackagePerformance[]> {
  const res = await analytics(apiRequest('/api/packages/admin/analytics', { token }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { packages: PackagePerformance[] }).packages;
}

describe('GET /api/packages/admin/analytics', () => {
  it('reports purchases, net revenue per currency and checkout conversion to platform admins', async () => {
    const admin = await createUserWithToken(h.t.db, { isPlatformAdmin: true });
    const gbpBuyer = await createUserWithToken(h.t.db);
    const usdBuyer = await createUserWithToken(h.t.db);
    const sessionId = await h.buy(gbpBuyer, 'credits_50');
    await h.buy(gbpBuyer, 'credits_50');
    await h.buy(usdBuyer, 'credits_50', { currency: 'usd' });
    // A checkout opened and abandoned lowers the conversion.
    expect((await h.checkout(usdBuyer, { package_id: 'credits_50' })).status).toBe(201);
    const session = await h.app.stripe.checkout.sessions.retrieve(sessionId);
    await h.app.stripe.refunds.create({ payment_intent: session.payment_intent as string, amount: 200 });
    await h.deliver();

    const rows = await report(admin.token);
    const gbp = rows.find((r) => r.package_id === 'credits_50' && r.currency === 'gbp');
    const usd = rows.find((r) => r.package_id === 'credits_50' && r.currency === 'usd');
    expect(gbp).toMatchObject({
      total_purchases: 2,
      total_revenue: 500 + 500 - 200,
      checkouts_started: 4,
      checkouts_completed: 3,
      conversion_rate: 0.75,
    });
    expect(usd).toMatchObject({ total_purchases: 1, total_revenue: 600 });
    // Packages nobody bought are still listed, without a currency.
    expect(rows.find((r) => r.package_id === 'business_annual')).toMatchObject({
      currency: null,
      total_purchases: 0,
      total_revenue: 0,
    });
  });

  it('is refused with 403 to everyone else, team owners included', async () => {
    const owner = await createUserWithToken(h.t.db);
    const res = await analytics(apiRequest('/api/packages/admin/analytics', { token: owner.token }));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  });
});
