import type Stripe from 'stripe';
import { packageForPrice } from '@/lib/catalog/price-lookup';
import { applyDispute } from '@/lib/billing/payment-reversals';
import { applyRefund, recordPurchase } from '@/lib/purchases';
import { fromUnix, idOf } from '@/lib/stripe/ids';
import { mirrorSubscription } from '@/lib/subscriptions/mirror';
import { defineHandler } from '../types';

interface Fetched {
  invoice: Stripe.Invoice;
  subscription: Stripe.Subscription | null;
  /** The charge that paid the invoice (from `invoice.payments`), so its refunds find the purchase. */
  charge?: Stripe.Charge | null;
  /** Its disputes when the charge is disputed, applied here even if their own events were parked. */
  disputes?: Stripe.Dispute[];
}

export function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
  return idOf(invoice.parent?.subscription_details?.subscription ?? null);
}

async function fetchInvoiceAndSubscription(stripe: Stripe, invoice: Stripe.Invoice): Promise<Fetched> {
  const subscriptionId = invoiceSubscriptionId(invoice);
  return { invoice, subscription: subscriptionId ? await stripe.subscriptions.retrieve(subscriptionId) : null };
}

/** The payment that settled the invoice (basil API: `invoice.payments`, the default paid one). */
async function paidCharge(
  stripe: Stripe,
  invoiceId: string,
): Promise<{ invoice: Stripe.Invoice; charge: Stripe.Charge | null }> {
  const invoice = await stripe.invoices.retrieve(invoiceId, { expand: ['payments'] });
  const payments = invoice.payments?.data ?? [];
  const paid = payments.find((p) => p.status === 'paid' && p.is_default) ?? payments.find((p) => p.status === 'paid');
  const intentId = paid?.payment.type === 'payment_intent' ? idOf(paid.payment.payment_intent ?? null) : null;
  const chargeId = paid?.payment.type === 'charge' ? idOf(paid.payment.charge ?? null) : null;
  if (chargeId) return { invoice, charge: await stripe.charges.retrieve(chargeId) };
  if (!intentId) return { invoice, charge: null };
  const intent = await stripe.paymentIntents.retrieve(intentId);
  const latest = idOf(intent.latest_charge ?? null);
  return { invoice, charge: latest ? await stripe.charges.retrieve(latest) : null };
}

/** `invoice.paid` and `invoice.payment_succeeded` (both report one payment: keyed by invoice id). */
export const invoicePaid = defineHandler<Fetched>({
  async fetch(deps, event) {
    const reported = event.data.object as Stripe.Invoice;
    const { invoice, charge } =
      reported.amount_paid > 0 ? await paidCharge(deps.stripe, reported.id!) : { invoice: reported, charge: null };
    const disputes = charge?.disputed ? (await deps.stripe.disputes.list({ charge: charge.id })).data : [];
    return { ...(await fetchInvoiceAndSubscription(deps.stripe, invoice)), charge, disputes };
  },
  async apply(tx, deps, event, { invoice, subscription, charge, disputes = [] }) {
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
    const { purchase } = await recordPurchase(tx, {
      teamId: synced.teamId,
      packageId: packageId ?? plan?.id ?? 'starter',
      businessKey: `invoice:${invoice.id}`,
      stripeInvoiceId: invoice.id,
      stripeSubscriptionId: subscription.id,
      stripePaymentIntentId: idOf(charge?.payment_intent ?? null),
      stripeChargeId: charge?.id ?? null,
      amount: invoice.amount_paid,
      currency: invoice.currency,
      userId: subscription.metadata?.user_id ?? null,
      purchasedAt: fromUnix(invoice.status_transitions?.paid_at ?? event.created)!,
    });
    // Refunded before this ran: the purchase shows it at once.
    if (charge && charge.amount_refunded > purchase.amountRefunded)
      await applyRefund(
        tx,
        { paymentIntentId: idOf(charge.payment_intent), chargeId: charge.id },
        charge.amount_refunded,
      );
    for (const dispute of disputes) await applyDispute(tx, deps, dispute);
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
