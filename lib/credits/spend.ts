import { randomUUID } from 'node:crypto';
import { and, eq, gte, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '@/db/client';
import { creditReservations, userCredits } from '@/db/schema';
import type { Clock } from '@/lib/clock';
import { Conflict, InsufficientCredits, NotFound, ValidationFailed } from '@/lib/errors';
import type { Logger } from '@/lib/logger';
import { prepareTeamCredits, returnReservation } from './grants';
import { lockAndReadForSpend } from './locked-read';
import { appendLedger, type CreditHooks, type LedgerEntry } from './ledger';
import { allocate, RESERVATION_TTL_MS, type CreditType } from './rules';
import { recordWarnings } from './warnings';
import { isHeldReservation } from './held';
import { spendableBalance } from './live-grants';

export interface CreditDeps {
  db: Database;
  clock: Clock;
  logger?: Logger;
  hooks?: CreditHooks;
}

export type Reservation = typeof creditReservations.$inferSelect;

export interface SpendResult {
  reservation_id: string;
  reference_id: string;
  amount: number;
  status: 'held' | 'committed' | 'released';
  /** True when this call found the work already done for its reference id. */
  replayed: boolean;
  remaining_credits: number;
  unlimited: boolean;
  expires_at: string | null;
}

function validate(amount: number, referenceId: string): void {
  if (!Number.isInteger(amount) || amount < 1 || amount > 1000)
    throw new ValidationFailed('amount: must be a whole number from 1 to 1000');
  if (!referenceId || referenceId.length > 200) throw new ValidationFailed('reference_id: must be 1 to 200 characters');
}

/** What the team can spend, from its live grants as read (or just written) under the lock. */
const spendableIn = (grants: readonly { remaining: number }[]) => grants.reduce((sum, g) => sum + g.remaining, 0);

function result(r: Reservation, replayed: boolean, remaining: number, unlimited: boolean): SpendResult {
  return {
    reservation_id: r.id,
    reference_id: r.referenceId,
    amount: r.amount,
    status: r.status,
    replayed,
    remaining_credits: remaining,
    unlimited,
    expires_at: r.status === 'held' ? r.expiresAt.toISOString() : null,
  };
}

/**
 * Takes `amount` credits for `referenceId`: held (`reserve`) or spent at once (`deduct`).
 * Idempotent by reference id; serialised per team; decrements are conditional on `remaining`.
 */
async function take(
  deps: CreditDeps,
  teamId: string,
  creditType: CreditType,
  amount: number,
  referenceId: string,
  mode: 'reserve' | 'deduct',
  userId?: string | null,
): Promise<SpendResult> {
  validate(amount, referenceId);
  const now = deps.clock.now();
  const outcome = await deps.db.transaction(async (tx) => {
    const { unlimited, window, grants, existing } = await lockAndReadForSpend(tx, teamId, creditType, referenceId, now);
    if (existing) {
      if (existing.amount !== amount)
        throw new Conflict(
          `reference_id '${referenceId}' was already used for ${existing.amount} credits`,
          'reference_reused',
        );
      let settled = existing;
      if (mode === 'deduct' && existing.status === 'held') settled = await commitHeld(tx, existing, now);
      if (settled.status === 'released')
        throw new Conflict(
          `The reservation for '${referenceId}' was released; use a new reference id`,
          'reservation_released',
        );
      // Committing a hold moves no credits: the grants read above are still the balance.
      return result(settled, true, spendableIn(grants), unlimited);
    }
    const status = mode === 'deduct' ? 'committed' : 'held';
    // Made here so the ledger entries can name the reservation in the same round trip.
    const reservationId = randomUUID();
    const insertReservation = (allocations: { grantId: string; amount: number }[]) =>
      tx
        .insert(creditReservations)
        .values({
          id: reservationId,
          teamId,
          creditType,
          referenceId,
          userId,
          amount,
          status,
          allocations,
          expiresAt: new Date(now.getTime() + RESERVATION_TTL_MS),
          createdAt: now,
          resolvedAt: mode === 'deduct' ? now : null,
        })
        .returning()
        .execute();
    const enterInLedger = (entry: Pick<LedgerEntry, 'entryType' | 'delta' | 'grantId'>) =>
      appendLedger(tx, { teamId, creditType, reservationId, referenceId, userId, at: now, ...entry });
    if (unlimited) {
      // Unlimited plans spend nothing, but usage is still recorded (both writes go out together).
      const [[r]] = await Promise.all([insertReservation([]), enterInLedger({ entryType: 'usage', delta: 0 })]);
      return result(r!, false, spendableIn(grants), true);
    }
    const plan = allocate(grants, amount);
    if (!plan) throw new InsufficientCredits(amount, spendableIn(grants));
    await deps.hooks?.beforeWrite?.('spend');
    // The grants as this spend leaves them: the balance and the warnings follow without reading them again.
    const taken = new Map(plan.map((p) => [p.grant.id, p.take]));
    const after = grants.map((g) => ({ ...g, remaining: g.remaining - (taken.get(g.id) ?? 0) }));
    // The writes are started in this order and go out together (one round trip under the lock);
    // PostgreSQL runs them in order. A decrement that matches no row fails the spend and rolls
    // every write back.
    const inserted = insertReservation(plan.map((p) => ({ grantId: p.grant.id, amount: p.take })));
    const moved = plan.map(({ grant, take: n }) => {
      const decremented = tx
        .update(userCredits)
        .set({ remaining: sql`${userCredits.remaining} - ${n}` })
        .where(and(eq(userCredits.id, grant.id), gte(userCredits.remaining, n)))
        .returning({ id: userCredits.id })
        .execute();
      const entered = enterInLedger({
        entryType: mode === 'deduct' ? 'usage' : 'reserve',
        delta: -n,
        grantId: grant.id,
      });
      return Promise.all([decremented, entered]).then(([rows]) => rows.length > 0);
    });
    const warned = recordWarnings(tx, deps.logger, teamId, creditType, now, window.spentElsewhere, after);
    const [[r], applied] = await Promise.all([inserted, Promise.all(moved), warned]);
    // Unreachable under the team lock; the condition and the CHECK constraint are the backstop.
    if (applied.includes(false)) throw new InsufficientCredits(amount, 0);
    return result(r!, false, spendableIn(after), false);
  });
  return outcome;
}

async function commitHeld(tx: DbOrTx, reservation: Reservation, now: Date): Promise<Reservation> {
  const [r] = await tx
    .update(creditReservations)
    .set({ status: 'committed', resolvedAt: now })
    .where(eq(creditReservations.id, reservation.id))
    .returning();
  await appendLedger(tx, {
    teamId: reservation.teamId,
    creditType: reservation.creditType as CreditType,
    entryType: 'commit',
    delta: 0,
    reservationId: reservation.id,
    referenceId: reservation.referenceId,
    at: now,
  });
  return r!;
}

/** The seed's one-step deduction: `deductCredit(team, 'ai_stories', 1, storyId)`. */
export function deductCredit(
  deps: CreditDeps,
  teamId: string,
  creditType: CreditType,
  amount: number,
  referenceId: string,
  userId?: string | null,
): Promise<SpendResult> {
  return take(deps, teamId, creditType, amount, referenceId, 'deduct', userId);
}

/** Holds credits before generation; commit after success, release on failure. */
export function reserve(
  deps: CreditDeps,
  teamId: string,
  amount: number,
  referenceId: string,
  options: { creditType?: CreditType; userId?: string | null } = {},
): Promise<SpendResult> {
  return take(deps, teamId, options.creditType ?? 'ai_stories', amount, referenceId, 'reserve', options.userId);
}

async function settle(
  deps: CreditDeps,
  teamId: string,
  reservationId: string,
  action: 'commit' | 'release',
): Promise<SpendResult> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [found] = await tx
      .select()
      .from(creditReservations)
      .where(and(eq(creditReservations.id, reservationId), eq(creditReservations.teamId, teamId)));
    if (!found) throw new NotFound('Reservation not found', 'reservation_not_found');
    const creditType = found.creditType as CreditType;
    // Preparing may release this very reservation if its time ran out.
    const { unlimited } = await prepareTeamCredits(tx, teamId, creditType, now);
    const [current] = await tx.select().from(creditReservations).where(eq(creditReservations.id, reservationId));
    let r = current!;
    await deps.hooks?.beforeWrite?.(action);
    if (action === 'commit') {
      if (r.status === 'released')
        throw new Conflict('The reservation was released or expired before it was committed', 'reservation_released');
      const replayed = r.status === 'committed';
      if (!replayed) r = await commitHeld(tx, r, now);
      return result(r, replayed, await spendableBalance(tx, teamId, creditType, now), unlimited);
    }
    if (r.status === 'committed')
      throw new Conflict('A committed reservation cannot be released', 'reservation_committed');
    const replayed = r.status === 'released';
    if (!replayed) {
      await returnReservation(tx, r, now);
      r = { ...r, status: 'released', resolvedAt: now };
    }
    return result(r, replayed, await spendableBalance(tx, teamId, creditType, now), unlimited);
  });
}

export function commit(deps: CreditDeps, teamId: string, reservationId: string): Promise<SpendResult> {
  return settle(deps, teamId, reservationId, 'commit');
}

export function release(deps: CreditDeps, teamId: string, reservationId: string): Promise<SpendResult> {
  return settle(deps, teamId, reservationId, 'release');
}

/** For a periodic job: releases every hold whose time ran out, team by team. */
export async function releaseExpiredReservations(deps: CreditDeps): Promise<number> {
  const now = deps.clock.now();
  const teams = await deps.db
    .selectDistinct({ teamId: creditReservations.teamId, creditType: creditReservations.creditType })
    .from(creditReservations)
    .where(and(isHeldReservation, sql`${creditReservations.expiresAt} <= ${now.toISOString()}::timestamptz`));
  for (const t of teams)
    await deps.db.transaction((tx) => prepareTeamCredits(tx, t.teamId, t.creditType as CreditType, now));
  return teams.length;
}
