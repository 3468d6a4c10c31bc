import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { creditLedger } from '@/db/schema';
import type { CreditType } from './rules';

type EntryType = (typeof creditLedger.$inferInsert)['entryType'];

/**
 * Test-only interleaving, injected like the clock: runs inside the transaction after the state is
 * read and before it is written, so a test can run a competing operation in exactly that window.
 */
export interface CreditHooks {
  beforeWrite?(point: 'spend' | 'commit' | 'release' | 'void'): Promise<void>;
}

/** Every credit movement of a team is serialised by this transaction-scoped lock. */
export async function lockTeamCredits(tx: DbOrTx, teamId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`credits:${teamId}`}, 0))`);
}

export interface LedgerEntry {
  teamId: string;
  creditType: CreditType;
  entryType: NonNullable<EntryType>;
  delta: number;
  grantId?: string | null;
  reservationId?: string | null;
  referenceId?: string | null;
  userId?: string | null;
  at: Date;
}

/**
 * Appends a movement with the balance after it, computed in the same statement from the last
 * entry's `balance_after` (one index probe on (team_id, credit_type, id), one round trip under the
 * team's lock). Entries are appended under that lock, so the highest id is the latest; the tests'
 * `expectLedgerMatchesGrants` checks that the last balance equals the sum of every delta.
 */
export async function appendLedger(tx: DbOrTx, entry: LedgerEntry): Promise<number> {
  const last = tx
    .select({ balanceAfter: creditLedger.balanceAfter })
    .from(creditLedger)
    .where(and(eq(creditLedger.teamId, entry.teamId), eq(creditLedger.creditType, entry.creditType)))
    .orderBy(desc(creditLedger.id))
    .limit(1);
  const [row] = await tx
    .insert(creditLedger)
    .values({
      teamId: entry.teamId,
      creditType: entry.creditType,
      entryType: entry.entryType,
      delta: entry.delta,
      grantId: entry.grantId ?? null,
      reservationId: entry.reservationId ?? null,
      referenceId: entry.referenceId ?? null,
      userId: entry.userId ?? null,
      balanceAfter: sql`COALESCE((${last}), 0) + ${entry.delta}`,
      createdAt: entry.at,
    })
    .returning({ balanceAfter: creditLedger.balanceAfter });
  return row!.balanceAfter;
}

/** A movement of one grant's credits: the team and credit type are the grant's own. */
export async function appendGrantLedger(
  tx: DbOrTx,
  grant: { id: string; teamId: string; creditType: string },
  entry: { entryType: LedgerEntry['entryType']; delta: number; referenceId?: string | null; at: Date },
): Promise<number> {
  return appendLedger(tx, {
    teamId: grant.teamId,
    creditType: grant.creditType as CreditType,
    grantId: grant.id,
    ...entry,
  });
}
