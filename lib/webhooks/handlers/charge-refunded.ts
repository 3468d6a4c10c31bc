import type Stripe from 'stripe';
import { applyChargeRefunds } from '@/lib/billing/payment-reversals';
import { defineHandler } from '../types';

/**
 * `charge.refunded`: the purchase (pack, plan or add-on invoice) shows the refund; a refunded pack
 * loses the refunded share of its credits. For a payment not recorded yet it answers 500 so Stripe
 * retries, up to the retry limit, then the event is parked for an operator.
 */
export const chargeRefunded = defineHandler<Stripe.Charge>({
  async fetch(deps, event) {
    return deps.stripe.charges.retrieve((event.data.object as Stripe.Charge).id);
  },
  async apply(tx, deps, _event, charge) {
    await applyChargeRefunds(tx, deps, charge, { refundReversed: false });
  },
});
