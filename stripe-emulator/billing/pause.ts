import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import { invalidRequest } from '../http/errors.js';
import { billNow } from './invoices.js';
import { defaultCard } from './cards.js';
import { keepForNextInvoice } from './changes.js';
import { unusedTimeLine } from './proration.js';
import { nextAnchoredEnd } from './time.js';
import { applyPaymentStatus, cancelNow, fullLine, requireRecurring, takePendingLines } from './subscriptions.js';

/**
 * Subscription pause as Stripe has it since API 2026-09-30.endive (status `paused`, not
 * `pause_collection`, which keeps a subscription active): a paused subscription generates no
 * invoices until it is resumed. It pauses on request (`POST /v1/subscriptions/{id}/pause`, flexible
 * billing mode only, crediting the unused time) or when a trial ends without a payment method and
 * `trial_settings[end_behavior][missing_payment_method]` is `pause`.
 */

type PauseReason = Stripe.Subscription.StatusDetails.Paused.Subscription.Type;

function markPaused(ctx: Ctx, sub: Stripe.Subscription, before: Stripe.Subscription, reason: PauseReason): void {
  sub.status = 'paused';
  sub.status_details = {
    paused: { subscription: { type: reason }, transitioned_at: ctx.store.now(), type: 'subscription' },
  };
  ctx.emit('customer.subscription.paused', sub);
  const prev = diff(before, sub);
  if (prev) ctx.emit('customer.subscription.updated', sub, prev);
  ctx.changed();
}

export function pauseSubscription(
  ctx: Ctx,
  sub: Stripe.Subscription,
  invoicing: 'invoice' | 'pending_invoice_item',
): Stripe.Subscription {
  if (sub.billing_mode.type !== 'flexible') {
    throw invalidRequest(
      'Only subscriptions with `billing_mode[type]=flexible` can be paused.',
      undefined,
      'subscription_pause_unsupported',
    );
  }
  if (sub.status !== 'active' && sub.status !== 'trialing') {
    throw invalidRequest(
      `A subscription with status \`${sub.status}\` cannot be paused.`,
      undefined,
      'subscription_pause_unsupported',
    );
  }
  const before = structuredClone(sub);
  // Unused time is credited as of the pause (nothing was billed during a trial).
  if (sub.status === 'active') {
    const credits = sub.items.data.map((item) => unusedTimeLine(ctx, sub, item));
    if (invoicing === 'invoice') billNow(ctx, sub, [...takePendingLines(ctx, sub), ...credits], 'subscription_update');
    else keepForNextInvoice(ctx, sub, credits);
  }
  markPaused(ctx, sub, before, 'pause_requested');
  return sub;
}

/**
 * At trial end: true when the trial's missing-payment-method rule paused or canceled the
 * subscription instead of invoicing it.
 */
export function endTrialWithoutPaymentMethod(ctx: Ctx, sub: Stripe.Subscription): boolean {
  const rule = sub.trial_settings?.end_behavior.missing_payment_method ?? 'create_invoice';
  if (rule === 'create_invoice') return false;
  const customer = typeof sub.customer === 'string' ? sub.customer : sub.customer.id;
  if (sub.default_payment_method || defaultCard(ctx, customer)) return false;
  if (rule === 'cancel') {
    cancelNow(ctx, sub);
    return true;
  }
  markPaused(ctx, sub, structuredClone(sub), 'trial_end_without_payment_method');
  return true;
}

/**
 * Resumes a paused subscription with `billing_cycle_anchor=now` (Stripe's default): a new period
 * starts now for every item and is invoiced at once with any pending credit from the pause. With
 * `resume_on_payment_attempt` (the default) a failed payment leaves it `past_due`.
 */
export function resumeSubscription(ctx: Ctx, sub: Stripe.Subscription): Stripe.Subscription {
  if (sub.status !== 'paused') {
    throw invalidRequest(
      `Subscription ${sub.id} is not paused, so it cannot be resumed.`,
      undefined,
      'subscription_not_paused',
    );
  }
  const now = ctx.store.now();
  const before = structuredClone(sub);
  sub.status = 'active';
  delete sub.status_details;
  sub.billing_cycle_anchor = now;
  for (const item of sub.items.data) {
    const rec = requireRecurring(item.price, 'items');
    item.current_period_start = now;
    item.current_period_end = nextAnchoredEnd(now, rec.interval, rec.interval_count, now);
  }
  const lines = [...sub.items.data.map((item) => fullLine(ctx, sub, item)), ...takePendingLines(ctx, sub)];
  ctx.emit('customer.subscription.resumed', sub);
  const prev = diff(before, sub);
  if (prev) ctx.emit('customer.subscription.updated', sub, prev);
  const { outcome } = billNow(ctx, sub, lines, 'subscription_update');
  applyPaymentStatus(ctx, sub, outcome);
  ctx.changed();
  return sub;
}
