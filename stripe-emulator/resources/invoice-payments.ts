import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import type { Ctx } from '../context.js';
import { resourceMissing } from '../http/errors.js';
import { paginate } from '../http/list.js';

/** The PaymentIntents that tried to pay an invoice, as Stripe's InvoicePayment objects (newest first). */
export function invoicePaymentsOf(ctx: Ctx, invoiceId: string): Stripe.InvoicePayment[] {
  const pis = (ctx.store.invoicePayments.get(invoiceId) ?? []).flatMap((piId) => {
    const pi = ctx.store.get('payment_intents', piId);
    return pi ? [pi] : [];
  });
  return pis.reverse().map((pi, i) => ({
    id: `inpay_${pi.id.slice(3)}`,
    object: 'invoice_payment',
    amount_paid: pi.status === 'succeeded' ? pi.amount : null,
    amount_requested: pi.amount,
    created: pi.created,
    currency: pi.currency,
    invoice: invoiceId,
    is_default: i === 0,
    livemode: false,
    payment: { type: 'payment_intent', payment_intent: pi.id },
    status: pi.status === 'succeeded' ? 'paid' : pi.status === 'canceled' ? 'canceled' : 'open',
    status_transitions: { canceled_at: pi.canceled_at, paid_at: pi.status === 'succeeded' ? pi.created : null },
  }));
}

function all(ctx: Ctx): Stripe.InvoicePayment[] {
  return [...ctx.store.invoicePayments.keys()].flatMap((id) => invoicePaymentsOf(ctx, id));
}

export function registerInvoicePayments(r: Router): void {
  r.add('GET', '/v1/invoice_payments', ({ ctx, params: p, url }) => {
    p.allowOnly(['created', 'ending_before', 'invoice', 'limit', 'payment', 'starting_after', 'status']);
    const invoice = p.str('invoice');
    const payment = p.obj('payment');
    payment?.allowOnly(['payment_intent', 'payment_record', 'type']);
    const piId = payment?.str('payment_intent');
    const status = p.oneOf('status', ['canceled', 'open', 'paid'] as const);
    const items = (invoice ? invoicePaymentsOf(ctx, invoice) : all(ctx))
      .filter((x) => !piId || x.payment.payment_intent === piId)
      .filter((x) => !status || x.status === status);
    return paginate(items, p, url);
  });
  r.add('GET', '/v1/invoice_payments/:id', ({ ctx, path }) => {
    const found = all(ctx).find((x) => x.id === path[0]);
    if (!found) throw resourceMissing('invoice_payment', path[0] ?? '');
    return found;
  });
}
