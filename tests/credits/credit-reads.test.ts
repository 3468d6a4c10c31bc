import { and, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '@/db/client';
import { creditLedger, usageWarnings, userCredits } from '@/db/schema';
import { ManualClock } from '@/lib/clock';
import { deductCredit, getCredits, grantPackCredits, reserve, commit } from '@/lib/credits';
import { createLogger } from '@/lib/logger';
import { createUserWithToken } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { expectLedgerMatchesGrants } from './helpers';

/**
 * Reads of a team's credits take no lock and write nothing once the team's credits are up to date;
 * warnings are recorded by the writes that cross their thresholds.
 */
let t: TestDatabase;
const DAY = 86_400_000;
const onPostgres = Boolean(inject('testDatabase'));
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

/** The database, recording which of its writing entry points (and transactions) a caller used. */
function watched(db: Database): { db: Database; used: string[] } {
  const used: string[] = [];
  const proxy = new Proxy(db, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof key === 'string' && ['transaction', 'insert', 'update', 'delete'].includes(key)) used.push(key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: proxy, used };
}

function logged() {
  const lines: { msg: string; warning?: string }[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (l: string) => lines.push(JSON.parse(l)) } });
  return { logger, warnings: () => lines.filter((l) => l.msg === 'Usage warning').map((l) => l.warning) };
}

const tableCounts = async (teamId: string) => {
  const [row] = await t.db.execute<{ ledger: number; grants: number; warnings: number }>(sql`SELECT
    (SELECT count(*) FROM ${creditLedger} WHERE ${creditLedger.teamId} = ${teamId})::int AS ledger,
    (SELECT count(*) FROM ${userCredits} WHERE ${userCredits.teamId} = ${teamId})::int AS grants,
    (SELECT count(*) FROM ${usageWarnings} WHERE ${usageWarnings.teamId} = ${teamId})::int AS warnings`);
  return row;
};

describe('credit reads', () => {
  it("materialise the month's allowance once, then read without a transaction and write nothing", async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const user = await createUserWithToken(t.db);
    // The first read of the month grants the Starter allowance, under the lock.
    expect((await getCredits({ db: t.db, clock }, user.teamId)).ai_stories.remaining_credits).toBe(25);
    await deductCredit({ db: t.db, clock }, user.teamId, 'ai_stories', 21, 'r1'); // 4 of 25 left: below 20%
    const before = await tableCounts(user.teamId);
    const { db, used } = watched(t.db);
    const read = await getCredits({ db, clock }, user.teamId);
    expect(read.ai_stories).toMatchObject({ remaining_credits: 4 });
    expect(read.ai_stories.warnings).toEqual(["Only 4 of this month's 25 AI stories are left"]);
    // The team lock is transaction-scoped: no transaction, no lock.
    expect(used).toEqual([]);
    expect(await tableCounts(user.teamId)).toEqual(before);
  });

  it.runIf(onPostgres)('complete while another connection holds the team lock', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const user = await createUserWithToken(t.db);
    await getCredits({ db: t.db, clock }, user.teamId); // this month's allowance exists from here on
    const holder = postgres(t.url, { max: 1, onnotice: () => {} });
    let releaseLock!: () => void;
    const locked = new Promise<void>((resolve) => {
      void holder.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(hashtextextended(${`credits:${user.teamId}`}, 0))`;
        resolve();
        await new Promise<void>((r) => (releaseLock = r));
      });
    });
    await locked;
    try {
      const read = await Promise.race([
        getCredits({ db: t.db, clock }, user.teamId),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the read waited for the lock')), 3000)),
      ]);
      expect(read.ai_stories.remaining_credits).toBe(25);
      // A deduction, by contrast, waits for the lock.
      const deduction = deductCredit({ db: t.db, clock }, user.teamId, 'ai_stories', 1, 'blocked');
      const waited = await Promise.race([
        deduction.then(() => false),
        new Promise((r) => setTimeout(() => r(true), 300)),
      ]);
      expect(waited).toBe(true);
      releaseLock();
      await deduction;
    } finally {
      releaseLock?.();
      await holder.end();
    }
  });

  it('fall back to the locked materialisation when a grant expired or a hold lapsed since the last write', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    await t.db.transaction((tx) =>
      grantPackCredits(tx, clock, undefined, {
        teamId: user.teamId,
        packageId: 'credits_50',
        credits: 50,
        validityDays: 2,
        priority: false,
        businessKey: `short-${user.teamId}`,
        sourceRef: `short-${user.teamId}`,
      }),
    );
    await reserve(deps, user.teamId, 3, 'lapsing');
    clock.advance(2 * DAY + 1);
    const { db, used } = watched(t.db);
    const read = await getCredits({ db, clock }, user.teamId);
    expect(used).toContain('transaction');
    expect(read.ai_stories).toMatchObject({ remaining_credits: 25, held_credits: 0 });
    await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
  });
});

describe('usage warnings', () => {
  it('a deduction that crosses 20% of the allowance records the warning exactly once; reads record none', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const { logger, warnings } = logged();
    const deps = { db: t.db, clock, logger };
    const user = await createUserWithToken(t.db);
    await deductCredit(deps, user.teamId, 'ai_stories', 20, 'w1'); // 5 of 25 left: exactly 20%, no warning yet
    await getCredits(deps, user.teamId);
    expect(warnings()).toEqual([]);
    await deductCredit(deps, user.teamId, 'ai_stories', 1, 'w2'); // crosses
    await getCredits(deps, user.teamId);
    await deductCredit(deps, user.teamId, 'ai_stories', 1, 'w3');
    const held = await reserve(deps, user.teamId, 1, 'w4');
    await commit(deps, user.teamId, held.reservation_id);
    expect(warnings()).toEqual(['allowance_low']);
    const rows = await t.db.select().from(usageWarnings).where(eq(usageWarnings.teamId, user.teamId));
    expect(rows.map((r) => r.warningKey)).toEqual([expect.stringMatching(/^allowance-below-20:/)]);
  });

  it('a pack entering its last week is shown by reads and recorded by the next write', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const { logger, warnings } = logged();
    const deps = { db: t.db, clock, logger };
    const user = await createUserWithToken(t.db);
    await t.db.transaction((tx) =>
      grantPackCredits(tx, clock, undefined, {
        teamId: user.teamId,
        packageId: 'credits_50',
        credits: 50,
        validityDays: 10,
        priority: false,
        businessKey: `week-${user.teamId}`,
        sourceRef: `week-${user.teamId}`,
      }),
    );
    await getCredits(deps, user.teamId);
    clock.advance(3 * DAY + 1);
    expect((await getCredits(deps, user.teamId)).ai_stories.warnings).toEqual([
      expect.stringMatching(/^50 credits from credits_50 expire on /),
    ]);
    expect(warnings()).toEqual([]);
    await deductCredit(deps, user.teamId, 'ai_stories', 1, 'p1');
    await deductCredit(deps, user.teamId, 'ai_stories', 1, 'p2');
    expect(warnings()).toEqual(['pack_expiring']);
    const rows = await t.db
      .select()
      .from(usageWarnings)
      .where(and(eq(usageWarnings.teamId, user.teamId)));
    expect(rows).toHaveLength(1);
  });
});
