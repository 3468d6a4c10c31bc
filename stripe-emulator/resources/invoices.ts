import type { Router } from '../http/router.js';
import { newestFirst, paginate } from '../http/list.js';
import { registerVirtualField } from '../http/expand.js';
import { mustGet } from './util.js';

export function registerInvoices(r: Router): void {
  // `payments` is includable on invoices: the PaymentIntents that tried to pay it.
  registerVirtualField('invoice', 'payments', (ctx, obj) => {
    const id = String(obj.id);
    const pis = (ctx.store.invoicePayments.get(id) ?? []).flatMap((piId) => {
      const pi = ctx.store.get('payment_intents', piId);
      return pi ? [pi] : [];
    });
    const data = pis.reverse().map((pi, i) => ({
      id: `inpay_${pi.id.slice(3)}`,
      object: 'invoice_payment',
      amount_paid: pi.status === 'succeeded' ? pi.amount : null,
      amount_requested: pi.amount,
      created: pi.created,
      currency: pi.currency,
      invoice: id,
      is_default: i === 0,
      livemode: false,
      payment: { type: 'payment_intent', payment_intent: pi.id },
      status: pi.status === 'succeeded' ? 'paid' : 'open',
      status_transitions: { canceled_at: null, paid_at: pi.status === 'succeeded' ? pi.created : null },
    }));
    return { object: 'list', data, has_more: false, url: `/v1/invoice_payments?invoice=${id}` };
  });
  r.add('GET', '/v1/invoices/:id', ({ ctx, path }) => mustGet(ctx, 'invoices', path[0] ?? '', 'invoice'));
  r.add('GET', '/v1/invoices/:id/lines', ({ ctx, path, params, url }) =>
    paginate(mustGet(ctx, 'invoices', path[0] ?? '', 'invoice').lines.data, params, url),
  );
  r.add('GET', '/v1/invoices', ({ ctx, params: p, url }) => {
    const customer = p.str('customer');
    const subscription = p.str('subscription');
    const status = p.oneOf('status', ['draft', 'open', 'paid', 'uncollectible', 'void'] as const);
    const items = ctx.store
      .all('invoices')
      .filter((i) => !customer || i.customer === customer)
      .filter((i) => !subscription || i.parent?.subscription_details?.subscription === subscription)
      .filter((i) => !status || i.status === status);
    return paginate(newestFirst(items), p, url);
  });
}
