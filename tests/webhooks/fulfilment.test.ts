import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  checkoutSessions,
  stripeEvents,
  subscriptionAddons,
  subscriptions,
  teams,
  userCredits,
  userPurchases,
} from '@/db/schema';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { getCredits } from '@/lib/credits';
import { createUserWithToken } from '../helpers/app';
import { startBillingHarness, WEBHOOK_SECRET, type BillingHarness } from '../helpers/billing';
import { expectLedgerMatchesGrants } from '../credits/helpers';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const purchasesOf = (teamId: string) => h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, teamId));
const packsOf = async (teamId: string) =>
  (await h.t.db.select().from(userCredits).where(eq(userCredits.teamId, teamId))).filter(
    (g) => g.source === 'credit_pack',
  );

describe('webhook fulfilment', () => {
  it.each([
    ['credits_50', 50, 90, 500],
    ['credits_100', 100, 90, 900],
    ['credits_250', 250, 120, 2000],
  ] as const)(
    'buying %s records one purchase and grants its credits with expiry',
    async (packageId, credits, days, amount) => {
      const user = await createUserWithToken(h.t.db);
      const sessionId = await h.buy(user, packageId);
      const purchases = await purchasesOf(user.teamId);
      expect(purchases).toHaveLength(1);
      expect(purchases[0]).toMatchObject({
        packageId,
        amount,
        currency: 'gbp',
        status: 'paid',
        stripeCheckoutSessionId: sessionId,
      });
      const [grant] = await packsOf(user.teamId);
      expect(grant).toMatchObject({ amount: credits, remaining: credits, priority: packageId === 'credits_250' });
      expect(Math.round((grant!.expiresAt!.getTime() - grant!.createdAt.getTime()) / 86_400_000)).toBe(days);
      const [session] = await h.t.db
        .select()
        .from(checkoutSessions)
        .where(eq(checkoutSessions.stripeSessionId, sessionId));
      expect(session).toMatchObject({ status: 'complete', paymentStatus: 'paid' });
      const [team] = await h.t.db.select().from(teams).where(eq(teams.id, user.teamId));
      expect(team!.billingCurrency).toBe('gbp');
      expect((await getCredits(h.app, user.teamId)).ai_stories.remaining_credits).toBe(25 + credits);
    },
  );

  it.each(['professional_monthly', 'professional_annual', 'business_monthly', 'business_annual'])(
    'subscribing to %s mirrors the plan and records the first invoice',
    async (packageId) => {
      const user = await createUserWithToken(h.t.db);
      await h.buy(user, packageId);
      const plan = await getTeamPlanState(h.t.db, user.teamId);
      expect(plan).toMatchObject({ packageId, status: 'active', currency: 'usd' });
      const interval = packageId.endsWith('annual') ? 365 : 28;
      expect(
        (plan.currentPeriodEnd!.getTime() - plan.currentPeriodStart!.getTime()) / 86_400_000,
      ).toBeGreaterThanOrEqual(interval);
      const purchases = await purchasesOf(user.teamId);
      expect(purchases.map((p) => [p.packageId, p.amount, p.currency])).toEqual([
        [
          packageId,
          { professional_monthly: 1000, professional_annual: 10000, business_monthly: 1800, business_annual: 18000 }[
            packageId
          ],
          'usd',
        ],
      ]);
    },
  );

  it.each(['professional_monthly', 'business_annual'])(
    'a %s trial starts without a payment, once per team',
    async (packageId) => {
      const user = await createUserWithToken(h.t.db);
      // A card gets one trial across all teams, so each case pays with its own card.
      const card = { professional_monthly: '4242424242424242', business_annual: '5555555555554444' }[packageId];
      await h.buy(user, packageId, { trialDays: 14, card });
      const plan = await getTeamPlanState(h.t.db, user.teamId);
      expect(plan).toMatchObject({ packageId, status: 'trialing' });
      expect(await purchasesOf(user.teamId)).toEqual([]);
      const [sub] = await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
      await h.emulator(`subscriptions/${sub!.stripeSubscriptionId}/end_trial`);
      await h.deliver();
      expect((await getTeamPlanState(h.t.db, user.teamId)).status).toBe('active');
      expect((await purchasesOf(user.teamId)).length).toBe(1);
      await h.emulator(`subscriptions/${sub!.stripeSubscriptionId}/advance`, {});
      await h.deliver();
      // Cancel, let it end, then try another trial: refused.
      await h.app.stripe.subscriptions.cancel(sub!.stripeSubscriptionId);
      await h.deliver();
      const again = await h.checkout(user, { package_id: packageId, trial_days: 7 });
      expect(again.status).toBe(409);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe('trial_used');
    },
  );

  it('delivers every event twice and shuffled with the same final state as one ordered delivery', async () => {
    const ordered = await createUserWithToken(h.t.db);
    const chaotic = await createUserWithToken(h.t.db);
    const snapshot = async (teamId: string) => ({
      plan: await getTeamPlanState(h.t.db, teamId).then((p) => [p.packageId, p.status, p.addons]),
      purchases: (await purchasesOf(teamId)).map((p) => [p.packageId, p.amount, p.status]).sort(),
      credits: (await getCredits(h.app, teamId)).ai_stories.remaining_credits,
    });
    for (const [user, order, duplicate] of [
      [ordered, 'fifo', false],
      [chaotic, 'shuffled', true],
    ] as const) {
      await h.buy(user, 'credits_100', { order, duplicate });
      await h.buy(user, 'professional_monthly', { order, duplicate });
      const add = await (
        await import('@/app/api/packages/user/addons/route')
      ).POST(
        (await import('../helpers/app')).apiRequest('/api/packages/user/addons', {
          token: user.token,
          body: { package_id: 'addon_storage' },
        }),
      );
      expect(add.status).toBe(201);
      await h.deliver({ order, duplicate });
    }
    expect(await snapshot(chaotic.teamId)).toEqual(await snapshot(ordered.teamId));
    expect((await snapshot(chaotic.teamId)).purchases).toHaveLength(3);
  });

  it('a partial refund takes back its share of the pack, a full refund the rest, keeping what was spent', async () => {
    const user = await createUserWithToken(h.t.db);
    const sessionId = await h.buy(user, 'credits_50');
    const { deductCredit } = await import('@/lib/credits');
    await deductCredit(h.app, user.teamId, 'ai_stories', 35, 'story-before-refund'); // 25 allowance + 10 from the pack
    const session = await h.app.stripe.checkout.sessions.retrieve(sessionId);
    await h.app.stripe.refunds.create({ payment_intent: session.payment_intent as string, amount: 200 }); // £2 of £5: 20 of 50 credits
    await h.deliver({ duplicate: true });
    expect((await purchasesOf(user.teamId))[0]).toMatchObject({ status: 'partially_refunded', amountRefunded: 200 });
    expect((await packsOf(user.teamId))[0]).toMatchObject({ remaining: 20, voidedAt: null });
    await h.app.stripe.refunds.create({ payment_intent: session.payment_intent as string });
    await h.deliver({ duplicate: true, order: 'shuffled' });
    expect((await purchasesOf(user.teamId))[0]).toMatchObject({ status: 'refunded', amountRefunded: 500 });
    expect((await packsOf(user.teamId))[0]).toMatchObject({ remaining: 0 });
    expect((await packsOf(user.teamId))[0]!.voidedAt).not.toBeNull();
    expect((await getCredits(h.app, user.teamId)).ai_stories.remaining_credits).toBe(0);
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('a partial refund larger than what is left takes only what is left', async () => {
    const user = await createUserWithToken(h.t.db);
    const sessionId = await h.buy(user, 'credits_50');
    const { deductCredit } = await import('@/lib/credits');
    await deductCredit(h.app, user.teamId, 'ai_stories', 70, 'big-story'); // 25 allowance + 45 of the pack: 5 left
    const session = await h.app.stripe.checkout.sessions.retrieve(sessionId);
    await h.app.stripe.refunds.create({ payment_intent: session.payment_intent as string, amount: 250 }); // half: 25 credits owed back
    await h.deliver();
    expect((await packsOf(user.teamId))[0]).toMatchObject({ remaining: 0, voidedAt: null });
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('refuses a bad or stale signature with 400 and writes nothing', async () => {
    const { POST } = await import('@/app/api/packages/webhook/route');
    const before = (await h.t.db.select().from(stripeEvents)).length;
    const payload = JSON.stringify({
      id: 'evt_forged',
      object: 'event',
      type: 'checkout.session.completed',
      created: 1,
      data: { object: {} },
    });
    const forged = h.app.stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong' });
    const stale = h.app.stripe.webhooks.generateTestHeaderString({
      payload,
      secret: 'whsec_test_secret',
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    for (const signature of [forged, stale, null]) {
      const res = await POST(
        new Request('http://app.test/api/packages/webhook', {
          method: 'POST',
          body: payload,
          headers: signature ? { 'stripe-signature': signature } : {},
        }),
      );
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    }
    expect((await h.t.db.select().from(stripeEvents)).length).toBe(before);
  });

  it('refuses a real paid event re-signed stale, altered after signing or signed with another secret: no trace but a log line', async () => {
    const { POST } = await import('@/app/api/packages/webhook/route');
    const user = await createUserWithToken(h.t.db);
    const res = await h.checkout(user, { package_id: 'credits_100' });
    const { session_id } = (await res.json()) as { session_id: string };
    await h.emulator(`checkout/sessions/${session_id}/complete`, {});
    const session = await h.app.stripe.checkout.sessions.retrieve(session_id);
    const eventId = `evt_refused_${session_id}`;
    const payload = JSON.stringify({
      id: eventId,
      object: 'event',
      type: 'checkout.session.completed',
      created: Math.floor(h.app.clock.now().getTime() / 1000),
      data: { object: session },
    });
    const nowS = Math.floor(Date.now() / 1000);
    const stale = h.app.stripe.webhooks.generateTestHeaderString({
      payload,
      secret: WEBHOOK_SECRET,
      timestamp: nowS - 301,
    });
    const goodForOriginal = h.app.stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const altered = payload.replace('"credits_100"', '"credits_250"');
    expect(altered).not.toBe(payload);
    const otherSecret = h.app.stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_another_secret' });
    const warn = vi.spyOn(h.app.logger, 'warn');
    try {
      for (const [body, signature] of [
        [payload, stale],
        [altered, goodForOriginal],
        [payload, otherSecret],
      ] as const) {
        const refused = await POST(
          new Request('http://app.test/api/packages/webhook', {
            method: 'POST',
            body,
            headers: { 'stripe-signature': signature },
          }),
        );
        expect(refused.status).toBe(400);
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
      }
      const refusals = warn.mock.calls.filter((c) => c[1] === 'Refused a Stripe webhook with a bad signature');
      expect(refusals).toHaveLength(3);
    } finally {
      warn.mockRestore();
    }
    expect(await h.t.db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId))).toEqual([]);
    expect(await purchasesOf(user.teamId)).toEqual([]);
    expect(await packsOf(user.teamId)).toEqual([]);
  });

  it('refuses a correctly signed event it cannot read (null or id-less object, no data) with 400 invalid_event and writes nothing', async () => {
    const { POST } = await import('@/app/api/packages/webhook/route');
    const before = (await h.t.db.select().from(stripeEvents)).length;
    const warn = vi.spyOn(h.app.logger, 'warn');
    try {
      const bodies = [
        {
          id: 'evt_null_object',
          object: 'event',
          type: 'checkout.session.completed',
          created: 1,
          data: { object: null },
        },
        {
          id: 'evt_no_object_id',
          object: 'event',
          type: 'charge.refunded',
          created: 1,
          data: { object: { object: 'charge' } },
        },
        { id: 'evt_no_data', object: 'event', type: 'invoice.paid', created: 1 },
        { object: 'event', type: 'checkout.session.completed', created: 1, data: { object: { id: 'cs_1' } } },
      ];
      for (const body of bodies) {
        const payload = JSON.stringify(body);
        const res = await POST(
          new Request('http://app.test/api/packages/webhook', {
            method: 'POST',
            body: payload,
            headers: {
              'stripe-signature': h.app.stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
            },
          }),
        );
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_event');
      }
      const refusals = warn.mock.calls.filter((c) => c[1] === 'Refused a signed Stripe webhook it cannot read');
      expect(refusals).toHaveLength(4);
    } finally {
      warn.mockRestore();
    }
    expect((await h.t.db.select().from(stripeEvents)).length).toBe(before);
  });

  it('acknowledges unknown event types and ignores them', async () => {
    const { POST } = await import('@/app/api/packages/webhook/route');
    const payload = JSON.stringify({
      id: 'evt_unknown_1',
      object: 'event',
      type: 'customer.tax_id.created',
      created: 1,
      data: { object: {} },
    });
    const res = await POST(
      new Request('http://app.test/api/packages/webhook', {
        method: 'POST',
        body: payload,
        headers: {
          'stripe-signature': h.app.stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_test_secret' }),
        },
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, outcome: 'ignored' });
  });

  it('rolls back a failing handler (500), and the retry grants exactly once', async () => {
    const user = await createUserWithToken(h.t.db);
    // A real database failure in the middle of fulfilment: the credits insert raises after the purchase row was written.
    await h.t.sql.unsafe(
      `CREATE OR REPLACE FUNCTION fail_grant() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql`,
    );
    await h.t.sql.unsafe(
      `CREATE TRIGGER fail_grant BEFORE INSERT ON user_credits FOR EACH ROW WHEN (NEW.source = 'credit_pack' AND NEW.team_id = '${user.teamId}') EXECUTE FUNCTION fail_grant()`,
    );
    const res = await h.checkout(user, { package_id: 'credits_100' });
    const { session_id } = (await res.json()) as { session_id: string };
    await h.emulator(`checkout/sessions/${session_id}/complete`, {});
    const deliveryAttempts = async () => {
      const log = (await (await fetch(`${h.emu.url}/_emulator/webhooks/deliveries`)).json()) as
        { data?: { status: number | null }[] } | { status: number | null }[];
      return Array.isArray(log) ? log : (log.data ?? []);
    };
    const deliveries = h.deliver();
    // Wait for the failure itself rather than a fixed time, which a loaded machine can overrun.
    await expect
      .poll(async () => (await deliveryAttempts()).some((a) => a.status === 500), { timeout: 10_000, interval: 5 })
      .toBe(true);
    expect(await purchasesOf(user.teamId)).toEqual([]);
    await h.t.sql.unsafe('DROP TRIGGER fail_grant ON user_credits');
    await deliveries; // the emulator retries the 500s with backoff
    const attempts = await deliveryAttempts();
    expect(
      attempts.some((a) => a.status === 500),
      JSON.stringify(attempts.slice(-6)),
    ).toBe(true);
    expect(await purchasesOf(user.teamId)).toHaveLength(1);
    expect(await packsOf(user.teamId)).toHaveLength(1);
  });

  it('cancelling at period end keeps the plan until the period ends, then returns the team to Starter without add-ons', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'business_monthly');
    const { POST: addonPost } = await import('@/app/api/packages/user/addons/route');
    const { POST: subPost } = await import('@/app/api/packages/user/subscription/route');
    const { apiRequest } = await import('../helpers/app');
    expect(
      (
        await addonPost(
          apiRequest('/api/packages/user/addons', {
            token: user.token,
            body: { package_id: 'addon_priority_support' },
          }),
        )
      ).status,
    ).toBe(201);
    await h.deliver();
    const cancel = await subPost(
      apiRequest('/api/packages/user/subscription', { token: user.token, body: { action: 'cancel' } }),
    );
    expect(await cancel.json()).toMatchObject({ package_id: 'business_monthly', cancel_at_period_end: true });
    await h.deliver();
    const [sub] = await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
    await h.emulator(`subscriptions/${sub!.stripeSubscriptionId}/advance`, {});
    await h.deliver({ order: 'shuffled', duplicate: true });
    expect(await getTeamPlanState(h.t.db, user.teamId)).toMatchObject({ packageId: 'starter', addons: [] });
    const addons = await h.t.db.select().from(subscriptionAddons).where(eq(subscriptionAddons.teamId, user.teamId));
    expect(addons.map((a) => a.status)).toEqual(['removed']);
  });

  it('a failed renewal marks the plan past due', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const [sub] = await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
    await h.emulator(`subscriptions/${sub!.stripeSubscriptionId}/advance`, { outcome: 'failed' });
    await h.deliver();
    expect(await getTeamPlanState(h.t.db, user.teamId)).toMatchObject({
      packageId: 'professional_monthly',
      status: 'past_due',
    });
    await h.emulator(`subscriptions/${sub!.stripeSubscriptionId}/advance`, { outcome: 'paid' });
    await h.deliver();
    expect((await getTeamPlanState(h.t.db, user.teamId)).status).toBe('active');
  });
});
