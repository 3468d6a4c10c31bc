import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { checkoutSessions } from '@/db/schema';
import { defineHandler } from '../types';

/** `checkout.session.expired` and `checkout.session.async_payment_failed`: the session ends unpaid. */
export const checkoutSessionEndedUnpaid = defineHandler<Stripe.Checkout.Session>({
  async fetch(_deps, event) {
    return event.data.object as Stripe.Checkout.Session;
  },
  async apply(tx, _deps, event, session) {
    const expired = event.type === 'checkout.session.expired';
    await tx
      .update(checkoutSessions)
      .set(expired ? { status: 'expired', paymentStatus: session.payment_status } : { paymentStatus: 'failed' })
      .where(eq(checkoutSessions.stripeSessionId, session.id));
  },
});
