import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditLedger, creditReservations, userCredits } from '@/db/schema';
import { ManualClock } from '@/lib/clock';
import { commit, deductCredit, getCredits, release, reserve, voidPackCredits, type CreditDeps } from '@/lib/credits';
import type { CreditHooks } from '@/lib/credits/ledger';
import { InsufficientCredits } from '@/lib/errors';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken } from '../helpers/app';
import { expectLedgerMatchesGrants, grantTestPack } from './helpers';

/**
 * Races between credit operations of one team. Each test pauses one operation inside its
 * transaction, after it read the credits and before it writes them (the test-only `beforeWrite`
 * hook), and runs the competing operation in that window. With the per-team lock the competitor
 * waits for the lock, the pause times out and the two run one after the other; without it the
 * competitor finishes inside the window and the paused write is based on a stale read. So each of
 * these fails when `lockTeamCredits` is a no-op, every time, not by timing luck.
 *
 * On the embedded database (PGlite: one connection) the competitor cannot run while a transaction
 * is open, so these races prove nothing there: they run on PostgreSQL (TEST_DATABASE_URL) only.
 */
const realPostgres = Boolean(process.env.TEST_DATABASE_URL);
const DAY = 86_400_000;
const PAUSE_MS = 400;

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

/**
 * A hook that, at its first `point`, starts `competitor` and waits until it settles or PAUSE_MS
 * pass (it cannot settle while it waits for the lock this transaction holds).
 */
function raceAt(
  point: NonNullable<Parameters<NonNullable<CreditHooks['beforeWrite']>>[0]>,
  competitor: () => Promise<unknown>,
): { hooks: CreditHooks; competitor: () => Promise<PromiseSettledResult<unknown>> } {
  let started: Promise<PromiseSettledResult<unknown>> | null = null;
  const hooks: CreditHooks = {
    async beforeWrite(at) {
      if (at !== point || started) return;
      started = competitor().then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      );
      await Promise.race([started, new Promise((r) => setTimeout(r, PAUSE_MS))]);
    },
  };
  return {
    hooks,
    competitor: () => {
      if (!started) throw new Error(`the hook never reached '${point}'`);
      return started;
    },
  };
}

function pack(clock: ManualClock, teamId: string, credits: number, days: number, key: string) {
  return grantTestPack(t.db, clock, { teamId, credits, days, key });
}

const remainingOf = async (id: string) =>
  (await t.db.select().from(userCredits).where(eq(userCredits.id, id)))[0]!.remaining;

async function team(start = '2026-11-10T12:00:00Z') {
  const clock = new ManualClock(start);
  const user = await createUserWithToken(t.db);
  const deps: CreditDeps = { db: t.db, clock };
  // The Starter month's 25 credits, granted (and committed) before any race.
  await getCredits(deps, user.teamId);
  return { clock, deps, teamId: user.teamId };
}

describe.skipIf(!realPostgres)(
  'credit races under the team lock (PostgreSQL only: races prove nothing on the single-connection embedded database)',
  () => {
    it('race: a spend paused before writing and a second spend both succeed, each from the grant its turn allows', async () => {
      const { clock, deps, teamId } = await team();
      const soon = await pack(clock, teamId, 50, 30, `soon-${teamId}`);
      const late = await pack(clock, teamId, 100, 90, `late-${teamId}`);
      const race = raceAt('spend', () => deductCredit(deps, teamId, 'ai_stories', 10, 'second'));
      // 25 from the allowance + 5 from the soonest pack; the second spend must come after it: 10 from that pack.
      const first = await deductCredit({ ...deps, hooks: race.hooks }, teamId, 'ai_stories', 30, 'first');
      const second = await race.competitor();
      expect(first.remaining_credits).toBe(145);
      expect(second).toMatchObject({ status: 'fulfilled', value: { remaining_credits: 135 } });
      expect(await remainingOf(soon.id)).toBe(35);
      expect(await remainingOf(late.id)).toBe(100);
      expect(await expectLedgerMatchesGrants(t.db, teamId, clock.now())).toBe(135);
    });

    it('race: a full refund paused before writing and a spend from that pack: the spend is refused, the ledger matches', async () => {
      const { clock, deps, teamId } = await team();
      const key = `full-${teamId}`;
      const refunded = await pack(clock, teamId, 100, 90, key);
      await deductCredit(deps, teamId, 'ai_stories', 25, 'allowance'); // the allowance is gone: spends hit the pack
      const race = raceAt('void', () => deductCredit(deps, teamId, 'ai_stories', 30, 'during-refund'));
      expect(await t.db.transaction((tx) => voidPackCredits(tx, clock, { businessKey: key }, race.hooks))).toEqual({
        voided: 100,
        spent: 0,
      });
      const spend = await race.competitor();
      expect(spend.status).toBe('rejected');
      expect((spend as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientCredits);
      expect(await remainingOf(refunded.id)).toBe(0);
      expect(await expectLedgerMatchesGrants(t.db, teamId, clock.now())).toBe(0);
    });

    it('race: a partial refund paused before writing and a spend from that pack: spent credits are not resurrected', async () => {
      const { clock, deps, teamId } = await team();
      const key = `partial-${teamId}`;
      const refunded = await pack(clock, teamId, 100, 90, key);
      await deductCredit(deps, teamId, 'ai_stories', 25, 'allowance');
      const race = raceAt('void', () => deductCredit(deps, teamId, 'ai_stories', 30, 'during-refund'));
      // Half the price refunded: 50 credits owed back, taken from the 100 left.
      await t.db.transaction((tx) =>
        voidPackCredits(tx, clock, { businessKey: key, refund: { refunded: 450, paid: 900 } }, race.hooks),
      );
      expect(await race.competitor()).toMatchObject({ status: 'fulfilled', value: { remaining_credits: 20 } });
      expect(await remainingOf(refunded.id)).toBe(20);
      expect(await expectLedgerMatchesGrants(t.db, teamId, clock.now())).toBe(20);
    });

    it('race: a commit paused before writing and a release of the same hold: one wins, the credits are spent once', async () => {
      const { clock, deps, teamId } = await team();
      await pack(clock, teamId, 50, 90, `hold-${teamId}`);
      const held = await reserve(deps, teamId, 40, 'story'); // 25 allowance + 15 of the pack
      const race = raceAt('commit', () => release(deps, teamId, held.reservation_id));
      const committed = await commit({ ...deps, hooks: race.hooks }, teamId, held.reservation_id);
      expect(committed).toMatchObject({ status: 'committed', replayed: false, remaining_credits: 35 });
      const released = await race.competitor();
      expect(released).toMatchObject({ status: 'rejected', reason: { code: 'reservation_committed' } });
      expect(await expectLedgerMatchesGrants(t.db, teamId, clock.now())).toBe(35);
    });

    it('race: a release paused before writing and a commit of the same hold: the credits come back once and stay unspent', async () => {
      const { clock, deps, teamId } = await team();
      await pack(clock, teamId, 50, 90, `hold2-${teamId}`);
      const held = await reserve(deps, teamId, 40, 'story');
      const race = raceAt('release', () => commit(deps, teamId, held.reservation_id));
      expect(await release({ ...deps, hooks: race.hooks }, teamId, held.reservation_id)).toMatchObject({
        status: 'released',
        remaining_credits: 75,
      });
      expect(await race.competitor()).toMatchObject({ status: 'rejected', reason: { code: 'reservation_released' } });
      expect(await expectLedgerMatchesGrants(t.db, teamId, clock.now())).toBe(75);
    });

    it('race: a spend paused before writing and the expiry of the pack it drew on: the spend stands, expiry takes the rest', async () => {
      const { clock, deps, teamId } = await team('2026-11-10T12:00:00Z');
      const expiring = await pack(clock, teamId, 50, 10, `exp-${teamId}`);
      await deductCredit(deps, teamId, 'ai_stories', 25, 'allowance');
      // The competitor lives after the pack expired (same month: the allowance does not change).
      const later = { db: t.db, clock: new ManualClock(clock.now().getTime() + 10 * DAY) };
      const race = raceAt('spend', () => getCredits(later, teamId));
      expect(
        await deductCredit({ ...deps, hooks: race.hooks }, teamId, 'ai_stories', 20, 'before-expiry'),
      ).toMatchObject({ remaining_credits: 30 });
      expect(await race.competitor()).toMatchObject({ status: 'fulfilled' });
      expect(await remainingOf(expiring.id)).toBe(0);
      expect(await expectLedgerMatchesGrants(t.db, teamId, later.clock.now())).toBe(0);
    });

    it('conditional decrement: a grant emptied behind the lock between allocation and write refuses the spend with InsufficientCredits', async () => {
      // Not a race the lock allows; it stands for a writer that does not take it (an operator's SQL):
      // the decrement is conditional on `remaining`, so the spend is refused cleanly, not by the CHECK constraint.
      const { clock, deps, teamId } = await team();
      const drained = await pack(clock, teamId, 100, 90, `drained-${teamId}`);
      await deductCredit(deps, teamId, 'ai_stories', 25, 'allowance');
      const race = raceAt('spend', () =>
        t.db.update(userCredits).set({ remaining: 10 }).where(eq(userCredits.id, drained.id)),
      );
      await expect(
        deductCredit({ ...deps, hooks: race.hooks }, teamId, 'ai_stories', 30, 'too-late'),
      ).rejects.toBeInstanceOf(InsufficientCredits);
      expect(await race.competitor()).toMatchObject({ status: 'fulfilled' });
      expect(await remainingOf(drained.id)).toBe(10);
      // The reservation and its ledger entries went out with the refused decrement: none of them stays.
      expect(
        await t.db.select().from(creditReservations).where(eq(creditReservations.referenceId, 'too-late')),
      ).toEqual([]);
      expect(await t.db.select().from(creditLedger).where(eq(creditLedger.referenceId, 'too-late'))).toEqual([]);
    });

    it('storm: concurrent spends over several grants, holds, commits, releases and partial refunds keep the ledger equal to the grants', async () => {
      const { clock, deps, teamId } = await team();
      const keys = [0, 1, 2, 3].map((i) => `storm-${i}-${teamId}`);
      for (const [i, key] of keys.entries()) await pack(clock, teamId, 50, 20 + i * 10, key);
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < 60; i++) {
        if (i % 10 === 3)
          ops.push(
            t.db.transaction((tx) =>
              voidPackCredits(tx, clock, {
                businessKey: keys[((i / 10) % keys.length) | 0]!,
                refund: { refunded: 300 + i, paid: 900 },
              }),
            ),
          );
        else if (i % 5 === 1)
          ops.push(
            reserve(deps, teamId, 3, `hold-${i}`).then((r) =>
              i % 2 ? commit(deps, teamId, r.reservation_id) : release(deps, teamId, r.reservation_id),
            ),
          );
        else ops.push(deductCredit(deps, teamId, 'ai_stories', 1 + (i % 4), `spend-${i}`));
      }
      const results = await Promise.allSettled(ops);
      for (const r of results)
        if (r.status === 'rejected') expect(r.reason, String(r.reason)).toBeInstanceOf(InsufficientCredits);
      const balance = await expectLedgerMatchesGrants(t.db, teamId, clock.now());
      const [{ held }] = (await t.db.execute(
        sql`SELECT COALESCE(SUM(amount), 0)::int AS held FROM credit_reservations WHERE team_id = ${teamId} AND status = 'held'`,
      )) as unknown as [{ held: number }];
      expect(held).toBe(0);
      expect((await getCredits(deps, teamId)).ai_stories.remaining_credits).toBe(balance);
    });
  },
);
