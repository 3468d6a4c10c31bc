import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { DbOrTx } from '@/db/client';
import { trialCardFingerprints } from '@/db/schema';
import { AppError } from '@/lib/errors';
import type { Logger } from '@/lib/logger';
import { idOf } from '@/lib/stripe/ids';

/** The fingerprint of the card a subscription will charge (Stripe's, the same for every use of one card number). */
export async function subscriptionCardFingerprint(stripe: Stripe, sub: Stripe.Subscription): Promise<string | null> {
  const pmId = idOf(sub.default_payment_method ?? null);
  if (!pmId) return null;
  const pm = await stripe.paymentMethods.retrieve(pmId);
  return pm.card?.fingerprint ?? null;
}

/** The team whose trial this card started, if any. */
export async function trialCardOwner(db: DbOrTx, fingerprint: string): Promise<string | null> {
  const [row] = await db
    .select({ teamId: trialCardFingerprints.teamId })
    .from(trialCardFingerprints)
    .where(eq(trialCardFingerprints.fingerprint, fingerprint));
  return row?.teamId ?? null;
}

/**
 * A card that already had a trial (on another team) gets none: the trial ends at once, so Stripe
 * invoices and charges the card now. Trials are still once per team (checkout refuses a second).
 */
export async function endTrialForUsedCard(
  stripe: Stripe,
  logger: Logger,
  sub: Stripe.Subscription,
  ownerTeamId: string,
): Promise<Stripe.Subscription> {
  const ended = await stripe.subscriptions.update(
    sub.id,
    { trial_end: 'now', proration_behavior: 'none' },
    { idempotencyKey: `trial-card-used-${sub.id}` },
  );
  logger.warn(
    { subscriptionId: sub.id, trialOwnerTeamId: ownerTeamId, status: ended.status },
    'Trial refused: the card already had a trial; charged now',
  );
  return ended;
}

/** Two teams starting a trial with one card at the same moment: the loser retries and is charged. */
export class TrialCardRace extends AppError {
  constructor() {
    super('trial_card_race', 'Another team claimed this card for a trial at the same moment; retry', 500);
  }
}

/** Records that this card has had its trial; throws TrialCardRace when another team holds it. */
export async function claimTrialCard(
  tx: DbOrTx,
  claim: { fingerprint: string; teamId: string; stripeSubscriptionId: string },
): Promise<void> {
  await tx.insert(trialCardFingerprints).values(claim).onConflictDoNothing();
  const owner = await trialCardOwner(tx, claim.fingerprint);
  if (owner !== claim.teamId) throw new TrialCardRace();
}
