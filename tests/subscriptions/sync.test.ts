import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeProducts, subscriptionAddons, subscriptions, teams } from '@/db/schema';
import { syncSubscription, teamForStripe } from '@/lib/subscriptions/sync';
import { createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

/**
 * syncSubscription and teamForStripe called directly with snapshots of real (local Stripe)
 * subscriptions, changed field by field: what the mirror writes for each field, and what it refuses.
 */
let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const T0 = Date.parse('2031-03-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

const sync = (sub: Stripe.Subscription, now: Date) => h.t.db.transaction((tx) => syncSubscription(tx, sub, now));
const mirrorOf = async (stripeSubscriptionId: string) =>
  (await h.t.db.select().from(subscriptions).where(eq(subscriptions.stripeSubscriptionId, stripeSubscriptionId)))[0];
const teamRow = async (teamId: string) => (await h.t.db.select().from(teams).where(eq(teams.id, teamId)))[0]!;
const addonsOf = async (teamId: string) =>
  h.t.db.select().from(subscriptionAddons).where(eq(subscriptionAddons.teamId, teamId));

async function priceOf(packageId: string): Promise<Stripe.Price> {
  const [row] = await h.t.db.select().from(stripeProducts).where(eq(stripeProducts.id, packageId));
  return h.app.stripe.prices.retrieve(row!.stripePriceId!);
}

/** A team with a paid Professional monthly plan, and its subscription as Stripe has it. */
async function payingTeam(): Promise<{ user: TestUser; sub: Stripe.Subscription }> {
  const user = await createUserWithToken(h.t.db);
  await h.buy(user, 'professional_monthly');
  const [row] = await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
  return { user, sub: await h.app.stripe.subscriptions.retrieve(row!.stripeSubscriptionId) };
}

let fakeCounter = 0;
/** A snapshot of a subscription Stripe never had, for a team without a mirror yet (nothing here asks Stripe). */
function fakeSubscription(
  template: Stripe.Subscription,
  teamId: string,
  changes: Partial<Stripe.Subscription> = {},
): Stripe.Subscription {
  const id = `sub_fake_${Date.now()}_${++fakeCounter}`;
  return {
    ...template,
    id,
    customer: `cus_fake_${fakeCounter}`,
    metadata: { team_id: teamId },
    items: {
      ...template.items,
      data: template.items.data.map((i) => ({ ...i, id: `si_fake_${fakeCounter}_${i.id}` })),
    },
    ...changes,
  };
}

const addonItem = (template: Stripe.SubscriptionItem, id: string, price: Stripe.Price, quantity?: number) =>
  ({ ...template, id, price, quantity }) as Stripe.SubscriptionItem;
const withItems = (sub: Stripe.Subscription, data: Stripe.SubscriptionItem[]): Stripe.Subscription => ({
  ...sub,
  items: { ...sub.items, data },
});

describe('teamForStripe', () => {
  it('finds the team by our metadata first, then by the customer, else nothing', async () => {
    const a = await payingTeam();
    const b = await payingTeam();
    const customerB = (await teamRow(b.user.teamId)).stripeCustomerId!;
    const find = (metadata: Stripe.Metadata | null | undefined, customer: string | { id: string } | null) =>
      h.t.db.transaction((tx) => teamForStripe(tx, metadata, customer));
    // Metadata wins over the customer.
    expect(await find({ team_id: a.user.teamId }, customerB)).toBe(a.user.teamId);
    // A team id that names no team falls back to the customer (a string or an expanded object).
    const noTeam = '00000000-0000-4000-8000-000000000000';
    expect(await find({ team_id: noTeam }, customerB)).toBe(b.user.teamId);
    expect(await find({ team_id: noTeam }, { id: customerB })).toBe(b.user.teamId);
    expect(await find({}, customerB)).toBe(b.user.teamId);
    expect(await find(null, customerB)).toBe(b.user.teamId);
    expect(await find(undefined, customerB)).toBe(b.user.teamId);
    // Neither known.
    expect(await find({ team_id: noTeam }, null)).toBeNull();
    expect(await find({ team_id: noTeam }, 'cus_nobody')).toBeNull();
    expect(await find(undefined, null)).toBeNull();
    // A team id that is not even a uuid (typed by hand in the dashboard) falls back too.
    expect(await find({ team_id: 'team-from-the-dashboard' }, customerB)).toBe(b.user.teamId);
    // Metadata alone is enough.
    expect(await find({ team_id: b.user.teamId }, null)).toBe(b.user.teamId);
  });
});

describe('syncSubscription', () => {
  it('writes every field of the subscription and its plan item, and returns the team and mirror ids', async () => {
    const { user, sub } = await payingTeam();
    const item = sub.items.data[0]!;
    const changed: Stripe.Subscription = {
      ...sub,
      cancel_at_period_end: true,
      canceled_at: unix(at(1)),
      ended_at: null,
      trial_start: unix(at(-60)),
      trial_end: unix(at(-30)),
      metadata: { ...sub.metadata, note: 'synced' },
      items: {
        ...sub.items,
        data: [{ ...item, current_period_start: unix(at(-5)), current_period_end: unix(at(500)) }],
      },
    };
    const result = await sync(changed, at(2));
    const row = (await mirrorOf(sub.id))!;
    expect(result).toEqual({ teamId: user.teamId, subscriptionId: row.id });
    expect(row).toMatchObject({
      teamId: user.teamId,
      stripeCustomerId: (await teamRow(user.teamId)).stripeCustomerId,
      packageId: 'professional_monthly',
      stripePriceId: item.price.id,
      status: 'active',
      currency: 'usd',
      currentPeriodStart: at(-5),
      currentPeriodEnd: at(500),
      cancelAtPeriodEnd: true,
      canceledAt: at(1),
      endedAt: null,
      trialStart: at(-60),
      trialEnd: at(-30),
      pastDueSince: null,
      metadata: { ...sub.metadata, note: 'synced' },
      updatedAt: at(2),
    });
    // Ended, and no longer cancelling: both written back.
    await sync({ ...changed, cancel_at_period_end: false, ended_at: unix(at(3)) }, at(4));
    expect(await mirrorOf(sub.id)).toMatchObject({ cancelAtPeriodEnd: false, endedAt: at(3), updatedAt: at(4) });
    // A subscription without metadata keeps an empty object.
    await sync({ ...changed, metadata: null as unknown as Stripe.Metadata }, at(5));
    expect((await mirrorOf(sub.id))!.metadata).toEqual({});
  });

  it('a trial marks the team as having used its trial, once; no trial leaves it unmarked', async () => {
    const { user, sub } = await payingTeam();
    await sync(sub, at(1));
    expect((await teamRow(user.teamId)).trialUsedAt).toBeNull();
    await sync({ ...sub, trial_end: unix(at(100)) }, at(2));
    expect((await teamRow(user.teamId)).trialUsedAt).toEqual(at(2));
    await sync({ ...sub, trial_end: unix(at(100)) }, at(3));
    expect((await teamRow(user.teamId)).trialUsedAt).toEqual(at(2));
  });

  it('past due: remembered from the first time it is seen, cleared once paid', async () => {
    const { sub } = await payingTeam();
    await sync({ ...sub, status: 'past_due' }, at(10));
    expect((await mirrorOf(sub.id))!.pastDueSince).toEqual(at(10));
    await sync({ ...sub, status: 'past_due' }, at(20));
    expect(await mirrorOf(sub.id)).toMatchObject({ status: 'past_due', pastDueSince: at(10), updatedAt: at(20) });
    await sync(sub, at(30));
    expect(await mirrorOf(sub.id)).toMatchObject({ status: 'active', pastDueSince: null });
  });

  it('a subscription first seen past due is mirrored past due since then', async () => {
    const { sub: template } = await payingTeam();
    const fresh = await createUserWithToken(h.t.db);
    const fake = fakeSubscription(template, fresh.teamId, { status: 'past_due' });
    await sync(fake, at(7));
    expect(await mirrorOf(fake.id)).toMatchObject({ teamId: fresh.teamId, status: 'past_due', pastDueSince: at(7) });
  });

  it("the first live subscription anchors the team's allowance windows at its start, once", async () => {
    const { sub: template } = await payingTeam();
    const fresh = await createUserWithToken(h.t.db);
    const notLive = fakeSubscription(template, fresh.teamId, { status: 'incomplete', start_date: unix(at(-100)) });
    await sync(notLive, at(1));
    const before = await teamRow(fresh.teamId);
    expect(before.allowanceAnchor).toBeNull();
    // An incomplete subscription fixes no billing currency either.
    expect(before.billingCurrency).toBeNull();

    const live = fakeSubscription(template, fresh.teamId, { status: 'trialing', start_date: unix(at(-50)) });
    await sync(live, at(2));
    expect((await teamRow(fresh.teamId)).allowanceAnchor).toEqual(at(-50));
    await sync({ ...live, start_date: unix(at(-10)) }, at(3));
    expect((await teamRow(fresh.teamId)).allowanceAnchor).toEqual(at(-50));
  });

  it('fixes the billing currency at the first subscription that is not incomplete, and never changes it', async () => {
    const { sub: template } = await payingTeam();
    const fresh = await createUserWithToken(h.t.db);
    await sync(fakeSubscription(template, fresh.teamId, { status: 'incomplete_expired', currency: 'eur' }), at(1));
    expect((await teamRow(fresh.teamId)).billingCurrency).toBeNull();
    await sync(fakeSubscription(template, fresh.teamId, { status: 'canceled', currency: 'gbp' }), at(2));
    expect((await teamRow(fresh.teamId)).billingCurrency).toBe('gbp');
    await sync(fakeSubscription(template, fresh.teamId, { status: 'active', currency: 'usd' }), at(3));
    expect((await teamRow(fresh.teamId)).billingCurrency).toBe('gbp');
  });

  it('mirrors nothing for a subscription of no known team, or without a plan item', async () => {
    const { sub: template } = await payingTeam();
    const stranger = fakeSubscription(template, '00000000-0000-4000-8000-000000000001');
    expect(await sync(stranger, at(1))).toBeNull();
    expect(await mirrorOf(stranger.id)).toBeUndefined();

    const fresh = await createUserWithToken(h.t.db);
    const storage = await priceOf('addon_storage');
    const onlyAddon = fakeSubscription(template, fresh.teamId);
    const noPlan = withItems(onlyAddon, [addonItem(onlyAddon.items.data[0]!, `si_only_addon_${fakeCounter}`, storage)]);
    expect(await sync(noPlan, at(2))).toBeNull();
    expect(await mirrorOf(noPlan.id)).toBeUndefined();
    expect(await addonsOf(fresh.teamId)).toEqual([]);
    const team = await teamRow(fresh.teamId);
    expect([team.allowanceAnchor, team.billingCurrency]).toEqual([null, null]);
  });

  it('an item whose price sells no package is ignored', async () => {
    const { sub: template } = await payingTeam();
    const fresh = await createUserWithToken(h.t.db);
    const fake = fakeSubscription(template, fresh.teamId);
    const plan = fake.items.data[0]!;
    const foreign = {
      ...plan,
      id: `${plan.id}_foreign`,
      price: { ...plan.price, id: 'price_sold_elsewhere', lookup_key: null, metadata: {} },
    };
    await sync(withItems(fake, [foreign, plan]), at(1));
    expect(await mirrorOf(fake.id)).toMatchObject({ packageId: 'professional_monthly', stripePriceId: plan.price.id });
    expect(await addonsOf(fresh.teamId)).toEqual([]);
  });

  it('the first plan item is the plan; a second plan item is ignored', async () => {
    const { sub: template } = await payingTeam();
    const fresh = await createUserWithToken(h.t.db);
    const fake = fakeSubscription(template, fresh.teamId);
    const business = await priceOf('business_monthly');
    const first = fake.items.data[0]!;
    const two = withItems(fake, [
      first,
      { ...first, id: `${first.id}_b`, price: business, current_period_end: first.current_period_end + 99 },
    ]);
    await sync(two, at(1));
    expect(await mirrorOf(two.id)).toMatchObject({
      packageId: 'professional_monthly',
      stripePriceId: first.price.id,
      currentPeriodEnd: new Date(first.current_period_end * 1000),
    });
    expect(await addonsOf(fresh.teamId)).toEqual([]);
  });
});

describe('add-ons in the mirror', () => {
  it('adds add-on items with their quantity, keeps their first activation, follows quantity changes, removes gone items', async () => {
    const { user, sub } = await payingTeam();
    const storage = await priceOf('addon_storage');
    const support = await priceOf('addon_priority_support');
    const plan = sub.items.data[0]!;
    await sync(
      withItems(sub, [plan, addonItem(plan, 'si_storage_1', storage, 2), addonItem(plan, 'si_support_1', support)]),
      at(1),
    );
    const mirror = (await mirrorOf(sub.id))!;
    const rows = async () => Object.fromEntries((await addonsOf(user.teamId)).map((r) => [r.packageId, r] as const));
    expect(await rows()).toMatchObject({
      addon_storage: {
        subscriptionId: mirror.id,
        stripeSubscriptionItemId: 'si_storage_1',
        status: 'active',
        quantity: 2,
        activatedAt: at(1),
        removedAt: null,
      },
      addon_priority_support: { stripeSubscriptionItemId: 'si_support_1', status: 'active', quantity: 1 },
    });
    // The storage item's quantity changes: the row follows it and keeps its activation time.
    await sync(
      withItems(sub, [plan, addonItem(plan, 'si_storage_1', storage, 3), addonItem(plan, 'si_support_1', support)]),
      at(2),
    );
    expect((await rows()).addon_storage).toMatchObject({ status: 'active', quantity: 3, activatedAt: at(1) });
    // Support's item is gone (removed in the portal): removed now; storage stays.
    await sync(withItems(sub, [plan, addonItem(plan, 'si_storage_1', storage, 3)]), at(3));
    expect(await rows()).toMatchObject({
      addon_storage: { status: 'active', removedAt: null },
      addon_priority_support: { status: 'removed', removedAt: at(3) },
    });
    // No add-on item left on a live subscription: every add-on with an item is removed.
    await sync(withItems(sub, [plan]), at(4));
    expect((await rows()).addon_storage).toMatchObject({ status: 'removed', removedAt: at(4) });
    expect((await addonsOf(user.teamId)).map((r) => r.status)).toEqual(['removed', 'removed']);
  });

  it('an add-on item without a quantity counts once', async () => {
    const { user, sub } = await payingTeam();
    const storage = await priceOf('addon_storage');
    const plan = sub.items.data[0]!;
    await sync(withItems(sub, [plan, addonItem(plan, 'si_storage_noqty', storage)]), at(1));
    expect((await addonsOf(user.teamId)).map((r) => [r.packageId, r.quantity])).toEqual([['addon_storage', 1]]);
    await sync(withItems(sub, [plan, addonItem(plan, 'si_storage_noqty', storage, 4)]), at(2));
    await sync(withItems(sub, [plan, addonItem(plan, 'si_storage_noqty', storage)]), at(3));
    expect((await addonsOf(user.teamId)).map((r) => r.quantity)).toEqual([1]);
  });

  it('a requested (pending) add-on becomes the item once Stripe shows it; while it has no item it is left alone', async () => {
    const { user, sub } = await payingTeam();
    const mirror = (await mirrorOf(sub.id))!;
    const storage = await priceOf('addon_storage');
    const plan = sub.items.data[0]!;
    const [pending] = await h.t.db
      .insert(subscriptionAddons)
      .values({ teamId: user.teamId, subscriptionId: mirror.id, packageId: 'addon_storage', status: 'pending' })
      .returning();
    // The subscription as it was before the item landed: the payment is in flight, the row stays pending.
    await sync(withItems(sub, [plan]), at(1));
    expect((await addonsOf(user.teamId)).map((r) => [r.id, r.status])).toEqual([[pending!.id, 'pending']]);
    await sync(withItems(sub, [plan, addonItem(plan, 'si_storage_pending', storage, 2)]), at(2));
    expect(await addonsOf(user.teamId)).toEqual([
      expect.objectContaining({
        id: pending!.id,
        status: 'active',
        subscriptionId: mirror.id,
        stripeSubscriptionItemId: 'si_storage_pending',
        quantity: 2,
        activatedAt: at(2),
      }),
    ]);
  });

  it('a subscription that is no longer live takes every add-on with it, pending ones too, and adds none', async () => {
    const { user, sub } = await payingTeam();
    const mirror = (await mirrorOf(sub.id))!;
    const storage = await priceOf('addon_storage');
    const support = await priceOf('addon_priority_support');
    const plan = sub.items.data[0]!;
    await sync(withItems(sub, [plan, addonItem(plan, 'si_storage_end', storage)]), at(1));
    await h.t.db
      .insert(subscriptionAddons)
      .values({ teamId: user.teamId, subscriptionId: mirror.id, packageId: 'addon_integrations', status: 'pending' });
    await sync(
      {
        ...withItems(sub, [
          plan,
          addonItem(plan, 'si_storage_end', storage),
          addonItem(plan, 'si_support_end', support),
        ]),
        status: 'canceled',
      },
      at(2),
    );
    const rows = await addonsOf(user.teamId);
    expect(rows.map((r) => [r.packageId, r.status, r.removedAt]).sort()).toEqual([
      ['addon_integrations', 'removed', at(2)],
      ['addon_storage', 'removed', at(2)],
    ]);
  });
});

describe('terminal statuses are final', () => {
  it('a cancelled mirror is not revived by an older live snapshot, but a later cancelled one still refreshes it', async () => {
    const { user, sub } = await payingTeam();
    const cancelled: Stripe.Subscription = { ...sub, status: 'canceled', canceled_at: unix(at(1)), ended_at: null };
    await sync(cancelled, at(1));
    const mirror = (await mirrorOf(sub.id))!;
    for (const status of ['active', 'past_due', 'trialing'] as const) {
      expect(await sync({ ...sub, status }, at(2))).toEqual({ teamId: user.teamId, subscriptionId: mirror.id });
      expect(await mirrorOf(sub.id)).toMatchObject({ status: 'canceled', updatedAt: at(1), pastDueSince: null });
    }
    await sync({ ...cancelled, ended_at: unix(at(3)) }, at(4));
    expect(await mirrorOf(sub.id)).toMatchObject({ status: 'canceled', endedAt: at(3), updatedAt: at(4) });
  });

  it('incomplete_expired is final too; incomplete is not', async () => {
    const { sub: template } = await payingTeam();
    const fresh = await createUserWithToken(h.t.db);
    const fake = fakeSubscription(template, fresh.teamId, { status: 'incomplete' });
    await sync(fake, at(1));
    await sync({ ...fake, status: 'active' }, at(2));
    expect((await mirrorOf(fake.id))!.status).toBe('active');

    const other = await createUserWithToken(h.t.db);
    const expired = fakeSubscription(template, other.teamId, { status: 'incomplete_expired' });
    await sync(expired, at(3));
    await sync({ ...expired, status: 'active' }, at(4));
    expect(await mirrorOf(expired.id)).toMatchObject({ status: 'incomplete_expired', updatedAt: at(3) });
    expect((await teamRow(other.teamId)).allowanceAnchor).toBeNull();
  });
});
