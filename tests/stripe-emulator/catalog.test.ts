import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startHarness, stripeClient, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('products', () => {
  it('creates with a chosen id, retrieves, updates, lists with active filter', async () => {
    const p = await h.stripe.products.create({ id: 'business', name: 'Business', metadata: { tier: '3' } });
    expect(p).toMatchObject({
      id: 'business',
      object: 'product',
      active: true,
      livemode: false,
      metadata: { tier: '3' },
    });
    const auto = await h.stripe.products.create({ name: 'Auto id' });
    expect(auto.id).toMatch(/^prod_/);
    expect((await h.stripe.products.retrieve('business')).name).toBe('Business');
    const u = await h.stripe.products.update('business', { name: 'Business+', metadata: { tier: '', extra: 'x' } });
    expect(u.name).toBe('Business+');
    expect(u.metadata).toEqual({ extra: 'x' });
    await h.stripe.products.update(auto.id, { active: false });
    const active = await h.stripe.products.list({ active: true });
    expect(active.object).toBe('list');
    expect(active.data.map((x) => x.id)).toContain('business');
    expect(active.data.map((x) => x.id)).not.toContain(auto.id);
    expect(active.url).toBe('/v1/products');
  });

  it('rejects a duplicate chosen id', async () => {
    await h.stripe.products.create({ id: 'dup', name: 'A' });
    await expect(h.stripe.products.create({ id: 'dup', name: 'B' })).rejects.toMatchObject({
      code: 'resource_already_exists',
    });
  });
});

describe('prices', () => {
  it('creates with currency_options, lookup keys and lists by lookup_keys', async () => {
    await h.stripe.products.create({ id: 'pro', name: 'Pro' });
    const monthly = await h.stripe.prices.create({
      product: 'pro',
      currency: 'usd',
      unit_amount: 1000,
      recurring: { interval: 'month' },
      lookup_key: 'pro_monthly',
      nickname: 'Pro monthly',
      metadata: { package_id: 'pro_monthly' },
      currency_options: { gbp: { unit_amount: 800 } },
    });
    expect(monthly).toMatchObject({
      object: 'price',
      type: 'recurring',
      unit_amount: 1000,
      currency: 'usd',
      recurring: { interval: 'month', interval_count: 1 },
      lookup_key: 'pro_monthly',
      product: 'pro',
    });
    expect(monthly.id).toMatch(/^price_/);
    expect(String(monthly.unit_amount_decimal)).toBe('1000');
    // currency_options is includable: only present when expanded.
    expect(monthly.currency_options).toBeUndefined();
    const withOpts = await h.stripe.prices.retrieve(monthly.id, { expand: ['currency_options'] });
    expect(withOpts.currency_options?.gbp?.unit_amount).toBe(800);
    expect(withOpts.currency_options?.usd?.unit_amount).toBe(1000);

    const listed = await h.stripe.prices.list({ lookup_keys: ['pro_monthly'], expand: ['data.product'] });
    expect(listed.data).toHaveLength(1);
    expect((listed.data[0]?.product as Stripe.Product).name).toBe('Pro');
  });

  it('refuses a used lookup key unless transfer_lookup_key, and archives', async () => {
    await h.stripe.products.create({ id: 'lk', name: 'LK' });
    const a = await h.stripe.prices.create({ product: 'lk', currency: 'usd', unit_amount: 100, lookup_key: 'lk_key' });
    await expect(
      h.stripe.prices.create({ product: 'lk', currency: 'usd', unit_amount: 200, lookup_key: 'lk_key' }),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'lookup_key' });
    const b = await h.stripe.prices.create({
      product: 'lk',
      currency: 'usd',
      unit_amount: 200,
      lookup_key: 'lk_key',
      transfer_lookup_key: true,
    });
    expect((await h.stripe.prices.retrieve(a.id)).lookup_key).toBeNull();
    const archived = await h.stripe.prices.update(a.id, { active: false });
    expect(archived.active).toBe(false);
    const active = await h.stripe.prices.list({ product: 'lk', active: true });
    expect(active.data.map((p) => p.id)).toEqual([b.id]);
    const moved = await h.stripe.prices.update(a.id, { lookup_key: 'lk_key', transfer_lookup_key: true });
    expect(moved.lookup_key).toBe('lk_key');
  });

  it('paginates with limit, starting_after, ending_before and has_more', async () => {
    await h.stripe.products.create({ id: 'page', name: 'Page' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await h.stripe.prices.create({ product: 'page', currency: 'usd', unit_amount: i + 1 })).id);
    }
    const newest = [...ids].reverse();
    const p1 = await h.stripe.prices.list({ product: 'page', limit: 2 });
    expect(p1.data.map((p) => p.id)).toEqual(newest.slice(0, 2));
    expect(p1.has_more).toBe(true);
    const p2 = await h.stripe.prices.list({ product: 'page', limit: 2, starting_after: p1.data[1]!.id });
    expect(p2.data.map((p) => p.id)).toEqual(newest.slice(2, 4));
    const p3 = await h.stripe.prices.list({ product: 'page', limit: 2, starting_after: p2.data[1]!.id });
    expect(p3.data.map((p) => p.id)).toEqual(newest.slice(4));
    expect(p3.has_more).toBe(false);
    const back = await h.stripe.prices.list({ product: 'page', limit: 2, ending_before: p3.data[0]!.id });
    expect(back.data.map((p) => p.id)).toEqual(newest.slice(2, 4));
    const all: string[] = [];
    for await (const p of h.stripe.prices.list({ product: 'page', limit: 2 })) all.push(p.id);
    expect(all).toEqual(newest);
    await expect(h.stripe.prices.list({ limit: 101 })).rejects.toMatchObject({
      code: 'parameter_invalid',
      param: 'limit',
    });
  });
});

describe('customers', () => {
  it('creates, retrieves, updates and emits events', async () => {
    const c = await h.stripe.customers.create({ email: 'a@example.com', name: 'Ada', metadata: { user_id: 'u1' } });
    expect(c.id).toMatch(/^cus_/);
    const u = await h.stripe.customers.update(c.id, { name: 'Ada L.' });
    expect(u.name).toBe('Ada L.');
    expect((await h.stripe.customers.retrieve(c.id)) as Stripe.Customer).toMatchObject({
      email: 'a@example.com',
      name: 'Ada L.',
    });
    const updated = await h.stripe.events.list({ type: 'customer.updated', limit: 1 });
    expect(updated.data[0]?.data.object).toMatchObject({ id: c.id, name: 'Ada L.' });
    expect(updated.data[0]?.data.previous_attributes).toEqual({ name: 'Ada' });
    const created = await h.stripe.events.list({ type: 'customer.*' });
    expect(created.data.map((e) => e.type)).toEqual(['customer.updated', 'customer.created']);
    const since = await h.stripe.events.list({ type: 'customer.*', created: { gte: c.created } });
    expect(since.data.length).toBeGreaterThanOrEqual(2);
    expect((await h.stripe.events.list({ created: { gt: c.created + 10_000 } })).data).toHaveLength(0);
    const evt = await h.stripe.events.retrieve(created.data[1]!.id);
    expect(evt).toMatchObject({
      object: 'event',
      api_version: '2026-10-28.endive',
      livemode: false,
      type: 'customer.created',
    });
    expect(evt.request?.id).toMatch(/^req_/);
  });
});

describe('errors', () => {
  it('401 for keys that are not sk_test_', async () => {
    const live = stripeClient(h.emu.port, 'sk_live_nope');
    await expect(live.products.list()).rejects.toMatchObject({ type: 'StripeAuthenticationError', statusCode: 401 });
    const res = await h.http('GET', '/v1/products');
    expect(res.status).toBe(401);
    expect(res.json.error.type).toBe('invalid_request_error');
  });

  it('404 resource_missing for unknown ids', async () => {
    await expect(h.stripe.prices.retrieve('price_nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      type: 'StripeInvalidRequestError',
      message: "No such price: 'price_nope'",
    });
    await expect(h.stripe.customers.retrieve('cus_nope')).rejects.toMatchObject({ code: 'resource_missing' });
  });

  it('400 parameter_missing / parameter_invalid / parameter_unknown-ish', async () => {
    await expect(h.stripe.products.create({} as Stripe.ProductCreateParams)).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'name',
    });
    await expect(
      h.stripe.prices.create({
        product: 'business',
        currency: 'usd',
        unit_amount: 1,
        recurring: { interval: 'fortnight' as 'month' },
      }),
    ).rejects.toMatchObject({ code: 'parameter_invalid', param: 'recurring[interval]' });
    await expect(h.stripe.prices.create({ product: 'nope', currency: 'usd', unit_amount: 1 })).rejects.toMatchObject({
      code: 'resource_missing',
      param: 'product',
    });
  });

  it('unknown URLs answer 404 in Stripe shape', async () => {
    const res = await h.http('GET', '/v1/nothing', undefined, { authorization: 'Bearer sk_test_x' });
    expect(res.status).toBe(404);
    expect(res.json.error.message).toContain('Unrecognized request URL');
  });
});

describe('idempotency', () => {
  it('replays the saved response for the same key and params, 400 for other params', async () => {
    const a = await h.stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: 'k-1' });
    const b = await h.stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: 'k-1' });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
    await expect(
      h.stripe.customers.create({ email: 'other@example.com' }, { idempotencyKey: 'k-1' }),
    ).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
      statusCode: 400,
    });
    const list = await h.stripe.customers.list({ email: 'idem@example.com' });
    expect(list.data).toHaveLength(1);
  });
});

describe('parameter_unknown', () => {
  it('rejects parameters Stripe does not know for the endpoint', async () => {
    await expect(
      h.stripe.products.create({ name: 'X', nmae: 'typo' } as Stripe.ProductCreateParams),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_unknown',
      param: 'nmae',
    });
    // Removed from Checkout in this API version.
    await expect(
      h.stripe.checkout.sessions.create({
        mode: 'payment',
        payment_method_types: ['card'],
        line_items: [{ price: 'price_x' }],
      } as Stripe.Checkout.SessionCreateParams),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'payment_method_types' });
  });
});

describe('parameter_unsupported on catalog, refund and portal endpoints', () => {
  it('refuses known product, price, refund and portal session parameters the local Stripe does not implement', async () => {
    const unsupported = { statusCode: 400, type: 'StripeInvalidRequestError', code: 'parameter_unsupported' };
    await expect(h.stripe.products.create({ name: 'Boxed', shippable: true })).rejects.toMatchObject({
      ...unsupported,
      param: 'shippable',
    });
    await expect(
      h.stripe.products.create({ name: 'With price', default_price_data: { currency: 'usd', unit_amount: 100 } }),
    ).rejects.toMatchObject({ ...unsupported, param: 'default_price_data' });
    const product = await h.stripe.products.create({ name: 'Plain' });
    await expect(h.stripe.products.update(product.id, { tax_code: 'txcd_10000000' })).rejects.toMatchObject({
      ...unsupported,
      param: 'tax_code',
    });
    // Implemented on update, so they are applied rather than refused.
    const updated = await h.stripe.products.update(product.id, { unit_label: 'seat', url: 'https://example.com' });
    expect(updated).toMatchObject({ unit_label: 'seat', url: 'https://example.com' });

    await expect(
      h.stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount_decimal: Stripe.Decimal.from('12.5'),
      }),
    ).rejects.toMatchObject({ ...unsupported, param: 'unit_amount_decimal' });
    await expect(
      h.stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 100,
        recurring: { interval: 'month', trial_period_days: 7 },
      }),
    ).rejects.toMatchObject({ ...unsupported, param: 'recurring[trial_period_days]' });
    await expect(
      h.stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 100,
        recurring: { interval: 'month', usage_type: 'metered' },
      }),
    ).rejects.toMatchObject({ ...unsupported, param: 'recurring[usage_type]' });
    await expect(
      h.stripe.prices.create({
        currency: 'usd',
        unit_amount: 100,
        product_data: { name: 'Inline', tax_code: 'txcd_10000000' },
      }),
    ).rejects.toMatchObject({ ...unsupported, param: 'product_data[tax_code]' });
    await expect(
      h.stripe.prices.create({
        currency: 'usd',
        unit_amount: 100,
        product_data: { name: 'Inline', description: 'not a product_data key' } as Stripe.PriceCreateParams.ProductData,
      }),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'product_data[description]' });
    const price = await h.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 100 });
    await expect(h.stripe.prices.update(price.id, { tax_behavior: 'exclusive' })).rejects.toMatchObject({
      ...unsupported,
      param: 'tax_behavior',
    });

    const customer = await h.stripe.customers.create({ email: 'unsupported@example.com' });
    const pi = await h.stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    await expect(
      h.stripe.refunds.create({ payment_intent: pi.id, refund_application_fee: true }),
    ).rejects.toMatchObject({ ...unsupported, param: 'refund_application_fee' });
    await expect(
      h.stripe.refunds.create({ payment_intent: pi.id, instructions_email: 'a@example.com' }),
    ).rejects.toMatchObject({ ...unsupported, param: 'instructions_email' });
    const refund = await h.stripe.refunds.create({ payment_intent: pi.id, amount: 500 });
    await expect(
      h.stripe.refunds.update(refund.id, { reason: 'duplicate' } as Stripe.RefundUpdateParams),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'reason' });
    // A refused request changes nothing: the charge still has 1500 to refund.
    expect((await h.stripe.charges.retrieve(refund.charge as string)).amount_refunded).toBe(500);

    await expect(
      h.stripe.billingPortal.sessions.create({
        customer: customer.id,
        flow_data: { type: 'payment_method_update' },
      }),
    ).rejects.toMatchObject({ ...unsupported, param: 'flow_data' });
    await expect(
      h.stripe.billingPortal.sessions.create({ customer: customer.id, on_behalf_of: 'acct_123' }),
    ).rejects.toMatchObject({ ...unsupported, param: 'on_behalf_of' });
    const session = await h.stripe.billingPortal.sessions.create({ customer: customer.id, locale: 'fr' });
    expect(session.locale).toBe('fr');
  });
});
