import type Stripe from 'stripe';
import { findPackage } from '@/lib/catalog/packages';
import { voidPackCredits } from '@/lib/credits';
import { applyRefund } from '@/lib/purchases';
import { idOf } from '@/lib/stripe/ids';
import { defineHandler } from '../types';

/** `charge.refunded`: the purchase shows the refund; a refunded credit pack loses the refunded share of its credits. */
export const chargeRefunded = defineHandler<Stripe.Charge>({
  async fetch(deps, event) {
    return deps.stripe.charges.retrieve((event.data.object as Stripe.Charge).id);
  },
  async apply(tx, deps, _event, charge) {
    const purchase = await applyRefund(
      tx,
      { paymentIntentId: idOf(charge.payment_intent), chargeId: charge.id },
      charge.amount_refunded,
    );
    if (!purchase) {
      deps.logger.warn({ chargeId: charge.id }, 'Refund for a charge with no recorded purchase');
      return;
    }
    if (
      findPackage(purchase.packageId)?.packageType === 'credit_pack' &&
      purchase.status !== 'paid' &&
      purchase.stripeCheckoutSessionId
    ) {
      const refund = { refunded: purchase.amountRefunded, paid: purchase.amount };
      const result = await voidPackCredits(tx, deps.clock, {
        businessKey: `pack:${purchase.stripeCheckoutSessionId}`,
        refund,
      });
      deps.logger.info({ purchaseId: purchase.id, ...result }, 'Voided refunded pack credits');
    }
  },
});
