import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import type { Ctx } from '../context.js';
import { paginate } from '../http/list.js';
import { parameterMissing, resourceMissing } from '../http/errors.js';
import { mustGet } from './util.js';
import { changeSubscription } from '../billing/changes.js';
import { PAYMENT, PRORATION } from './subscriptions.js';
import { refuseUnimplemented } from './known-params.js';

function findItem(ctx: Ctx, id: string): { sub: Stripe.Subscription; item: Stripe.SubscriptionItem } {
  for (const sub of ctx.store.all('subscriptions')) {
    const item = sub.items.data.find((i) => i.id === id);
    if (item) return { sub, item };
  }
  throw resourceMissing('subscription_item', id);
}

export function registerSubscriptionItems(r: Router): void {
  r.add('POST', '/v1/subscription_items', ({ ctx, params: p }) => {
    refuseUnimplemented(p, 'subscriptionItemCreate');
    const sub = mustGet(ctx, 'subscriptions', p.reqStr('subscription'), 'subscription');
    const price = mustGet(ctx, 'prices', p.reqStr('price'), 'price');
    const { added } = changeSubscription(
      ctx,
      sub,
      [{ price, quantity: p.int('quantity', { min: 1 }) ?? 1, metadata: p.metadata() ?? undefined, param: 'price' }],
      {
        proration: p.oneOf('proration_behavior', PRORATION) ?? 'create_prorations',
        payment: p.oneOf('payment_behavior', PAYMENT) ?? 'allow_incomplete',
        prorationDate: p.int('proration_date'),
      },
    );
    return added[0];
  });
  r.add('GET', '/v1/subscription_items/:id', ({ ctx, path }) => findItem(ctx, path[0] ?? '').item);
  r.add('POST', '/v1/subscription_items/:id', ({ ctx, path, params: p }) => {
    const { sub, item } = findItem(ctx, path[0] ?? '');
    refuseUnimplemented(p, 'subscriptionItemUpdate');
    const priceId = p.str('price');
    changeSubscription(
      ctx,
      sub,
      [
        {
          id: item.id,
          price: priceId ? mustGet(ctx, 'prices', priceId, 'price') : undefined,
          quantity: p.int('quantity', { min: 1 }),
          metadata: p.metadata() ?? undefined,
          param: 'item',
        },
      ],
      {
        proration: p.oneOf('proration_behavior', PRORATION) ?? 'create_prorations',
        payment: p.oneOf('payment_behavior', PAYMENT) ?? 'allow_incomplete',
        prorationDate: p.int('proration_date'),
      },
    );
    return findItem(ctx, item.id).item;
  });
  r.add('DELETE', '/v1/subscription_items/:id', ({ ctx, path, params: p }) => {
    const { sub, item } = findItem(ctx, path[0] ?? '');
    refuseUnimplemented(p, 'subscriptionItemDelete');
    changeSubscription(ctx, sub, [{ id: item.id, deleted: true, param: 'item' }], {
      proration: p.oneOf('proration_behavior', PRORATION) ?? 'create_prorations',
      payment: p.oneOf('payment_behavior', PAYMENT) ?? 'allow_incomplete',
      prorationDate: p.int('proration_date'),
    });
    return { id: item.id, object: 'subscription_item', deleted: true };
  });
  r.add('GET', '/v1/subscription_items', ({ ctx, params: p, url }) => {
    const subId = p.str('subscription');
    if (!subId) throw parameterMissing('subscription');
    const sub = mustGet(ctx, 'subscriptions', subId, 'subscription');
    return paginate(sub.items.data, p, url);
  });
}
