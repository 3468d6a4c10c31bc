import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutSessions, stripeProducts, subscriptions, userCredits, userPurchases } from '@/db/schema';
import { getCheckoutStatus } from '@/lib/checkout/status';
import { createUserWithToken } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

// getCheckoutStatus on recorded states the webhook tests reach only in passing, with a Stripe
// that answers a chosen live session status (or must not be asked at all).
let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ startAt: '2026-11-10T12:00:00Z' });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

type Session = typeof checkoutSessions.$inferInsert;

function stripeAnswering(live: Stripe.Checkout.Session.Status | 'never asked'): Stripe {
  const retrieve = async (id: string) => {
    if (live === 'never asked') throw new Error(`Stripe was asked about ${id}`);
    return { id, status: live };
  };
  return { checkout: { sessions: { retrieve } } } as unknown as Stripe;
}

async function session(over: Partial<Session> & { mode: Session['mode'] }) {
  const user = await createUserWithToken(h.t.db);
  const id = `cs_test_${randomUUID().replaceAll('-', '')}`;
  await h.t.db.insert(checkoutSessions).values({
    stripeSessionId: id,
    teamId: user.teamId,
    userId: user.userId,
    packageId: over.mode === 'payment' ? 'credits_100' : 'professional_monthly',
    currency: 'gbp',
    amountTotal: 900,
    status: 'open',
    paymentStatus: 'unpaid',
    ...over,
  });
  return { teamId: user.teamId, userId: user.userId, id };
}

const statusOf = (s: { teamId: string; id: string }, live: Stripe.Checkout.Session.Status | 'never asked') =>
  getCheckoutStatus({ db: h.t.db, clock: h.app.clock, stripe: stripeAnswering(live) }, s.teamId, s.id);

async function grantPack(s: { teamId: string; id: string }, expiresAt: Date | null) {
  await h.t.db.insert(userCredits).values({
    teamId: s.teamId,
    source: 'credit_pack',
    businessKey: `pack:${s.id}`,
    packageId: 'credits_100',
    amount: 100,
    remaining: 100,
    expiresAt,
  });
}
async function recordPack(s: { teamId: string; id: string }) {
  await h.t.db.insert(userPurchases).values({
    teamId: s.teamId,
    packageId: 'credits_100',
    businessKey: `checkout:${s.id}`,
    amount: 900,
    currency: 'gbp',
    purchasedAt: h.app.clock.now(),
  });
}
async function subscribe(teamId: string, over: Partial<typeof subscriptions.$inferInsert> = {}) {
  await h.t.db.insert(subscriptions).values({
    teamId,
    stripeSubscriptionId: `sub_${randomUUID()}`,
    stripeCustomerId: 'cus_x',
    packageId: 'professional_monthly',
    status: 'active',
    currency: 'gbp',
    currentPeriodEnd: new Date('2026-12-10T12:00:00Z'),
    ...over,
  });
}

describe('getCheckoutStatus', () => {
  it('describes the session from our record: package, mode, amount, currency and trial', async () => {
    const s = await session({ mode: 'subscription', amountTotal: 0, currency: 'usd', trialDays: 14 });
    expect(await statusOf(s, 'open')).toEqual({
      session_id: s.id,
      status: 'open',
      package_id: 'professional_monthly',
      package_name: 'Professional',
      package_type: 'subscription',
      mode: 'subscription',
      amount_total: 0,
      currency: 'usd',
      trial_days: 14,
      credits: null,
      subscription: null,
    });
  });

  it('is failed when the payment failed or the session expired, without asking Stripe', async () => {
    const s = await session({ mode: 'payment', paymentStatus: 'failed' });
    expect((await statusOf(s, 'never asked')).status).toBe('failed');
    const expired = await session({ mode: 'subscription', status: 'expired' });
    expect((await statusOf(expired, 'never asked')).status).toBe('failed');
  });

  it("answers 404 for another team's session, naming it", async () => {
    const s = await session({ mode: 'payment' });
    const stranger = await createUserWithToken(h.t.db);
    await expect(statusOf({ teamId: stranger.teamId, id: s.id }, 'never asked')).rejects.toMatchObject({
      status: 404,
      code: 'checkout_not_found',
      message: `No checkout session '${s.id}' for your team`,
    });
  });

  it('names a package the catalog no longer has by its id, of unknown type', async () => {
    await h.t.db
      .insert(stripeProducts)
      .values({ id: 'legacy_pack', packageType: 'credit_pack', name: 'Legacy', description: '', features: [] })
      .onConflictDoNothing();
    const s = await session({ mode: 'payment', packageId: 'legacy_pack' });
    expect(await statusOf(s, 'open')).toMatchObject({
      package_id: 'legacy_pack',
      package_name: 'legacy_pack',
      package_type: 'unknown',
    });
  });

  it('asks Stripe while our record is open: expired is failed, complete is processing, open is open', async () => {
    const s = await session({ mode: 'payment' });
    expect((await statusOf(s, 'expired')).status).toBe('failed');
    expect((await statusOf(s, 'complete')).status).toBe('processing');
    expect((await statusOf(s, 'open')).status).toBe('open');
  });

  it('is processing, without asking Stripe, once our record is complete but not fulfilled', async () => {
    const pack = await session({ mode: 'payment', status: 'complete', paymentStatus: 'paid' });
    expect((await statusOf(pack, 'never asked')).status).toBe('processing');
    // The credits without the purchase (or the purchase without the credits) is not fulfilled yet.
    await grantPack(pack, null);
    expect((await statusOf(pack, 'never asked')).status).toBe('processing');
    const other = await session({ mode: 'payment', status: 'complete', paymentStatus: 'paid' });
    await recordPack(other);
    expect((await statusOf(other, 'never asked')).status).toBe('processing');
  });

  it('is fulfilled with the granted credits, a pack that never expires included', async () => {
    const s = await session({ mode: 'payment', status: 'complete', paymentStatus: 'paid' });
    await grantPack(s, null);
    await recordPack(s);
    expect(await statusOf(s, 'never asked')).toMatchObject({
      status: 'fulfilled',
      credits: { granted: 100, expires_at: null },
      subscription: null,
    });
    const dated = await session({ mode: 'payment', status: 'complete', paymentStatus: 'paid' });
    await grantPack(dated, new Date('2027-02-08T12:00:00Z'));
    await recordPack(dated);
    expect((await statusOf(dated, 'never asked')).credits).toEqual({
      granted: 100,
      expires_at: '2027-02-08T12:00:00.000Z',
    });
  });

  it("is fulfilled with the team's newest subscription to the plan once paid or free of payment", async () => {
    const s = await session({ mode: 'subscription', status: 'complete', paymentStatus: 'no_payment_required' });
    expect((await statusOf(s, 'never asked')).status).toBe('processing');
    await subscribe(s.teamId, { packageId: 'business_monthly', status: 'canceled' });
    expect((await statusOf(s, 'never asked')).status).toBe('processing');
    await subscribe(s.teamId, { status: 'canceled', currentPeriodEnd: null });
    await new Promise((r) => setTimeout(r, 5));
    await subscribe(s.teamId, { status: 'trialing', trialEnd: new Date('2026-11-24T12:00:00Z') });
    expect(await statusOf(s, 'never asked')).toMatchObject({
      status: 'fulfilled',
      credits: null,
      subscription: {
        package_id: 'professional_monthly',
        status: 'trialing',
        trial_end: '2026-11-24T12:00:00.000Z',
        current_period_end: '2026-12-10T12:00:00.000Z',
      },
    });
    const paid = await session({ mode: 'subscription', status: 'complete', paymentStatus: 'paid' });
    await subscribe(paid.teamId, { currentPeriodEnd: null });
    expect((await statusOf(paid, 'never asked')).subscription).toEqual({
      package_id: 'professional_monthly',
      status: 'active',
      trial_end: null,
      current_period_end: null,
    });
  });

  it('is not fulfilled by an earlier subscription to the plan while the session is still open', async () => {
    const s = await session({ mode: 'subscription', paymentStatus: 'paid' });
    await subscribe(s.teamId, { status: 'canceled' });
    expect(await statusOf(s, 'open')).toMatchObject({ status: 'open', subscription: null });
  });

  it('is not fulfilled while a subscription payment is unpaid, even with a subscription recorded', async () => {
    const s = await session({ mode: 'subscription', status: 'complete', paymentStatus: 'unpaid' });
    await subscribe(s.teamId);
    expect((await statusOf(s, 'never asked')).status).toBe('processing');
  });
});
