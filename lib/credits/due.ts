import { sql, type SQL } from 'drizzle-orm';
import { creditReservations, userCredits } from '@/db/schema';
import { isHeldReservation } from './held';

/** Whether a grant has passed its expiry with credits left, or a hold has run out of time: work for `prepareTeamCredits`. */
export function expiryDueSql(teamId: string, now: Date): SQL<boolean> {
  const at = sql`${now.toISOString()}::timestamptz`;
  return sql<boolean>`(EXISTS (SELECT 1 FROM ${userCredits} WHERE ${userCredits.teamId} = ${teamId} AND ${userCredits.remaining} > 0
      AND ${userCredits.voidedAt} IS NULL AND ${userCredits.expiresAt} <= ${at})
    OR EXISTS (SELECT 1 FROM ${creditReservations} WHERE ${creditReservations.teamId} = ${teamId}
      AND ${isHeldReservation} AND ${creditReservations.expiresAt} <= ${at}))`;
}
