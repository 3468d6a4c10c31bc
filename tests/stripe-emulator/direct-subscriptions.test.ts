import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { seedCatalog, startHarness, type Harness } from './harness';

let h: Harness;
let stripe: Stripe;
let catalog: Awaited<ReturnType<typeof seedCatalog>>;
beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
  catalog = await seedCatalog(stripe);
});
afterAll(() => h.close());

async function customerWith(pm: string): Promise<{ customer: Stripe.Customer; card: Stripe.PaymentMethod }> {
  const customer = await stripe.customers.create({ email: `${pm}@example.com` });
  const card = await stripe.paymentMethods.attach(pm, { customer: customer.id });
  return { customer, card };
}

describe('subscriptions created through the API', () => {
  it('items + default_payment_method: active, first invoice paid with that card', async () => {
    const { customer, card } = await customerWith('pm_card_visa');
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }, { price: catalog.storage.id, quantity: 2 }],
      default_payment_method: card.id,
      expand: ['latest_invoice'],
    });
    expect(sub).toMatchObject({ status: 'active', default_payment_method: card.id, currency: 'usd' });
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 1400, billing_reason: 'subscription_create' });
    const charges = await stripe.charges.list({ customer: customer.id });
    expect(charges.data[0]).toMatchObject({ amount: 1400, payment_method: card.id });
  });

  it('trial_period_days and trial_end start a trial; the customer default card pays when it ends', async () => {
    const { customer, card } = await customerWith('pm_card_visa');
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: card.id } });
    const byDays = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      trial_period_days: 14,
    });
    expect(byDays.status).toBe('trialing');
    expect(byDays.trial_end! - byDays.trial_start!).toBe(14 * 86_400);
    const now = (await h.http('GET', '/_emulator/clock')).json.now as number;
    const byEnd = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      trial_end: now + 5 * 86_400 + 17,
    });
    expect(byEnd).toMatchObject({ status: 'trialing', trial_end: now + 5 * 86_400 + 17 });
    await h.http('POST', '/_emulator/clock/advance', { seconds: 6 * 86_400 });
    const after = await stripe.subscriptions.retrieve(byEnd.id, { expand: ['latest_invoice'] });
    expect(after.status).toBe('active');
    expect((after.latest_invoice as Stripe.Invoice).amount_paid).toBe(1000);
  });

  it('payment_behavior: allow_incomplete leaves a declined start incomplete; error_if_incomplete answers 402 and creates nothing', async () => {
    const { customer, card } = await customerWith('pm_card_chargeCustomerFail');
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      default_payment_method: card.id,
    });
    expect(sub.status).toBe('incomplete');
    const before = (await stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data.length;
    await expect(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: catalog.monthly.id }],
        default_payment_method: card.id,
        payment_behavior: 'error_if_incomplete',
      }),
    ).rejects.toMatchObject({ type: 'StripeCardError', code: 'card_declined' });
    expect((await stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data.length).toBe(before);
  });

  it('refuses a card of another customer, unsupported options, unknown parameters; DELETE cancels; resume needs a paused subscription', async () => {
    const { customer } = await customerWith('pm_card_visa');
    const stranger = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    await expect(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: catalog.monthly.id }],
        default_payment_method: stranger.id,
      }),
    ).rejects.toMatchObject({ param: 'default_payment_method' });
    await expect(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: catalog.monthly.id }],
        collection_method: 'send_invoice',
      }),
    ).rejects.toMatchObject({ code: 'parameter_missing', param: 'days_until_due' });
    await expect(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: catalog.monthly.id }],
        days_until_due: 30,
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'days_until_due' });
    await expect(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: catalog.monthly.id }],
        payment_behavior: 'pending_if_incomplete',
      }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'payment_behavior' });
    await expect(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: catalog.monthly.id }],
        plan: 'x',
      } as never),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'plan' });
    const pms = await stripe.customers.listPaymentMethods(customer.id);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.annual.id }],
      default_payment_method: pms.data[0]!.id,
    });
    await expect(stripe.subscriptions.resume(sub.id)).rejects.toMatchObject({ code: 'subscription_not_paused' });
    const canceled = await stripe.subscriptions.cancel(sub.id);
    expect(canceled.status).toBe('canceled');
  });

  it('an always-authenticate card: incomplete, invoice.payment_action_required; completing the challenge pays the invoice and activates', async () => {
    const { customer, card } = await customerWith('pm_card_authenticationRequired');
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      default_payment_method: card.id,
      expand: ['latest_invoice.payments'],
    });
    expect(sub.status).toBe('incomplete');
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 1 });
    const piId = (invoice.payments?.data[0]?.payment as { payment_intent: string }).payment_intent;
    const pi = await stripe.paymentIntents.retrieve(piId);
    expect(pi.status).toBe('requires_action');
    const types = (await stripe.events.list({ limit: 20 })).data.map((e) => e.type);
    expect(types).toContain('invoice.payment_action_required');
    const url = (pi.next_action?.use_stripe_sdk as { stripe_js: string }).stripe_js;
    await fetch(url, {
      method: 'POST',
      body: 'action=complete',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect((await stripe.invoices.retrieve(invoice.id)).status).toBe('paid');
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });

  it('default_incomplete: the first invoice waits with a confirmation_secret; confirming its PaymentIntent activates and saves the card', async () => {
    const customer = await stripe.customers.create({ email: 'elements@example.com' });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      payment_behavior: 'default_incomplete',
      payment_settings: { save_default_payment_method: 'on_subscription' },
      expand: ['latest_invoice.confirmation_secret', 'latest_invoice.payments'],
    });
    expect(sub.status).toBe('incomplete');
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: 'open', amount_due: 1000, attempt_count: 0 });
    const piId = (invoice.payments?.data[0]?.payment as { payment_intent: string }).payment_intent;
    expect(invoice.confirmation_secret).toMatchObject({ type: 'payment_intent' });
    expect(invoice.confirmation_secret?.client_secret.startsWith(`${piId}_secret_`)).toBe(true);
    expect(await stripe.charges.list({ customer: customer.id })).toMatchObject({ data: [] });
    const pi = await stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa' });
    expect(pi.status).toBe('succeeded');
    const active = await stripe.subscriptions.retrieve(sub.id);
    expect(active).toMatchObject({ status: 'active', default_payment_method: pi.payment_method });
    expect((await stripe.invoices.retrieve(invoice.id)).status).toBe('paid');
    expect((await stripe.customers.listPaymentMethods(customer.id)).data.map((x) => x.id)).toEqual([pi.payment_method]);
    await h.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, {});
    const renewed = await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    expect(renewed.status).toBe('active');
    expect((renewed.latest_invoice as Stripe.Invoice).amount_paid).toBe(1000);
  });
});
