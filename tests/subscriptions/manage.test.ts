import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionAddons, userPurchases } from '@/db/schema';
import { POST as addAddon } from '@/app/api/packages/user/addons/route';
import { DELETE as removeAddon } from '@/app/api/packages/user/addons/[package_id]/route';
import { GET as getSubscription, POST as changeSubscription } from '@/app/api/packages/user/subscription/route';
import { POST as portal } from '@/app/api/packages/billing-portal/route';
import { GET as entitlements } from '@/app/api/packages/user/entitlements/route';
import { apiRequest, createUserWithToken, routeParams, TEST_APP_URL, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const add = (u: TestUser, packageId: string) =>
  addAddon(apiRequest('/api/packages/user/addons', { token: u.token, body: { package_id: packageId } }));
const remove = (u: TestUser, packageId: string) =>
  removeAddon(
    apiRequest(`/api/packages/user/addons/${packageId}`, { token: u.token, method: 'DELETE' }),
    routeParams({ package_id: packageId }),
  );
const change = (u: TestUser, body: unknown) =>
  changeSubscription(apiRequest('/api/packages/user/subscription', { token: u.token, body }));
const state = async (u: TestUser) =>
  (await (await getSubscription(apiRequest('/api/packages/user/subscription', { token: u.token }))).json()) as {
    package_id: string;
    status: string;
    addons: string[];
    cancel_at_period_end: boolean;
  };

describe('add-ons', () => {
  it.each(['addon_storage', 'addon_priority_support', 'addon_integrations'])(
    '%s is added with a prorated charge and removed again',
    async (packageId) => {
      const user = await createUserWithToken(h.t.db);
      await h.buy(user, 'professional_annual');
      const res = await add(user, packageId);
      expect(res.status).toBe(201);
      await h.deliver({ order: 'shuffled', duplicate: true });
      expect((await state(user)).addons).toEqual([packageId]);
      const purchases = await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, user.teamId));
      const addonCharge = purchases.find((p) => p.packageId === packageId);
      // A USD plan bills the add-on's USD option (Stripe charges currency_options[<subscription
      // currency>]); added at once, the proration to the plan's anchor day is the whole month.
      expect([addonCharge?.amount, addonCharge?.currency]).toEqual([
        { addon_storage: 300, addon_priority_support: 600, addon_integrations: 1000 }[packageId]!,
        'usd',
      ]);
      if (packageId === 'addon_storage') {
        expect(
          ((await (await entitlements(apiRequest('/x', { token: user.token }))).json()) as { storage_gb: number })
            .storage_gb,
        ).toBe(60);
      }
      expect((await add(user, packageId)).status).toBe(409);
      const removed = await remove(user, packageId);
      expect(removed.status).toBe(200);
      await h.deliver();
      expect((await state(user)).addons).toEqual([]);
      const rows = await h.t.db.select().from(subscriptionAddons).where(eq(subscriptionAddons.teamId, user.teamId));
      expect(rows.map((r) => r.status)).toEqual(['removed']);
      expect((await remove(user, packageId)).status).toBe(404);
    },
  );

  it('a GBP team pays the GBP prices: plan 800 GBP, storage add-on 200 GBP', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly', { currency: 'gbp' });
    expect((await add(user, 'addon_storage')).status).toBe(201);
    await h.deliver();
    const purchases = await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, user.teamId));
    expect(purchases.map((p) => [p.packageId, p.amount, p.currency]).sort()).toEqual([
      ['addon_storage', 200, 'gbp'],
      ['professional_monthly', 800, 'gbp'],
    ]);
  });

  it('needs a paid plan (409) and an owner or admin (403)', async () => {
    const user = await createUserWithToken(h.t.db);
    const res = await add(user, 'addon_storage');
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('no_paid_plan');
    const member = await createUserWithToken(h.t.db, { joinTeam: { teamId: user.teamId, role: 'member' } });
    expect((await add(member, 'addon_storage')).status).toBe(403);
    expect((await add(user, 'credits_50')).status).toBe(404);
  });
});

describe('plan changes', () => {
  it('switches monthly to annual and Professional to Business with proration, then cancels and resumes', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    let res = await change(user, { action: 'change_plan', package_id: 'professional_annual' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ package_id: 'professional_annual', status: 'active' });
    await h.deliver({ order: 'reverse', duplicate: true });
    res = await change(user, { action: 'change_plan', package_id: 'business_annual' });
    expect(await res.json()).toMatchObject({ package_id: 'business_annual' });
    await h.deliver();
    const charges = (await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, user.teamId))).map(
      (p) => [p.packageId, p.amount],
    );
    // Stripe's arithmetic right after buying: monthly → annual resets the anchor and bills
    // 10000 less the unused 1000; Professional → Business annual prorates 18000 less 10000.
    expect(charges.sort()).toEqual([
      ['business_annual', 8000],
      ['professional_annual', 9000],
      ['professional_monthly', 1000],
    ]);
    expect(
      ((await (await entitlements(apiRequest('/x', { token: user.token }))).json()) as { features: { sso: boolean } })
        .features.sso,
    ).toBe(true);

    expect(await (await change(user, { action: 'cancel' })).json()).toMatchObject({ cancel_at_period_end: true });
    expect(await (await change(user, { action: 'resume' })).json()).toMatchObject({ cancel_at_period_end: false });
    expect((await change(user, { action: 'change_plan', package_id: 'business_annual' })).status).toBe(409);
    expect((await change(user, { action: 'change_plan', package_id: 'starter' })).status).toBe(409);
    expect((await change(user, { action: 'downgrade' })).status).toBe(400);
  });

  it('opens a billing portal session only for a team with a billing account and a safe return URL', async () => {
    const user = await createUserWithToken(h.t.db);
    const call = (returnUrl: string) =>
      portal(apiRequest('/api/packages/billing-portal', { token: user.token, body: { return_url: returnUrl } }));
    expect((await call(`${TEST_APP_URL}/account/billing`)).status).toBe(409);
    await h.buy(user, 'credits_50');
    const ok = await call(`${TEST_APP_URL}/account/billing`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { url: string }).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect((await call('https://evil.example/')).status).toBe(400);
  });
});
