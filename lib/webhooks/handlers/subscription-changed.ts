import type Stripe from 'stripe';
import { mirrorSubscription } from '@/lib/subscriptions/mirror';
import { defineHandler } from '../types';

/** `customer.subscription.created|updated|deleted`: mirror the subscription as Stripe has it now. */
export const subscriptionChanged = defineHandler<Stripe.Subscription>({
  async fetch(deps, event) {
    return deps.stripe.subscriptions.retrieve((event.data.object as Stripe.Subscription).id);
  },
  async apply(tx, deps, _event, subscription) {
    await mirrorSubscription(tx, deps, subscription);
  },
});
