import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stripeProducts, subscriptions, teams, trialCardFingerprints, userPurchases } from '@/db/schema';
import { createLogger, type Logger } from '@/lib/logger';
import { recordPurchase } from '@/lib/purchases';
import { mirrorSubscription } from '@/lib/subscriptions/mirror';
import {
  claimTrialCard,
  endTrialForUsedCard,
  subscriptionCardFingerprint,
  TrialCardRace,
  trialCardOwner,
} from '@/lib/subscriptions/trial-cards';
import { createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

/** mirrorSubscription and the trial-card rules called directly against the local Stripe. */
let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const priceId = async (packageId: string) =>
  (await h.t.db.select().from(stripeProducts).where(eq(stripeProducts.id, packageId)))[0]!.stripePriceId!;
const customerOf = async (teamId: string) =>
  (await h.t.db.select().from(teams).where(eq(teams.id, teamId)))[0]!.stripeCustomerId!;
const mirrorsOf = (teamId: string) => h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, teamId));
const purchasesOf = (teamId: string) => h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, teamId));

function spyLogger() {
  const logger = createLogger({ level: 'silent' });
  return { logger, warn: vi.spyOn(logger, 'warn'), error: vi.spyOn(logger, 'error') };
}
/** The mirror in its own transaction, as the webhook runs it; `stripe` stands in for Stripe where a test needs it to answer otherwise. */
const mirror = (
  seen: Stripe.Subscription,
  { logger = createLogger({ level: 'silent' }), stripe = h.app.stripe }: { logger?: Logger; stripe?: Stripe } = {},
) => h.t.db.transaction((tx) => mirrorSubscription(tx, { stripe, clock: h.app.clock, logger }, seen));

/** A subscription created at Stripe directly (as the dashboard or a second tab would), paid with a card. */
async function directSubscription(
  user: TestUser,
  packageId: string,
  options: { trialDays?: number; card?: string; incomplete?: boolean } = {},
): Promise<Stripe.Subscription> {
  const customer = await customerOf(user.teamId);
  const pm = await h.app.stripe.paymentMethods.attach(options.card ?? 'pm_card_visa', { customer });
  return h.app.stripe.subscriptions.create({
    customer,
    items: [{ price: await priceId(packageId) }],
    default_payment_method: pm.id,
    metadata: { team_id: user.teamId, user_id: user.userId },
    ...(options.trialDays ? { trial_period_days: options.trialDays } : {}),
    ...(options.incomplete ? { payment_behavior: 'default_incomplete' as const } : {}),
  });
}

describe('mirrorSubscription', () => {
  it('mirrors what Stripe has now, not the snapshot it was given', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const [row] = await mirrorsOf(user.teamId);
    const live = await h.app.stripe.subscriptions.retrieve(row!.stripeSubscriptionId);
    const stale = { ...live, status: 'past_due', cancel_at_period_end: true } as Stripe.Subscription;
    expect(await mirror(stale)).toEqual({ teamId: user.teamId, subscriptionId: row!.id });
    expect((await mirrorsOf(user.teamId))[0]).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });
  });

  it('mirrors nothing for a subscription of no known team', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const [row] = await mirrorsOf(user.teamId);
    const live = await h.app.stripe.subscriptions.retrieve(row!.stripeSubscriptionId);
    const { logger, warn } = spyLogger();
    expect(await mirror({ ...live, metadata: {}, customer: 'cus_nobody' }, { logger })).toBeNull();
    expect(warn).not.toHaveBeenCalled();
  });

  it('a second paid plan of the team is cancelled and its payment refunded and recorded in full', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const [kept] = await mirrorsOf(user.teamId);
    const duplicate = await directSubscription(user, 'business_monthly');
    expect(duplicate.status).toBe('active');
    const { logger, warn, error } = spyLogger();
    const result = await mirror(duplicate, { logger });

    expect((await h.app.stripe.subscriptions.retrieve(duplicate.id)).status).toBe('canceled');
    const mirrors = await mirrorsOf(user.teamId);
    expect(mirrors.map((m) => [m.stripeSubscriptionId, m.status]).sort()).toEqual(
      [
        [kept!.stripeSubscriptionId, 'active'],
        [duplicate.id, 'canceled'],
      ].sort(),
    );
    expect(result).toEqual({ teamId: user.teamId, subscriptionId: mirrors.find((m) => m.status === 'canceled')!.id });

    const [invoice] = (await h.app.stripe.invoices.list({ subscription: duplicate.id, status: 'paid' })).data;
    expect(invoice!.amount_paid).toBeGreaterThan(0);
    const purchases = await purchasesOf(user.teamId);
    const refunded = purchases.find((p) => p.stripeSubscriptionId === duplicate.id)!;
    expect(refunded).toMatchObject({
      packageId: 'business_monthly',
      stripeInvoiceId: invoice!.id,
      amount: invoice!.amount_paid,
      currency: invoice!.currency,
      userId: user.userId,
      purchasedAt: new Date((invoice!.status_transitions.paid_at ?? invoice!.created) * 1000),
      status: 'refunded',
      amountRefunded: invoice!.amount_paid,
      refundReason: 'duplicate_subscription',
    });
    const refunds = await h.app.stripe.refunds.list({ payment_intent: refunded.stripePaymentIntentId! });
    expect(refunds.data.map((r) => [r.amount, r.reason, r.metadata?.reason])).toEqual([
      [invoice!.amount_paid, 'duplicate', 'duplicate_subscription'],
    ]);
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(
      {
        teamId: user.teamId,
        subscriptionId: duplicate.id,
        keptSubscriptionId: kept!.stripeSubscriptionId,
        refundedInvoices: 1,
      },
      'Cancelled and refunded a duplicate subscription',
    );
    // The kept plan's own payment is untouched.
    expect(purchases.filter((p) => p.stripeSubscriptionId !== duplicate.id).map((p) => p.status)).toEqual(['paid']);

    // Mirrored again (a retried event): the duplicate is cancelled already, nothing more is refunded.
    warn.mockClear();
    await mirror(duplicate, { logger });
    expect(warn).not.toHaveBeenCalled();
    expect((await h.app.stripe.refunds.list({ payment_intent: refunded.stripePaymentIntentId! })).data).toHaveLength(1);
  });

  it('a duplicate whose refund failed half-way is still refunded when the event is retried', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const duplicate = await directSubscription(user, 'business_monthly');
    // Stripe (or the network) fails the refund once: the transaction rolls back, the event is retried.
    const flaky = Object.create(h.app.stripe) as Stripe;
    Object.defineProperty(flaky, 'refunds', {
      value: {
        create: () => Promise.reject(new Error('connection reset by peer')),
        list: h.app.stripe.refunds.list.bind(h.app.stripe.refunds),
      },
    });
    await expect(mirror(duplicate, { stripe: flaky })).rejects.toThrow('connection reset by peer');
    await mirror(duplicate);

    const [invoice] = (await h.app.stripe.invoices.list({ subscription: duplicate.id, status: 'paid' })).data;
    expect(invoice!.amount_paid).toBeGreaterThan(0);
    expect((await h.app.stripe.subscriptions.retrieve(duplicate.id)).status).toBe('canceled');
    const refunded = (await purchasesOf(user.teamId)).find((p) => p.stripeSubscriptionId === duplicate.id);
    expect(refunded).toMatchObject({
      status: 'refunded',
      amountRefunded: invoice!.amount_paid,
      refundReason: 'duplicate_subscription',
    });
    const refunds = await h.app.stripe.refunds.list({ payment_intent: refunded!.stripePaymentIntentId! });
    expect(refunds.data.reduce((sum, r) => sum + r.amount, 0)).toBe(invoice!.amount_paid);
    // Retried once more: the refund is not made twice.
    await mirror(duplicate);
    expect((await h.app.stripe.refunds.list({ payment_intent: refunded!.stripePaymentIntentId! })).data).toHaveLength(
      1,
    );
  });

  it('a duplicate whose cancellation failed is cancelled on the retry without a second refund', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const duplicate = await directSubscription(user, 'business_monthly');
    const flaky = Object.create(h.app.stripe) as Stripe;
    Object.defineProperty(flaky, 'subscriptions', {
      value: {
        retrieve: h.app.stripe.subscriptions.retrieve.bind(h.app.stripe.subscriptions),
        cancel: () => Promise.reject(new Error('connection reset by peer')),
      },
    });
    await expect(mirror(duplicate, { stripe: flaky })).rejects.toThrow('connection reset by peer');
    await mirror(duplicate);
    const [invoice] = (await h.app.stripe.invoices.list({ subscription: duplicate.id, status: 'paid' })).data;
    expect((await h.app.stripe.subscriptions.retrieve(duplicate.id)).status).toBe('canceled');
    const refunded = (await purchasesOf(user.teamId)).find((p) => p.stripeSubscriptionId === duplicate.id)!;
    expect(refunded).toMatchObject({ status: 'refunded', amountRefunded: invoice!.amount_paid });
    const refunds = await h.app.stripe.refunds.list({ payment_intent: refunded.stripePaymentIntentId! });
    expect(refunds.data.map((r) => r.amount)).toEqual([invoice!.amount_paid]);
  });

  it("refunds the invoice's paid payment, not an earlier failed attempt; an invoice paid outside Stripe is logged, not refunded", async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const duplicate = await directSubscription(user, 'business_monthly');
    const [paid] = (
      await h.app.stripe.invoices.list({ subscription: duplicate.id, status: 'paid', expand: ['data.payments'] })
    ).data;
    const realPayment = paid!.payments!.data[0]!;
    // Stripe's answer as it is for an invoice whose first attempt failed: two payments, the paid one second.
    const failedAttempt = {
      ...realPayment,
      status: 'failed',
      payment: { type: 'payment_intent', payment_intent: 'pi_failed_attempt' },
    };
    const withPayments = (payments: unknown[]) => {
      const stripe = Object.create(h.app.stripe) as Stripe;
      Object.defineProperty(stripe, 'invoices', {
        value: {
          list: async (params: Stripe.InvoiceListParams) => {
            const list = await h.app.stripe.invoices.list(params);
            return { ...list, data: list.data.map((i) => ({ ...i, payments: { ...i.payments!, data: payments } })) };
          },
        },
      });
      return stripe;
    };
    const { logger, error } = spyLogger();
    await mirror(duplicate, { logger, stripe: withPayments([failedAttempt, realPayment]) });
    const pi = realPayment.payment.payment_intent as string;
    expect((await h.app.stripe.refunds.list({ payment_intent: pi })).data.map((r) => r.amount)).toEqual([
      paid!.amount_paid,
    ]);
    expect(error).not.toHaveBeenCalled();

    // Another duplicate whose invoice Stripe reports paid without a payment intent (recorded out of band).
    const other = await createUserWithToken(h.t.db);
    await h.buy(other, 'professional_monthly');
    const second = await directSubscription(other, 'business_monthly');
    const outOfBand = { ...realPayment, status: 'paid', payment: { type: 'payment_record', payment_record: 'pr_1' } };
    await mirror(second, { logger, stripe: withPayments([outOfBand]) });
    const [secondInvoice] = (await h.app.stripe.invoices.list({ subscription: second.id, status: 'paid' })).data;
    expect(error).toHaveBeenCalledWith(
      { teamId: other.teamId, subscriptionId: second.id, invoiceId: secondInvoice!.id },
      'Duplicate subscription invoice has no payment to refund',
    );
    expect((await h.app.stripe.subscriptions.retrieve(second.id)).status).toBe('canceled');
    expect((await purchasesOf(other.teamId)).filter((p) => p.stripeSubscriptionId === second.id)).toEqual([]);
  });

  /** A duplicate whose first invoice was left to pay (incomplete, not live yet) and paid an hour later. */
  async function paidLater(user: TestUser): Promise<{ duplicate: Stripe.Subscription; invoice: Stripe.Invoice }> {
    await h.buy(user, 'professional_monthly');
    const duplicate = await directSubscription(user, 'business_monthly', { incomplete: true });
    expect(duplicate.status).toBe('incomplete');
    await h.emulator('clock/advance', { seconds: 3600 });
    const [open] = (await h.app.stripe.invoices.list({ subscription: duplicate.id, status: 'open' })).data;
    const good = await h.app.stripe.paymentMethods.attach('pm_card_visa', { customer: await customerOf(user.teamId) });
    await h.app.stripe.invoices.pay(open!.id!, { payment_method: good.id });
    const invoice = await h.app.stripe.invoices.retrieve(open!.id!);
    expect(invoice.status_transitions.paid_at).toBeGreaterThan(invoice.created);
    return { duplicate, invoice };
  }

  it('a duplicate paid later than its invoice was made is recorded at the payment', async () => {
    const user = await createUserWithToken(h.t.db);
    const { duplicate, invoice } = await paidLater(user);
    await mirror(await h.app.stripe.subscriptions.retrieve(duplicate.id));
    const refunded = (await purchasesOf(user.teamId)).find((p) => p.stripeSubscriptionId === duplicate.id)!;
    expect(refunded).toMatchObject({
      status: 'refunded',
      amountRefunded: invoice.amount_paid,
      purchasedAt: new Date(invoice.status_transitions.paid_at! * 1000),
    });
  });

  it('a duplicate whose payment was recorded without its payment intent gets it with the refund', async () => {
    const user = await createUserWithToken(h.t.db);
    const { duplicate, invoice } = await paidLater(user);
    // invoice.paid got here first and recorded the payment without finding its payment intent.
    await recordPurchase(h.t.db, {
      teamId: user.teamId,
      packageId: 'business_monthly',
      businessKey: `invoice:${invoice.id}`,
      stripeInvoiceId: invoice.id,
      stripeSubscriptionId: duplicate.id,
      amount: invoice.amount_paid,
      currency: invoice.currency,
      purchasedAt: new Date(invoice.status_transitions.paid_at! * 1000),
    });
    await mirror(await h.app.stripe.subscriptions.retrieve(duplicate.id));
    const refunded = (await purchasesOf(user.teamId)).find((p) => p.stripeSubscriptionId === duplicate.id)!;
    expect(refunded).toMatchObject({ status: 'refunded', amountRefunded: invoice.amount_paid });
    expect(refunded.stripePaymentIntentId).toMatch(/^pi_/);
    const refunds = await h.app.stripe.refunds.list({ payment_intent: refunded.stripePaymentIntentId! });
    expect(refunds.data.map((r) => r.amount)).toEqual([invoice.amount_paid]);
  });

  it('a second plan in its trial is cancelled with nothing to refund', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const duplicate = await directSubscription(user, 'business_annual', { trialDays: 7 });
    expect(duplicate.status).toBe('trialing');
    const { logger, warn, error } = spyLogger();
    await mirror(duplicate, { logger });
    expect((await h.app.stripe.subscriptions.retrieve(duplicate.id)).status).toBe('canceled');
    expect((await mirrorsOf(user.teamId)).map((m) => m.status).sort()).toEqual(['active', 'canceled']);
    expect((await purchasesOf(user.teamId)).map((p) => p.stripeSubscriptionId)).not.toContain(duplicate.id);
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ subscriptionId: duplicate.id }),
      'Cancelled and refunded a duplicate subscription',
    );
  });

  it("the team's only plan, or a cancelled one, is never taken for a duplicate", async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const [first] = await mirrorsOf(user.teamId);
    const { logger, warn } = spyLogger();
    await mirror(await h.app.stripe.subscriptions.retrieve(first!.stripeSubscriptionId), { logger });
    await h.app.stripe.subscriptions.cancel(first!.stripeSubscriptionId);
    await mirror(await h.app.stripe.subscriptions.retrieve(first!.stripeSubscriptionId), { logger });
    // A new plan after the cancelled one is the team's plan, not a duplicate.
    const next = await directSubscription(user, 'business_monthly');
    await mirror(next, { logger });
    // The cancelled plan's late event, mirrored after the new plan: not a duplicate, its payment kept.
    await mirror(await h.app.stripe.subscriptions.retrieve(first!.stripeSubscriptionId), { logger });
    expect(warn).not.toHaveBeenCalled();
    await h.deliver();
    const firstPayment = (await purchasesOf(user.teamId)).find(
      (p) => p.stripeSubscriptionId === first!.stripeSubscriptionId,
    )!;
    expect(firstPayment).toMatchObject({ status: 'paid', amountRefunded: 0 });
    expect((await h.app.stripe.refunds.list({ payment_intent: firstPayment.stripePaymentIntentId! })).data).toEqual([]);
    expect((await h.app.stripe.subscriptions.retrieve(next.id)).status).toBe('active');
    expect((await mirrorsOf(user.teamId)).map((m) => [m.stripeSubscriptionId, m.status]).sort()).toEqual(
      [
        [first!.stripeSubscriptionId, 'canceled'],
        [next.id, 'active'],
      ].sort(),
    );
  });
});

describe('one trial per card', () => {
  it('reads the fingerprint of the card a subscription charges: the same card number on another customer gives the same one', async () => {
    const a = await createUserWithToken(h.t.db);
    const b = await createUserWithToken(h.t.db);
    await h.buy(a, 'credits_50');
    await h.buy(b, 'credits_50');
    const subA = await directSubscription(a, 'professional_monthly', { trialDays: 7, card: 'pm_card_visa' });
    const subB = await directSubscription(b, 'professional_monthly', { trialDays: 7, card: 'pm_card_visa' });
    const subC = await directSubscription(b, 'business_monthly', { trialDays: 7, card: 'pm_card_mastercard' });
    const pm = await h.app.stripe.paymentMethods.retrieve(subA.default_payment_method as string);
    expect(pm.card!.fingerprint).toBeTruthy();
    expect(await subscriptionCardFingerprint(h.app.stripe, subA)).toBe(pm.card!.fingerprint);
    expect(await subscriptionCardFingerprint(h.app.stripe, subB)).toBe(pm.card!.fingerprint);
    expect(await subscriptionCardFingerprint(h.app.stripe, { ...subA, default_payment_method: pm })).toBe(
      pm.card!.fingerprint,
    );
    expect(await subscriptionCardFingerprint(h.app.stripe, subC)).not.toBe(pm.card!.fingerprint);
    expect(await subscriptionCardFingerprint(h.app.stripe, { ...subA, default_payment_method: null })).toBeNull();
  });

  it('claims a card for one team: the same team may claim it again, another team loses the race', async () => {
    const a = await createUserWithToken(h.t.db);
    const b = await createUserWithToken(h.t.db);
    const fingerprint = `fp_test_${Date.now()}`;
    expect(await trialCardOwner(h.t.db, fingerprint)).toBeNull();
    await h.t.db.transaction((tx) =>
      claimTrialCard(tx, { fingerprint, teamId: a.teamId, stripeSubscriptionId: 'sub_a' }),
    );
    expect(await trialCardOwner(h.t.db, fingerprint)).toBe(a.teamId);
    await h.t.db.transaction((tx) =>
      claimTrialCard(tx, { fingerprint, teamId: a.teamId, stripeSubscriptionId: 'sub_a2' }),
    );
    const lost = h.t.db.transaction((tx) =>
      claimTrialCard(tx, { fingerprint, teamId: b.teamId, stripeSubscriptionId: 'sub_b' }),
    );
    await expect(lost).rejects.toBeInstanceOf(TrialCardRace);
    await expect(lost).rejects.toMatchObject({
      code: 'trial_card_race',
      status: 500,
      message: 'Another team claimed this card for a trial at the same moment; retry',
    });
    const rows = await h.t.db
      .select()
      .from(trialCardFingerprints)
      .where(eq(trialCardFingerprints.fingerprint, fingerprint));
    expect(rows.map((r) => [r.teamId, r.stripeSubscriptionId])).toEqual([[a.teamId, 'sub_a']]);
    expect(await trialCardOwner(h.t.db, `${fingerprint}_other`)).toBeNull();
  });

  it('ends the trial of a card that already had one: the subscription is charged now, once, and the refusal logged', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'credits_50');
    const sub = await directSubscription(user, 'professional_monthly', { trialDays: 14 });
    expect(sub.status).toBe('trialing');
    const { logger, warn } = spyLogger();
    const ended = await endTrialForUsedCard(h.app.stripe, logger, sub, 'team-that-had-the-trial');
    expect(ended.status).toBe('active');
    expect(ended.trial_end).toBeLessThanOrEqual(sub.created + 60);
    expect(warn).toHaveBeenCalledWith(
      { subscriptionId: sub.id, trialOwnerTeamId: 'team-that-had-the-trial', status: 'active' },
      'Trial refused: the card already had a trial; charged now',
    );
    const paid = (await h.app.stripe.invoices.list({ subscription: sub.id, status: 'paid' })).data;
    expect(paid.map((i) => i.amount_paid).sort()).toEqual([0, 1000]);
    // Retried (the event again): the same request, nothing charged twice.
    await endTrialForUsedCard(h.app.stripe, logger, sub, 'team-that-had-the-trial');
    expect((await h.app.stripe.invoices.list({ subscription: sub.id, status: 'paid' })).data).toHaveLength(2);
  });
});
