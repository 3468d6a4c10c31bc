import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deferredStripeEvents, subscriptions, userCredits, userPurchases } from '@/db/schema';
import { deductCredit, getCredits } from '@/lib/credits';
import { billingStanding } from '@/lib/purchases';
import { listParkedEvents, processStripeEvent } from '@/lib/webhooks';
import { createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';
import { expectLedgerMatchesGrants } from '../credits/helpers';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const CARD = {
  ok: '4242424242424242',
  disputed: '4000000000000259',
  refundFails: '4000000000005126',
  declined: '4000000000000002',
};

const purchasesOf = (teamId: string) => h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, teamId));
const packsOf = async (teamId: string) =>
  (await h.t.db.select().from(userCredits).where(eq(userCredits.teamId, teamId))).filter(
    (g) => g.source === 'credit_pack',
  );
const spendable = async (teamId: string) => (await getCredits(h.app, teamId)).ai_stories.remaining_credits;

/** Opens and pays a checkout in the local Stripe without delivering its webhooks yet. */
async function payWithoutDelivery(user: TestUser, packageId: string, card = CARD.ok, trialDays?: number) {
  const res = await h.checkout(user, { package_id: packageId, ...(trialDays ? { trial_days: trialDays } : {}) });
  expect(res.status).toBe(201);
  const { session_id } = (await res.json()) as { session_id: string };
  const paid = await h.emulator(`checkout/sessions/${session_id}/complete`, { card });
  expect(paid.status).toBe(200);
  const session = await h.app.stripe.checkout.sessions.retrieve(session_id);
  return { sessionId: session_id, paymentIntent: session.payment_intent as string };
}

const pendingEvent = (type: string, objectId: string): Stripe.Event => {
  const found = h.emu.pendingEvents().find((e) => e.type === type && (e.data.object as { id: string }).id === objectId);
  if (!found) throw new Error(`no pending ${type} for ${objectId}`);
  return found;
};

async function invoicePaymentIntent(teamId: string): Promise<string> {
  const [purchase] = (await purchasesOf(teamId)).filter((p) => p.stripeInvoiceId);
  const invoice = await h.app.stripe.invoices.retrieve(purchase!.stripeInvoiceId!, { expand: ['payments'] });
  return invoice.payments!.data[0]!.payment.payment_intent as string;
}

describe('a refund is never lost', () => {
  it('a pack refunded in full before its fulfilment is processed grants nothing and shows as refunded', async () => {
    const user = await createUserWithToken(h.t.db);
    const { paymentIntent } = await payWithoutDelivery(user, 'credits_250');
    await h.app.stripe.refunds.create({ payment_intent: paymentIntent });
    await h.deliver({ order: 'reverse' }); // charge.refunded first: no purchase yet
    expect(await purchasesOf(user.teamId)).toMatchObject([
      { packageId: 'credits_250', status: 'refunded', amount: 2000, amountRefunded: 2000 },
    ]);
    expect(await spendable(user.teamId)).toBe(25);
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('a pack partly refunded before fulfilment grants only the unrefunded share', async () => {
    const user = await createUserWithToken(h.t.db);
    const { paymentIntent } = await payWithoutDelivery(user, 'credits_50');
    await h.app.stripe.refunds.create({ payment_intent: paymentIntent, amount: 200 }); // £2 of £5: 20 of 50
    await h.deliver({ order: 'reverse', duplicate: true });
    expect(await purchasesOf(user.teamId)).toMatchObject([{ status: 'partially_refunded', amountRefunded: 200 }]);
    expect(await spendable(user.teamId)).toBe(25 + 30);
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('charge.refunded for an unknown payment answers 500 (Stripe retries) and succeeds once the purchase exists', async () => {
    const user = await createUserWithToken(h.t.db);
    const { sessionId, paymentIntent } = await payWithoutDelivery(user, 'credits_100');
    await h.app.stripe.refunds.create({ payment_intent: paymentIntent, amount: 450 });
    const intent = await h.app.stripe.paymentIntents.retrieve(paymentIntent);
    const refunded = pendingEvent('charge.refunded', intent.latest_charge as string);
    await expect(processStripeEvent(h.app, refunded)).rejects.toMatchObject({ code: 'payment_not_recorded' });
    const [deferred] = await h.t.db
      .select()
      .from(deferredStripeEvents)
      .where(eq(deferredStripeEvents.eventId, refunded.id));
    expect(deferred).toMatchObject({ attempts: 1, parkedAt: null });
    await processStripeEvent(h.app, pendingEvent('checkout.session.completed', sessionId));
    expect(await processStripeEvent(h.app, refunded)).toBe('processed');
    expect(await purchasesOf(user.teamId)).toMatchObject([{ status: 'partially_refunded', amountRefunded: 450 }]);
    expect(await spendable(user.teamId)).toBe(25 + 50);
    await h.deliver();
    expect(await spendable(user.teamId)).toBe(25 + 50);
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('after the retry limit an unmatched refund is parked for an operator and acknowledged', async () => {
    const user = await createUserWithToken(h.t.db);
    const { paymentIntent } = await payWithoutDelivery(user, 'credits_50');
    await h.app.stripe.refunds.create({ payment_intent: paymentIntent });
    const intent = await h.app.stripe.paymentIntents.retrieve(paymentIntent);
    const refunded = pendingEvent('charge.refunded', intent.latest_charge as string);
    const deps = { ...h.app, retryLimit: 3 };
    await expect(processStripeEvent(deps, refunded)).rejects.toThrow();
    await expect(processStripeEvent(deps, refunded)).rejects.toThrow();
    expect(await processStripeEvent(deps, refunded)).toBe('parked');
    expect(await processStripeEvent(deps, refunded)).toBe('duplicate');
    const parked = await listParkedEvents(h.t.db);
    expect(parked).toContainEqual(
      expect.objectContaining({
        event_id: refunded.id,
        type: 'charge.refunded',
        attempts: 3,
        object_id: intent.latest_charge,
      }),
    );
    // The late fulfilment still honours the refund: it reads the charge.
    await h.deliver();
    expect(await purchasesOf(user.teamId)).toMatchObject([{ status: 'refunded' }]);
    expect(await spendable(user.teamId)).toBe(25);
  });

  it('refunds of plan and add-on invoices are recorded on their purchases', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const { POST } = await import('@/app/api/packages/user/addons/route');
    const { apiRequest } = await import('../helpers/app');
    const added = await POST(
      apiRequest('/api/packages/user/addons', { token: user.token, body: { package_id: 'addon_storage' } }),
    );
    expect(added.status).toBe(201);
    await h.deliver();
    const purchases = await purchasesOf(user.teamId);
    const plan = purchases.find((p) => p.packageId === 'professional_monthly')!;
    const addon = purchases.find((p) => p.packageId === 'addon_storage')!;
    expect(plan.stripePaymentIntentId).toMatch(/^pi_/);
    expect(plan.stripeChargeId).toMatch(/^ch_/);
    expect(addon.stripePaymentIntentId).toMatch(/^pi_/);
    await h.app.stripe.refunds.create({ payment_intent: plan.stripePaymentIntentId!, amount: 400 });
    await h.app.stripe.refunds.create({ payment_intent: addon.stripePaymentIntentId! });
    await h.deliver({ order: 'shuffled', duplicate: true });
    const after = await purchasesOf(user.teamId);
    expect(after.find((p) => p.id === plan.id)).toMatchObject({ status: 'partially_refunded', amountRefunded: 400 });
    expect(after.find((p) => p.id === addon.id)).toMatchObject({ status: 'refunded', amountRefunded: addon.amount });
  });

  it('a refund that fails gives back the credits it voided', async () => {
    const user = await createUserWithToken(h.t.db);
    const sessionId = await h.buy(user, 'credits_50', { card: CARD.refundFails });
    await deductCredit(h.app, user.teamId, 'ai_stories', 35, 'story-1'); // 25 allowance + 10 of the pack
    const session = await h.app.stripe.checkout.sessions.retrieve(sessionId);
    await h.app.stripe.refunds.create({ payment_intent: session.payment_intent as string, amount: 200 });
    await h.deliver();
    expect((await packsOf(user.teamId))[0]).toMatchObject({ remaining: 20 });
    await h.emulator('clock/advance', { seconds: 120 }); // the bank rejects the refund
    await h.deliver({ order: 'shuffled', duplicate: true });
    expect(await purchasesOf(user.teamId)).toMatchObject([{ status: 'paid', amountRefunded: 0 }]);
    expect((await packsOf(user.teamId))[0]).toMatchObject({ remaining: 40, voidedAt: null });
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('a full refund that fails un-voids the pack', async () => {
    const user = await createUserWithToken(h.t.db);
    const sessionId = await h.buy(user, 'credits_100', { card: CARD.refundFails });
    const session = await h.app.stripe.checkout.sessions.retrieve(sessionId);
    const refund = await h.app.stripe.refunds.create({ payment_intent: session.payment_intent as string });
    await h.deliver();
    expect(await spendable(user.teamId)).toBe(25);
    await h.emulator(`refunds/${refund.id}/fail`);
    await h.deliver();
    expect(await spendable(user.teamId)).toBe(125);
    expect((await packsOf(user.teamId))[0]!.voidedAt).toBeNull();
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });
});

describe('disputes', () => {
  async function disputeOf(teamId: string): Promise<Stripe.Dispute> {
    const [purchase] = await purchasesOf(teamId);
    const disputes = await h.app.stripe.disputes.list({ payment_intent: purchase!.stripePaymentIntentId! });
    return disputes.data[0]!;
  }

  it('a disputed pack holds its remaining credits; a lost dispute voids them', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'credits_100', { card: CARD.disputed }); // the dispute event comes before the completion
    expect(await spendable(user.teamId)).toBe(25);
    expect((await packsOf(user.teamId))[0]).toMatchObject({ remaining: 0, disputeHeld: 100 });
    expect((await purchasesOf(user.teamId))[0]).toMatchObject({ disputeStatus: 'open' });
    await expect(deductCredit(h.app, user.teamId, 'ai_stories', 26, 'too-much')).rejects.toMatchObject({
      code: 'insufficient_credits',
    });
    await h.app.stripe.disputes.update((await disputeOf(user.teamId)).id, {
      evidence: { uncategorized_text: 'losing_evidence' },
    });
    await h.deliver({ order: 'shuffled', duplicate: true });
    expect((await purchasesOf(user.teamId))[0]).toMatchObject({ disputeStatus: 'lost' });
    expect((await packsOf(user.teamId))[0]).toMatchObject({ remaining: 0, disputeHeld: 0 });
    expect((await packsOf(user.teamId))[0]!.voidedAt).not.toBeNull();
    expect(await spendable(user.teamId)).toBe(25);
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('a won dispute releases the held credits', async () => {
    const user = await createUserWithToken(h.t.db);
    const { sessionId } = await payWithoutDelivery(user, 'credits_50', CARD.disputed);
    // Fulfilment first this time: the charge is already disputed, so the pack is frozen from the start.
    await processStripeEvent(h.app, pendingEvent('checkout.session.completed', sessionId));
    await deductCredit(h.app, user.teamId, 'ai_stories', 20, 'story-a'); // from the allowance only
    await h.deliver();
    expect((await packsOf(user.teamId))[0]).toMatchObject({ remaining: 0, disputeHeld: 50 });
    expect(await spendable(user.teamId)).toBe(5);
    await h.app.stripe.disputes.update((await disputeOf(user.teamId)).id, {
      evidence: { uncategorized_text: 'winning_evidence' },
    });
    await h.deliver();
    expect((await purchasesOf(user.teamId))[0]).toMatchObject({ disputeStatus: 'won', status: 'paid' });
    expect((await packsOf(user.teamId))[0]).toMatchObject({ remaining: 50, disputeHeld: 0, voidedAt: null });
    expect(await spendable(user.teamId)).toBe(55);
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('a pack whose dispute event was parked before fulfilment is still held when fulfilled', async () => {
    const user = await createUserWithToken(h.t.db);
    const { sessionId, paymentIntent } = await payWithoutDelivery(user, 'credits_50', CARD.disputed);
    const [dispute] = (await h.app.stripe.disputes.list({ payment_intent: paymentIntent })).data;
    expect(
      await processStripeEvent({ ...h.app, retryLimit: 1 }, pendingEvent('charge.dispute.created', dispute!.id)),
    ).toBe('parked');
    await processStripeEvent(h.app, pendingEvent('checkout.session.completed', sessionId));
    expect((await packsOf(user.teamId))[0]).toMatchObject({ remaining: 0, disputeHeld: 50 });
    expect((await purchasesOf(user.teamId))[0]).toMatchObject({ disputeStatus: 'open' });
    await h.deliver();
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('a disputed plan payment whose dispute event was parked still marks the team disputed', async () => {
    const user = await createUserWithToken(h.t.db);
    await payWithoutDelivery(user, 'business_monthly', CARD.disputed);
    const created = h.emu.pendingEvents().find((e) => e.type === 'charge.dispute.created')!;
    expect(await processStripeEvent({ ...h.app, retryLimit: 1 }, created)).toBe('parked');
    await h.deliver();
    expect(await billingStanding(h.t.db, user.teamId)).toMatchObject({ disputed: true });
  });

  it('a disputed plan payment marks the team disputed until the dispute is won', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly', { card: CARD.disputed });
    expect(await billingStanding(h.t.db, user.teamId)).toMatchObject({ disputed: true });
    const pi = await invoicePaymentIntent(user.teamId);
    const [dispute] = (await h.app.stripe.disputes.list({ payment_intent: pi })).data;
    await h.emulator(`disputes/${dispute!.id}/close`, { outcome: 'won' });
    await h.deliver();
    expect(await billingStanding(h.t.db, user.teamId)).toMatchObject({ disputed: false });
  });
});

describe('one trial per card', () => {
  it('a second team trialing with a card that already had a trial is charged at once', async () => {
    const first = await createUserWithToken(h.t.db);
    const second = await createUserWithToken(h.t.db);
    const other = await createUserWithToken(h.t.db);
    const card = '5555555555554444';
    await h.buy(first, 'professional_monthly', { trialDays: 14, card });
    await h.buy(second, 'professional_monthly', { trialDays: 14, card, order: 'shuffled', duplicate: true });
    await h.buy(other, 'professional_monthly', { trialDays: 14, card: '4000056655665556' });
    await h.deliver(); // the invoice for the trial that was refused
    const statusOf = async (teamId: string) =>
      (await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, teamId)))[0]!.status;
    expect(await statusOf(first.teamId)).toBe('trialing');
    expect(await statusOf(second.teamId)).toBe('active');
    expect(await statusOf(other.teamId)).toBe('trialing');
    expect(await purchasesOf(second.teamId)).toMatchObject([{ packageId: 'professional_monthly', amount: 1000 }]);
    expect(await purchasesOf(first.teamId)).toEqual([]);
  });

  it('two teams starting a trial with one card at the same moment: one trial, the other is charged', async () => {
    const a = await createUserWithToken(h.t.db);
    const b = await createUserWithToken(h.t.db);
    const card = '6011111111111117';
    const first = await payWithoutDelivery(a, 'professional_monthly', card, 7);
    const second = await payWithoutDelivery(b, 'professional_monthly', card, 7);
    const events = [first, second].map((x) => pendingEvent('checkout.session.completed', x.sessionId));
    const settled = await Promise.allSettled(events.map((e) => processStripeEvent(h.app, e)));
    // Stripe retries whatever answered 500 (the loser of the race, if both read the card as unused).
    for (const [i, result] of settled.entries()) {
      if (result.status === 'rejected') {
        expect(result.reason).toMatchObject({ code: 'trial_card_race' });
        expect(await processStripeEvent(h.app, events[i]!)).toBe('processed');
      }
    }
    await h.deliver();
    await h.deliver();
    const statuses = await Promise.all(
      [a, b].map(
        async (u) => (await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, u.teamId)))[0]!.status,
      ),
    );
    expect(statuses.sort()).toEqual(['active', 'trialing']);
  });
});
