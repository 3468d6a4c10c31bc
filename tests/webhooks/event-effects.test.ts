import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutSessions, creditLedger, stripeEvents, subscriptions, userCredits, userPurchases } from '@/db/schema';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { deductCredit } from '@/lib/credits';
import { processStripeEvent } from '@/lib/webhooks';
import { createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';
import { expectLedgerMatchesGrants } from '../credits/helpers';

/**
 * Each handled event type's effect and what it must not do, driven event by event through
 * `processStripeEvent` against the local Stripe, so a handler made a no-op (or a check removed)
 * shows here rather than being covered up by another event of the same delivery.
 */
let h: BillingHarness;
beforeAll(async () => {
  // A fixed instant (the local Stripe's clock and the app's): allowances are per calendar month.
  h = await startBillingHarness({ startAt: '2026-11-10T12:00:00Z' });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const purchasesOf = (teamId: string) => h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, teamId));
const packsOf = async (teamId: string) =>
  (await h.t.db.select().from(userCredits).where(eq(userCredits.teamId, teamId))).filter(
    (g) => g.source === 'credit_pack',
  );
const sessionRow = async (sessionId: string) =>
  (await h.t.db.select().from(checkoutSessions).where(eq(checkoutSessions.stripeSessionId, sessionId)))[0];

/** An event as Stripe would send it; handlers read the object's current state from the local Stripe. */
function event(type: string, object: Record<string, unknown>, id = `evt_test_${randomBytes(8).toString('hex')}`) {
  return {
    id,
    object: 'event',
    type,
    created: Math.floor(h.app.clock.now().getTime() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: null,
    data: { object },
  } as unknown as Stripe.Event;
}

async function openCheckout(user: TestUser, packageId = 'credits_50'): Promise<string> {
  const res = await h.checkout(user, { package_id: packageId });
  expect(res.status).toBe(201);
  return ((await res.json()) as { session_id: string }).session_id;
}

async function pay(sessionId: string): Promise<void> {
  const paid = await h.emulator(`checkout/sessions/${sessionId}/complete`, { card: '4242424242424242' });
  expect(paid.status).toBe(200);
}

describe('stripe_events: exactly once by event id', () => {
  it('stripe_events duplicate: the same event id with another payload is recorded once and applied once', async () => {
    const first = await createUserWithToken(h.t.db);
    const second = await createUserWithToken(h.t.db);
    const firstSession = await openCheckout(first);
    const secondSession = await openCheckout(second);
    await pay(firstSession);
    await pay(secondSession);
    const id = `evt_reused_${randomBytes(6).toString('hex')}`;
    expect(await processStripeEvent(h.app, event('checkout.session.completed', { id: firstSession }, id))).toBe(
      'processed',
    );
    const recorded = await h.t.db.select().from(stripeEvents).where(eq(stripeEvents.id, id));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ id, type: 'checkout.session.completed' });
    expect(recorded[0]!.processedAt.getTime()).toBe(h.app.clock.now().getTime());
    // Same id, another session: business keys alone would let it through; the event table must not.
    expect(await processStripeEvent(h.app, event('checkout.session.completed', { id: secondSession }, id))).toBe(
      'duplicate',
    );
    expect((await packsOf(first.teamId)).map((g) => g.amount)).toEqual([50]);
    expect(await packsOf(second.teamId)).toEqual([]);
    expect(await purchasesOf(second.teamId)).toEqual([]);
    expect(await h.t.db.select().from(stripeEvents).where(eq(stripeEvents.id, id))).toHaveLength(1);
  });

  it('stripe_events duplicate: the same event delivered twice at once is processed once and reported duplicate once', async () => {
    const user = await createUserWithToken(h.t.db);
    const sessionId = await openCheckout(user);
    await pay(sessionId);
    const delivery = event('checkout.session.completed', { id: sessionId });
    const outcomes = await Promise.all([processStripeEvent(h.app, delivery), processStripeEvent(h.app, delivery)]);
    expect(outcomes.sort()).toEqual(['duplicate', 'processed']);
    expect(await packsOf(user.teamId)).toHaveLength(1);
    expect(await purchasesOf(user.teamId)).toHaveLength(1);
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });
});

describe('checkout session events', () => {
  it('paid check: checkout.session.completed for an unpaid (async) session grants nothing; async_payment_succeeded then grants the pack', async () => {
    const user = await createUserWithToken(h.t.db);
    const sessionId = await openCheckout(user);
    expect((await h.app.stripe.checkout.sessions.retrieve(sessionId)).payment_status).toBe('unpaid');
    expect(await processStripeEvent(h.app, event('checkout.session.completed', { id: sessionId }))).toBe('processed');
    expect(await packsOf(user.teamId)).toEqual([]);
    expect(await purchasesOf(user.teamId)).toEqual([]);
    expect(await sessionRow(sessionId)).toMatchObject({ paymentStatus: 'unpaid' });
    await pay(sessionId);
    expect(await processStripeEvent(h.app, event('checkout.session.async_payment_succeeded', { id: sessionId }))).toBe(
      'processed',
    );
    expect((await packsOf(user.teamId)).map((g) => [g.amount, g.remaining])).toEqual([[50, 50]]);
    expect(await purchasesOf(user.teamId)).toHaveLength(1);
    expect(await sessionRow(sessionId)).toMatchObject({ status: 'complete', paymentStatus: 'paid' });
  });

  it('checkout.session.async_payment_failed marks the session failed and grants nothing', async () => {
    const user = await createUserWithToken(h.t.db);
    const sessionId = await openCheckout(user);
    expect(
      await processStripeEvent(
        h.app,
        event('checkout.session.async_payment_failed', { id: sessionId, payment_status: 'unpaid' }),
      ),
    ).toBe('processed');
    expect(await sessionRow(sessionId)).toMatchObject({ paymentStatus: 'failed' });
    expect(await packsOf(user.teamId)).toEqual([]);
    expect(await purchasesOf(user.teamId)).toEqual([]);
  });

  it('checkout.session.expired marks the session expired and grants nothing', async () => {
    const user = await createUserWithToken(h.t.db);
    const sessionId = await openCheckout(user);
    const expired = await h.app.stripe.checkout.sessions.expire(sessionId);
    expect(await sessionRow(sessionId)).toMatchObject({ status: 'open' });
    expect(
      await processStripeEvent(h.app, event('checkout.session.expired', expired as unknown as Record<string, unknown>)),
    ).toBe('processed');
    expect(await sessionRow(sessionId)).toMatchObject({ status: 'expired' });
    expect(await packsOf(user.teamId)).toEqual([]);
    expect(await purchasesOf(user.teamId)).toEqual([]);
  });
});

describe('payment and invoice events', () => {
  it('payment_intent.succeeded records the charge on a purchase that lacks it, never replaces one, grants nothing', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'credits_50');
    const [purchase] = await purchasesOf(user.teamId);
    const intentId = purchase!.stripePaymentIntentId!;
    await h.t.db.update(userPurchases).set({ stripeChargeId: null }).where(eq(userPurchases.id, purchase!.id));
    await processStripeEvent(h.app, event('payment_intent.succeeded', { id: intentId, latest_charge: 'ch_recorded' }));
    expect((await purchasesOf(user.teamId))[0]!.stripeChargeId).toBe('ch_recorded');
    await processStripeEvent(h.app, event('payment_intent.succeeded', { id: intentId, latest_charge: 'ch_other' }));
    expect((await purchasesOf(user.teamId))[0]!.stripeChargeId).toBe('ch_recorded');
    expect(await packsOf(user.teamId)).toHaveLength(1);
    expect(await purchasesOf(user.teamId)).toHaveLength(1);
  });

  it('invoice.payment_failed alone marks the plan past due and records no purchase', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const [sub] = await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
    await h.emulator(`subscriptions/${sub!.stripeSubscriptionId}/advance`, { outcome: 'failed' });
    const failed = h.emu
      .pendingEvents()
      .filter(
        (e) =>
          e.type === 'invoice.payment_failed' &&
          (e.data.object as Stripe.Invoice).parent?.subscription_details?.subscription === sub!.stripeSubscriptionId,
      );
    expect(failed.length).toBeGreaterThan(0);
    // Only this event: the subscription.updated that comes with it would mirror past_due by itself.
    for (const e of failed) expect(await processStripeEvent(h.app, e)).toBe('processed');
    expect(await getTeamPlanState(h.t.db, user.teamId)).toMatchObject({ status: 'past_due' });
    expect(await purchasesOf(user.teamId)).toHaveLength(1);
    await h.deliver();
  });

  it('refunds out of order: the full refund delivered before the partial one voids the pack once, keeping what was spent', async () => {
    const user = await createUserWithToken(h.t.db);
    const sessionId = await h.buy(user, 'credits_50');
    await deductCredit(h.app, user.teamId, 'ai_stories', 35, 'spent-before-refunds'); // 25 allowance + 10 of the pack
    const intent = (await h.app.stripe.checkout.sessions.retrieve(sessionId)).payment_intent as string;
    await h.app.stripe.refunds.create({ payment_intent: intent, amount: 200 });
    await h.app.stripe.refunds.create({ payment_intent: intent });
    await h.deliver({ order: 'reverse', duplicate: true });
    expect((await purchasesOf(user.teamId))[0]).toMatchObject({ status: 'refunded', amountRefunded: 500 });
    const [grant] = await packsOf(user.teamId);
    expect(grant).toMatchObject({ remaining: 0 });
    expect(grant!.voidedAt).not.toBeNull();
    const refunds = (await h.t.db.select().from(creditLedger).where(eq(creditLedger.grantId, grant!.id))).filter(
      (e) => e.entryType === 'refund',
    );
    expect(refunds.reduce((sum, e) => sum + e.delta, 0)).toBe(-40);
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });
});
