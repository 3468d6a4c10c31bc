import { and, eq, isNull } from 'drizzle-orm';
import type Stripe from 'stripe';
import { userPurchases } from '@/db/schema';
import { idOf } from '@/lib/stripe/ids';
import { defineHandler } from '../types';

/** Fulfilment is keyed on the checkout session; this only records the charge on the purchase, whenever it arrives. */
export const paymentIntentSucceeded = defineHandler<Stripe.PaymentIntent>({
  async fetch(_deps, event) {
    return event.data.object as Stripe.PaymentIntent;
  },
  async apply(tx, _deps, _event, intent) {
    const chargeId = idOf(intent.latest_charge);
    if (!chargeId) return;
    await tx
      .update(userPurchases)
      .set({ stripeChargeId: chargeId })
      .where(and(eq(userPurchases.stripePaymentIntentId, intent.id), isNull(userPurchases.stripeChargeId)));
  },
});
