import type Stripe from 'stripe';
import type { Tx } from '@/db/client';
import { findPackage } from '@/lib/catalog/packages';
import type { Clock } from '@/lib/clock';
import {
  holdDisputedPackCredits,
  restoreRefundedPackCredits,
  settleDisputedPackCredits,
  voidPackCredits,
} from '@/lib/credits';
import type { Logger } from '@/lib/logger';
import { applyRefund, disputeState, purchaseForPayment, recordDispute, type Purchase } from '@/lib/purchases';
import { idOf } from '@/lib/stripe/ids';
import { PaymentNotRecorded } from '@/lib/webhooks/deferral';

interface Deps {
  clock: Clock;
  logger: Logger;
}

/** The business key of the credits a purchase granted, when it bought a credit pack. */
function packGrantKey(purchase: Purchase): string | null {
  if (findPackage(purchase.packageId)?.packageType !== 'credit_pack' || !purchase.stripeCheckoutSessionId) return null;
  return `pack:${purchase.stripeCheckoutSessionId}`;
}

const paymentOf = (charge: Stripe.Charge) => ({ paymentIntentId: idOf(charge.payment_intent), chargeId: charge.id });

/**
 * Brings a purchase in line with its charge's refunds as Stripe reports them now: the purchase
 * shows the refunded total, a credit pack gives up the refunded share of its credits (or, when a
 * refund failed and the total went down, gets back what it gave up beyond the new share).
 * Throws PaymentNotRecorded when the charge's purchase is not recorded yet, so Stripe retries.
 */
export async function applyChargeRefunds(
  tx: Tx,
  deps: Deps,
  charge: Stripe.Charge,
  options: { refundReversed: boolean },
): Promise<Purchase> {
  const purchase = await applyRefund(tx, paymentOf(charge), charge.amount_refunded, {
    exact: options.refundReversed,
  });
  if (!purchase) throw new PaymentNotRecorded(charge.id, 'the refunded charge');
  const key = packGrantKey(purchase);
  if (!key) return purchase;
  const refund = { refunded: purchase.amountRefunded, paid: purchase.amount };
  if (options.refundReversed) {
    const restored = await restoreRefundedPackCredits(tx, deps.clock, { businessKey: key, refund });
    deps.logger.info({ purchaseId: purchase.id, ...restored }, 'Restored pack credits after a failed refund');
  } else if (purchase.amountRefunded > 0) {
    const result = await voidPackCredits(tx, deps.clock, { businessKey: key, refund });
    deps.logger.info({ purchaseId: purchase.id, ...result }, 'Voided refunded pack credits');
  }
  return purchase;
}

/**
 * Applies a dispute as Stripe has it now, whatever event reported it: open holds the pack's
 * remaining credits, won releases them, lost voids them; the purchase records the state (a
 * disputed plan or add-on payment marks the team `disputed`).
 */
export async function applyDispute(tx: Tx, deps: Deps, dispute: Stripe.Dispute): Promise<void> {
  const chargeId = idOf(dispute.charge);
  const purchase = await purchaseForPayment(tx, {
    paymentIntentId: idOf(dispute.payment_intent),
    chargeId,
  });
  if (!purchase) throw new PaymentNotRecorded(chargeId ?? dispute.id, 'the disputed charge');
  const state = disputeState(dispute.status);
  const recorded = await recordDispute(tx, purchase, { id: dispute.id, state });
  deps.logger.warn(
    { purchaseId: purchase.id, teamId: purchase.teamId, disputeId: dispute.id, state: recorded.disputeStatus },
    'Payment disputed',
  );
  const key = packGrantKey(purchase);
  if (!key) return;
  if (recorded.disputeStatus === 'open')
    await holdDisputedPackCredits(tx, deps.clock, { businessKey: key, disputeId: dispute.id });
  else if (recorded.disputeStatus === 'won' || recorded.disputeStatus === 'lost')
    await settleDisputedPackCredits(tx, deps.clock, {
      businessKey: key,
      disputeId: dispute.id,
      outcome: recorded.disputeStatus,
    });
}
