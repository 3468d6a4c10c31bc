import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { teams, userPurchases } from '@/db/schema';
import { createLogger } from '@/lib/logger';
import { mirrorSubscription } from '@/lib/subscriptions/mirror';
import { createUserWithToken } from '../helpers/app';
import { billingHarnessForFile } from '../helpers/billing';

/** mirrorSubscription with a second subscription the catalog does not know (made in the Stripe dashboard). */
const h = billingHarnessForFile();

const mirror = (seen: Stripe.Subscription) =>
  h.t.db.transaction((tx) =>
    mirrorSubscription(
      tx,
      { stripe: h.app.stripe, clock: h.app.clock, logger: createLogger({ level: 'silent' }) },
      seen,
    ),
  );

describe('a second live subscription at a price the catalog does not know', () => {
  it('mirrors without failing, and every payment refunded at Stripe is recorded as refunded on a purchase', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const customer = (await h.t.db.select().from(teams).where(eq(teams.id, user.teamId)))[0]!.stripeCustomerId!;
    const price = await h.app.stripe.prices.create({
      currency: 'usd',
      unit_amount: 4200,
      recurring: { interval: 'month' },
      product_data: { name: 'Custom deal made in the dashboard' },
    });
    const pm = await h.app.stripe.paymentMethods.attach('pm_card_visa', { customer });
    const custom = await h.app.stripe.subscriptions.create({
      customer,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
      metadata: { team_id: user.teamId, user_id: user.userId },
    });
    expect(custom.status).toBe('active');
    const [invoice] = (await h.app.stripe.invoices.list({ subscription: custom.id, status: 'paid' })).data;
    expect(invoice!.amount_paid).toBe(4200);

    await mirror(custom);

    // Whatever the mirror decides about such a subscription, money Stripe gave back is on the books:
    // every refund this local Stripe made (it holds this file's customers only) is on a refunded purchase.
    const purchases = await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, user.teamId));
    const refunds = (await h.app.stripe.refunds.list({ limit: 100 })).data;
    for (const r of refunds) {
      const purchase = purchases.find((p) => p.stripePaymentIntentId === r.payment_intent);
      expect(purchase).toMatchObject({ status: 'refunded', amountRefunded: r.amount, amount: r.amount });
    }
    // Today's answer: it is a duplicate of the team's plan, cancelled and its payment refunded in full.
    expect(refunds.map((r) => [r.amount, r.reason])).toEqual([[4200, 'duplicate']]);
    expect((await h.app.stripe.subscriptions.retrieve(custom.id)).status).toBe('canceled');
  });
});
