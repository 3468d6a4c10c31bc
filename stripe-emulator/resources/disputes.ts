import type { Router } from '../http/router.js';
import { mergeMetadata } from '../http/params.js';
import { invalidRequest } from '../http/errors.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { closeDispute, isClosed, LOSING_EVIDENCE, WINNING_EVIDENCE } from '../billing/disputes.js';
import { mustGet } from './util.js';

const EVIDENCE_TEXT_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_tracking_number',
  'uncategorized_text',
] as const;

/** Disputes: raised by the 0259 test card; closed by submitting Stripe's test-mode evidence or by accepting (close). */
export function registerDisputes(r: Router): void {
  r.add('GET', '/v1/disputes/:id', ({ ctx, path }) => mustGet(ctx, 'disputes', path[0] ?? '', 'dispute'));
  r.add('GET', '/v1/disputes', ({ ctx, params: p, url }) => {
    const charge = p.str('charge');
    const pi = p.str('payment_intent');
    const items = ctx.store
      .all('disputes')
      .filter(createdFilter(p))
      .filter((d) => !charge || d.charge === charge)
      .filter((d) => !pi || d.payment_intent === pi);
    return paginate(newestFirst(items), p, url);
  });
  r.add('POST', '/v1/disputes/:id', ({ ctx, path, params: p }) => {
    p.allowOnly(['evidence', 'expand', 'intended_submission_method', 'metadata', 'submit']);
    const dispute = mustGet(ctx, 'disputes', path[0] ?? '', 'dispute');
    if (isClosed(dispute))
      throw invalidRequest(`This dispute is already closed (${dispute.status}).`, undefined, 'dispute_already_closed');
    const evidence = p.obj('evidence');
    const prev = { evidence: { ...dispute.evidence }, status: dispute.status };
    if (evidence) {
      for (const field of EVIDENCE_TEXT_FIELDS) {
        const value = evidence.str(field);
        if (value !== undefined) dispute.evidence[field] = value;
      }
      dispute.evidence_details.has_evidence = true;
    }
    dispute.metadata = mergeMetadata(dispute.metadata, p.metadata());
    if (p.bool('submit') === false) {
      ctx.emit('charge.dispute.updated', dispute, prev);
      ctx.changed();
      return dispute;
    }
    dispute.evidence_details.submission_count += 1;
    dispute.evidence_details.submission_method = 'manual';
    const text = dispute.evidence.uncategorized_text ?? '';
    // Stripe test mode decides at once on its magic evidence; other evidence stays under review.
    if (text.includes(WINNING_EVIDENCE)) return closeDispute(ctx, dispute, 'won');
    if (text.includes(LOSING_EVIDENCE)) return closeDispute(ctx, dispute, 'lost');
    dispute.status = 'under_review';
    ctx.emit('charge.dispute.updated', dispute, prev);
    ctx.changed();
    return dispute;
  });
  // Accepting a dispute: the merchant concedes it, so it is lost.
  r.add('POST', '/v1/disputes/:id/close', ({ ctx, path }) => {
    const dispute = mustGet(ctx, 'disputes', path[0] ?? '', 'dispute');
    if (isClosed(dispute)) return dispute;
    return closeDispute(ctx, dispute, 'lost');
  });
}
