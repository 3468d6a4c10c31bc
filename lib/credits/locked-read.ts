import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { creditReservations } from '@/db/schema';
import { prepareTeamCredits, type AllowanceWindowState, type CreditGrant } from './grants';
import { lockTeamCredits } from './ledger';
import { liveGrants } from './live-grants';
import type { CreditType } from './rules';
import { inspectTeamCredits } from './snapshot';

export interface LockedSpendState {
  unlimited: boolean;
  window: AllowanceWindowState;
  /**
   * The team's grants that are not voided, spent ones included; expired ones only when they hold
   * nothing (what is up to date has no expired grant with credits left), so they count for nothing.
   */
  grants: CreditGrant[];
  /** The reservation already made for the reference id, if any. */
  existing: typeof creditReservations.$inferSelect | undefined;
}

function reservationFor(tx: DbOrTx, teamId: string, creditType: CreditType, referenceId: string) {
  return tx
    .select()
    .from(creditReservations)
    .where(
      and(
        eq(creditReservations.teamId, teamId),
        eq(creditReservations.creditType, creditType),
        eq(creditReservations.referenceId, referenceId),
      ),
    );
}

/**
 * Takes the team's lock and reads what a spend needs, in one round trip when nothing is due: the
 * lock, the credit snapshot and the reference's reservation go out together, and PostgreSQL runs
 * them in that order on the transaction's connection, so both reads see the state under the lock.
 * Every deduction of a team waits for this one to commit, so its round trips under the lock bound
 * the team's throughput. When something must be written first (an expiry, a lapsed hold, a new
 * window's or plan's allowance) `prepareTeamCredits` does it and the state is read again.
 */
export async function lockAndReadForSpend(
  tx: DbOrTx,
  teamId: string,
  creditType: CreditType,
  referenceId: string,
  now: Date,
): Promise<LockedSpendState> {
  // Started in this order (each call sends its statement): the lock first.
  const locked = lockTeamCredits(tx, teamId);
  const snapshotted = inspectTeamCredits(tx, teamId, creditType, now);
  const reserved = reservationFor(tx, teamId, creditType, referenceId).execute();
  const [, snapshot, [existing]] = await Promise.all([locked, snapshotted, reserved]);
  if (snapshot.upToDate) {
    return { unlimited: snapshot.unlimited, window: snapshot.window, grants: snapshot.live, existing };
  }
  const { unlimited, window } = await prepareTeamCredits(tx, teamId, creditType, now);
  // Preparing may have released this very reservation (its hold ran out) and changed the grants.
  const [[current], grants] = await Promise.all([
    reservationFor(tx, teamId, creditType, referenceId).execute(),
    liveGrants(tx, teamId, creditType, now),
  ]);
  return { unlimited, window, grants, existing: current };
}
