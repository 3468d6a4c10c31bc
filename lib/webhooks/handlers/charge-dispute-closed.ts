import type Stripe from 'stripe';
import { applyDispute } from '@/lib/billing/payment-reversals';
import { defineHandler } from '../types';

/** `charge.dispute.closed`: won releases the held credits, lost voids them. */
export const chargeDisputeClosed = defineHandler<Stripe.Dispute>({
  async fetch(deps, event) {
    return deps.stripe.disputes.retrieve((event.data.object as Stripe.Dispute).id);
  },
  async apply(tx, deps, _event, dispute) {
    await applyDispute(tx, deps, dispute);
  },
});
