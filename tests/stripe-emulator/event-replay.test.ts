import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { WEBHOOK_SECRET, seedCatalog, startHarness, startReceiver, type Harness } from './harness';

/**
 * For each event type the local Stripe emits for the objects of issue 22: a short scripted sequence
 * of public API calls, as an integration's own test would make (and as `stripe trigger` fixtures do),
 * and the event delivered to a registered endpoint, signed so stripe.webhooks.constructEvent accepts it.
 */
const verifier = new Stripe('sk_test_unused');
let h: Harness;
let stripe: Stripe;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let catalog: Awaited<ReturnType<typeof seedCatalog>>;

beforeAll(async () => {
  rx = await startReceiver();
  h = await startHarness({ webhookUrls: [rx.url], webhookSecret: WEBHOOK_SECRET });
  stripe = h.stripe;
  catalog = await seedCatalog(stripe);
});
afterAll(async () => {
  await h.close();
  await rx.close();
});

const swallow = (p: Promise<unknown>) => p.catch(() => undefined);
const customer = () => stripe.customers.create({ email: 'replay@example.com' });
async function customerWithDefault(pm = 'pm_card_visa') {
  const c = await customer();
  const card = await stripe.paymentMethods.attach(pm, { customer: c.id });
  await stripe.customers.update(c.id, { invoice_settings: { default_payment_method: card.id } });
  return c;
}
const confirmedIntent = (payment_method: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
  stripe.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    payment_method,
    allowed_payment_method_types: ['card'],
    confirm: true,
    ...extra,
  });
async function draftWithItem(c?: Stripe.Customer) {
  const cust = c ?? (await customerWithDefault());
  const inv = await stripe.invoices.create({ customer: cust.id, currency: 'usd' });
  await stripe.invoiceItems.create({ customer: cust.id, invoice: inv.id, amount: 1200, currency: 'usd' });
  return inv;
}

/** Event type → the calls that produce it; returns the id the event's object must have (when known). */
const SCENARIOS: Array<[string, () => Promise<string | undefined>]> = [
  ['payment_intent.created', async () => (await stripe.paymentIntents.create({ amount: 500, currency: 'usd' })).id],
  ['payment_intent.succeeded', async () => (await confirmedIntent('pm_card_visa')).id],
  [
    'payment_intent.payment_failed',
    async () => {
      const e = await confirmedIntent('pm_card_chargeDeclined').catch((err: Stripe.errors.StripeCardError) => err);
      return ((e as Stripe.errors.StripeCardError).payment_intent as Stripe.PaymentIntent).id;
    },
  ],
  [
    'payment_intent.requires_action',
    async () => (await confirmedIntent('pm_card_threeDSecure2Required', { return_url: 'https://x.example' })).id,
  ],
  [
    'payment_intent.amount_capturable_updated',
    async () => (await confirmedIntent('pm_card_visa', { capture_method: 'manual' })).id,
  ],
  [
    'payment_intent.canceled',
    async () =>
      (await stripe.paymentIntents.cancel((await stripe.paymentIntents.create({ amount: 500, currency: 'usd' })).id))
        .id,
  ],
  ['charge.succeeded', async () => (await confirmedIntent('pm_card_visa')).latest_charge as string],
  [
    'charge.failed',
    async () => {
      const e = await confirmedIntent('pm_card_chargeDeclinedInsufficientFunds').catch(
        (err: Stripe.errors.StripeCardError) => err,
      );
      return ((e as Stripe.errors.StripeCardError).payment_intent as Stripe.PaymentIntent).latest_charge as string;
    },
  ],
  [
    'charge.captured',
    async () => {
      const pi = await confirmedIntent('pm_card_visa', { capture_method: 'manual' });
      return (await stripe.paymentIntents.capture(pi.id)).latest_charge as string;
    },
  ],
  [
    'charge.refunded',
    async () => {
      const pi = await confirmedIntent('pm_card_visa');
      await stripe.refunds.create({ payment_intent: pi.id, amount: 500 });
      return pi.latest_charge as string;
    },
  ],
  [
    'refund.created',
    async () => (await stripe.refunds.create({ payment_intent: (await confirmedIntent('pm_card_visa')).id })).id,
  ],
  [
    'payment_method.attached',
    async () => (await stripe.paymentMethods.attach('pm_card_visa', { customer: (await customer()).id })).id,
  ],
  [
    'payment_method.detached',
    async () => {
      const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: (await customer()).id });
      return (await stripe.paymentMethods.detach(pm.id)).id;
    },
  ],
  [
    'payment_method.updated',
    async () => {
      const pm = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
      return (await stripe.paymentMethods.update(pm.id, { metadata: { a: '1' } })).id;
    },
  ],
  ['setup_intent.created', async () => (await stripe.setupIntents.create({ customer: (await customer()).id })).id],
  [
    'setup_intent.succeeded',
    async () =>
      (
        await stripe.setupIntents.create({
          customer: (await customer()).id,
          payment_method: 'pm_card_visa',
          confirm: true,
        })
      ).id,
  ],
  [
    'setup_intent.setup_failed',
    async () => {
      const c = await customer();
      const e = await stripe.setupIntents
        .create({ customer: c.id, payment_method: 'pm_card_chargeDeclined', confirm: true })
        .catch((err: Stripe.errors.StripeCardError) => err);
      return ((e as Stripe.errors.StripeCardError).raw as { setup_intent?: { id: string } }).setup_intent?.id;
    },
  ],
  [
    'setup_intent.requires_action',
    async () =>
      (
        await stripe.setupIntents.create({
          customer: (await customer()).id,
          payment_method: 'pm_card_authenticationRequired',
          confirm: true,
          return_url: 'https://x.example',
        })
      ).id,
  ],
  [
    'setup_intent.canceled',
    async () => (await stripe.setupIntents.cancel((await stripe.setupIntents.create({})).id)).id,
  ],
  ['customer.deleted', async () => (await stripe.customers.del((await customer()).id)).id],
  [
    'customer.subscription.created',
    async () =>
      (
        await stripe.subscriptions.create({
          customer: (await customerWithDefault()).id,
          items: [{ price: catalog.monthly.id }],
        })
      ).id,
  ],
  [
    'customer.subscription.trial_will_end',
    async () =>
      (
        await stripe.subscriptions.create({
          customer: (await customerWithDefault()).id,
          items: [{ price: catalog.monthly.id }],
          trial_period_days: 2,
        })
      ).id,
  ],
  [
    'customer.subscription.deleted',
    async () => {
      const sub = await stripe.subscriptions.create({
        customer: (await customerWithDefault()).id,
        items: [{ price: catalog.monthly.id }],
      });
      return (await stripe.subscriptions.cancel(sub.id)).id;
    },
  ],
  [
    'invoice.created',
    async () => (await stripe.invoices.create({ customer: (await customer()).id, currency: 'usd' })).id,
  ],
  ['invoice.updated', async () => (await stripe.invoices.update((await draftWithItem()).id, { description: 'x' })).id],
  ['invoice.finalized', async () => (await stripe.invoices.finalizeInvoice((await draftWithItem()).id)).id],
  ['invoice.paid', async () => (await stripe.invoices.pay((await draftWithItem()).id)).id],
  [
    'invoice.payment_failed',
    async () => {
      const inv = await draftWithItem(await customerWithDefault('pm_card_chargeCustomerFail'));
      await swallow(stripe.invoices.pay(inv.id));
      return inv.id;
    },
  ],
  [
    'invoice.voided',
    async () => {
      const inv = await stripe.invoices.finalizeInvoice((await draftWithItem()).id);
      return (await stripe.invoices.voidInvoice(inv.id)).id;
    },
  ],
  [
    'invoice.marked_uncollectible',
    async () => {
      const inv = await stripe.invoices.finalizeInvoice((await draftWithItem()).id);
      return (await stripe.invoices.markUncollectible(inv.id)).id;
    },
  ],
  [
    'invoice.sent',
    async () => {
      const c = await customerWithDefault();
      const inv = await stripe.invoices.create({
        customer: c.id,
        collection_method: 'send_invoice',
        days_until_due: 7,
      });
      await stripe.invoiceItems.create({ customer: c.id, invoice: inv.id, amount: 800, currency: 'usd' });
      return (await stripe.invoices.sendInvoice(inv.id)).id;
    },
  ],
  [
    'invoice.payment_action_required',
    async () => {
      const inv = await draftWithItem(await customerWithDefault('pm_card_authenticationRequired'));
      await swallow(stripe.invoices.pay(inv.id));
      return inv.id;
    },
  ],
  ['invoice.deleted', async () => (await stripe.invoices.del((await draftWithItem()).id)).id],
  [
    'invoiceitem.created',
    async () =>
      (await stripe.invoiceItems.create({ customer: (await customer()).id, amount: 300, currency: 'usd' })).id,
  ],
  [
    'invoiceitem.deleted',
    async () => {
      const ii = await stripe.invoiceItems.create({ customer: (await customer()).id, amount: 300, currency: 'usd' });
      return (await stripe.invoiceItems.del(ii.id)).id;
    },
  ],
  ['coupon.created', async () => (await stripe.coupons.create({ percent_off: 15 })).id],
  [
    'coupon.updated',
    async () => (await stripe.coupons.update((await stripe.coupons.create({ percent_off: 15 })).id, { name: 'n' })).id,
  ],
  ['coupon.deleted', async () => (await stripe.coupons.del((await stripe.coupons.create({ percent_off: 15 })).id)).id],
  [
    'promotion_code.created',
    async () =>
      (
        await stripe.promotionCodes.create({
          promotion: { type: 'coupon', coupon: (await stripe.coupons.create({ percent_off: 5 })).id },
        })
      ).id,
  ],
  [
    'promotion_code.updated',
    async () => {
      const coupon = await stripe.coupons.create({ percent_off: 5 });
      const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id } });
      return (await stripe.promotionCodes.update(promo.id, { active: false })).id;
    },
  ],
  [
    'billing_portal.configuration.created',
    async () =>
      (await stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } } })).id,
  ],
  [
    'billing_portal.configuration.updated',
    async () => {
      const c = await stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } } });
      return (await stripe.billingPortal.configurations.update(c.id, { active: false })).id;
    },
  ],
  [
    'billing_portal.session.created',
    async () => (await stripe.billingPortal.sessions.create({ customer: (await customer()).id })).id,
  ],
];

describe('every event type of issue 22 is delivered, signed, after the calls that cause it', () => {
  it.each(SCENARIOS)('%s', async (type, scenario) => {
    const already = rx.received.length;
    const objectId = await scenario();
    await h.emu.flushWebhooks();
    const fresh = rx.received.slice(already).filter((r) => r.event.type === type);
    expect(fresh.length).toBeGreaterThan(0);
    const match = objectId ? fresh.find((r) => (r.event.data.object as { id: string }).id === objectId) : fresh[0];
    expect(match, `a ${type} event for ${objectId}`).toBeDefined();
    const verified = verifier.webhooks.constructEvent(
      match!.body,
      match!.headers['stripe-signature'] as string,
      WEBHOOK_SECRET,
    );
    expect(verified.type).toBe(type);
    expect(verified.api_version).toBe('2026-10-28.endive');
  });
});
