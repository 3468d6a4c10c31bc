import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stripeProducts, subscriptionAddons, subscriptions } from '@/db/schema';
import { POST as addAddon } from '@/app/api/packages/user/addons/route';
import { DELETE as removeAddon } from '@/app/api/packages/user/addons/[package_id]/route';
import { POST as changeSubscription } from '@/app/api/packages/user/subscription/route';
import { POST as portal } from '@/app/api/packages/billing-portal/route';
import { findPackage } from '@/lib/catalog/packages';
import { invalidateCatalogCache } from '@/lib/catalog/queries';
import { apiRequest, createUserWithToken, routeParams, TEST_APP_URL, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

/** lib/subscriptions/manage through its routes: the answers, what reaches Stripe, and what is left alone. */
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
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
const mirrorOf = async (teamId: string) =>
  (await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, teamId)))[0]!;
const addonsOf = (teamId: string) =>
  h.t.db.select().from(subscriptionAddons).where(eq(subscriptionAddons.teamId, teamId));
const priceId = async (packageId: string) =>
  (await h.t.db.select().from(stripeProducts).where(eq(stripeProducts.id, packageId)))[0]!.stripePriceId!;

async function payingTeam(plan = 'professional_monthly'): Promise<TestUser> {
  const user = await createUserWithToken(h.t.db);
  await h.buy(user, plan);
  return user;
}

describe('addAddon', () => {
  it('answers the add-on active at once and adds one unit at Stripe, labelled with the team and the add-on', async () => {
    const user = await payingTeam();
    const res = await add(user, 'addon_storage');
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ package_id: 'addon_storage', status: 'active' });
    const [row] = await addonsOf(user.teamId);
    const sub = await h.app.stripe.subscriptions.retrieve((await mirrorOf(user.teamId)).stripeSubscriptionId);
    const item = sub.items.data.find((i) => i.id === row!.stripeSubscriptionItemId)!;
    expect(item.price.id).toBe(await priceId('addon_storage'));
    expect(item.quantity).toBe(1);
    expect(item.metadata).toEqual({ team_id: user.teamId, package_id: 'addon_storage' });
    expect(sub.items.data).toHaveLength(2);
  });

  it('refuses a package that is not an add-on, and one the team already requested, saying which', async () => {
    const user = await payingTeam();
    const plan = await add(user, 'business_monthly');
    expect([plan.status, (await errorOf(plan)).code]).toEqual([404, 'package_not_found']);
    const unknown = await add(user, 'addon_nonexistent');
    expect(unknown.status).toBe(404);
    // A request in flight (its row written, Stripe not answered yet) counts as having it.
    const mirror = await mirrorOf(user.teamId);
    await h.t.db
      .insert(subscriptionAddons)
      .values({ teamId: user.teamId, subscriptionId: mirror.id, packageId: 'addon_storage', status: 'pending' });
    const again = await add(user, 'addon_storage');
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toMatchObject({
      code: 'addon_active',
      message: `Your team already has ${findPackage('addon_storage')!.name}`,
    });
    const sub = await h.app.stripe.subscriptions.retrieve(mirror.stripeSubscriptionId);
    expect(sub.items.data).toHaveLength(1);
  });

  it('without a paid plan: 409 no_paid_plan with its message, nothing written', async () => {
    const user = await createUserWithToken(h.t.db);
    const res = await add(user, 'addon_storage');
    expect(await errorOf(res)).toEqual(
      expect.objectContaining({
        code: 'no_paid_plan',
        message: 'This needs a paid plan: buy Professional or Business first',
      }),
    );
    expect(await addonsOf(user.teamId)).toEqual([]);
  });
});

describe('a catalog not synced with Stripe yet', () => {
  it('an add-on or a plan without a Stripe price is not sold: 404, nothing sent to Stripe', async () => {
    const user = await payingTeam();
    const [before] = await h.t.db.select().from(stripeProducts).where(eq(stripeProducts.id, 'addon_integrations'));
    const [plan] = await h.t.db.select().from(stripeProducts).where(eq(stripeProducts.id, 'business_annual'));
    await h.t.db
      .update(stripeProducts)
      .set({ stripePriceId: null, updatedAt: new Date() })
      .where(eq(stripeProducts.id, 'addon_integrations'));
    await h.t.db
      .update(stripeProducts)
      .set({ stripePriceId: null, updatedAt: new Date() })
      .where(eq(stripeProducts.id, 'business_annual'));
    invalidateCatalogCache();
    try {
      const addon = await add(user, 'addon_integrations');
      expect([addon.status, (await errorOf(addon)).code]).toEqual([404, 'package_not_found']);
      expect(await addonsOf(user.teamId)).toEqual([]);
      const changed = await change(user, { action: 'change_plan', package_id: 'business_annual' });
      expect([changed.status, (await errorOf(changed)).code]).toEqual([404, 'package_not_found']);
      const sub = await h.app.stripe.subscriptions.retrieve((await mirrorOf(user.teamId)).stripeSubscriptionId);
      expect(sub.items.data.map((i) => i.price.id)).toEqual([await priceId('professional_monthly')]);
    } finally {
      await h.t.db
        .update(stripeProducts)
        .set({ stripePriceId: before!.stripePriceId, updatedAt: new Date() })
        .where(eq(stripeProducts.id, 'addon_integrations'));
      await h.t.db
        .update(stripeProducts)
        .set({ stripePriceId: plan!.stripePriceId, updatedAt: new Date() })
        .where(eq(stripeProducts.id, 'business_annual'));
      invalidateCatalogCache();
    }
  });
});

describe('removeAddon', () => {
  it('an add-on still being added is not removable: 404 naming it, and the request stays', async () => {
    const user = await payingTeam();
    const mirror = await mirrorOf(user.teamId);
    await h.t.db
      .insert(subscriptionAddons)
      .values({ teamId: user.teamId, subscriptionId: mirror.id, packageId: 'addon_storage', status: 'pending' });
    const res = await remove(user, 'addon_storage');
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toMatchObject({
      code: 'addon_not_found',
      message: "Your team does not have the add-on 'addon_storage'",
    });
    expect((await addonsOf(user.teamId)).map((r) => r.status)).toEqual(['pending']);
  });

  it('removes only the add-on asked for, leaving the unused time as a credit for the next invoice', async () => {
    const user = await payingTeam();
    expect((await add(user, 'addon_storage')).status).toBe(201);
    expect((await add(user, 'addon_integrations')).status).toBe(201);
    await h.deliver();
    const res = await remove(user, 'addon_storage');
    expect(await res.json()).toEqual({ package_id: 'addon_storage', status: 'removed' });
    const rows = Object.fromEntries((await addonsOf(user.teamId)).map((r) => [r.packageId, r.status]));
    expect(rows).toEqual({ addon_storage: 'removed', addon_integrations: 'active' });
    const sub = await h.app.stripe.subscriptions.retrieve((await mirrorOf(user.teamId)).stripeSubscriptionId);
    expect(sub.items.data.map((i) => i.price.id).sort()).toEqual(
      [await priceId('professional_monthly'), await priceId('addon_integrations')].sort(),
    );
    const customer = typeof sub.customer === 'string' ? sub.customer : sub.customer.id;
    const next = await h.app.stripe.invoices.createPreview({ customer, subscription: sub.id });
    expect(next.lines.data.filter((l) => l.amount < 0)).toHaveLength(1);
  });

  it('an add-on Stripe no longer has is removed here and the fact logged', async () => {
    const user = await payingTeam();
    expect((await add(user, 'addon_storage')).status).toBe(201);
    const [addon] = await addonsOf(user.teamId);
    await h.app.stripe.subscriptionItems.del(addon!.stripeSubscriptionItemId!);
    const info = vi.spyOn(h.app.logger, 'info');
    try {
      expect((await remove(user, 'addon_storage')).status).toBe(200);
      expect(info).toHaveBeenCalledWith(
        { teamId: user.teamId, packageId: 'addon_storage' },
        'Add-on was already removed in Stripe',
      );
    } finally {
      info.mockRestore();
    }
    expect((await addonsOf(user.teamId)).map((r) => r.status)).toEqual(['removed']);
  });

  it("any other refusal of Stripe's is the answer, and the add-on is not marked removed", async () => {
    const user = await payingTeam();
    expect((await add(user, 'addon_storage')).status).toBe(201);
    // Cancelled at Stripe, its webhook not yet here: Stripe refuses to change the subscription.
    await h.app.stripe.subscriptions.cancel((await mirrorOf(user.teamId)).stripeSubscriptionId);
    const info = vi.spyOn(h.app.logger, 'info');
    try {
      const res = await remove(user, 'addon_storage');
      expect(res.status).toBe(409);
      expect((await errorOf(res)).code).toBe('stripe_refused');
      expect(info).not.toHaveBeenCalledWith(expect.anything(), 'Add-on was already removed in Stripe');
    } finally {
      info.mockRestore();
    }
    expect((await addonsOf(user.teamId)).map((r) => r.status)).toEqual(['active']);
    expect((await mirrorOf(user.teamId)).status).toBe('active');
  });
});

describe('changeSubscription', () => {
  it('changes the plan item only: add-ons stay, a pending cancellation is withdrawn', async () => {
    const user = await payingTeam();
    expect((await add(user, 'addon_storage')).status).toBe(201);
    await h.deliver();
    expect(await (await change(user, { action: 'cancel' })).json()).toMatchObject({ cancel_at_period_end: true });
    const res = await change(user, { action: 'change_plan', package_id: 'business_monthly' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      package_id: 'business_monthly',
      status: 'active',
      cancel_at_period_end: false,
      addons: ['addon_storage'],
    });
    const sub = await h.app.stripe.subscriptions.retrieve((await mirrorOf(user.teamId)).stripeSubscriptionId);
    expect(sub.cancel_at_period_end).toBe(false);
    expect(sub.items.data.map((i) => i.price.id).sort()).toEqual(
      [await priceId('business_monthly'), await priceId('addon_storage')].sort(),
    );
  });

  it('cancel and resume set and clear the cancellation at period end, at Stripe and in the answer', async () => {
    const user = await payingTeam();
    const subId = (await mirrorOf(user.teamId)).stripeSubscriptionId;
    const cancelled = await change(user, { action: 'cancel' });
    expect(await cancelled.json()).toMatchObject({ package_id: 'professional_monthly', cancel_at_period_end: true });
    expect((await h.app.stripe.subscriptions.retrieve(subId)).cancel_at_period_end).toBe(true);
    expect((await mirrorOf(user.teamId)).cancelAtPeriodEnd).toBe(true);
    const resumed = await change(user, { action: 'resume' });
    expect(await resumed.json()).toMatchObject({ package_id: 'professional_monthly', cancel_at_period_end: false });
    expect((await h.app.stripe.subscriptions.retrieve(subId)).cancel_at_period_end).toBe(false);
    expect((await mirrorOf(user.teamId)).cancelAtPeriodEnd).toBe(false);
  });

  it('refusals name their cause: Starter, the same plan, an add-on as a plan, no paid plan', async () => {
    const user = await payingTeam();
    const starter = await change(user, { action: 'change_plan', package_id: 'starter' });
    expect(await errorOf(starter)).toMatchObject({
      code: 'use_cancel',
      message: 'To go back to Starter, cancel your plan at the end of its period',
    });
    const same = await change(user, { action: 'change_plan', package_id: 'professional_monthly' });
    expect(await errorOf(same)).toMatchObject({
      code: 'same_plan',
      message: `Your team is already on ${findPackage('professional_monthly')!.name}`,
    });
    const addon = await change(user, { action: 'change_plan', package_id: 'addon_storage' });
    expect([addon.status, (await errorOf(addon)).code]).toEqual([404, 'package_not_found']);
    const nobody = await createUserWithToken(h.t.db);
    const none = await change(nobody, { action: 'cancel' });
    expect([none.status, (await errorOf(none)).code]).toEqual([409, 'no_paid_plan']);
    expect((await mirrorOf(user.teamId)).packageId).toBe('professional_monthly');
  });
});

describe('createPortalSession', () => {
  it('without a billing account: 409 no_customer with its message', async () => {
    const user = await createUserWithToken(h.t.db);
    const res = await portal(
      apiRequest('/api/packages/billing-portal', {
        token: user.token,
        body: { return_url: `${TEST_APP_URL}/account/billing` },
      }),
    );
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({
      code: 'no_customer',
      message: 'Your team has no billing account yet: buy a plan or a pack first',
    });
  });
});
