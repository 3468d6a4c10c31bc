import type Stripe from 'stripe';
import { applyDispute } from '@/lib/billing/payment-reversals';
import { defineHandler } from '../types';

/** `charge.dispute.created`: a disputed pack's remaining credits are held; a disputed plan payment marks the team. */
export const chargeDisputeCreated = defineHandler<Stripe.Dispute>({
  async fetch(deps, event) {
    // The dispute as it is now: if it already closed, this applies the outcome instead.
    return deps.stripe.disputes.retrieve((event.data.object as Stripe.Dispute).id);
  },
  async apply(tx, deps, _event, dispute) {
    await applyDispute(tx, deps, dispute);
  },
});
