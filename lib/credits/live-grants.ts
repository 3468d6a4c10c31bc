import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { userCredits } from '@/db/schema';
import type { CreditGrant } from './grants';
import type { CreditType } from './rules';

/** A team's grants of one credit type that are neither voided nor expired at `now`, spent ones included. */
export function liveGrantsOf(teamId: string, creditType: CreditType, now: Date): SQL | undefined {
  return and(
    eq(userCredits.teamId, teamId),
    eq(userCredits.creditType, creditType),
    isNull(userCredits.voidedAt),
    sql`(${userCredits.expiresAt} IS NULL OR ${userCredits.expiresAt} > ${now.toISOString()}::timestamptz)`,
  );
}

export function liveGrants(tx: DbOrTx, teamId: string, creditType: CreditType, now: Date): Promise<CreditGrant[]> {
  return tx
    .select()
    .from(userCredits)
    .where(liveGrantsOf(teamId, creditType, now));
}

/** What the team can spend now: the sum of its live grants' remaining credits. */
export async function spendableBalance(tx: DbOrTx, teamId: string, creditType: CreditType, now: Date): Promise<number> {
  const [row] = await tx
    .select({ total: sql<string | null>`SUM(${userCredits.remaining})` })
    .from(userCredits)
    .where(liveGrantsOf(teamId, creditType, now));
  return Number(row?.total ?? 0);
}
