import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as addAddon } from '@/app/api/packages/user/addons/route';
import { GET as listPurchases } from '@/app/api/packages/user/purchases/route';
import { checkoutSessions, subscriptionAddons, subscriptions, userPurchases } from '@/db/schema';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { processStripeEvent } from '@/lib/webhooks';
import { apiRequest, createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const openCheckout = async (user: TestUser, packageId: string) => {
  const res = await h.checkout(user, { package_id: packageId });
  expect(res.status).toBe(201);
  return ((await res.json()) as { session_id: string }).session_id;
};
const pay = async (sessionId: string) => h.emulator(`checkout/sessions/${sessionId}/complete`, {});

describe('one live subscription per team', () => {
  it.each(['fifo', 'shuffled'] as const)(
    'two plan checkouts paid before either is fulfilled (%s delivery): the second is cancelled and refunded in full',
    async (order) => {
      const user = await createUserWithToken(h.t.db);
      const warn = vi.spyOn(h.app.logger, 'warn');
      const first = await openCheckout(user, 'professional_monthly');
      const second = await openCheckout(user, 'business_monthly');
      expect((await pay(first)).ok).toBe(true);
      expect((await pay(second)).ok).toBe(true);
      await h.deliver({ order, duplicate: true });

      const mirrors = await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
      const live = mirrors.filter((m) => ['active', 'trialing', 'past_due'].includes(m.status));
      expect(live).toHaveLength(1);
      expect(mirrors).toHaveLength(2);
      const duplicate = mirrors.find((m) => m.status === 'canceled')!;
      expect((await h.app.stripe.subscriptions.retrieve(duplicate.stripeSubscriptionId)).status).toBe('canceled');
      expect((await getTeamPlanState(h.t.db, user.teamId)).stripeSubscriptionId).toBe(live[0]!.stripeSubscriptionId);

      const purchases = await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, user.teamId));
      expect(purchases).toHaveLength(2);
      const refunded = purchases.find((p) => p.stripeSubscriptionId === duplicate.stripeSubscriptionId)!;
      expect(refunded).toMatchObject({ status: 'refunded', refundReason: 'duplicate_subscription' });
      expect(refunded.amountRefunded).toBe(refunded.amount);
      expect(refunded.amount).toBeGreaterThan(0);
      // Whichever came first, the mirror's refund or the invoice's event, the payment carries its charge.
      const refundedCharge = (await h.app.stripe.paymentIntents.retrieve(refunded.stripePaymentIntentId!))
        .latest_charge;
      expect(refunded.stripeChargeId).toBe(refundedCharge);
      const kept = purchases.find((p) => p.stripeSubscriptionId === live[0]!.stripeSubscriptionId)!;
      expect(kept).toMatchObject({ status: 'paid', amountRefunded: 0, refundReason: null });
      const refunds = await h.app.stripe.refunds.list({ payment_intent: refunded.stripePaymentIntentId! });
      expect(refunds.data.reduce((s, r) => s + r.amount, 0)).toBe(refunded.amount);
      expect(warn.mock.calls.some((c) => c[1] === 'Cancelled and refunded a duplicate subscription')).toBe(true);
      const history = (await (
        await listPurchases(apiRequest('/api/packages/user/purchases', { token: user.token }))
      ).json()) as { purchases: { status: string; refund_reason: string | null; amount_refunded: number }[] };
      expect(history.purchases.map((p) => [p.status, p.refund_reason]).sort()).toEqual([
        ['paid', null],
        ['refunded', 'duplicate_subscription'],
      ]);
      warn.mockRestore();
    },
  );

  it('two new subscriptions mirrored at the same instant: both events succeed, one plan stays, one is refunded', async () => {
    const user = await createUserWithToken(h.t.db);
    const sessions = [await openCheckout(user, 'professional_monthly'), await openCheckout(user, 'business_annual')];
    for (const s of sessions) expect((await pay(s)).ok).toBe(true);
    // The subscriptions' own events (checkout completion also writes the team row, which serialises by itself).
    const completions = h.emu
      .pendingEvents()
      .filter(
        (e) =>
          e.type === 'customer.subscription.created' &&
          (e.data.object as { metadata?: { team_id?: string } }).metadata?.team_id === user.teamId,
      );
    expect(completions).toHaveLength(2);
    // Both handlers run at once; the team's row lock serialises their mirrors (PostgreSQL runs them truly in parallel).
    // Both fetch first, then apply together.
    let arrived = 0;
    let release!: () => void;
    const together = new Promise<void>((r) => (release = r));
    const hooks = {
      afterFetch: async () => {
        if (++arrived === 2) release();
        await together;
      },
    };
    const outcomes = await Promise.allSettled(completions.map((e) => processStripeEvent({ ...h.app, hooks }, e)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : String(o.reason)))).toEqual([
      'processed',
      'processed',
    ]);
    const mirrors = await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
    expect(mirrors.map((m) => m.status).sort()).toEqual(['active', 'canceled']);
    await h.deliver({ order: 'shuffled' });
    const purchases = await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, user.teamId));
    expect(purchases.map((p) => [p.status, p.refundReason]).sort()).toEqual([
      ['paid', null],
      ['refunded', 'duplicate_subscription'],
    ]);
  });

  it("completing one plan checkout expires the team's other open plan checkouts", async () => {
    const user = await createUserWithToken(h.t.db);
    const first = await openCheckout(user, 'professional_monthly');
    const second = await openCheckout(user, 'professional_annual');
    const pack = await openCheckout(user, 'credits_50');
    expect((await pay(first)).ok).toBe(true);
    await h.deliver();
    const rows = await h.t.db.select().from(checkoutSessions).where(eq(checkoutSessions.teamId, user.teamId));
    const status = Object.fromEntries(rows.map((r) => [r.stripeSessionId, r.status]));
    expect(status).toEqual({ [first]: 'complete', [second]: 'expired', [pack]: 'open' });
    expect((await h.app.stripe.checkout.sessions.retrieve(second)).status).toBe('expired');
    expect((await pay(second)).ok).toBe(false);
    expect((await pay(pack)).ok).toBe(true);
  });

  it('a concurrent double add-on request answers 201 then 409, never 500', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const add = () =>
      addAddon(apiRequest('/api/packages/user/addons', { token: user.token, body: { package_id: 'addon_storage' } }));
    const answers = await Promise.all([add(), add()]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    const conflict = answers.find((r) => r.status === 409)!;
    expect(((await conflict.json()) as { error: { code: string } }).error.code).toBe('addon_active');
    await h.deliver();
    const rows = await h.t.db.select().from(subscriptionAddons).where(eq(subscriptionAddons.teamId, user.teamId));
    expect(rows.map((r) => r.status)).toEqual(['active']);
  });
});
