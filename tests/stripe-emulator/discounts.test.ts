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

async function customerWithCard(): Promise<Stripe.Customer> {
  const customer = await stripe.customers.create({ email: 'disc@example.com' });
  const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
  return stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: card.id } });
}

describe('coupons and promotion codes', () => {
  it('CRUD and list, with coupon.* and promotion_code.* events', async () => {
    const coupon = await stripe.coupons.create({ id: 'SPRING25', percent_off: 25, duration: 'once', name: 'Spring' });
    expect(coupon).toMatchObject({ id: 'SPRING25', object: 'coupon', percent_off: 25, valid: true, times_redeemed: 0 });
    await expect(stripe.coupons.create({ id: 'SPRING25', percent_off: 5 })).rejects.toMatchObject({
      code: 'resource_already_exists',
    });
    await expect(stripe.coupons.create({ amount_off: 500, duration: 'once' })).rejects.toMatchObject({
      param: 'currency',
    });
    expect(await stripe.coupons.update(coupon.id, { name: 'Spring sale' })).toMatchObject({ name: 'Spring sale' });
    const promo = await stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'SPRING',
      max_redemptions: 1,
    });
    expect(promo).toMatchObject({
      object: 'promotion_code',
      code: 'SPRING',
      active: true,
      promotion: { coupon: coupon.id },
    });
    expect((await stripe.promotionCodes.list({ code: 'SPRING' })).data.map((x) => x.id)).toEqual([promo.id]);
    expect(await stripe.promotionCodes.update(promo.id, { active: false })).toMatchObject({ active: false });
    expect((await stripe.coupons.list()).data.map((c) => c.id)).toContain(coupon.id);
    const gone = await stripe.coupons.create({ percent_off: 10 });
    expect(await stripe.coupons.del(gone.id)).toEqual({ id: gone.id, object: 'coupon', deleted: true });
    await expect(stripe.coupons.retrieve(gone.id)).rejects.toMatchObject({ code: 'resource_missing' });
    const types = (await stripe.events.list({ limit: 20 })).data.map((e) => e.type);
    for (const t of [
      'coupon.created',
      'coupon.updated',
      'coupon.deleted',
      'promotion_code.created',
      'promotion_code.updated',
    ]) {
      expect(types).toContain(t);
    }
  });

  it('a draft invoice with a 20% coupon: 1000 → 800 due, total_discount_amounts, times_redeemed', async () => {
    const customer = await customerWithCard();
    const coupon = await stripe.coupons.create({ percent_off: 20, duration: 'forever' });
    const inv = await stripe.invoices.create({
      customer: customer.id,
      currency: 'usd',
      discounts: [{ coupon: coupon.id }],
    });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: inv.id, amount: 1000, currency: 'usd' });
    const draft = await stripe.invoices.retrieve(inv.id);
    expect(draft).toMatchObject({ subtotal: 1000, total: 800, amount_due: 800 });
    expect(draft.total_discount_amounts?.[0]?.amount).toBe(200);
    const paid = await stripe.invoices.pay(inv.id);
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 800 });
    expect((await stripe.coupons.retrieve(coupon.id)).times_redeemed).toBe(1);
  });

  it('a subscription with a once 500-off coupon pays 500 first, then 1000 on renewal; repeating lasts its months', async () => {
    const customer = await customerWithCard();
    const once = await stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'once' });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      discounts: [{ coupon: once.id }],
      expand: ['latest_invoice'],
    });
    expect(sub.latest_invoice as Stripe.Invoice).toMatchObject({ subtotal: 1000, total: 500, amount_paid: 500 });
    await h.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, {});
    const renewed = await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    expect(renewed.latest_invoice as Stripe.Invoice).toMatchObject({ total: 1000, amount_paid: 1000 });
    expect(renewed.discounts).toEqual([]);

    const twoMonths = await stripe.coupons.create({ percent_off: 50, duration: 'repeating', duration_in_months: 2 });
    const promo = await stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: twoMonths.id },
      code: 'HALF2',
    });
    const sub2 = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      discounts: [{ promotion_code: promo.id }],
    });
    const paidAmounts: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const s = await stripe.subscriptions.retrieve(sub2.id, { expand: ['latest_invoice'] });
      paidAmounts.push((s.latest_invoice as Stripe.Invoice).amount_paid);
      await h.http('POST', `/_emulator/subscriptions/${sub2.id}/advance`, {});
    }
    expect(paidAmounts).toEqual([500, 500, 1000]);
    expect((await stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(1);
  });

  it('Checkout discounts: amount_total and total_details.amount_discount; the payment charges the discounted total', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'once' });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: catalog.credits.id, quantity: 2 }],
      discounts: [{ coupon: coupon.id }],
      success_url: 'https://shop.example/ok',
    });
    expect(session).toMatchObject({
      amount_subtotal: 1000,
      amount_total: 900,
      total_details: { amount_discount: 100 },
    });
    expect(session.discounts).toEqual([{ coupon: coupon.id, promotion_code: null }]);
    await h.http('POST', `/_emulator/checkout/sessions/${session.id}/complete`, {});
    const done = await stripe.checkout.sessions.retrieve(session.id);
    const pi = await stripe.paymentIntents.retrieve(done.payment_intent as string);
    expect(pi.amount_received).toBe(900);
    expect((await stripe.coupons.retrieve(coupon.id)).times_redeemed).toBe(1);
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: catalog.credits.id, quantity: 1 }],
        discounts: [{ coupon: coupon.id }],
        allow_promotion_codes: true,
        success_url: 'https://shop.example/ok',
      }),
    ).rejects.toMatchObject({ param: 'discounts' });
  });

  it('promotion code rules: inactive, fully redeemed, first-time only, minimum amount', async () => {
    const customer = await customerWithCard();
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'forever' });
    const inactive = await stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      active: false,
    });
    const minimum = await stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      restrictions: { minimum_amount: 5000, minimum_amount_currency: 'usd' },
    });
    const firstTime = await stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      restrictions: { first_time_transaction: true },
    });
    const create = (promotion_code: string) =>
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: catalog.monthly.id }],
        discounts: [{ promotion_code }],
      });
    await expect(create(inactive.id)).rejects.toMatchObject({ param: 'discounts[0][promotion_code]' });
    await expect(create(minimum.id)).rejects.toMatchObject({ message: expect.stringContaining('minimum amount') });
    expect((await create(firstTime.id)).status).toBe('active');
    await expect(create(firstTime.id)).rejects.toMatchObject({ message: expect.stringContaining('first-time') });
    const single = await stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      max_redemptions: 1,
    });
    expect((await create(single.id)).status).toBe('active');
    await expect(create(single.id)).rejects.toMatchObject({ message: expect.stringContaining('fully redeemed') });
  });
});

describe('promotion codes typed at Checkout (allow_promotion_codes)', () => {
  it('the hosted page applies a code to the total; the helper takes promotion_code; unimplemented Checkout parameters are refused', async () => {
    const coupon = await stripe.coupons.create({ amount_off: 200, currency: 'gbp', duration: 'once' });
    await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'WELCOME2' });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: catalog.credits.id, quantity: 1 }],
      allow_promotion_codes: true,
      success_url: 'https://shop.example/ok',
    });
    const page = await (await fetch(session.url!)).text();
    expect(page).toContain('Promotion code');
    const bad = await fetch(`${session.url}/promotion_code`, {
      method: 'POST',
      body: 'promotionCode=NOPE',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(await bad.text()).toContain('This code is invalid.');
    const good = await fetch(`${session.url}/promotion_code`, {
      method: 'POST',
      body: 'promotionCode=welcome2',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(await good.text()).toContain('Promotion code applied');
    const applied = await stripe.checkout.sessions.retrieve(session.id);
    expect(applied).toMatchObject({ amount_total: 300, total_details: { amount_discount: 200 } });

    const viaHelper = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: catalog.credits.id, quantity: 1 }],
      allow_promotion_codes: true,
      success_url: 'https://shop.example/ok',
    });
    const done = await h.http('POST', `/_emulator/checkout/sessions/${viaHelper.id}/complete`, {
      promotion_code: 'WELCOME2',
    });
    expect(done.json).toMatchObject({ status: 'complete', amount_total: 300 });
    expect((await stripe.paymentIntents.retrieve(done.json.payment_intent)).amount_received).toBe(300);
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: catalog.credits.id, quantity: 1 }],
        billing_address_collection: 'required',
        success_url: 'https://shop.example/ok',
      }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'billing_address_collection' });
  });
});

describe('Checkout in setup mode', () => {
  it('saves the card on the customer through the session SetupIntent; declined cards fail', async () => {
    const customer = await stripe.customers.create({ email: 'setup@example.com' });
    const session = await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      currency: 'usd',
      success_url: 'https://shop.example/saved?cs={CHECKOUT_SESSION_ID}',
    });
    expect(session).toMatchObject({ mode: 'setup', amount_total: null, payment_intent: null });
    expect(session.setup_intent).toMatch(/^seti_/);
    const declined = await h.http('POST', `/_emulator/checkout/sessions/${session.id}/complete`, {
      card: '4000000000000002',
    });
    expect(declined.status).toBe(402);
    const ok = await h.http('POST', `/_emulator/checkout/sessions/${session.id}/complete`, {
      card: '4242424242424242',
    });
    expect(ok.status).toBe(200);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['setup_intent'] });
    expect(done).toMatchObject({ status: 'complete', payment_status: 'no_payment_required' });
    const si = done.setup_intent as Stripe.SetupIntent;
    expect(si.status).toBe('succeeded');
    const pms = await stripe.customers.listPaymentMethods(customer.id);
    expect(pms.data.map((x) => x.id)).toEqual([si.payment_method]);
    await expect(
      stripe.checkout.sessions.create({
        mode: 'setup',
        currency: 'usd',
        line_items: [{ price: catalog.credits.id, quantity: 1 }],
        success_url: 'https://shop.example/x',
      }),
    ).rejects.toMatchObject({ param: 'line_items' });
  });
});
