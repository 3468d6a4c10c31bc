import { and, asc, eq, gte, lt, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { creditReservations, teamMembers, users } from '@/db/schema';
import type { CreditType } from './rules';

export interface MemberUsage {
  user_id: string;
  email: string;
  used_this_month: number;
}

/**
 * What each member of the team spent in the calendar month (UTC) containing `now` (held or
 * committed; on unlimited plans too). The same figure as `user_credit_summary.used_this_period`,
 * but at the injectable clock's time rather than the database's `now()`.
 */
export async function memberUsage(
  db: DbOrTx,
  teamId: string,
  now: Date,
  creditType: CreditType = 'ai_stories',
): Promise<MemberUsage[]> {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const rows = await db
    .select({
      userId: teamMembers.userId,
      email: users.email,
      used: sql<number>`COALESCE(SUM(${creditReservations.amount}), 0)::int`,
    })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .leftJoin(
      creditReservations,
      and(
        eq(creditReservations.teamId, teamMembers.teamId),
        eq(creditReservations.userId, teamMembers.userId),
        eq(creditReservations.creditType, creditType),
        ne(creditReservations.status, 'released'),
        gte(creditReservations.createdAt, start),
        lt(creditReservations.createdAt, end),
      ),
    )
    .where(eq(teamMembers.teamId, teamId))
    .groupBy(teamMembers.userId, users.email)
    .orderBy(asc(users.email));
  return rows.map((r) => ({ user_id: r.userId, email: r.email, used_this_month: Number(r.used) }));
}
