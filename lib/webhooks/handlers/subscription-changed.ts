import type Stripe from 'stripe';
import { syncSubscription } from '@/lib/subscriptions/sync';
import { defineHandler } from '../types';

/** `customer.subscription.created|updated|deleted`: mirror the subscription as Stripe has it now. */
export const subscriptionChanged = defineHandler<Stripe.Subscription>({
  async fetch(deps, event) {
    return deps.stripe.subscriptions.retrieve((event.data.object as Stripe.Subscription).id);
  },
  async apply(tx, deps, _event, subscription) {
    await syncSubscription(tx, subscription, deps.clock.now());
  },
});
