import type { Router } from '../http/router.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { registerVirtualField } from '../http/expand.js';
import { mustGet } from './util.js';
import { cardDeclined, invalidRequest } from '../http/errors.js';
import { payInvoice } from '../billing/invoices.js';
import { applyPaymentStatus } from '../billing/subscriptions.js';
import { attachCard } from '../billing/cards.js';
import { finalizeDraft } from '../billing/standalone-invoices.js';
import { confirmationSecret } from '../billing/incomplete-subscriptions.js';
import { invoicePaymentsOf } from './invoice-payments.js';

export function registerInvoices(r: Router): void {
  // `payments` is includable on invoices: the PaymentIntents that tried to pay it.
  registerVirtualField('invoice', 'payments', (ctx, obj) => {
    const id = String(obj.id);
    return {
      object: 'list',
      data: invoicePaymentsOf(ctx, id),
      has_more: false,
      url: `/v1/invoice_payments?invoice=${id}`,
    };
  });
  registerVirtualField('invoice', 'confirmation_secret', (ctx, obj) => confirmationSecret(ctx, String(obj.id)));
  r.add('GET', '/v1/invoices/:id', ({ ctx, path }) => mustGet(ctx, 'invoices', path[0] ?? '', 'invoice'));
  r.add('GET', '/v1/invoices/:id/lines', ({ ctx, path, params, url }) =>
    paginate(mustGet(ctx, 'invoices', path[0] ?? '', 'invoice').lines.data, params, url),
  );
  // Retrying an open invoice (e.g. after the customer fixed their card), as Stripe's "pay" does.
  r.add('POST', '/v1/invoices/:id/pay', ({ ctx, path, params: p }) => {
    p.allowOnly(['forgive', 'mandate', 'off_session', 'paid_out_of_band', 'payment_method', 'source']);
    const invoice = mustGet(ctx, 'invoices', path[0] ?? '', 'invoice');
    // Paying a draft finalizes it first, as on Stripe.
    if (invoice.status === 'draft') finalizeDraft(ctx, invoice);
    if (invoice.status === 'paid' && invoice.amount_due === 0) return invoice;
    if (invoice.status !== 'open')
      throw invalidRequest(`Invoice is already ${invoice.status}.`, undefined, 'invoice_not_open');
    const pm = p.str('payment_method');
    const customer = typeof invoice.customer === 'string' ? invoice.customer : null;
    if (pm) {
      const card = ctx.store.cards.get(pm);
      if (!card || !customer)
        throw invalidRequest(`No such PaymentMethod: '${pm}'`, 'payment_method', 'resource_missing');
      attachCard(ctx, card, customer);
    }
    const subId = invoice.parent?.subscription_details?.subscription;
    const sub = typeof subId === 'string' ? ctx.store.get('subscriptions', subId) : undefined;
    if (p.bool('paid_out_of_band')) {
      invoice.status = 'paid';
      invoice.amount_remaining = 0;
      invoice.status_transitions.paid_at = ctx.store.now();
      ctx.emit('invoice.paid', invoice);
      if (sub) applyPaymentStatus(ctx, sub, null);
      return invoice;
    }
    const outcome = payInvoice(ctx, invoice);
    if (sub) applyPaymentStatus(ctx, sub, outcome);
    ctx.changed();
    if (outcome?.error) {
      const err = cardDeclined(outcome.error.message, outcome.error.decline_code ?? outcome.error.code);
      err.body.payment_intent = outcome.paymentIntent;
      throw err;
    }
    return invoice;
  });
  r.add('GET', '/v1/invoices', ({ ctx, params: p, url }) => {
    const customer = p.str('customer');
    const subscription = p.str('subscription');
    const status = p.oneOf('status', ['draft', 'open', 'paid', 'uncollectible', 'void'] as const);
    const items = ctx.store
      .all('invoices')
      .filter(createdFilter(p))
      .filter((i) => !customer || i.customer === customer)
      .filter((i) => !subscription || i.parent?.subscription_details?.subscription === subscription)
      .filter((i) => !status || i.status === status);
    return paginate(newestFirst(items), p, url);
  });
}
