import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { userCreditSummary, users } from '@/db/schema';
import type { CreditType } from './rules';

export interface MemberUsage {
  user_id: string;
  email: string;
  used_this_month: number;
}

/** What each member of the team spent this calendar month, from the `user_credit_summary` view. */
export async function memberUsage(
  db: DbOrTx,
  teamId: string,
  creditType: CreditType = 'ai_stories',
): Promise<MemberUsage[]> {
  const rows = await db
    .select({ userId: userCreditSummary.userId, email: users.email, used: userCreditSummary.usedThisPeriod })
    .from(userCreditSummary)
    .innerJoin(users, eq(users.id, userCreditSummary.userId))
    .where(and(eq(userCreditSummary.teamId, teamId), eq(userCreditSummary.creditType, creditType)))
    .orderBy(asc(users.email));
  return rows.map((r) => ({ user_id: r.userId, email: r.email, used_this_month: r.used }));
}
