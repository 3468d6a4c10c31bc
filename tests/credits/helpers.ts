import { and, eq, isNull, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { creditLedger, subscriptions, teams, userCredits } from '@/db/schema';
import type { Database } from '@/db/client';

/** The ledger invariant: its movements sum to what the grants still hold. */
export async function expectLedgerMatchesGrants(db: Database, teamId: string, now: Date): Promise<number> {
  const [ledger] = await db
    .select({ total: sql<string | null>`SUM(${creditLedger.delta})` })
    .from(creditLedger)
    .where(eq(creditLedger.teamId, teamId));
  const [grants] = await db
    .select({ total: sql<string | null>`SUM(${userCredits.remaining})` })
    .from(userCredits)
    .where(
      and(
        eq(userCredits.teamId, teamId),
        isNull(userCredits.voidedAt),
        sql`(${userCredits.expiresAt} IS NULL OR ${userCredits.expiresAt} > ${now.toISOString()}::timestamptz)`,
      ),
    );
  const negative = await db
    .select()
    .from(userCredits)
    .where(and(eq(userCredits.teamId, teamId), sql`${userCredits.remaining} < 0`));
  expect(negative).toEqual([]);
  expect(Number(ledger?.total ?? 0)).toBe(Number(grants?.total ?? 0));
  const [last] = await db
    .select({ balanceAfter: creditLedger.balanceAfter })
    .from(creditLedger)
    .where(eq(creditLedger.teamId, teamId))
    .orderBy(sql`${creditLedger.id} DESC`)
    .limit(1);
  if (last) expect(last.balanceAfter).toBe(Number(ledger?.total ?? 0));
  return Number(grants?.total ?? 0);
}

export async function putTeamOnPlan(
  db: Database,
  teamId: string,
  packageId: string,
  periodStart: Date,
  periodEnd: Date,
): Promise<void> {
  await db
    .insert(subscriptions)
    .values({
      teamId,
      stripeSubscriptionId: `sub_${teamId}`,
      stripeCustomerId: `cus_${teamId}`,
      packageId,
      status: 'active',
      currency: 'usd',
      currentPeriodStart: periodStart,
      currentPeriodEnd: periodEnd,
    })
    .onConflictDoUpdate({
      target: subscriptions.stripeSubscriptionId,
      set: { packageId, currentPeriodStart: periodStart, currentPeriodEnd: periodEnd, status: 'active' },
    });
  // As the webhook's mirror does: the first paid subscription anchors the allowance windows, once.
  await db
    .update(teams)
    .set({ allowanceAnchor: sql`COALESCE(${teams.allowanceAnchor}, ${periodStart.toISOString()}::timestamptz)` })
    .where(eq(teams.id, teamId));
}
