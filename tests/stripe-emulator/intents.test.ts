import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startHarness, type Harness } from './harness';

let h: Harness;
let stripe: Stripe;
beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
});
afterAll(() => h.close());

async function cardError(p: Promise<unknown>): Promise<Stripe.errors.StripeCardError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Stripe.errors.StripeCardError);
  return e as Stripe.errors.StripeCardError;
}

async function eventTypes(after: number): Promise<string[]> {
  const events = await stripe.events.list({ limit: 100 });
  return events.data
    .filter((e) => e.created >= after)
    .map((e) => e.type)
    .reverse();
}

describe('payment methods', () => {
  it('creates from card[token], attaches, lists for the customer, detaches (attached / detached events)', async () => {
    const customer = await stripe.customers.create({ email: 'pm@example.com' });
    const pm = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    expect(pm).toMatchObject({ object: 'payment_method', type: 'card', customer: null });
    expect(pm.card).toMatchObject({ brand: 'visa', last4: '4242' });
    const attached = await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    expect(attached.customer).toBe(customer.id);
    const list = await stripe.customers.listPaymentMethods(customer.id);
    expect(list.data.map((x) => x.id)).toEqual([pm.id]);
    const listed = await stripe.paymentMethods.list({ customer: customer.id, type: 'card' });
    expect(listed.data.map((x) => x.id)).toEqual([pm.id]);
    const detached = await stripe.paymentMethods.detach(pm.id);
    expect(detached.customer).toBeNull();
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);
    const types = (await stripe.events.list({ limit: 20 })).data.map((e) => e.type);
    expect(types).toContain('payment_method.attached');
    expect(types).toContain('payment_method.detached');
    await expect(stripe.paymentMethods.detach(pm.id)).rejects.toMatchObject({
      code: 'payment_method_unexpected_state',
    });
  });

  it('named test payment methods create a new PaymentMethod each time; declined cards cannot be attached', async () => {
    const customer = await stripe.customers.create({});
    const a = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id });
    const b = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id });
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^pm_/);
    expect(a.card).toMatchObject({ brand: 'mastercard', last4: '4444' });
    const failLater = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
    expect(failLater.card?.last4).toBe('0341');
    const e = await cardError(stripe.paymentMethods.attach('pm_card_chargeDeclined', { customer: customer.id }));
    expect(e.decline_code).toBe('generic_decline');
    await expect(stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_nope' } })).rejects.toMatchObject({
      code: 'resource_missing',
    });
  });

  it('creates from a testing-page card number and refuses unknown and unsupported parameters', async () => {
    const pm = await stripe.paymentMethods.create({
      type: 'card',
      // Raw numbers are accepted in test mode here, as Stripe accepts them for accounts allowed to.
      card: { number: '4000 0027 6000 3184', exp_month: 4, exp_year: 2031 } as Stripe.PaymentMethodCreateParams.Card,
    });
    expect(pm.card).toMatchObject({ last4: '3184', exp_month: 4, exp_year: 2031 });
    await expect(
      stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' }, bogus: 1 } as never),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'bogus' });
    await expect(
      stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' }, allow_redisplay: 'always' }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'allow_redisplay' });
    await expect(stripe.paymentMethods.create({ type: 'sepa_debit' } as never)).rejects.toMatchObject({
      code: 'parameter_unsupported',
    });
  });
});

describe('customers', () => {
  it('invoice_settings.default_payment_method must be attached; delete answers deleted: true and emits customer.deleted', async () => {
    const customer = await stripe.customers.create({ payment_method: 'pm_card_visa' });
    const [pm] = (await stripe.customers.listPaymentMethods(customer.id)).data;
    expect(pm).toBeDefined();
    const other = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    await expect(
      stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: other.id } }),
    ).rejects.toMatchObject({ param: 'invoice_settings[default_payment_method]' });
    const updated = await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: pm!.id },
    });
    expect(updated.invoice_settings.default_payment_method).toBe(pm!.id);
    // Detaching the default clears it.
    await stripe.paymentMethods.detach(pm!.id);
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      invoice_settings: { default_payment_method: null },
    });
    const deleted = await stripe.customers.del(customer.id);
    expect(deleted).toEqual({ id: customer.id, object: 'customer', deleted: true });
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({ id: customer.id, deleted: true });
    const events = await stripe.events.list({ type: 'customer.deleted' });
    expect(events.data[0]?.data.object).toMatchObject({ id: customer.id, object: 'customer' });
    await expect(stripe.customers.del(customer.id)).rejects.toMatchObject({ code: 'resource_missing' });
  });
});

describe('payment intents', () => {
  it('create + confirm with pm_card_visa succeeds: charge with outcome, card details, receipt_url; events in order', async () => {
    const t0 = (await h.http('GET', '/_emulator/clock')).json.now as number;
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      allowed_payment_method_types: ['card'],
      confirm: true,
      metadata: { order: '7' },
    });
    expect(pi).toMatchObject({ status: 'succeeded', amount_received: 2000, metadata: { order: '7' } });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({
      paid: true,
      captured: true,
      amount_captured: 2000,
      outcome: { type: 'authorized', network_status: 'approved_by_network' },
      payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242' } },
    });
    expect(charge.payment_method_details?.card?.fingerprint).toBeTruthy();
    expect(charge.payment_method_details?.card?.exp_year).toBeGreaterThan(2000);
    expect(charge.receipt_url).toMatch(/\/receipts\/ch_/);
    expect(await eventTypes(t0)).toEqual(
      expect.arrayContaining(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']),
    );
    const listed = await stripe.paymentIntents.list({ limit: 1 });
    expect(listed.data[0]?.id).toBe(pi.id);
  });

  it('requires_payment_method → requires_confirmation → succeeded through update and confirm', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: 'gbp' });
    expect(pi).toMatchObject({
      status: 'requires_payment_method',
      automatic_payment_methods: { enabled: true, allow_redirects: 'always' },
    });
    const updated = await stripe.paymentIntents.update(pi.id, { payment_method: 'pm_card_visa', amount: 1600 });
    expect(updated).toMatchObject({ status: 'requires_confirmation', amount: 1600 });
    // Automatic payment methods may redirect, so Stripe wants a return_url to confirm.
    await expect(stripe.paymentIntents.confirm(pi.id)).rejects.toMatchObject({ param: 'return_url' });
    const done = await stripe.paymentIntents.confirm(pi.id, { return_url: 'https://shop.example/back' });
    expect(done).toMatchObject({ status: 'succeeded', amount_received: 1600 });
    await expect(stripe.paymentIntents.update(pi.id, { amount: 1 })).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    });
    await expect(stripe.paymentIntents.cancel(pi.id)).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    });
  });

  it.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
    ['pm_card_chargeCustomerFail', 'card_declined', 'generic_decline'],
  ])('%s: 402 with last_payment_error %s / %s, a failed charge, payment_failed', async (pm, code, decline) => {
    const e = await cardError(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        payment_method: pm,
        confirm: true,
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      }),
    );
    expect(e.code).toBe(code);
    expect(e.decline_code).toBe(decline);
    const pi = e.payment_intent as Stripe.PaymentIntent;
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.last_payment_error).toMatchObject({ code, decline_code: decline, type: 'card_error' });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ status: 'failed', paid: false, failure_code: code, outcome: { reason: decline } });
    const stored = await stripe.paymentIntents.retrieve(pi.id);
    expect(stored.status).toBe('requires_payment_method');
    // A new payment method on the same intent pays it.
    const retried = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    expect(retried.status).toBe('succeeded');
  });

  it('3-D Secure: requires_action with next_action.redirect_to_url to the challenge page; complete → succeeded, return_url gets redirect_status', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
      return_url: 'https://shop.example/done',
    });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action?.type).toBe('redirect_to_url');
    const url = pi.next_action?.redirect_to_url?.url as string;
    expect(url).toBe(`${h.emu.url}/3ds/${pi.id}`);
    const page = await fetch(url);
    expect(await page.text()).toContain('Complete authentication');
    const answer = await fetch(url, {
      method: 'POST',
      body: 'action=complete',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(answer.status).toBe(303);
    const location = new URL(answer.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe('https://shop.example/done');
    expect(location.searchParams.get('payment_intent')).toBe(pi.id);
    expect(location.searchParams.get('redirect_status')).toBe('succeeded');
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
    const types = (await stripe.events.list({ limit: 10 })).data.map((e) => e.type);
    expect(types).toContain('payment_intent.requires_action');
  });

  it('3-D Secure failed: requires_payment_method with payment_intent_authentication_failure; no return_url gives use_stripe_sdk', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      allowed_payment_method_types: ['card'],
      confirm: true,
    });
    expect(pi.next_action).toMatchObject({ type: 'use_stripe_sdk' });
    await fetch(`${h.emu.url}/3ds/${pi.id}`, {
      method: 'POST',
      body: 'action=fail',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error?.code).toBe('payment_intent_authentication_failure');
  });

  it('off_session with an always-authenticate card fails with authentication_required; a saved 3155 card pays off session', async () => {
    const customer = await stripe.customers.create({});
    const e = await cardError(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        customer: customer.id,
        payment_method: 'pm_card_authenticationRequired',
        allowed_payment_method_types: ['card'],
        off_session: true,
        confirm: true,
      }),
    );
    expect(e.code).toBe('authentication_required');
    expect((e.payment_intent as Stripe.PaymentIntent).status).toBe('requires_payment_method');
    const saved = await stripe.paymentMethods.attach('pm_card_threeDSecureRequired', { customer: customer.id });
    const ok = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      customer: customer.id,
      payment_method: saved.id,
      allowed_payment_method_types: ['card'],
      off_session: true,
      confirm: true,
    });
    expect(ok.status).toBe('succeeded');
  });

  it('setup_future_usage saves the card on the customer (payment_method.attached)', async () => {
    const customer = await stripe.customers.create({});
    const pi = await stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_visa',
      setup_future_usage: 'off_session',
      allowed_payment_method_types: ['card'],
      confirm: true,
    });
    expect(pi).toMatchObject({ status: 'succeeded', setup_future_usage: 'off_session' });
    const pms = await stripe.customers.listPaymentMethods(customer.id);
    expect(pms.data.map((x) => x.id)).toEqual([pi.payment_method]);
  });

  it('capture_method manual: requires_capture, partial capture releases the rest (charge.captured), cancel releases all', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      capture_method: 'manual',
      allowed_payment_method_types: ['card'],
      confirm: true,
    });
    expect(pi).toMatchObject({ status: 'requires_capture', amount_capturable: 5000, amount_received: 0 });
    const authorized = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(authorized).toMatchObject({ captured: false, paid: true, amount_captured: 0 });
    await expect(stripe.paymentIntents.capture(pi.id, { amount_to_capture: 6000 })).rejects.toMatchObject({
      param: 'amount_to_capture',
    });
    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 3500 });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 3500, amount_capturable: 0 });
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({
      captured: true,
      amount_captured: 3500,
      amount_refunded: 1500,
    });
    const types = (await stripe.events.list({ limit: 10 })).data.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['charge.captured', 'payment_intent.amount_capturable_updated']));

    const held = await stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      capture_method: 'manual',
      allowed_payment_method_types: ['card'],
      confirm: true,
    });
    const canceled = await stripe.paymentIntents.cancel(held.id, { cancellation_reason: 'requested_by_customer' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
    expect(await stripe.charges.retrieve(held.latest_charge as string)).toMatchObject({
      refunded: true,
      amount_refunded: 700,
    });
    await expect(stripe.paymentIntents.capture(held.id)).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    });
  });

  it('refuses unknown, unsupported and removed parameters; idempotent create replays', async () => {
    await expect(
      stripe.paymentIntents.create({ amount: 100, currency: 'usd', payment_method_types: ['card'] } as never),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'payment_method_types' });
    await expect(
      stripe.paymentIntents.create({ amount: 100, currency: 'usd', transfer_group: 'x' }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'transfer_group' });
    await expect(
      stripe.paymentIntents.create({ amount: 100, currency: 'usd', allowed_payment_method_types: ['sepa_debit'] }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported' });
    const params = {
      amount: 1200,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      return_url: 'https://x.example',
    };
    const a = await stripe.paymentIntents.create(params, { idempotencyKey: 'pi-key-1' });
    const b = await stripe.paymentIntents.create(params, { idempotencyKey: 'pi-key-1' });
    expect(b.id).toBe(a.id);
    await expect(
      stripe.paymentIntents.create({ ...params, amount: 1300 }, { idempotencyKey: 'pi-key-1' }),
    ).rejects.toMatchObject({ type: 'StripeIdempotencyError' });
  });
});

describe('setup intents', () => {
  it('confirm with pm_card_visa succeeds and attaches the card to the customer', async () => {
    const customer = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_visa',
      allowed_payment_method_types: ['card'],
    });
    expect(si).toMatchObject({ status: 'requires_confirmation', usage: 'off_session', object: 'setup_intent' });
    const done = await stripe.setupIntents.confirm(si.id);
    expect(done.status).toBe('succeeded');
    const pms = await stripe.customers.listPaymentMethods(customer.id);
    expect(pms.data.map((x) => x.id)).toEqual([done.payment_method]);
    expect((await stripe.setupIntents.retrieve(si.id)).status).toBe('succeeded');
    const types = (await stripe.events.list({ limit: 10 })).data.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['setup_intent.created', 'setup_intent.succeeded', 'payment_method.attached']),
    );
    await expect(stripe.setupIntents.cancel(si.id)).rejects.toMatchObject({ code: 'setup_intent_unexpected_state' });
  });

  it('a declined card fails the setup (setup_intent.setup_failed); 3-D Secure needs the challenge; cancel', async () => {
    const customer = await stripe.customers.create({});
    const e = await cardError(
      stripe.setupIntents.create({ customer: customer.id, payment_method: 'pm_card_chargeDeclined', confirm: true }),
    );
    expect(e.decline_code).toBe('generic_decline');
    const tds = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_threeDSecureRequired',
      confirm: true,
      return_url: 'https://shop.example/saved',
    });
    expect(tds.status).toBe('requires_action');
    expect(tds.next_action?.redirect_to_url?.url).toBe(`${h.emu.url}/3ds/${tds.id}`);
    const answer = await fetch(`${h.emu.url}/3ds/${tds.id}`, {
      method: 'POST',
      body: 'action=complete',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(new URL(answer.headers.get('location') as string).searchParams.get('setup_intent')).toBe(tds.id);
    expect((await stripe.setupIntents.retrieve(tds.id)).status).toBe('succeeded');
    const open = await stripe.setupIntents.create({ customer: customer.id });
    const canceled = await stripe.setupIntents.cancel(open.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    const listed = await stripe.setupIntents.list({ customer: customer.id });
    expect(listed.data.length).toBe(3);
  });
});

describe('refunds of API payments', () => {
  it('by payment intent and by charge, retrieve, update metadata, list by payment intent', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      allowed_payment_method_types: ['card'],
      confirm: true,
    });
    const first = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000, reason: 'requested_by_customer' });
    expect(first).toMatchObject({ status: 'succeeded', amount: 1000, payment_intent: pi.id, charge: pi.latest_charge });
    const second = await stripe.refunds.create({ charge: pi.latest_charge as string });
    expect(second.amount).toBe(2000);
    await expect(stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({
      code: 'charge_already_refunded',
    });
    const updated = await stripe.refunds.update(first.id, { metadata: { ticket: '42' } });
    expect((await stripe.refunds.retrieve(first.id)).metadata).toEqual({ ticket: '42' });
    expect(updated.metadata).toEqual({ ticket: '42' });
    const listed = await stripe.refunds.list({ payment_intent: pi.id });
    expect(listed.data.map((r) => r.id)).toEqual([second.id, first.id]);
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({
      refunded: true,
      amount_refunded: 3000,
    });
  });
});

describe('adversarial: repeated and concurrent calls on money paths', () => {
  it('two captures at once capture once; a refund after a partial capture is limited to what was captured', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      capture_method: 'manual',
      allowed_payment_method_types: ['card'],
      confirm: true,
    });
    const results = await Promise.allSettled([
      stripe.paymentIntents.capture(pi.id, { amount_to_capture: 3000 }),
      stripe.paymentIntents.capture(pi.id, { amount_to_capture: 3000 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_captured: 3000, amount_refunded: 2000 });
    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 3001 })).rejects.toMatchObject({
      code: 'amount_too_large',
    });
    expect((await stripe.refunds.create({ payment_intent: pi.id })).amount).toBe(3000);
  });

  it('a succeeded intent cannot be confirmed again; the same confirm replayed with its key does not charge twice', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      allowed_payment_method_types: ['card'],
    });
    const first = await stripe.paymentIntents.confirm(pi.id, {}, { idempotencyKey: `confirm-${pi.id}` });
    const replay = await stripe.paymentIntents.confirm(pi.id, {}, { idempotencyKey: `confirm-${pi.id}` });
    expect(replay.latest_charge).toBe(first.latest_charge);
    await expect(stripe.paymentIntents.confirm(pi.id)).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    });
    expect((await stripe.charges.list({ payment_intent: pi.id })).data).toHaveLength(1);
  });

  it('a declined attempt then a good card: two charges on one intent, one succeeded', async () => {
    const e = await stripe.paymentIntents
      .create({
        amount: 1000,
        currency: 'usd',
        payment_method: 'pm_card_chargeDeclined',
        allowed_payment_method_types: ['card'],
        confirm: true,
      })
      .catch((err: Stripe.errors.StripeCardError) => err);
    const pi = (e as Stripe.errors.StripeCardError).payment_intent as Stripe.PaymentIntent;
    await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    const charges = await stripe.charges.list({ payment_intent: pi.id });
    expect(charges.data.map((c) => c.status).sort()).toEqual(['failed', 'succeeded']);
    expect((await stripe.paymentIntents.retrieve(pi.id)).amount_received).toBe(1000);
  });
});
