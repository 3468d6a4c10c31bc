import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { creditLedger, subscriptions, teams, userCredits } from '@/db/schema';
import type { Database } from '@/db/client';
import type { Clock } from '@/lib/clock';
import { grantPackCredits } from '@/lib/credits';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/** Grants a `credits_<credits>` pack valid for `days` days, as a paid purchase does; `key` is its business key and source. */
export function grantTestPack(
  db: Database,
  clock: Clock,
  pack: { teamId: string; credits: number; days: number; key: string; priority?: boolean },
) {
  return db.transaction((tx) =>
    grantPackCredits(tx, clock, undefined, {
      teamId: pack.teamId,
      packageId: `credits_${pack.credits}`,
      credits: pack.credits,
      validityDays: pack.days,
      priority: pack.priority ?? false,
      businessKey: pack.key,
      sourceRef: pack.key,
    }),
  );
}

/** The test file's own migrated database with the catalog's rows: made before its tests, dropped after them. */
export function catalogDatabaseForFile(): TestDatabase {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await createTestDatabase();
    await upsertCatalogRows(current.db, PACKAGES);
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as TestDatabase, {
    get(_target, key) {
      if (!current) throw new Error('the test database exists only while the file runs');
      return Reflect.get(current, key, current);
    },
  });
}

/** The team's mirrored subscription moves to `status` (past due since `pastDueSince`), as the webhooks would write it. */
export async function setSubscriptionStatus(
  db: Database,
  teamId: string,
  status: string,
  pastDueSince: Date | null = null,
): Promise<void> {
  await db.update(subscriptions).set({ status, pastDueSince }).where(eq(subscriptions.teamId, teamId));
}

/** The ledger invariant: its movements sum to what the grants still hold. */
export async function expectLedgerMatchesGrants(db: Database, teamId: string, now: Date): Promise<number> {
  const [ledger] = await db
    .select({ total: sql<string | null>`SUM(${creditLedger.delta})` })
    .from(creditLedger)
    .where(eq(creditLedger.teamId, teamId));
  const [grants] = await db
    .select({ total: sql<string | null>`SUM(${userCredits.remaining})` })
    .from(userCredits)
    .where(
      and(
        eq(userCredits.teamId, teamId),
        isNull(userCredits.voidedAt),
        sql`(${userCredits.expiresAt} IS NULL OR ${userCredits.expiresAt} > ${now.toISOString()}::timestamptz)`,
      ),
    );
  const negative = await db
    .select()
    .from(userCredits)
    .where(and(eq(userCredits.teamId, teamId), sql`${userCredits.remaining} < 0`));
  expect(negative).toEqual([]);
  expect(Number(ledger?.total ?? 0)).toBe(Number(grants?.total ?? 0));
  const [last] = await db
    .select({ balanceAfter: creditLedger.balanceAfter })
    .from(creditLedger)
    .where(eq(creditLedger.teamId, teamId))
    .orderBy(sql`${creditLedger.id} DESC`)
    .limit(1);
  if (last) expect(last.balanceAfter).toBe(Number(ledger?.total ?? 0));
  return Number(grants?.total ?? 0);
}

export async function putTeamOnPlan(
  db: Database,
  teamId: string,
  packageId: string,
  periodStart: Date,
  periodEnd: Date,
): Promise<void> {
  await db
    .insert(subscriptions)
    .values({
      teamId,
      stripeSubscriptionId: `sub_${teamId}`,
      stripeCustomerId: `cus_${teamId}`,
      packageId,
      status: 'active',
      currency: 'usd',
      currentPeriodStart: periodStart,
      currentPeriodEnd: periodEnd,
    })
    .onConflictDoUpdate({
      target: subscriptions.stripeSubscriptionId,
      set: { packageId, currentPeriodStart: periodStart, currentPeriodEnd: periodEnd, status: 'active' },
    });
  // As the webhook's mirror does: the first paid subscription anchors the allowance windows, once.
  await db
    .update(teams)
    .set({ allowanceAnchor: sql`COALESCE(${teams.allowanceAnchor}, ${periodStart.toISOString()}::timestamptz)` })
    .where(eq(teams.id, teamId));
}

// The tests' own month arithmetic (not the code under test's): the anchor's day, clamped to short months.
export function addMonthsClamped(anchor: Date, months: number): Date {
  const y = anchor.getUTCFullYear();
  const m = anchor.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      y,
      m,
      Math.min(anchor.getUTCDate(), last),
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}
const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));

/**
 * The allowance window holding `at`, as the issue defines it: calendar months until the first paid
 * plan, then months from its start, each from the anchor itself (the first reaching back to the
 * anchor's calendar month, so a Starter month and the first paid window are one window).
 */
export function allowanceWindowOf(at: Date, anchor: Date | null): { start: Date; end: Date } {
  if (anchor && at >= monthStart(anchor)) {
    let k = 0;
    while (addMonthsClamped(anchor, k + 1) <= at) k++;
    return {
      start: k === 0 ? monthStart(anchor) : addMonthsClamped(anchor, k),
      end: addMonthsClamped(anchor, k + 1),
    };
  }
  return { start: monthStart(at), end: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)) };
}

/**
 * Allowance spent in every window never exceeds the largest allowance of a plan held in it.
 * `held` is the team's plan timeline (each entry from `at` until the next); `allowanceOf`
 * gives an entry's monthly allowance for the team (0 for unlimited plans, which take nothing from
 * allowances).
 */
export async function expectAllowanceSpendWithinPlans<Held extends { at: Date }>(
  db: Database,
  teamId: string,
  anchor: Date | null,
  held: readonly Held[],
  allowanceOf: (held: Held) => number,
  context = '',
): Promise<void> {
  const spends = await db
    .select({ at: creditLedger.createdAt, delta: creditLedger.delta })
    .from(creditLedger)
    .innerJoin(userCredits, eq(userCredits.id, creditLedger.grantId))
    .where(
      and(
        eq(creditLedger.teamId, teamId),
        eq(userCredits.source, 'plan_allowance'),
        sql`${creditLedger.entryType} IN ('usage', 'reserve', 'release')`,
      ),
    );
  const perWindow = new Map<number, { spent: number; end: Date; spentAtStart: boolean }>();
  for (const s of spends) {
    const w = allowanceWindowOf(s.at, anchor);
    const entry = perWindow.get(w.start.getTime()) ?? { spent: 0, end: w.end, spentAtStart: false };
    entry.spent -= s.delta;
    entry.spentAtStart ||= s.at.getTime() === w.start.getTime();
    perWindow.set(w.start.getTime(), entry);
  }
  for (const [start, { spent, end, spentAtStart }] of perWindow) {
    // On a still clock a plan that ends at the window's first instant was still held by a spend made
    // at that instant before the change (both share the timestamp): it counts only then.
    const heldInWindow = (endsAt: number) => endsAt > start || (spentAtStart && endsAt === start);
    const plansHeld = held
      .filter((p, j) => p.at.getTime() < end.getTime() && heldInWindow(held[j + 1]?.at.getTime() ?? Infinity))
      .map(allowanceOf);
    expect(spent, `allowance spent in the window from ${new Date(start).toISOString()} ${context}`).toBeLessThanOrEqual(
      Math.max(0, ...plansHeld),
    );
  }
}
