import type { Router } from '../http/router.js';
import { invalidRequest } from '../http/errors.js';
import type { ItemChange } from '../billing/changes.js';
import { previewSubscriptionChange } from '../billing/preview.js';
import { mustGet } from './util.js';
import { PRORATION } from './subscriptions.js';

/**
 * `POST /v1/invoices/create_preview` (the Stripe SDK's `invoices.createPreview`) for a change to
 * an existing subscription: `subscription` and `subscription_details[items|proration_behavior|
 * proration_date]`. Nothing is stored, charged or emitted.
 */
export function registerInvoicePreview(r: Router): void {
  r.add('POST', '/v1/invoices/create_preview', ({ ctx, params: p }) => {
    p.allowOnly(['customer', 'subscription', 'subscription_details', 'expand']);
    const subId = p.str('subscription');
    if (!subId)
      throw invalidRequest(
        'The emulator previews changes to an existing subscription: pass `subscription`.',
        'subscription',
      );
    const sub = mustGet(ctx, 'subscriptions', subId, 'subscription');
    const customer = p.str('customer');
    if (customer && customer !== sub.customer)
      throw invalidRequest(`The subscription ${subId} does not belong to customer ${customer}.`, 'customer');
    const details = p.obj('subscription_details');
    details?.allowOnly(['items', 'proration_behavior', 'proration_date', 'cancel_at_period_end']);
    const changes: ItemChange[] = (details?.list('items') ?? []).map((it) => {
      const priceId = it.str('price');
      return {
        id: it.str('id'),
        price: priceId ? mustGet(ctx, 'prices', priceId, it.name('price')) : undefined,
        quantity: it.int('quantity', { min: 0 }),
        deleted: it.bool('deleted'),
        metadata: it.metadata() ?? undefined,
        param: it.name('').slice(0, -2),
      };
    });
    return previewSubscriptionChange(ctx, sub, changes, {
      proration: details?.oneOf('proration_behavior', PRORATION) ?? 'create_prorations',
      prorationDate: details?.int('proration_date', { min: 0 }),
    });
  });
}
