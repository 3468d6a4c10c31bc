import 'server-only';
import { and, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { DbOrTx } from '@/db/client';
import { userPurchases } from '@/db/schema';
import { NotFound } from '@/lib/errors';

/**
 * Where a purchase's receipt lives on Stripe: the invoice's hosted page for plan and add-on
 * payments, the charge's receipt for packs. Asked of Stripe when the customer opens it (the
 * URLs are long-lived but not stored), and only for the team's own purchases.
 */
export async function receiptUrl(
  deps: { db: DbOrTx; stripe: Stripe },
  teamId: string,
  purchaseId: string,
): Promise<string> {
  const [purchase] = await deps.db
    .select()
    .from(userPurchases)
    .where(and(eq(userPurchases.id, purchaseId), eq(userPurchases.teamId, teamId)));
  if (!purchase) throw new NotFound('No such purchase for your team', 'purchase_not_found');
  if (purchase.stripeInvoiceId) {
    const invoice = await deps.stripe.invoices.retrieve(purchase.stripeInvoiceId);
    if (invoice.hosted_invoice_url) return invoice.hosted_invoice_url;
  }
  let chargeId = purchase.stripeChargeId;
  if (!chargeId && purchase.stripePaymentIntentId) {
    const intent = await deps.stripe.paymentIntents.retrieve(purchase.stripePaymentIntentId);
    chargeId = typeof intent.latest_charge === 'string' ? intent.latest_charge : (intent.latest_charge?.id ?? null);
  }
  if (chargeId) {
    const charge = await deps.stripe.charges.retrieve(chargeId);
    if (charge.receipt_url) return charge.receipt_url;
  }
  throw new NotFound('Stripe has no receipt for this purchase', 'receipt_not_found');
}
