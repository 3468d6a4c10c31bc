import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userPurchases } from '@/db/schema';
import { receiptUrl } from '@/lib/purchases/receipt';
import { createUserWithToken } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const purchaseOf = async (teamId: string) => {
  const [purchase] = await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, teamId));
  return purchase!;
};
const deps = () => ({ db: h.t.db, stripe: h.app.stripe });

describe('receiptUrl', () => {
  it("gives a pack's charge receipt", async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'credits_50');
    const purchase = await purchaseOf(user.teamId);
    expect(purchase.stripeChargeId).toBeTruthy();
    const charge = await h.app.stripe.charges.retrieve(purchase.stripeChargeId!);
    expect(charge.receipt_url).toBeTruthy();
    expect(await receiptUrl(deps(), user.teamId, purchase.id)).toBe(charge.receipt_url);
  });

  it('finds the charge through the payment intent when the purchase has no charge id yet', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'credits_50');
    const purchase = await purchaseOf(user.teamId);
    const charge = await h.app.stripe.charges.retrieve(purchase.stripeChargeId!);
    await h.t.db.update(userPurchases).set({ stripeChargeId: null }).where(eq(userPurchases.id, purchase.id));
    expect(await receiptUrl(deps(), user.teamId, purchase.id)).toBe(charge.receipt_url);
  });

  it("gives a plan payment's hosted invoice page", async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const purchase = await purchaseOf(user.teamId);
    const invoice = await h.app.stripe.invoices.retrieve(purchase.stripeInvoiceId!);
    expect(invoice.hosted_invoice_url).toBeTruthy();
    expect(await receiptUrl(deps(), user.teamId, purchase.id)).toBe(invoice.hosted_invoice_url);
  });

  it("refuses another team's purchase", async () => {
    const owner = await createUserWithToken(h.t.db);
    const other = await createUserWithToken(h.t.db);
    await h.buy(owner, 'credits_50');
    const purchase = await purchaseOf(owner.teamId);
    await expect(receiptUrl(deps(), other.teamId, purchase.id)).rejects.toMatchObject({
      status: 404,
      code: 'purchase_not_found',
      message: 'No such purchase for your team',
    });
  });

  it('says so when Stripe has no receipt for the purchase', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'credits_50');
    const purchase = await purchaseOf(user.teamId);
    await h.t.db
      .update(userPurchases)
      .set({ stripeChargeId: null, stripePaymentIntentId: null })
      .where(eq(userPurchases.id, purchase.id));
    await expect(receiptUrl(deps(), user.teamId, purchase.id)).rejects.toMatchObject({
      status: 404,
      code: 'receipt_not_found',
      message: 'Stripe has no receipt for this purchase',
    });
  });
});
