import { and, count, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { creditLedger, creditReservations, teamMembers, userCredits } from '@/db/schema';
import type { Clock } from '@/lib/clock';
import type { Logger } from '@/lib/logger';
import { appendGrantLedger, appendLedger, lockTeamCredits, type CreditHooks } from './ledger';
import {
  allowancePeriod,
  allowancePolicy,
  type AllowancePeriod,
  allowanceTopUp,
  overlapsWindow,
  refundedCredits,
  type CreditType,
} from './rules';
import { expiryDueSql } from './due';
import { readPlanAndAnchor, type CreditPlan } from './plan-state';
import { isHeldReservation } from './held';

export type CreditGrant = typeof userCredits.$inferSelect;

interface NewGrant {
  teamId: string;
  userId?: string | null;
  creditType: CreditType;
  source: 'plan_allowance' | 'credit_pack' | 'adjustment';
  sourceRef?: string | null;
  businessKey: string;
  packageId?: string | null;
  amount: number;
  priority?: boolean;
  periodStart?: Date | null;
  expiresAt: Date | null;
}

/** Inserts a grant once per business key, with its ledger entry. Returns the grant and whether it is new. */
export async function insertGrant(
  tx: DbOrTx,
  at: Date,
  grant: NewGrant,
): Promise<{ grant: CreditGrant; created: boolean }> {
  const [created] = await tx
    .insert(userCredits)
    .values({ ...grant, remaining: grant.amount, createdAt: at })
    .onConflictDoNothing({ target: userCredits.businessKey })
    .returning();
  if (created) {
    await appendLedger(tx, {
      teamId: grant.teamId,
      creditType: grant.creditType,
      entryType: 'grant',
      delta: grant.amount,
      grantId: created.id,
      referenceId: grant.sourceRef,
      userId: grant.userId,
      at,
    });
    return { grant: created, created: true };
  }
  const [existing] = await tx.select().from(userCredits).where(eq(userCredits.businessKey, grant.businessKey));
  return { grant: existing!, created: false };
}

/** Expired grants stop counting at `expires_at`; their leftover leaves the balance with an `expire` entry. */
async function expireGrants(tx: DbOrTx, teamId: string, now: Date): Promise<void> {
  const due = await tx
    .select()
    .from(userCredits)
    .where(
      and(
        eq(userCredits.teamId, teamId),
        gt(userCredits.remaining, 0),
        isNull(userCredits.voidedAt),
        lte(userCredits.expiresAt, now),
      ),
    );
  for (const grant of due) {
    await tx.update(userCredits).set({ remaining: 0 }).where(eq(userCredits.id, grant.id));
    await appendLedger(tx, {
      teamId,
      creditType: grant.creditType as CreditType,
      entryType: 'expire',
      delta: -grant.remaining,
      grantId: grant.id,
      at: now,
    });
  }
}

/** Holds past their time go back to the grants they came from (unless those expired or were voided). */
async function releaseStaleReservations(tx: DbOrTx, teamId: string, now: Date): Promise<void> {
  const stale = await tx
    .select()
    .from(creditReservations)
    .where(and(eq(creditReservations.teamId, teamId), isHeldReservation, lte(creditReservations.expiresAt, now)));
  for (const reservation of stale) await returnReservation(tx, reservation, now);
}

export async function returnReservation(
  tx: DbOrTx,
  reservation: typeof creditReservations.$inferSelect,
  now: Date,
): Promise<void> {
  for (const { grantId, amount } of reservation.allocations) {
    // Credits coming back to a pack whose payment is disputed are frozen with the rest of it.
    const [restored] = await tx
      .update(userCredits)
      .set({
        remaining: sql`CASE WHEN ${userCredits.disputedAt} IS NULL THEN ${userCredits.remaining} + ${amount} ELSE ${userCredits.remaining} END`,
        disputeHeld: sql`CASE WHEN ${userCredits.disputedAt} IS NULL THEN ${userCredits.disputeHeld} ELSE ${userCredits.disputeHeld} + ${amount} END`,
      })
      .where(
        and(
          eq(userCredits.id, grantId),
          isNull(userCredits.voidedAt),
          sql`(${userCredits.expiresAt} IS NULL OR ${userCredits.expiresAt} > ${now.toISOString()}::timestamptz)`,
        ),
      )
      .returning({
        id: userCredits.id,
        refundOwed: userCredits.refundOwed,
        refundVoided: userCredits.refundVoided,
        sourceRef: userCredits.sourceRef,
        disputedAt: userCredits.disputedAt,
      });
    const spendable = restored !== undefined && restored.disputedAt === null;
    await appendLedger(tx, {
      teamId: reservation.teamId,
      creditType: reservation.creditType as CreditType,
      entryType: 'release',
      delta: spendable ? amount : 0,
      grantId,
      reservationId: reservation.id,
      referenceId: reservation.referenceId,
      at: now,
    });
    // Credits held while their pack was partly refunded come back owing that refund.
    const owed = spendable ? Math.min(amount, restored.refundOwed - restored.refundVoided) : 0;
    if (owed > 0) {
      await tx
        .update(userCredits)
        .set({
          remaining: sql`${userCredits.remaining} - ${owed}`,
          refundVoided: sql`${userCredits.refundVoided} + ${owed}`,
        })
        .where(eq(userCredits.id, grantId));
      await appendLedger(tx, {
        teamId: reservation.teamId,
        creditType: reservation.creditType as CreditType,
        entryType: 'refund',
        delta: -owed,
        grantId,
        referenceId: restored!.sourceRef,
        at: now,
      });
    }
  }
  await tx
    .update(creditReservations)
    .set({ status: 'released', resolvedAt: now })
    .where(eq(creditReservations.id, reservation.id));
}

export interface AllowanceWindowState {
  start: Date;
  end: Date;
  /** Spent in this window from allowance grants since voided (a previous plan's, Starter's month). */
  spentElsewhere: number;
}

type PlanAndAnchor = Awaited<ReturnType<typeof readPlanAndAnchor>>;

/** A plan change leaves the previous plan's allowance: what is unspent is voided, and ledgered. */
async function voidAllowance(tx: DbOrTx, grant: CreditGrant, now: Date): Promise<void> {
  await tx.update(userCredits).set({ remaining: 0, voidedAt: now }).where(eq(userCredits.id, grant.id));
  if (grant.remaining > 0)
    await appendGrantLedger(tx, grant, { entryType: 'plan_change', delta: -grant.remaining, at: now });
}

/** Credits taken (spent or held) from the given allowance grants, as the ledger tells it. */
async function spentFromGrants(tx: DbOrTx, grantIds: string[]): Promise<number> {
  if (grantIds.length === 0) return 0;
  const [used] = await tx
    .select({ total: sql<string | null>`-SUM(${creditLedger.delta})` })
    .from(creditLedger)
    .where(
      and(inArray(creditLedger.grantId, grantIds), inArray(creditLedger.entryType, ['usage', 'reserve', 'release'])),
    );
  return Number(used?.total ?? 0);
}

export interface AllowancePlan {
  unlimited: boolean;
  window: AllowanceWindowState;
  /** Another plan's or window's live allowance grants, to void. */
  toVoid: CreditGrant[];
  /** The current plan's allowance still to grant in this window, if any. */
  topUp: NewGrant | null;
}

/**
 * What the plan's allowance for the current window needs, from plain reads: windows are anchored
 * once per team (rules: `allowancePeriod`); a grant from another plan or window is voided
 * (`plan_change`), and the current plan's allowance is granted less what the team already took
 * from allowances in the window. Per-member plans top up when members join. A past-due plan gets
 * nothing new while unpaid.
 */
async function planAllowance(
  tx: DbOrTx,
  teamId: string,
  creditType: CreditType,
  now: Date,
  planAndAnchor: Promise<PlanAndAnchor>,
): Promise<AllowancePlan> {
  const { plan, anchor } = await planAndAnchor;
  const period = allowancePeriod(now, anchor);
  const allowances = await tx
    .select()
    .from(userCredits)
    .where(
      and(
        eq(userCredits.teamId, teamId),
        eq(userCredits.creditType, creditType),
        eq(userCredits.source, 'plan_allowance'),
        // Older windows' grants have ended: they neither count in this window nor can be voided.
        gt(userCredits.expiresAt, period.start),
      ),
    );
  return allowanceFor(tx, teamId, creditType, now, { plan, period, allowances });
}

/** What `planAllowance` decides, from state already read (the credit snapshot reads it in one statement). */
export interface AllowanceInputs {
  plan: CreditPlan;
  period: AllowancePeriod;
  /**
   * The team's allowance grants of the credit type that end after the window starts, voided ones
   * too. Earlier windows' grants may be among them: ended by `now`, they neither count in the
   * window nor can be voided.
   */
  allowances: CreditGrant[];
  /** The team's member count when already known; read only for a per-member plan otherwise. */
  members?: number;
}

export async function allowanceFor(
  tx: DbOrTx,
  teamId: string,
  creditType: CreditType,
  now: Date,
  { plan, period, allowances, members }: AllowanceInputs,
): Promise<AllowancePlan> {
  const policy = allowancePolicy(plan.packageId);
  const isCurrent = (g: CreditGrant) =>
    g.voidedAt === null && g.packageId === plan.packageId && g.periodStart?.getTime() === period.start.getTime();
  // Spent-out grants too: a live grant of another plan would otherwise count in the window's
  // allowance (summary, warnings) next to what `spentElsewhere` already counts it for.
  const toVoid = allowances.filter(
    (g) => g.voidedAt === null && !isCurrent(g) && (g.expiresAt === null || g.expiresAt > now),
  );
  const current = allowances.filter(isCurrent);
  const others = allowances.filter(
    (g) => !isCurrent(g) && overlapsWindow({ start: g.periodStart ?? g.createdAt, end: g.expiresAt }, period),
  );
  const window = {
    ...period,
    spentElsewhere: await spentFromGrants(
      tx,
      others.map((g) => g.id),
    ),
  };
  if (policy.unlimited) return { unlimited: true, window, toVoid, topUp: null };
  if (plan.unpaid && !plan.graceOver) return { unlimited: false, window, toVoid, topUp: null };
  let units = 1;
  if (policy.perMember) units = Math.max(1, members ?? (await memberCount(tx, teamId)));
  const amount = allowanceTopUp({
    entitlement: policy.amount * units,
    granted: current.reduce((sum, g) => sum + g.amount, 0),
    spentElsewhere: window.spentElsewhere,
  });
  if (amount <= 0) return { unlimited: false, window, toVoid, topUp: null };
  const inWindow = allowances.filter((g) => g.periodStart?.getTime() === period.start.getTime()).length;
  return {
    unlimited: false,
    window,
    toVoid,
    topUp: {
      teamId,
      creditType,
      source: 'plan_allowance',
      packageId: plan.packageId,
      periodStart: period.start,
      expiresAt: period.end,
      businessKey: `allowance:${teamId}:${creditType}:${period.start.toISOString()}:${inWindow + 1}`,
      amount,
    },
  };
}

/** The plan's allowance for the current window, granted lazily and at most once per window whatever the plan does. */
async function ensureAllowance(
  tx: DbOrTx,
  teamId: string,
  creditType: CreditType,
  now: Date,
  planAndAnchor: Promise<PlanAndAnchor>,
): Promise<{ unlimited: boolean; window: AllowanceWindowState }> {
  const { unlimited, window, toVoid, topUp } = await planAllowance(tx, teamId, creditType, now, planAndAnchor);
  for (const g of toVoid) await voidAllowance(tx, g, now);
  if (topUp) await insertGrant(tx, now, topUp);
  return { unlimited, window };
}

async function expiryDue(db: DbOrTx, teamId: string, now: Date): Promise<boolean> {
  const [row] = await db.execute<{ due: boolean }>(sql`SELECT ${expiryDueSql(teamId, now)} AS due`);
  return row?.due === true;
}

async function memberCount(tx: DbOrTx, teamId: string): Promise<number> {
  const [members] = await tx.select({ n: count() }).from(teamMembers).where(eq(teamMembers.teamId, teamId));
  return members?.n ?? 1;
}

/** Brings a team's credits up to date at `now`; every credit operation starts here, under the lock. */
export async function prepareTeamCredits(
  tx: DbOrTx,
  teamId: string,
  creditType: CreditType,
  now: Date,
): Promise<{ unlimited: boolean; window: AllowanceWindowState }> {
  // Sent together, in this order: on the transaction's one connection PostgreSQL runs them one
  // after another, so the reads wait for the lock like any later statement, without a round trip
  // each while it is held. (Expiry does not change the plan or the anchor; the allowance grants
  // are read after it.)
  const locked = lockTeamCredits(tx, teamId);
  const dueProbe = expiryDue(tx, teamId, now);
  const planAndAnchor = readPlanAndAnchor(tx, teamId, now);
  const [, due] = await Promise.all([locked, dueProbe, planAndAnchor]);
  // One probe answers the common case (nothing has run out) instead of two scans.
  if (due) {
    await expireGrants(tx, teamId, now);
    await releaseStaleReservations(tx, teamId, now);
  }
  return ensureAllowance(tx, teamId, creditType, now, planAndAnchor);
}

export interface PackGrantInput {
  teamId: string;
  userId?: string | null;
  packageId: string;
  credits: number;
  validityDays: number;
  priority: boolean;
  businessKey: string;
  sourceRef?: string | null;
}

/** Grants a credit pack once per business key (used inside the webhook's transaction). */
export async function grantPackCredits(
  tx: DbOrTx,
  clock: Clock,
  logger: Logger | undefined,
  input: PackGrantInput,
): Promise<CreditGrant> {
  const now = clock.now();
  await lockTeamCredits(tx, input.teamId);
  const { grant, created } = await insertGrant(tx, now, {
    teamId: input.teamId,
    userId: input.userId,
    creditType: 'ai_stories',
    source: 'credit_pack',
    sourceRef: input.sourceRef,
    businessKey: input.businessKey,
    packageId: input.packageId,
    amount: input.credits,
    priority: input.priority,
    expiresAt: new Date(now.getTime() + input.validityDays * 86_400_000),
  });
  if (created)
    logger?.info(
      {
        teamId: input.teamId,
        packageId: input.packageId,
        credits: input.credits,
        grantId: grant.id,
        expiresAt: grant.expiresAt,
      },
      'Granted credits',
    );
  return grant;
}

/**
 * A refunded pack loses the refunded share of its credits from what is left (all of it on a full
 * refund, which also voids the grant); what was spent stays spent. `refund` is the charge's
 * cumulative refund, so replays and out-of-order events take nothing twice. Omitted: a full refund.
 */
export async function voidPackCredits(
  tx: DbOrTx,
  clock: Clock,
  input: { businessKey: string; refund?: { refunded: number; paid: number } },
  hooks?: CreditHooks,
): Promise<{ voided: number; spent: number } | null> {
  const now = clock.now();
  const [found] = await tx
    .select({ teamId: userCredits.teamId })
    .from(userCredits)
    .where(eq(userCredits.businessKey, input.businessKey));
  if (!found) return null;
  await lockTeamCredits(tx, found.teamId);
  const [grant] = await tx.select().from(userCredits).where(eq(userCredits.businessKey, input.businessKey));
  if (!grant) return null;
  const [used] = await tx
    .select({ total: sql<string | null>`-SUM(${creditLedger.delta})` })
    .from(creditLedger)
    .where(and(eq(creditLedger.grantId, grant.id), inArray(creditLedger.entryType, ['usage', 'reserve', 'release'])));
  const spent = Number(used?.total ?? 0);
  if (grant.voidedAt) return { voided: 0, spent };
  const full = !input.refund || input.refund.refunded >= input.refund.paid;
  // Credits that had already expired were lost to expiry, not to the refund.
  if (grant.expiresAt !== null && grant.expiresAt <= now) {
    if (full) {
      await tx.update(userCredits).set({ remaining: 0, voidedAt: now }).where(eq(userCredits.id, grant.id));
      if (grant.remaining > 0)
        await appendGrantLedger(tx, grant, {
          entryType: 'expire',
          delta: -grant.remaining,
          referenceId: grant.sourceRef,
          at: now,
        });
    }
    return { voided: 0, spent };
  }
  const owed = Math.max(grant.refundOwed, input.refund ? refundedCredits(grant.amount, input.refund) : grant.amount);
  const voided = full ? grant.remaining : Math.max(0, Math.min(grant.remaining, owed - grant.refundVoided));
  if (voided === 0 && owed === grant.refundOwed && !full) return { voided: 0, spent };
  await hooks?.beforeWrite?.('void');
  await tx
    .update(userCredits)
    .set({
      remaining: grant.remaining - voided,
      refundOwed: full ? grant.amount : owed,
      refundVoided: Math.min(full ? grant.amount : owed, grant.refundVoided + voided),
      ...(full ? { voidedAt: now } : {}),
    })
    .where(eq(userCredits.id, grant.id));
  if (voided > 0)
    await appendGrantLedger(tx, grant, { entryType: 'refund', delta: -voided, referenceId: grant.sourceRef, at: now });
  return { voided, spent };
}

export interface AdjustmentInput {
  teamId: string;
  credits: number;
  /** Days until the credits expire; null: they never do. */
  validityDays: number | null;
  reason: string;
  /** Makes the grant once-only per team: a repeated call with the same key for the same team grants nothing. */
  businessKey: string;
}

/** Credits given by an operator (goodwill, support), ledgered like any grant. */
export async function grantAdjustment(
  tx: DbOrTx,
  clock: Clock,
  logger: Logger | undefined,
  input: AdjustmentInput,
): Promise<{ grant: CreditGrant; created: boolean }> {
  const now = clock.now();
  await lockTeamCredits(tx, input.teamId);
  const result = await insertGrant(tx, now, {
    teamId: input.teamId,
    creditType: 'ai_stories',
    source: 'adjustment',
    sourceRef: input.reason,
    // Keys are per team: one ticket number used for two customers grants to both.
    businessKey: `adjustment:${input.teamId}:${input.businessKey}`,
    amount: input.credits,
    expiresAt: input.validityDays === null ? null : new Date(now.getTime() + input.validityDays * 86_400_000),
  });
  if (result.created)
    logger?.info(
      { teamId: input.teamId, credits: input.credits, reason: input.reason, grantId: result.grant.id },
      'Granted credits',
    );
  return result;
}
