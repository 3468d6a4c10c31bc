import 'server-only';
import { and, count, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { creditLedger, userCredits, users } from '@/db/schema';
import type { CreditType } from './rules';

export interface LedgerLine {
  id: number;
  entry_type: string;
  /** Signed change to the spendable balance. */
  delta: number;
  balance_after: number;
  /** The story (or other) reference the caller gave, when there is one. */
  reference_id: string | null;
  member_email: string | null;
  /** The package of the grant the movement touched (pack, allowance), when known. */
  package_id: string | null;
  source: string | null;
  created_at: string;
}

/** A team's credit movements from the ledger, newest first, one page at a time. */
export async function creditHistory(
  db: DbOrTx,
  teamId: string,
  page: { limit: number; offset: number },
  creditType: CreditType = 'ai_stories',
): Promise<{ entries: LedgerLine[]; total: number }> {
  const where = and(eq(creditLedger.teamId, teamId), eq(creditLedger.creditType, creditType));
  const [rows, [total]] = await Promise.all([
    db
      .select({
        l: creditLedger,
        email: users.email,
        packageId: userCredits.packageId,
        source: userCredits.source,
      })
      .from(creditLedger)
      .leftJoin(users, eq(users.id, creditLedger.userId))
      .leftJoin(userCredits, eq(userCredits.id, creditLedger.grantId))
      .where(where)
      .orderBy(desc(creditLedger.createdAt), desc(creditLedger.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(creditLedger).where(where),
  ]);
  return {
    entries: rows.map(({ l, email, packageId, source }) => ({
      id: l.id,
      entry_type: l.entryType,
      delta: l.delta,
      balance_after: l.balanceAfter,
      reference_id: l.referenceId,
      member_email: email,
      package_id: packageId,
      source,
      created_at: l.createdAt.toISOString(),
    })),
    total: total?.n ?? 0,
  };
}
