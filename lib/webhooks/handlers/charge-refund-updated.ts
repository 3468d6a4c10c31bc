import type Stripe from 'stripe';
import { applyChargeRefunds } from '@/lib/billing/payment-reversals';
import { purchaseForPayment } from '@/lib/purchases';
import { idOf } from '@/lib/stripe/ids';
import { defineHandler } from '../types';

interface Fetched {
  refund: Stripe.Refund;
  charge: Stripe.Charge | null;
}

/**
 * `charge.refund.updated`: a refund that failed or was cancelled never reached the customer, so
 * the charge's refunded total went back down: the purchase and its pack's credits follow it.
 */
export const chargeRefundUpdated = defineHandler<Fetched>({
  async fetch(deps, event) {
    const refund = await deps.stripe.refunds.retrieve((event.data.object as Stripe.Refund).id);
    const chargeId = idOf(refund.charge);
    return { refund, charge: chargeId ? await deps.stripe.charges.retrieve(chargeId) : null };
  },
  async apply(tx, deps, _event, { refund, charge }) {
    if (!charge || (refund.status !== 'failed' && refund.status !== 'canceled')) return;
    // Nothing recorded yet: the fulfilment will read the charge's lowered total itself.
    if (!(await purchaseForPayment(tx, { paymentIntentId: idOf(charge.payment_intent), chargeId: charge.id }))) return;
    await applyChargeRefunds(tx, deps, charge, { refundReversed: true });
    deps.logger.warn({ refundId: refund.id, chargeId: charge.id, status: refund.status }, 'Refund did not go through');
  },
});
