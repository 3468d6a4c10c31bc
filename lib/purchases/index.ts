import { count, desc, eq, or } from 'drizzle-orm';
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
  const [existing] = await tx.select().from(userPurchases).where(eq(userPurchases.businessKey, purchase.businessKey));
  return { purchase: existing!, created: false };
}

export function refundStatus(amount: number, refunded: number): Purchase['status'] {
  if (refunded <= 0) return 'paid';
  return refunded >= amount ? 'refunded' : 'partially_refunded';
}

/** Applies Stripe's cumulative refunded amount (idempotent: the same total twice changes nothing). */
export async function applyRefund(
  tx: DbOrTx,
  ref: { paymentIntentId: string | null; chargeId: string | null },
  amountRefunded: number,
): Promise<Purchase | null> {
  const where =
    ref.paymentIntentId && ref.chargeId
      ? or(eq(userPurchases.stripePaymentIntentId, ref.paymentIntentId), eq(userPurchases.stripeChargeId, ref.chargeId))
      : ref.paymentIntentId
        ? eq(userPurchases.stripePaymentIntentId, ref.paymentIntentId)
        : eq(userPurchases.stripeChargeId, ref.chargeId ?? '');
  const [purchase] = await tx.select().from(userPurchases).where(where).for('update');
  if (!purchase) return null;
  const refunded = Math.min(purchase.amount, Math.max(purchase.amountRefunded, amountRefunded));
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

export interface PurchaseView {
  id: string;
  package_id: string;
  package_name: string;
  package_type: string;
  amount: number;
  currency: string;
  amount_refunded: number;
  status: Purchase['status'];
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

export async function billingStanding(_db: DbOrTx, _teamId: string): Promise<{ disputed: boolean }> {
  return { disputed: false };
}
