import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import { mergeMetadata } from '../http/params.js';
import { invalidRequest, parameterMissing } from '../http/errors.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { newId } from '../ids.js';
import { mustGet } from './util.js';
import { diff } from '../context.js';
import { accept } from './accept.js';

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

export function registerRefunds(r: Router): void {
  r.add('POST', '/v1/refunds', ({ ctx, params: p }) => {
    accept(p, 'RefundCreateParams', 'amount charge payment_intent metadata reason');
    const piId = p.str('payment_intent');
    const chargeId = p.str('charge');
    if (!piId && !chargeId) throw parameterMissing('charge');
    let charge: Stripe.Charge;
    if (chargeId) {
      charge = mustGet(ctx, 'charges', chargeId, 'charge');
      if (piId && charge.payment_intent !== piId)
        throw invalidRequest('The charge does not belong to that payment_intent.', 'payment_intent');
    } else {
      const pi = mustGet(ctx, 'payment_intents', piId as string, 'payment_intent');
      if (pi.status !== 'succeeded' || !pi.latest_charge) {
        throw invalidRequest(
          `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
          'payment_intent',
          'charge_not_refundable',
        );
      }
      charge = mustGet(ctx, 'charges', pi.latest_charge as string, 'payment_intent');
    }
    if (!charge.paid)
      throw invalidRequest(
        `Charge ${charge.id} has not been paid and cannot be refunded.`,
        'charge',
        'charge_not_refundable',
      );
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining <= 0)
      throw invalidRequest(`Charge ${charge.id} has already been refunded.`, 'charge', 'charge_already_refunded');
    const amount = p.int('amount', { min: 1 }) ?? remaining;
    if (amount > remaining) {
      throw invalidRequest(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
        'amount',
        'amount_too_large',
      );
    }
    const refund: Stripe.Refund = {
      id: newId('re'),
      object: 'refund',
      amount,
      balance_transaction: newId('txn'),
      charge: charge.id,
      created: ctx.store.now(),
      currency: charge.currency,
      customer: charge.customer,
      customer_account: null,
      destination_details: {
        type: 'card',
        card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
      } as Stripe.Refund.DestinationDetails,
      metadata: mergeMetadata(null, p.metadata()),
      payment_intent: charge.payment_intent,
      payment_method: charge.payment_method,
      reason: p.oneOf('reason', REASONS) ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
    ctx.store.put('refunds', refund);
    const before = structuredClone(charge);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded >= charge.amount;
    // previous_attributes lists only the fields that changed.
    const prev = diff(before, charge);
    ctx.emit('refund.created', refund);
    ctx.emit('charge.refunded', charge, prev);
    ctx.changed();
    return refund;
  });
  r.add('GET', '/v1/refunds/:id', ({ ctx, path }) => mustGet(ctx, 'refunds', path[0] ?? '', 'refund'));
  r.add('POST', '/v1/refunds/:id', ({ ctx, path, params: p }) => {
    const refund = mustGet(ctx, 'refunds', path[0] ?? '', 'refund');
    accept(p, 'RefundUpdateParams', 'metadata');
    refund.metadata = mergeMetadata(refund.metadata, p.metadata());
    return refund;
  });
  r.add('GET', '/v1/refunds', ({ ctx, params: p, url }) => {
    const charge = p.str('charge');
    const pi = p.str('payment_intent');
    const items = ctx.store
      .all('refunds')
      .filter(createdFilter(p))
      .filter((x) => !charge || x.charge === charge)
      .filter((x) => !pi || x.payment_intent === pi);
    return paginate(newestFirst(items), p, url);
  });
}
