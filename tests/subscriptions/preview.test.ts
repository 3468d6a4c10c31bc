import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userPurchases } from '@/db/schema';
import { POST as addAddon } from '@/app/api/packages/user/addons/route';
import { POST as changeSubscription } from '@/app/api/packages/user/subscription/route';
import { POST as preview } from '@/app/api/packages/user/subscription/preview/route';
import { apiRequest, createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

type Preview = {
  action: string;
  currency: string;
  total: number;
  amount_due: number;
  effective_at: string;
  lines: { description: string; amount: number; proration: boolean }[];
};
const previewOf = async (u: TestUser, body: unknown) => {
  const res = await preview(apiRequest('/api/packages/user/subscription/preview', { token: u.token, body }));
  return { status: res.status, body: (await res.json()) as Preview & { error?: { code: string } } };
};
const DAY = 86_400;

describe('POST /api/packages/user/subscription/preview', () => {
  it('previews an upgrade half-way through the month as the charge the change then makes, and changes nothing', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    await h.emulator('clock/advance', { seconds: 15 * DAY });
    const { status, body } = await previewOf(user, { action: 'change_plan', package_id: 'business_monthly' });
    expect(status).toBe(200);
    expect(body.currency).toBe('usd');
    // Unused Professional time credited, remaining Business time charged: roughly half of $8 more.
    expect(body.lines.map((l) => l.proration)).toEqual([true, true]);
    expect(body.lines[0]!.amount).toBeLessThan(0);
    expect(body.lines[1]!.amount).toBeGreaterThan(0);
    expect(body.amount_due).toBe(body.lines[0]!.amount + body.lines[1]!.amount);
    expect(body.amount_due).toBeGreaterThan(250);
    expect(body.amount_due).toBeLessThan(550);
    // Previewing bought nothing.
    await h.deliver();
    const before = await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, user.teamId));
    expect(before).toHaveLength(1);

    const changed = await changeSubscription(
      apiRequest('/api/packages/user/subscription', {
        token: user.token,
        body: { action: 'change_plan', package_id: 'business_monthly' },
      }),
    );
    expect(changed.status).toBe(200);
    await h.deliver();
    const [charge] = await h.t.db
      .select()
      .from(userPurchases)
      .where(and(eq(userPurchases.teamId, user.teamId), eq(userPurchases.packageId, 'business_monthly')));
    // Seconds pass between preview and change: at most a cent of proration apart.
    expect(Math.abs(charge!.amount - body.amount_due)).toBeLessThanOrEqual(1);
  });

  it('previews an add-on as its prorated charge and its removal as a credit', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly', { currency: 'gbp' });
    await h.emulator('clock/advance', { seconds: 10 * DAY });
    const adding = await previewOf(user, { action: 'add_addon', package_id: 'addon_storage' });
    expect(adding.status).toBe(200);
    expect(adding.body.currency).toBe('gbp');
    expect(adding.body.amount_due).toBeGreaterThan(0);
    expect(adding.body.amount_due).toBeLessThan(200);
    expect(
      (
        await addAddon(
          apiRequest('/api/packages/user/addons', { token: user.token, body: { package_id: 'addon_storage' } }),
        )
      ).status,
    ).toBe(201);
    await h.deliver();
    const removing = await previewOf(user, { action: 'remove_addon', package_id: 'addon_storage' });
    expect(removing.status).toBe(200);
    expect(removing.body.total).toBeLessThan(0);
    expect(removing.body.amount_due).toBe(0);
  });

  it('refuses without a paid plan, for the current plan, and for an add-on the team does not have', async () => {
    const user = await createUserWithToken(h.t.db);
    expect((await previewOf(user, { action: 'change_plan', package_id: 'business_monthly' })).body.error?.code).toBe(
      'no_paid_plan',
    );
    await h.buy(user, 'professional_monthly');
    const same = await previewOf(user, { action: 'change_plan', package_id: 'professional_monthly' });
    expect([same.status, same.body.error?.code]).toEqual([409, 'same_plan']);
    const missing = await previewOf(user, { action: 'remove_addon', package_id: 'addon_storage' });
    expect([missing.status, missing.body.error?.code]).toEqual([404, 'addon_not_found']);
    const wrongType = await previewOf(user, { action: 'change_plan', package_id: 'credits_50' });
    expect(wrongType.status).toBe(404);
    expect((await previewOf(user, { action: 'refund_everything' })).status).toBe(400);
  });
});

describe('previews during a trial', () => {
  it('show nothing due for a plan change or an add-on, as the change then charges nothing (no prorations in a trial)', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_annual', { trialDays: 14, card: '4000000000000077' });
    await h.emulator('clock/advance', { seconds: 3 * DAY });
    const plan = await previewOf(user, { action: 'change_plan', package_id: 'business_annual' });
    expect([plan.status, plan.body.amount_due, plan.body.lines]).toEqual([200, 0, []]);
    const addon = await previewOf(user, { action: 'add_addon', package_id: 'addon_storage' });
    expect([addon.status, addon.body.amount_due]).toEqual([200, 0]);
    const changed = await changeSubscription(
      apiRequest('/api/packages/user/subscription', {
        token: user.token,
        body: { action: 'change_plan', package_id: 'business_annual' },
      }),
    );
    expect(changed.status).toBe(200);
    await h.deliver();
    const paid = await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, user.teamId));
    expect(paid.filter((p) => p.amount > 0)).toHaveLength(0);
  });
});

describe('a declined card on a plan change', () => {
  it('answers 402 card_declined with the decline and leaves the plan as it was', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly', { trialDays: 3, card: '4000000000000341' });
    const sub = await h.t.db.query.subscriptions.findFirst({
      where: (s, { eq: eq_ }) => eq_(s.teamId, user.teamId),
    });
    await h.emulator(`subscriptions/${sub!.stripeSubscriptionId}/end_trial`);
    await h.deliver();
    const res = await changeSubscription(
      apiRequest('/api/packages/user/subscription', {
        token: user.token,
        body: { action: 'change_plan', package_id: 'business_monthly' },
      }),
    );
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect([res.status, body.error.code]).toEqual([402, 'card_declined']);
    expect(body.error.message).toMatch(/declined/i);
    const live = await h.app.stripe.subscriptions.retrieve(sub!.stripeSubscriptionId);
    expect(live.items.data[0]!.price.lookup_key).toBe('professional_monthly');
  });
});
