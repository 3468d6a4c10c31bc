import type { Router } from '../http/router.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { registerVirtualField } from '../http/expand.js';
import { mustGet } from './util.js';

export function registerPaymentIntentsAndCharges(r: Router): void {
  r.add('GET', '/v1/payment_intents/:id', ({ ctx, path }) => mustGet(ctx, 'payment_intents', path[0] ?? '', 'intent'));
  r.add('GET', '/v1/payment_intents', ({ ctx, params: p, url }) => {
    const customer = p.str('customer');
    const items = ctx.store
      .all('payment_intents')
      .filter(createdFilter(p))
      .filter((x) => !customer || x.customer === customer);
    return paginate(newestFirst(items), p, url);
  });
  // `refunds` on charges is includable (no longer returned by default).
  registerVirtualField('charge', 'refunds', (ctx, obj) => {
    const data = newestFirst(ctx.store.all('refunds').filter((x) => x.charge === obj.id));
    return { object: 'list', data, has_more: false, url: `/v1/charges/${String(obj.id)}/refunds` };
  });
  r.add('GET', '/v1/charges/:id', ({ ctx, path }) => mustGet(ctx, 'charges', path[0] ?? '', 'charge'));
  r.add('GET', '/v1/charges', ({ ctx, params: p, url }) => {
    const customer = p.str('customer');
    const pi = p.str('payment_intent');
    const items = ctx.store
      .all('charges')
      .filter(createdFilter(p))
      .filter((x) => !customer || x.customer === customer)
      .filter((x) => !pi || x.payment_intent === pi);
    return paginate(newestFirst(items), p, url);
  });
}
