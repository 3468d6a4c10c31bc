import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeProducts, subscriptions } from '@/db/schema';
import { POST as addAddon } from '@/app/api/packages/user/addons/route';
import { POST as changeSubscription } from '@/app/api/packages/user/subscription/route';
import { POST as preview } from '@/app/api/packages/user/subscription/preview/route';
import { POST as portal } from '@/app/api/packages/billing-portal/route';
import { previewChange } from '@/lib/subscriptions/preview';
import { apiRequest, createUserWithToken, TEST_APP_URL, type TestUser } from '../helpers/app';
import { billingHarnessForFile } from '../helpers/billing';

/**
 * lib/subscriptions/manage and preview at the edges the local Stripe reaches only when a test
 * changes the subscription behind the app's back (as the Stripe dashboard would): a subscription
 * left without its plan item, a preview line that belongs to no subscription item, and the field a
 * refused portal return URL is reported under.
 */
const h = billingHarnessForFile();

type ErrorBody = { error: { code: string; message: string } };
const add = (u: TestUser, packageId: string) =>
  addAddon(apiRequest('/api/packages/user/addons', { token: u.token, body: { package_id: packageId } }));
const change = (u: TestUser, body: unknown) =>
  changeSubscription(apiRequest('/api/packages/user/subscription', { token: u.token, body }));
const previewOf = (u: TestUser, body: unknown) =>
  preview(apiRequest('/api/packages/user/subscription/preview', { token: u.token, body }));
const mirrorOf = async (teamId: string) =>
  (await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, teamId)))[0]!;
const priceId = async (packageId: string) =>
  (await h.t.db.select().from(stripeProducts).where(eq(stripeProducts.id, packageId)))[0]!.stripePriceId!;

describe('a subscription whose plan item was removed at Stripe (only an add-on left)', () => {
  it('a plan change and its preview are refused with 409 no_plan_item, and nothing is changed or charged at Stripe', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    expect((await add(user, 'addon_storage')).status).toBe(201);
    await h.deliver();
    const subId = (await mirrorOf(user.teamId)).stripeSubscriptionId;
    const before = await h.app.stripe.subscriptions.retrieve(subId);
    const planPrice = await priceId('professional_monthly');
    const planItem = before.items.data.find((i) => i.price.id === planPrice)!;
    // Removed in the Stripe dashboard; the mirror still shows Professional (the webhook is not here yet).
    await h.app.stripe.subscriptionItems.del(planItem.id, { proration_behavior: 'none' });
    const left = await h.app.stripe.subscriptions.retrieve(subId);
    expect(left.items.data.map((i) => i.price.id)).toEqual([await priceId('addon_storage')]);
    const invoicesBefore = (await h.app.stripe.invoices.list({ subscription: subId })).data.length;

    const previewed = await previewOf(user, { action: 'change_plan', package_id: 'business_monthly' });
    expect(previewed.status).toBe(409);
    expect(((await previewed.json()) as ErrorBody).error).toMatchObject({
      code: 'no_plan_item',
      message: 'The subscription has no plan item to change',
    });
    const changed = await change(user, { action: 'change_plan', package_id: 'business_monthly' });
    expect(changed.status).toBe(409);
    expect(((await changed.json()) as ErrorBody).error).toMatchObject({
      code: 'no_plan_item',
      message: 'The subscription has no plan item to change',
    });
    const after = await h.app.stripe.subscriptions.retrieve(subId);
    expect(after.items.data.map((i) => [i.id, i.price.id])).toEqual(left.items.data.map((i) => [i.id, i.price.id]));
    expect((await h.app.stripe.invoices.list({ subscription: subId })).data).toHaveLength(invoicesBefore);
  });
});

describe('previewChange: lines Stripe adds that belong to no subscription item', () => {
  it('a pending one-off invoice item without description is shown as such: empty description, not a proration', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const oneOff = {
      id: 'il_one_off',
      object: 'line_item',
      amount: 700,
      currency: 'usd',
      description: null,
      parent: {
        type: 'invoice_item_details',
        invoice_item_details: { invoice_item: 'ii_one_off', proration: false, subscription: null },
        subscription_item_details: null,
      },
    } as unknown as Stripe.InvoiceLineItem;
    const noParent = { ...oneOff, id: 'il_no_parent', amount: 50, description: 'Support call', parent: null };
    // The local Stripe previews only the subscription's own items; Stripe also sweeps the customer's
    // pending invoice items into the invoice. Everything else is the local Stripe's answer.
    const stripe = new Proxy(h.app.stripe, {
      get(target, prop, receiver) {
        if (prop !== 'invoices') return Reflect.get(target, prop, receiver) as unknown;
        const invoices = target.invoices;
        return new Proxy(invoices, {
          get(inv, p, r) {
            if (p !== 'createPreview') return Reflect.get(inv, p, r) as unknown;
            return async (params: Stripe.InvoiceCreatePreviewParams) => {
              const real = await inv.createPreview(params);
              const lines = [...real.lines.data, oneOff, noParent] as Stripe.InvoiceLineItem[];
              const total = lines.reduce((s, l) => s + l.amount, 0);
              return { ...real, lines: { ...real.lines, data: lines }, total, amount_due: total };
            };
          },
        });
      },
    });
    const result = await previewChange({ ...h.app, stripe }, user.teamId, {
      action: 'add_addon',
      package_id: 'addon_storage',
    });
    expect(result.lines).toHaveLength(3);
    expect(result.lines[0]).toMatchObject({ proration: true });
    expect(result.lines.slice(1)).toEqual([
      { description: '', amount: 700, proration: false },
      { description: 'Support call', amount: 50, proration: false },
    ]);
    expect(result.amount_due).toBe(result.lines[0]!.amount + 750);
  });
});

describe('createPortalSession', () => {
  it('a return URL on another origin is refused under its field name, return_url', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'credits_50');
    const res = await portal(
      apiRequest('/api/packages/billing-portal', { token: user.token, body: { return_url: 'https://evil.example/' } }),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({
      code: 'invalid_request',
      message: `return_url: must be on this app's origin (${TEST_APP_URL})`,
    });
  });
});
