import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import type { CardRecord } from '../state.js';
import { newId } from '../ids.js';

/** Stripe's test card whose successful charges are disputed as fraudulent at once. */
export const DISPUTED_CARD = '4000000000000259';

/** Stripe test mode's evidence rule: this text in `uncategorized_text` wins the dispute, the other loses it. */
export const WINNING_EVIDENCE = 'winning_evidence';
export const LOSING_EVIDENCE = 'losing_evidence';

const EMPTY_EVIDENCE: Stripe.Dispute.Evidence = {
  access_activity_log: null,
  billing_address: null,
  cancellation_policy: null,
  cancellation_policy_disclosure: null,
  cancellation_rebuttal: null,
  customer_communication: null,
  customer_email_address: null,
  customer_name: null,
  customer_purchase_ip: null,
  customer_signature: null,
  duplicate_charge_documentation: null,
  duplicate_charge_explanation: null,
  duplicate_charge_id: null,
  enhanced_evidence: {},
  product_description: null,
  receipt: null,
  refund_policy: null,
  refund_policy_disclosure: null,
  refund_refusal_explanation: null,
  service_date: null,
  service_documentation: null,
  shipping_address: null,
  shipping_carrier: null,
  shipping_date: null,
  shipping_documentation: null,
  shipping_tracking_number: null,
  uncategorized_file: null,
  uncategorized_text: null,
};

/** After a successful charge: the 0259 card opens a dispute for the whole amount, as Stripe test mode does. */
export function raiseDisputeIfTestCard(
  ctx: Ctx,
  charge: Stripe.Charge,
  card: CardRecord | null,
): Stripe.Dispute | null {
  if (!card || card.number !== DISPUTED_CARD || !charge.paid) return null;
  const dispute: Stripe.Dispute = {
    id: newId('dp'),
    object: 'dispute',
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created: ctx.store.now(),
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: { ...EMPTY_EVIDENCE },
    evidence_details: {
      due_by: ctx.store.now() + 7 * 86_400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason: 'fraudulent',
    status: 'needs_response',
  };
  ctx.store.put('disputes', dispute);
  const prev = { disputed: charge.disputed };
  charge.disputed = true;
  ctx.emit('charge.dispute.created', dispute);
  ctx.emit('charge.dispute.funds_withdrawn', dispute);
  ctx.emit('charge.updated', charge, prev);
  return dispute;
}

/** Ends a dispute: `won` reinstates the funds, `lost` keeps them with the cardholder. */
export function closeDispute(ctx: Ctx, dispute: Stripe.Dispute, outcome: 'won' | 'lost'): Stripe.Dispute {
  const prev = { status: dispute.status };
  dispute.status = outcome;
  ctx.emit('charge.dispute.updated', dispute, prev);
  ctx.emit('charge.dispute.closed', dispute, prev);
  if (outcome === 'won') ctx.emit('charge.dispute.funds_reinstated', dispute);
  ctx.changed();
  return dispute;
}

export function isClosed(dispute: Stripe.Dispute): boolean {
  return dispute.status === 'won' || dispute.status === 'lost' || dispute.status === 'warning_closed';
}
