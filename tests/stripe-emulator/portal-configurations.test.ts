import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { startHarness, type Harness } from './harness';

let h: Harness;
let stripe: Stripe;
beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
});
afterAll(() => h.close());

describe('billing portal configurations', () => {
  it('create, retrieve, update, list; sessions use their default_return_url; an inactive one is refused', async () => {
    const config = await stripe.billingPortal.configurations.create({
      business_profile: { headline: 'AgileForge billing' },
      default_return_url: 'https://app.example/account',
      features: {
        invoice_history: { enabled: true },
        subscription_cancel: { enabled: true, mode: 'at_period_end' },
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price'],
          proration_behavior: 'create_prorations',
          products: [],
        },
      },
    });
    expect(config).toMatchObject({
      object: 'billing_portal.configuration',
      active: true,
      is_default: false,
      business_profile: { headline: 'AgileForge billing' },
      features: {
        invoice_history: { enabled: true },
        subscription_cancel: { enabled: true, mode: 'at_period_end' },
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price'],
          proration_behavior: 'create_prorations',
        },
      },
    });
    expect((await stripe.billingPortal.configurations.retrieve(config.id)).id).toBe(config.id);
    const customer = await stripe.customers.create({ email: 'portal@example.com' });
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id });
    expect(session).toMatchObject({ configuration: config.id, return_url: 'https://app.example/account' });
    const updated = await stripe.billingPortal.configurations.update(config.id, { active: false, name: 'Old' });
    expect(updated).toMatchObject({ active: false, name: 'Old' });
    expect((await stripe.billingPortal.configurations.list({ active: false })).data.map((c) => c.id)).toEqual([
      config.id,
    ]);
    await expect(
      stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id }),
    ).rejects.toMatchObject({ param: 'configuration' });
    await expect(
      stripe.billingPortal.configurations.create({
        features: { subscription_pause: { enabled: true } } as Stripe.BillingPortal.ConfigurationCreateParams.Features,
      }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'features[subscription_pause]' });
    await expect(
      stripe.billingPortal.configurations.create({
        features: { invoice_history: { enabled: true, color: 'red' } } as never,
      }),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'features[invoice_history][color]' });
    const types = (await stripe.events.list({ limit: 10 })).data.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'billing_portal.configuration.created',
        'billing_portal.configuration.updated',
        'billing_portal.session.created',
      ]),
    );
  });

  it('the hosted portal follows the configuration: no cancel or switch when those features are off', async () => {
    const product = await stripe.products.create({ name: 'Plan' });
    const monthly = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 1000,
      recurring: { interval: 'month' },
      lookup_key: 'plan_monthly',
    });
    await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 10000,
      recurring: { interval: 'year' },
      lookup_key: 'plan_annual',
    });
    const customer = await stripe.customers.create({ email: 'locked@example.com' });
    const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      default_payment_method: card.id,
    });
    const locked = await stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
    });
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: locked.id });
    const html = await (await fetch(session.url)).text();
    expect(html).toContain('Current plan');
    expect(html).not.toContain('Cancel subscription');
    expect(html).not.toContain('Switch to annual');
    const refused = await fetch(`${session.url}/subscriptions/${sub.id}/cancel`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(refused.status).toBe(403);
    expect((await stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end).toBe(false);
    const open = await stripe.billingPortal.sessions.create({ customer: customer.id });
    const full = await (await fetch(open.url)).text();
    expect(full).toContain('Cancel subscription');
    expect(full).toContain('Switch to annual');
  });
});
