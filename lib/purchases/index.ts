import { and, count, desc, eq, inArray, isNotNull, or } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { stripeProducts, userPurchases } from '@/db/schema';

export type Purchase = typeof userPurchases.$inferSelect;

/** Records a payment once per business key (checkout session, invoice); returns it and whether it is new. */
export async function recordPurchase(
  tx: DbOrTx,
  purchase: typeof userPurchases.$inferInsert,
): Promise<{ purchase: Purchase; created: boolean }> {
  const [created] = await tx
    .insert(userPurchases)
    .values(purchase)
    .onConflictDoNothing({ target: userPurchases.businessKey })
    .returning();
  if (created) return { purchase: created, created: true };
  const [found] = await tx.select().from(userPurchases).where(eq(userPurchases.businessKey, purchase.businessKey));
  const existing = found!;
  // A payment recorded before its charge was known (a duplicate plan's invoice, refunded by the
  // subscription mirror from its payment intent) gets the charge id from the later record of the
  // same payment, so refunds, disputes and receipts name it; an id once known never changes.
  const samePayment =
    existing.stripePaymentIntentId === null || existing.stripePaymentIntentId === purchase.stripePaymentIntentId;
  if (existing.stripeChargeId !== null || !purchase.stripeChargeId || !samePayment)
    return { purchase: existing, created: false };
  const [completed] = await tx
    .update(userPurchases)
    .set({ stripeChargeId: purchase.stripeChargeId })
    .where(eq(userPurchases.id, existing.id))
    .returning();
  return { purchase: completed!, created: false };
}

export function refundStatus(amount: number, refunded: number): Purchase['status'] {
  if (refunded <= 0) return 'paid';
  return refunded >= amount ? 'refunded' : 'partially_refunded';
}

function paymentMatch(ref: { paymentIntentId: string | null; chargeId: string | null }) {
  return ref.paymentIntentId && ref.chargeId
    ? or(eq(userPurchases.stripePaymentIntentId, ref.paymentIntentId), eq(userPurchases.stripeChargeId, ref.chargeId))
    : ref.paymentIntentId
      ? eq(userPurchases.stripePaymentIntentId, ref.paymentIntentId)
      : eq(userPurchases.stripeChargeId, ref.chargeId ?? '');
}

/** The purchase a Stripe payment (PaymentIntent or Charge) paid for, locked for the caller's transaction. */
export async function purchaseForPayment(
  tx: DbOrTx,
  ref: { paymentIntentId: string | null; chargeId: string | null },
): Promise<Purchase | null> {
  const [purchase] = await tx.select().from(userPurchases).where(paymentMatch(ref)).for('update');
  return purchase ?? null;
}

/**
 * Applies Stripe's cumulative refunded amount. Refunds only grow (the same total twice, or an
 * older total after a newer one, changes nothing) unless `exact`: after a refund failed or was
 * cancelled, the charge's freshly fetched total is the truth and may be lower.
 */
export async function applyRefund(
  tx: DbOrTx,
  ref: { paymentIntentId: string | null; chargeId: string | null },
  amountRefunded: number,
  options: { exact?: boolean } = {},
): Promise<Purchase | null> {
  const purchase = await purchaseForPayment(tx, ref);
  if (!purchase) return null;
  const wanted = options.exact ? amountRefunded : Math.max(purchase.amountRefunded, amountRefunded);
  const refunded = Math.min(purchase.amount, Math.max(0, wanted));
  const [updated] = await tx
    .update(userPurchases)
    .set({
      amountRefunded: refunded,
      status: refundStatus(purchase.amount, refunded),
      stripeChargeId: purchase.stripeChargeId ?? ref.chargeId,
    })
    .where(eq(userPurchases.id, purchase.id))
    .returning();
  return updated!;
}

export type DisputeState = 'open' | 'won' | 'lost';

/** Stripe's dispute statuses in three: still open, won, lost (a warning that closed is not a loss). */
export function disputeState(status: string): DisputeState {
  if (status === 'won' || status === 'warning_closed' || status === 'prevented') return 'won';
  if (status === 'lost') return 'lost';
  return 'open';
}

/** Records a dispute's state on its purchase. A closed dispute never reopens from an older event. */
export async function recordDispute(
  tx: DbOrTx,
  purchase: Purchase,
  dispute: { id: string; state: DisputeState },
): Promise<Purchase> {
  const closed = purchase.disputeStatus === 'won' || purchase.disputeStatus === 'lost';
  if (closed && purchase.stripeDisputeId === dispute.id) return purchase;
  const [updated] = await tx
    .update(userPurchases)
    .set({ stripeDisputeId: dispute.id, disputeStatus: dispute.state })
    .where(eq(userPurchases.id, purchase.id))
    .returning();
  return updated!;
}

/**
 * A team whose plan or add-on payment is disputed (open or lost) is `disputed` on the billing
 * page: the bank took, or may take, money back for service the team keeps using.
 */
export async function billingStanding(db: DbOrTx, teamId: string): Promise<{ disputed: boolean }> {
  const [row] = await db
    .select({ n: count() })
    .from(userPurchases)
    .where(
      and(
        eq(userPurchases.teamId, teamId),
        isNotNull(userPurchases.stripeInvoiceId),
        inArray(userPurchases.disputeStatus, ['open', 'lost']),
      ),
    );
  return { disputed: (row?.n ?? 0) > 0 };
}

export interface PurchaseView {
  id: string;
  package_id: string;
  package_name: string;
  package_type: string;
  amount: number;
  currency: string;
  amount_refunded: number;
  status: Purchase['status'];
  refund_reason: string | null;
  stripe: {
    checkout_session_id: string | null;
    payment_intent_id: string | null;
    invoice_id: string | null;
    subscription_id: string | null;
    charge_id: string | null;
  };
  purchased_at: string;
}

/** A team's purchases, newest first. */
export async function listPurchases(
  db: DbOrTx,
  teamId: string,
  page: { limit: number; offset: number },
): Promise<{ purchases: PurchaseView[]; total: number; limit: number; offset: number }> {
  const rows = await db
    .select({ p: userPurchases, name: stripeProducts.name, type: stripeProducts.packageType })
    .from(userPurchases)
    .innerJoin(stripeProducts, eq(stripeProducts.id, userPurchases.packageId))
    .where(eq(userPurchases.teamId, teamId))
    .orderBy(desc(userPurchases.purchasedAt), desc(userPurchases.createdAt))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await db.select({ n: count() }).from(userPurchases).where(eq(userPurchases.teamId, teamId));
  return {
    purchases: rows.map(({ p, name, type }) => ({
      id: p.id,
      package_id: p.packageId,
      package_name: name,
      package_type: type,
      amount: p.amount,
      currency: p.currency,
      amount_refunded: p.amountRefunded,
      status: p.status,
      refund_reason: p.refundReason,
      stripe: {
        checkout_session_id: p.stripeCheckoutSessionId,
        payment_intent_id: p.stripePaymentIntentId,
        invoice_id: p.stripeInvoiceId,
        subscription_id: p.stripeSubscriptionId,
        charge_id: p.stripeChargeId,
      },
      purchased_at: p.purchasedAt.toISOString(),
    })),
    total: total?.n ?? 0,
    limit: page.limit,
    offset: page.offset,
  };
}
