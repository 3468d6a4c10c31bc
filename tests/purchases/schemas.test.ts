import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as purchases } from '@/app/api/packages/user/purchases/route';
import { userPurchases } from '@/db/schema';
import { applyRefund, recordPurchase } from '@/lib/purchases';
import { purchasesQuery, purchasesResponse } from '@/lib/purchases/schemas';
import { apiRequest, createUserWithToken } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

// The OpenAPI document publishes purchasesResponse as the shape of GET /api/packages/user/purchases:
// a real response must parse with it, unchanged (zod strips keys the schema does not know).
describe('purchasesResponse', () => {
  it('describes a real page of purchases: paid, partially refunded and refunded, pack and plan', async () => {
    const user = await createUserWithToken(h.t.db);
    const record = (over: Partial<typeof userPurchases.$inferInsert>, day: number) =>
      recordPurchase(h.t.db, {
        teamId: user.teamId,
        packageId: 'credits_50',
        businessKey: `test:${randomUUID()}`,
        amount: 900,
        currency: 'gbp',
        purchasedAt: new Date(`2026-03-0${day}T12:00:00Z`),
        ...over,
      });
    await record({ stripeCheckoutSessionId: 'cs_test_paid', stripePaymentIntentId: 'pi_paid' }, 1);
    await record({ stripePaymentIntentId: 'pi_part', stripeChargeId: 'ch_part' }, 2);
    await applyRefund(h.t.db, { paymentIntentId: 'pi_part', chargeId: null }, 300);
    const { purchase: plan } = await record(
      {
        packageId: 'professional_monthly',
        stripeInvoiceId: 'in_plan',
        stripeSubscriptionId: 'sub_plan',
        stripePaymentIntentId: 'pi_plan',
        amount: 2900,
      },
      3,
    );
    await h.t.db
      .update(userPurchases)
      .set({ status: 'refunded', amountRefunded: 2900, refundReason: 'duplicate_subscription' })
      .where(eq(userPurchases.id, plan.id));

    const res = await purchases(apiRequest('/api/packages/user/purchases', { token: user.token }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { purchases: { status: string }[] };
    expect(body.purchases.map((p) => p.status)).toEqual(['refunded', 'partially_refunded', 'paid']);
    expect(purchasesResponse.parse(body)).toEqual(body);
  });

  it('refuses a status the API never answers', () => {
    const page = { purchases: [], total: 0, limit: 20, offset: 0 };
    expect(purchasesResponse.parse(page)).toEqual(page);
    const row = {
      id: 'p',
      package_id: 'credits_50',
      package_name: 'Pack',
      package_type: 'credits',
      amount: 900,
      currency: 'gbp',
      amount_refunded: 0,
      status: 'void',
      refund_reason: null,
      stripe: {
        checkout_session_id: null,
        payment_intent_id: null,
        invoice_id: null,
        subscription_id: null,
        charge_id: null,
      },
      purchased_at: '2026-03-01T12:00:00.000Z',
    };
    expect(purchasesResponse.safeParse({ ...page, purchases: [row] }).success).toBe(false);
  });
});

describe('purchasesQuery', () => {
  it('accepts limits 1 to 100 and offsets from 0, with defaults 20 and 0', () => {
    expect(purchasesQuery.parse({})).toEqual({ limit: 20, offset: 0 });
    expect(purchasesQuery.parse({ limit: '1', offset: '0' })).toEqual({ limit: 1, offset: 0 });
    expect(purchasesQuery.parse({ limit: '100', offset: '250' })).toEqual({ limit: 100, offset: 250 });
    for (const bad of [{ limit: '0' }, { limit: '101' }, { offset: '-1' }, { limit: '2.5' }, { page: '1' }])
      expect(purchasesQuery.safeParse(bad).success).toBe(false);
  });
});
