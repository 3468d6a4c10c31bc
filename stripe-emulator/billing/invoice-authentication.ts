import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import type { CardRecord } from '../state.js';
import { newPaymentIntent, type PaymentOutcome } from './payments.js';
import { authenticationAction } from './payment-intents.js';
import { intentCardBehavior } from './test-payment-methods.js';
import { markPaid } from './invoices.js';
import { applyPaymentStatus } from './subscriptions.js';

/** Cards that ask for 3-D Secure on every payment cannot pay an invoice without the customer. */
export function invoiceNeedsAuthentication(card: CardRecord | null): boolean {
  return !!card && intentCardBehavior(card.number).kind === 'always_authenticate';
}

/**
 * Stripe's answer to such an invoice payment: the PaymentIntent waits in requires_action (its
 * next_action is the local challenge page), the invoice stays open, and the integration gets
 * invoice.payment_action_required (and invoice.payment_failed) to bring the customer back.
 */
export function requireInvoiceAuthentication(ctx: Ctx, invoice: Stripe.Invoice, card: CardRecord): PaymentOutcome {
  const pi = newPaymentIntent(ctx, {
    amount: invoice.amount_due,
    currency: invoice.currency,
    customer: typeof invoice.customer === 'string' ? invoice.customer : null,
    receiptEmail: invoice.customer_email,
  });
  pi.payment_method = card.id;
  pi.status = 'requires_action';
  pi.next_action = authenticationAction(ctx, pi.id);
  const error = {
    code: 'authentication_required',
    decline_code: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  };
  pi.last_payment_error = { type: 'card_error', ...error } as Stripe.PaymentIntent.LastPaymentError;
  const list = ctx.store.invoicePayments.get(invoice.id) ?? [];
  list.push(pi.id);
  ctx.store.invoicePayments.set(invoice.id, list);
  invoice.attempt_count += 1;
  invoice.attempted = true;
  ctx.emit('payment_intent.requires_action', pi);
  ctx.emit('invoice.payment_action_required', invoice);
  ctx.emit('invoice.payment_failed', invoice);
  ctx.changed();
  return { paymentIntent: pi, charge: null, error };
}

/** Once an invoice's PaymentIntent succeeds (challenge page or API confirm), the invoice is paid. */
export function settleInvoiceOf(ctx: Ctx, pi: Stripe.PaymentIntent): void {
  if (pi.status !== 'succeeded') return;
  for (const [invoiceId, pis] of ctx.store.invoicePayments) {
    if (!pis.includes(pi.id)) continue;
    const invoice = ctx.store.get('invoices', invoiceId);
    if (!invoice || invoice.status !== 'open') return;
    invoice.attempt_count += 1;
    invoice.attempted = true;
    markPaid(ctx, invoice);
    const subId = invoice.parent?.subscription_details?.subscription;
    const sub = typeof subId === 'string' ? ctx.store.get('subscriptions', subId) : undefined;
    if (sub) {
      // payment_settings.save_default_payment_method=on_subscription keeps the card for renewals.
      if (
        sub.payment_settings?.save_default_payment_method === 'on_subscription' &&
        typeof pi.payment_method === 'string'
      ) {
        sub.default_payment_method = pi.payment_method;
      }
      applyPaymentStatus(ctx, sub, null);
    }
    ctx.changed();
    return;
  }
}
