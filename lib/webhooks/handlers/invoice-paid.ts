import type Stripe from 'stripe';
import { packageForPrice } from '@/lib/catalog/price-lookup';
import { recordPurchase } from '@/lib/purchases';
import { fromUnix, idOf } from '@/lib/stripe/ids';
import { mirrorSubscription } from '@/lib/subscriptions/mirror';
import { defineHandler } from '../types';

interface Fetched {
  invoice: Stripe.Invoice;
  subscription: Stripe.Subscription | null;
}

export function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
  return idOf(invoice.parent?.subscription_details?.subscription ?? null);
}

async function fetchInvoiceAndSubscription(stripe: Stripe, invoice: Stripe.Invoice): Promise<Fetched> {
  const subscriptionId = invoiceSubscriptionId(invoice);
  return { invoice, subscription: subscriptionId ? await stripe.subscriptions.retrieve(subscriptionId) : null };
}

/** `invoice.paid` and `invoice.payment_succeeded` (both report one payment: keyed by invoice id). */
export const invoicePaid = defineHandler<Fetched>({
  fetch: (deps, event) => fetchInvoiceAndSubscription(deps.stripe, event.data.object as Stripe.Invoice),
  async apply(tx, deps, event, { invoice, subscription }) {
    if (!subscription) return;
    const synced = await mirrorSubscription(tx, deps, subscription);
    if (!synced || invoice.amount_paid <= 0) return;
    let packageId: string | null = null;
    for (const line of invoice.lines.data) {
      if (line.amount <= 0) continue;
      const pkg = await packageForPrice(tx, line.pricing?.price_details?.price ?? null);
      if (pkg) {
        packageId = pkg.id;
        break;
      }
    }
    const plan = subscription.items.data.length ? await packageForPrice(tx, subscription.items.data[0]!.price) : null;
    await recordPurchase(tx, {
      teamId: synced.teamId,
      packageId: packageId ?? plan?.id ?? 'starter',
      businessKey: `invoice:${invoice.id}`,
      stripeInvoiceId: invoice.id,
      stripeSubscriptionId: subscription.id,
      amount: invoice.amount_paid,
      currency: invoice.currency,
      userId: subscription.metadata?.user_id ?? null,
      purchasedAt: fromUnix(invoice.status_transitions?.paid_at ?? event.created)!,
    });
  },
});

/** `invoice.payment_failed`: Stripe marks the subscription past due; the mirror follows. */
export const invoicePaymentFailed = defineHandler<Fetched>({
  fetch: (deps, event) => fetchInvoiceAndSubscription(deps.stripe, event.data.object as Stripe.Invoice),
  async apply(tx, deps, _event, { subscription }) {
    if (subscription) await mirrorSubscription(tx, deps, subscription);
    deps.logger.warn({ subscriptionId: subscription?.id, status: subscription?.status }, 'Subscription payment failed');
  },
});
