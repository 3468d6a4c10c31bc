import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { checkoutSessions, subscriptionAddons, subscriptions, teamMembers, teams, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { PACKAGES, findPackage } from '@/lib/catalog/packages';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import type { ManualClock } from '@/lib/clock';
import { grantPackCredits, voidPackCredits } from '@/lib/credits';
import { applyRefund, recordPurchase } from '@/lib/purchases';

export async function seedCatalog(db: Database): Promise<void> {
  await upsertCatalogRows(db, PACKAGES);
}

/** A team with one owner, without password hashing (these tests never sign in). */
export async function createTeam(db: Database, name: string): Promise<string> {
  const userId = `u-${name}-${randomBytes(3).toString('hex')}`;
  await db.insert(users).values({ id: userId, email: `${userId}@example.com` });
  const [team] = await db.insert(teams).values({ name, ownerId: userId }).returning({ id: teams.id });
  await db.insert(teamMembers).values({ teamId: team!.id, userId, role: 'owner' });
  return team!.id;
}

/** A subscription mirror row as the webhooks would have written it. */
export async function createSubscription(
  db: Database,
  input: {
    teamId: string;
    packageId: string;
    currency: string;
    status: string;
    trialStart?: string;
    periodStart?: string;
    addons?: { packageId: string; quantity: number }[];
  },
): Promise<string> {
  const stripeSubscriptionId = `sub_${randomBytes(6).toString('hex')}`;
  const [sub] = await db
    .insert(subscriptions)
    .values({
      teamId: input.teamId,
      stripeSubscriptionId,
      stripeCustomerId: `cus_${input.teamId.slice(0, 8)}`,
      packageId: input.packageId,
      status: input.status,
      currency: input.currency,
      currentPeriodStart: new Date(input.periodStart ?? '2026-10-15T00:00:00Z'),
      currentPeriodEnd: new Date('2026-11-15T00:00:00Z'),
      trialStart: input.trialStart ? new Date(input.trialStart) : null,
    })
    .returning({ id: subscriptions.id });
  for (const addon of input.addons ?? [])
    await db.insert(subscriptionAddons).values({
      teamId: input.teamId,
      subscriptionId: sub!.id,
      packageId: addon.packageId,
      status: 'active',
      quantity: addon.quantity,
    });
  return stripeSubscriptionId;
}

let sessionCounter = 0;

/** A checkout session opened at `at`, in the given status (moved there by an UPDATE, as the webhooks do). */
export async function openCheckout(
  db: Database,
  input: { teamId: string; packageId: string; currency: string; at: string; status: 'open' | 'complete' | 'expired' },
): Promise<string> {
  const stripeSessionId = `cs_test_${++sessionCounter}_${randomBytes(4).toString('hex')}`;
  await db.insert(checkoutSessions).values({
    stripeSessionId,
    teamId: input.teamId,
    packageId: input.packageId,
    mode: findPackage(input.packageId)?.packageType === 'credit_pack' ? 'payment' : 'subscription',
    currency: input.currency,
    createdAt: new Date(input.at),
  });
  if (input.status !== 'open')
    await db
      .update(checkoutSessions)
      .set({ status: input.status })
      .where(eq(checkoutSessions.stripeSessionId, stripeSessionId));
  return stripeSessionId;
}

/** A credit pack paid through checkout at the clock's time: the session, the purchase and the grant. */
export async function buyPack(
  db: Database,
  clock: ManualClock,
  input: { teamId: string; packageId: string; currency: 'usd' | 'gbp' },
): Promise<string> {
  const pkg = findPackage(input.packageId)!;
  const at = clock.now();
  const sessionId = await openCheckout(db, { ...input, at: at.toISOString(), status: 'complete' });
  await db.transaction(async (tx) => {
    await recordPurchase(tx, {
      teamId: input.teamId,
      packageId: pkg.id,
      businessKey: `checkout:${sessionId}`,
      stripeCheckoutSessionId: sessionId,
      stripePaymentIntentId: `pi_${sessionId}`,
      amount: pkg.prices[input.currency]!,
      currency: input.currency,
      purchasedAt: at,
    });
    await grantPackCredits(tx, clock, undefined, {
      teamId: input.teamId,
      packageId: pkg.id,
      credits: pkg.credits!,
      validityDays: pkg.validityDays!,
      priority: pkg.priorityProcessing,
      businessKey: `pack:${sessionId}`,
      sourceRef: sessionId,
    });
  });
  return sessionId;
}

/** Stripe's cumulative refunded amount for the pack bought in `sessionId`, applied as charge.refunded does. */
export async function refundPack(db: Database, clock: ManualClock, sessionId: string, refunded: number) {
  await db.transaction(async (tx) => {
    const purchase = await applyRefund(tx, { paymentIntentId: `pi_${sessionId}`, chargeId: null }, refunded);
    await voidPackCredits(tx, clock, {
      businessKey: `pack:${sessionId}`,
      refund: { refunded: purchase!.amountRefunded, paid: purchase!.amount },
    });
  });
}
