import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionAddons, subscriptions, userPurchases } from '@/db/schema';
import { POST as addAddon } from '@/app/api/packages/user/addons/route';
import { POST as changeSubscription } from '@/app/api/packages/user/subscription/route';
import { POST as preview } from '@/app/api/packages/user/subscription/preview/route';
import { apiRequest, createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

/** previewChange field by field, and the refusals with their messages. */
let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

type Preview = {
  action: string;
  package_id: string;
  currency: string;
  total: number;
  amount_due: number;
  effective_at: string;
  lines: { description: string; amount: number; proration: boolean }[];
  error?: { code: string; message: string };
};
const previewOf = async (u: TestUser, body: unknown) => {
  const res = await preview(apiRequest('/api/packages/user/subscription/preview', { token: u.token, body }));
  return { status: res.status, body: (await res.json()) as Preview };
};
const add = (u: TestUser, packageId: string) =>
  addAddon(apiRequest('/api/packages/user/addons', { token: u.token, body: { package_id: packageId } }));
const DAY = 86_400;

describe('previewChange', () => {
  it('monthly to annual: the unused month credited as a proration, the year billed in full, as the change then charges', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    await h.emulator('clock/advance', { seconds: 10 * DAY });
    const { status, body } = await previewOf(user, { action: 'change_plan', package_id: 'professional_annual' });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      action: 'change_plan',
      package_id: 'professional_annual',
      currency: 'usd',
      effective_at: h.app.clock.now().toISOString(),
    });
    expect(body.lines.map((l) => [l.amount < 0, l.proration])).toEqual([
      [true, true],
      [false, false],
    ]);
    for (const l of body.lines) expect(l.description).toMatch(/\S/);
    expect(body.total).toBe(body.lines[0]!.amount + body.lines[1]!.amount);
    expect(body.amount_due).toBe(body.total);
    const changed = await changeSubscription(
      apiRequest('/api/packages/user/subscription', {
        token: user.token,
        body: { action: 'change_plan', package_id: 'professional_annual' },
      }),
    );
    expect(changed.status).toBe(200);
    await h.deliver();
    const annual = (await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, user.teamId))).find(
      (p) => p.packageId === 'professional_annual',
    )!;
    expect(Math.abs(annual.amount - body.amount_due)).toBeLessThanOrEqual(1);
  });

  it('a plan change with an add-on on the subscription changes the plan item, not the add-on', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    expect((await add(user, 'addon_storage')).status).toBe(201);
    await h.deliver();
    const withAddon = await previewOf(user, { action: 'change_plan', package_id: 'business_monthly' });
    expect(withAddon.status).toBe(200);
    // Professional's unused time credited, Business's charged; the storage add-on untouched.
    expect(withAddon.body.lines.map((l) => [l.amount < 0, l.proration])).toEqual([
      [true, true],
      [false, true],
    ]);
    expect(withAddon.body.amount_due).toBeGreaterThan(0);
    // The credit is Professional's unused month (1000), not the storage add-on's (300).
    expect(withAddon.body.lines[0]!.amount).toBeLessThan(-500);
    const addingAgain = await previewOf(user, { action: 'add_addon', package_id: 'addon_integrations' });
    expect(addingAgain.body.lines).toHaveLength(1);
    expect(addingAgain.body.lines[0]).toMatchObject({ proration: true });
    expect(addingAgain.body.amount_due).toBe(addingAgain.body.lines[0]!.amount);
  });

  it('removing an add-on previews a credit: a negative total, nothing due', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    expect((await add(user, 'addon_integrations')).status).toBe(201);
    await h.deliver();
    await h.emulator('clock/advance', { seconds: 5 * DAY });
    const { status, body } = await previewOf(user, { action: 'remove_addon', package_id: 'addon_integrations' });
    expect(status).toBe(200);
    expect(body.lines.map((l) => [l.amount < 0, l.proration])).toEqual([[true, true]]);
    expect(body.total).toBe(body.lines[0]!.amount);
    expect(body.amount_due).toBe(0);
    expect(body.package_id).toBe('addon_integrations');
  });

  it('refusals carry their messages; an add-on still being added cannot be previewed as removed', async () => {
    const user = await createUserWithToken(h.t.db);
    const none = await previewOf(user, { action: 'add_addon', package_id: 'addon_storage' });
    expect([none.status, none.body.error]).toEqual([
      409,
      expect.objectContaining({
        code: 'no_paid_plan',
        message: 'This needs a paid plan: buy Professional or Business first',
      }),
    ]);
    await h.buy(user, 'business_monthly');
    const same = await previewOf(user, { action: 'change_plan', package_id: 'business_monthly' });
    expect(same.body.error).toMatchObject({ code: 'same_plan', message: 'Your team is already on this plan' });
    const planAsAddon = await previewOf(user, { action: 'add_addon', package_id: 'professional_monthly' });
    expect([planAsAddon.status, planAsAddon.body.error?.code]).toEqual([404, 'package_not_found']);
    const addonAsPlan = await previewOf(user, { action: 'change_plan', package_id: 'addon_storage' });
    expect([addonAsPlan.status, addonAsPlan.body.error?.code]).toEqual([404, 'package_not_found']);
    const starter = await previewOf(user, { action: 'change_plan', package_id: 'starter' });
    expect([starter.status, starter.body.error?.code]).toEqual([404, 'package_not_found']);

    const m = await mirror(user);
    await h.t.db
      .insert(subscriptionAddons)
      .values({ teamId: user.teamId, subscriptionId: m.id, packageId: 'addon_storage', status: 'pending' });
    const pending = await previewOf(user, { action: 'remove_addon', package_id: 'addon_storage' });
    expect([pending.status, pending.body.error]).toEqual([
      404,
      expect.objectContaining({
        code: 'addon_not_found',
        message: "Your team does not have the add-on 'addon_storage'",
      }),
    ]);
  });
});

async function mirror(user: TestUser) {
  return (await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId)))[0]!;
}
