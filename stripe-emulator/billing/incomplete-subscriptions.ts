import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { newPaymentIntent, type PaymentOutcome } from './payments.js';
import { createInvoice, finalizeInvoice, payInvoice, type LineSpec } from './invoices.js';

/**
 * payment_behavior=default_incomplete (docs.stripe.com/billing/subscriptions/build-subscriptions):
 * the first invoice is finalized but not charged; its PaymentIntent waits for the integration to
 * confirm it (client side with `latest_invoice.confirmation_secret`, or via the API). The subscription
 * stays `incomplete` until that payment succeeds.
 */
export function openFirstInvoice(
  ctx: Ctx,
  sub: Stripe.Subscription,
  lines: LineSpec[],
): { invoice: Stripe.Invoice; outcome: PaymentOutcome | null } {
  const invoice = createInvoice(ctx, sub, lines, 'subscription_create');
  finalizeInvoice(ctx, invoice);
  sub.latest_invoice = invoice.id;
  if (invoice.amount_due === 0) return { invoice, outcome: payInvoice(ctx, invoice) };
  const pi = newPaymentIntent(ctx, {
    amount: invoice.amount_due,
    currency: invoice.currency,
    customer: typeof invoice.customer === 'string' ? invoice.customer : null,
    description: 'Subscription creation',
    receiptEmail: invoice.customer_email,
  });
  pi.allowed_payment_method_types = ['card'];
  if (typeof sub.default_payment_method === 'string') {
    pi.payment_method = sub.default_payment_method;
    pi.status = 'requires_confirmation';
  }
  // Invoice payments are charged off the customer's card later too, so the card is kept.
  pi.setup_future_usage = 'off_session';
  ctx.store.invoicePayments.set(invoice.id, [pi.id]);
  ctx.changed();
  return {
    invoice,
    outcome: {
      paymentIntent: pi,
      charge: null,
      error: { code: 'invoice_payment_intent_requires_action', message: 'The first payment awaits confirmation.' },
    },
  };
}

/** `confirmation_secret` is includable on invoices: the client secret of the PaymentIntent to confirm. */
export function confirmationSecret(ctx: Ctx, invoiceId: string): Stripe.Invoice.ConfirmationSecret | null {
  const piId = (ctx.store.invoicePayments.get(invoiceId) ?? []).at(-1);
  const pi = piId ? ctx.store.get('payment_intents', piId) : undefined;
  return pi?.client_secret ? { client_secret: pi.client_secret, type: 'payment_intent' } : null;
}
