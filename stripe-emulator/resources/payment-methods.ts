import type { Router } from '../http/router.js';
import { newestFirst, paginate } from '../http/list.js';
import { mustGet } from './util.js';

/** Cards saved by Checkout; read-only (the hosted page is the only way to add one). */
export function registerPaymentMethods(r: Router): void {
  r.add('GET', '/v1/payment_methods/:id', ({ ctx, path }) =>
    mustGet(ctx, 'payment_methods', path[0] ?? '', 'payment_method'),
  );
  r.add('GET', '/v1/payment_methods', ({ ctx, params: p, url }) => {
    const customer = p.str('customer');
    const items = ctx.store.all('payment_methods').filter((pm) => !customer || pm.customer === customer);
    return paginate(newestFirst(items), p, url);
  });
  r.add('GET', '/v1/customers/:id/payment_methods', ({ ctx, path, params: p, url }) => {
    const customer = mustGet(ctx, 'customers', path[0] ?? '', 'customer');
    return paginate(newestFirst(ctx.store.all('payment_methods').filter((pm) => pm.customer === customer.id)), p, url);
  });
}
