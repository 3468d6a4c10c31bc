import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { userCredits } from '@/db/schema';
import type { Clock } from '@/lib/clock';
import { appendGrantLedger, lockTeamCredits } from './ledger';
import { refundedCredits } from './rules';
import type { CreditGrant } from './grants';

async function lockedGrant(tx: DbOrTx, businessKey: string): Promise<CreditGrant | null> {
  const [found] = await tx
    .select({ teamId: userCredits.teamId })
    .from(userCredits)
    .where(eq(userCredits.businessKey, businessKey));
  if (!found) return null;
  await lockTeamCredits(tx, found.teamId);
  const [grant] = await tx.select().from(userCredits).where(eq(userCredits.businessKey, businessKey));
  return grant ?? null;
}

const isExpired = (grant: CreditGrant, now: Date) => grant.expiresAt !== null && grant.expiresAt <= now;

/**
 * A refund that failed or was cancelled: the charge's refunded total went down, so the pack owes
 * back fewer credits and gets back those it gave up beyond that (never after it expired).
 * `refund` is the charge's cumulative refund as Stripe has it now.
 */
export async function restoreRefundedPackCredits(
  tx: DbOrTx,
  clock: Clock,
  input: { businessKey: string; refund: { refunded: number; paid: number } },
): Promise<{ restored: number } | null> {
  const now = clock.now();
  const grant = await lockedGrant(tx, input.businessKey);
  if (!grant) return null;
  const owed = input.refund.refunded <= 0 ? 0 : refundedCredits(grant.amount, input.refund);
  if (owed >= grant.refundOwed) return { restored: 0 };
  const giveBack = Math.max(0, grant.refundVoided - owed);
  // Only a void that came from a full refund is undone; a pack voided by a lost dispute stays void.
  const voidedOtherwise = grant.voidedAt !== null && grant.refundOwed < grant.amount;
  const restored =
    isExpired(grant, now) || voidedOtherwise
      ? 0
      : Math.min(giveBack, grant.amount - grant.remaining - grant.disputeHeld);
  // Credits given back while the payment is disputed stay frozen with the rest of the pack.
  const frozen = grant.disputedAt !== null;
  await tx
    .update(userCredits)
    .set({
      remaining: frozen ? grant.remaining : grant.remaining + restored,
      disputeHeld: frozen ? grant.disputeHeld + restored : grant.disputeHeld,
      refundOwed: owed,
      refundVoided: grant.refundVoided - giveBack,
      voidedAt: voidedOtherwise || owed >= grant.amount ? grant.voidedAt : null,
    })
    .where(eq(userCredits.id, grant.id));
  if (restored > 0 && !frozen)
    await appendGrantLedger(tx, grant, { entryType: 'refund', delta: restored, referenceId: grant.sourceRef, at: now });
  return { restored };
}

/** A disputed payment freezes what is left of its pack: not spendable until the dispute is decided. */
export async function holdDisputedPackCredits(
  tx: DbOrTx,
  clock: Clock,
  input: { businessKey: string; disputeId: string },
): Promise<{ held: number } | null> {
  const now = clock.now();
  const grant = await lockedGrant(tx, input.businessKey);
  if (!grant) return null;
  // A voided pack is marked too (it has nothing left to freeze): one voided by a full refund comes
  // back if that refund fails, and what comes back must stay frozen until the dispute is decided.
  if (grant.disputedAt !== null || isExpired(grant, now)) return { held: 0 };
  await tx
    .update(userCredits)
    .set({ remaining: 0, disputeHeld: grant.disputeHeld + grant.remaining, disputedAt: now })
    .where(eq(userCredits.id, grant.id));
  if (grant.remaining > 0)
    await appendGrantLedger(tx, grant, {
      entryType: 'dispute_hold',
      delta: -grant.remaining,
      referenceId: input.disputeId,
      at: now,
    });
  return { held: grant.remaining };
}

/**
 * The dispute is decided: won gives the frozen credits back (unless the pack expired meanwhile),
 * lost voids the pack. What was spent before the dispute stays spent either way.
 */
export async function settleDisputedPackCredits(
  tx: DbOrTx,
  clock: Clock,
  input: { businessKey: string; disputeId: string; outcome: 'won' | 'lost' },
): Promise<{ released: number; voided: number } | null> {
  const now = clock.now();
  const grant = await lockedGrant(tx, input.businessKey);
  if (!grant) return null;
  if (input.outcome === 'lost') {
    if (grant.voidedAt !== null && grant.disputeHeld === 0) return { released: 0, voided: 0 };
    // A loss voids the pack even if its dispute event was never seen: what is left goes too.
    await tx
      .update(userCredits)
      .set({ remaining: 0, disputeHeld: 0, disputedAt: null, voidedAt: grant.voidedAt ?? now })
      .where(eq(userCredits.id, grant.id));
    if (grant.remaining > 0)
      await appendGrantLedger(tx, grant, {
        entryType: 'dispute_hold',
        delta: -grant.remaining,
        referenceId: input.disputeId,
        at: now,
      });
    return { released: 0, voided: grant.remaining + grant.disputeHeld };
  }
  if (grant.disputedAt === null) return { released: 0, voided: 0 };
  // A refund recorded while the credits were frozen still takes its share from them now.
  const owedLeft = Math.max(0, grant.refundOwed - grant.refundVoided);
  const takenForRefund = Math.min(grant.disputeHeld, owedLeft);
  const expired = isExpired(grant, now);
  const released = expired || grant.voidedAt !== null ? 0 : grant.disputeHeld - takenForRefund;
  await tx
    .update(userCredits)
    .set({
      remaining: grant.remaining + released,
      disputeHeld: 0,
      disputedAt: null,
      // Taken by the refund even when that refund voided the pack: should the refund fail, they come back.
      refundVoided: grant.refundVoided + (expired ? 0 : takenForRefund),
    })
    .where(eq(userCredits.id, grant.id));
  if (released > 0)
    await appendGrantLedger(tx, grant, {
      entryType: 'dispute_release',
      delta: released,
      referenceId: input.disputeId,
      at: now,
    });
  return { released, voided: 0 };
}
