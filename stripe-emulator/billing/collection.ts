import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import { finalizeInvoice, payInvoice } from './invoices.js';
import { applyPaymentStatus, cancelNow } from './subscriptions.js';

/**
 * Automatic collection of subscription invoices, driven by the clock: a renewal draft is finalized
 * and charged an hour after it was created; a failed payment is retried on the account's retry
 * schedule (Smart Retries' place; default days 3, 5 and 7 after the first attempt); once the last
 * retry failed the subscription is canceled, marked `unpaid` or left `past_due` as configured.
 */

export function subscriptionOf(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Subscription | undefined {
  const id = invoice.parent?.subscription_details?.subscription;
  return typeof id === 'string' ? ctx.store.get('subscriptions', id) : undefined;
}

/** A draft renewal whose hour has passed: invoice.finalized, then the payment attempt. */
export function finalizeRenewal(ctx: Ctx, invoice: Stripe.Invoice): void {
  const sub = subscriptionOf(ctx, invoice);
  finalizeInvoice(ctx, invoice);
  // send_invoice: Stripe sends the invoice instead of charging; it stays open until the customer
  // pays it (a zero invoice is paid at once). Past its due date the subscription is past_due.
  if (invoice.collection_method === 'send_invoice') {
    if (invoice.amount_due === 0) payInvoice(ctx, invoice);
    ctx.changed();
    return;
  }
  // An unpaid subscription keeps generating invoices, but Stripe does not attempt payment on them.
  if (sub?.status === 'unpaid') {
    ctx.changed();
    return;
  }
  const forced = sub ? ctx.store.billing.forcedRenewalOutcome[sub.id] : undefined;
  if (sub) delete ctx.store.billing.forcedRenewalOutcome[sub.id];
  const outcome = payInvoice(ctx, invoice, { forceFail: forced === 'failed', description: 'Subscription cycle' });
  afterAutomaticAttempt(ctx, invoice, sub, outcome);
}

/** A scheduled retry of an open invoice, with the customer's current default card. */
export function retryPayment(ctx: Ctx, invoice: Stripe.Invoice): void {
  const sub = subscriptionOf(ctx, invoice);
  const outcome = payInvoice(ctx, invoice, { description: 'Subscription cycle' });
  afterAutomaticAttempt(ctx, invoice, sub, outcome);
}

function afterAutomaticAttempt(
  ctx: Ctx,
  invoice: Stripe.Invoice,
  sub: Stripe.Subscription | undefined,
  outcome: ReturnType<typeof payInvoice>,
): void {
  if (sub) applyPaymentStatus(ctx, sub, outcome);
  if (sub && outcome?.error && invoice.next_payment_attempt === null) retriesExhausted(ctx, sub);
  ctx.changed();
}

/** A send_invoice invoice still open at its due date makes its subscription past_due. */
export function invoiceOverdueAt(ctx: Ctx, invoice: Stripe.Invoice): number | null {
  if (invoice.collection_method !== 'send_invoice' || invoice.status !== 'open' || invoice.due_date === null) {
    return null;
  }
  return subscriptionOf(ctx, invoice)?.status === 'active' ? invoice.due_date : null;
}

export function markOverdue(ctx: Ctx, invoice: Stripe.Invoice): void {
  const sub = subscriptionOf(ctx, invoice);
  if (!sub || sub.status !== 'active') return;
  const before = structuredClone(sub);
  sub.status = 'past_due';
  ctx.emit('customer.subscription.updated', sub, diff(before, sub));
  ctx.changed();
}

function retriesExhausted(ctx: Ctx, sub: Stripe.Subscription): void {
  if (sub.status === 'canceled') return;
  switch (ctx.settings.afterFinalFailure) {
    case 'cancel':
      cancelNow(ctx, sub, { reason: 'payment_failed' });
      return;
    case 'unpaid': {
      const before = structuredClone(sub);
      sub.status = 'unpaid';
      const prev = diff(before, sub);
      if (prev) ctx.emit('customer.subscription.updated', sub, prev);
      return;
    }
    case 'past_due':
      return;
  }
}
