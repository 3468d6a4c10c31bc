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

/**
 * The team's spendable balance as the ledger tells it: the last entry's `balance_after`. Entries are
 * appended under the team's lock, so the highest id is the latest, and its `balance_after` is the sum
 * of every delta before it (`expectLedgerMatchesGrants` in the tests checks the two agree).
 */
export async function ledgerBalance(tx: DbOrTx, teamId: string, creditType: CreditType): Promise<number> {
  const [last] = await tx
    .select({ balanceAfter: creditLedger.balanceAfter })
    .from(creditLedger)
    .where(and(eq(creditLedger.teamId, teamId), eq(creditLedger.creditType, creditType)))
    .orderBy(desc(creditLedger.id))
    .limit(1);
  return last?.balanceAfter ?? 0;
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

/** Appends a movement with the balance after it. Callers hold the team lock. */
export async function appendLedger(tx: DbOrTx, entry: LedgerEntry): Promise<number> {
  const balanceAfter = (await ledgerBalance(tx, entry.teamId, entry.creditType)) + entry.delta;
  await tx.insert(creditLedger).values({
    teamId: entry.teamId,
    creditType: entry.creditType,
    entryType: entry.entryType,
    delta: entry.delta,
    grantId: entry.grantId ?? null,
    reservationId: entry.reservationId ?? null,
    referenceId: entry.referenceId ?? null,
    userId: entry.userId ?? null,
    balanceAfter,
    createdAt: entry.at,
  });
  return balanceAfter;
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
