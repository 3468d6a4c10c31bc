import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditLedger, creditReservations, userCredits } from '@/db/schema';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { ManualClock } from '@/lib/clock';
import {
  commit,
  deductCredit,
  getCredits,
  grantAdjustment,
  release,
  releaseExpiredReservations,
  reserve,
} from '@/lib/credits';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken } from '../helpers/app';
import { expectLedgerMatchesGrants, grantTestPack, putTeamOnPlan } from './helpers';

/**
 * Spending's edges that the mutation run (tests/MUTANTS.md) found unpinned: the input limits, the
 * fields of a result, the ledger entry each step writes, replays across modes, unlimited plans.
 */
let t: TestDatabase;
const MINUTE = 60_000;
beforeAll(async () => {
  t = await createTestDatabase();
  await upsertCatalogRows(t.db, PACKAGES);
});
afterAll(async () => {
  await t?.close();
});

function setup(start = '2026-11-10T12:00:00Z') {
  const clock = new ManualClock(start);
  return { clock, deps: { db: t.db, clock } };
}

const ledgerOf = (teamId: string) =>
  t.db
    .select()
    .from(creditLedger)
    .where(eq(creditLedger.teamId, teamId))
    .orderBy(creditLedger.id)
    .then((rows) => rows.map((r) => ({ type: r.entryType, delta: r.delta, ref: r.referenceId })));

describe('spend input limits', () => {
  it('takes 1 to 1000 credits, and reference ids of 1 to 200 characters', async () => {
    const { deps, clock } = setup();
    const user = await createUserWithToken(t.db);
    await grantAdjustment(t.db, clock, undefined, {
      teamId: user.teamId,
      credits: 1000,
      validityDays: null,
      reason: 'limits',
      businessKey: 'limits',
    });
    await expect(deductCredit(deps, user.teamId, 'ai_stories', 1001, 'too-many')).rejects.toMatchObject({
      status: 400,
      message: 'amount: must be a whole number from 1 to 1000',
    });
    await expect(deductCredit(deps, user.teamId, 'ai_stories', -1, 'negative')).rejects.toMatchObject({
      status: 400,
    });
    await expect(deductCredit(deps, user.teamId, 'ai_stories', 1, 'r'.repeat(201))).rejects.toMatchObject({
      status: 400,
      message: 'reference_id: must be 1 to 200 characters',
    });
    expect(await deductCredit(deps, user.teamId, 'ai_stories', 1000, 'r'.repeat(200))).toMatchObject({
      amount: 1000,
      reference_id: 'r'.repeat(200),
      remaining_credits: 25,
    });
    expect(await deductCredit(deps, user.teamId, 'ai_stories', 1, 'one')).toMatchObject({ remaining_credits: 24 });
  });

  it('refuses more than the team holds with what it asked for and what there is', async () => {
    const { deps } = setup();
    const user = await createUserWithToken(t.db);
    await deductCredit(deps, user.teamId, 'ai_stories', 5, 'some');
    await expect(deductCredit(deps, user.teamId, 'ai_stories', 21, 'too-much')).rejects.toMatchObject({
      status: 402,
      code: 'insufficient_credits',
      requested: 21,
      available: 20,
    });
    // Nothing was written for the refused spend.
    expect(await t.db.select().from(creditReservations).where(eq(creditReservations.referenceId, 'too-much'))).toEqual(
      [],
    );
  });
});

describe('spend results and ledger entries', () => {
  it('a hold: held until ten minutes from now; a deduction: committed with no expiry', async () => {
    const { deps, clock } = setup();
    const user = await createUserWithToken(t.db);
    const held = await reserve(deps, user.teamId, 4, 'held', { userId: user.userId });
    expect(held).toEqual({
      reservation_id: expect.any(String),
      reference_id: 'held',
      amount: 4,
      status: 'held',
      replayed: false,
      remaining_credits: 21,
      unlimited: false,
      expires_at: '2026-11-10T12:10:00.000Z',
    });
    const deducted = await deductCredit(deps, user.teamId, 'ai_stories', 3, 'deducted');
    expect(deducted).toEqual({
      reservation_id: expect.any(String),
      reference_id: 'deducted',
      amount: 3,
      status: 'committed',
      replayed: false,
      remaining_credits: 18,
      unlimited: false,
      expires_at: null,
    });
    const [row] = await t.db
      .select()
      .from(creditReservations)
      .where(eq(creditReservations.id, deducted.reservation_id));
    expect(row).toMatchObject({ status: 'committed', resolvedAt: clock.now(), userId: null });
    const [heldRow] = await t.db
      .select()
      .from(creditReservations)
      .where(eq(creditReservations.id, held.reservation_id));
    expect(heldRow).toMatchObject({ status: 'held', resolvedAt: null, userId: user.userId });

    clock.advance(MINUTE);
    const committed = await commit(deps, user.teamId, held.reservation_id);
    expect(committed).toMatchObject({ status: 'committed', replayed: false, expires_at: null, remaining_credits: 18 });
    const released = await reserve(deps, user.teamId, 2, 'released');
    expect(await release(deps, user.teamId, released.reservation_id)).toMatchObject({
      status: 'released',
      replayed: false,
      expires_at: null,
      remaining_credits: 18,
    });
    expect(await release(deps, user.teamId, released.reservation_id)).toMatchObject({
      status: 'released',
      replayed: true,
    });
    expect(await ledgerOf(user.teamId)).toEqual([
      { type: 'grant', delta: 25, ref: null },
      { type: 'reserve', delta: -4, ref: 'held' },
      { type: 'usage', delta: -3, ref: 'deducted' },
      { type: 'commit', delta: 0, ref: 'held' },
      { type: 'reserve', delta: -2, ref: 'released' },
      { type: 'release', delta: 2, ref: 'released' },
    ]);
    await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
  });

  it('deducting a reference id that is held commits the hold, once', async () => {
    const { deps, clock } = setup();
    const user = await createUserWithToken(t.db);
    const held = await reserve(deps, user.teamId, 6, 'story');
    const deducted = await deductCredit(deps, user.teamId, 'ai_stories', 6, 'story');
    expect(deducted).toMatchObject({
      reservation_id: held.reservation_id,
      status: 'committed',
      replayed: true,
      remaining_credits: 19,
      expires_at: null,
    });
    // Reserving it again now replays the committed spend; it does not hold anything more.
    expect(await reserve(deps, user.teamId, 6, 'story')).toMatchObject({ status: 'committed', replayed: true });
    expect((await ledgerOf(user.teamId)).map((e) => e.type)).toEqual(['grant', 'reserve', 'commit']);
    // The hold's time running out changes nothing now.
    clock.advance(11 * MINUTE);
    expect((await getCredits(deps, user.teamId)).ai_stories.remaining_credits).toBe(19);
  });

  it('a reference id whose hold was released cannot be spent again, in either mode', async () => {
    const { deps } = setup();
    const user = await createUserWithToken(t.db);
    const held = await reserve(deps, user.teamId, 2, 'gone');
    await release(deps, user.teamId, held.reservation_id);
    for (const attempt of [
      () => deductCredit(deps, user.teamId, 'ai_stories', 2, 'gone'),
      () => reserve(deps, user.teamId, 2, 'gone'),
    ])
      await expect(attempt()).rejects.toMatchObject({
        status: 409,
        code: 'reservation_released',
        message: "The reservation for 'gone' was released; use a new reference id",
      });
    await expect(commit(deps, user.teamId, held.reservation_id)).rejects.toMatchObject({
      code: 'reservation_released',
      message: 'The reservation was released or expired before it was committed',
    });
  });

  it('a reference id reused for another amount is refused, naming the first amount', async () => {
    const { deps } = setup();
    const user = await createUserWithToken(t.db);
    await reserve(deps, user.teamId, 2, 'twice');
    await expect(reserve(deps, user.teamId, 3, 'twice')).rejects.toMatchObject({
      status: 409,
      code: 'reference_reused',
      message: "reference_id 'twice' was already used for 2 credits",
    });
  });

  it('committed holds cannot be released', async () => {
    const { deps } = setup();
    const user = await createUserWithToken(t.db);
    const held = await reserve(deps, user.teamId, 2, 'kept');
    await commit(deps, user.teamId, held.reservation_id);
    await expect(release(deps, user.teamId, held.reservation_id)).rejects.toMatchObject({
      code: 'reservation_committed',
      message: 'A committed reservation cannot be released',
    });
  });

  it('an unknown reservation is not found', async () => {
    const { deps } = setup();
    const user = await createUserWithToken(t.db);
    await expect(commit(deps, user.teamId, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      status: 404,
      code: 'reservation_not_found',
      message: 'Reservation not found',
    });
  });

  it('a retried hold stays held; a retried commit commits once', async () => {
    const { deps, clock } = setup();
    const user = await createUserWithToken(t.db);
    const held = await reserve(deps, user.teamId, 3, 'retried');
    expect(await reserve(deps, user.teamId, 3, 'retried')).toMatchObject({
      reservation_id: held.reservation_id,
      status: 'held',
      replayed: true,
      expires_at: '2026-11-10T12:10:00.000Z',
    });
    clock.advance(MINUTE);
    await commit(deps, user.teamId, held.reservation_id);
    const committedAt = clock.now();
    clock.advance(MINUTE);
    expect(await commit(deps, user.teamId, held.reservation_id)).toMatchObject({ status: 'committed', replayed: true });
    const [row] = await t.db.select().from(creditReservations).where(eq(creditReservations.id, held.reservation_id));
    expect(row).toMatchObject({ status: 'committed', resolvedAt: committedAt });
    // Every movement of the hold names it.
    const entries = await t.db
      .select()
      .from(creditLedger)
      .where(and(eq(creditLedger.teamId, user.teamId), eq(creditLedger.referenceId, 'retried')))
      .orderBy(creditLedger.id);
    expect(entries.map((e) => [e.entryType, e.delta, e.reservationId])).toEqual([
      ['reserve', -3, held.reservation_id],
      ['commit', 0, held.reservation_id],
    ]);
  });
});

/** What each ledger entry of the team moved, with the reservation it names (null for none). */
const movementsOf = (teamId: string) =>
  t.db
    .select()
    .from(creditLedger)
    .where(eq(creditLedger.teamId, teamId))
    .orderBy(creditLedger.id)
    .then((rows) => rows.map((r) => ({ type: r.entryType, delta: r.delta, ref: r.referenceId, res: r.reservationId })));

function packOf(deps: ReturnType<typeof setup>['deps'], teamId: string, credits: number, days: number) {
  return grantTestPack(t.db, deps.clock, { teamId, credits, days, key: `pack-${teamId}-${credits}-${days}` });
}

// A spend reads its state under the lock from the team's snapshot (lib/credits/locked-read.ts); when
// something is due it writes it first (prepareTeamCredits) and reads again. These tests make
// something due just before a spend, and check that the spend saw the state after those writes.
describe("a spend when something is due: the locked read's fallback", () => {
  it('a pack that ran out with credits left is expired by the spend, which draws only on what is live', async () => {
    const { deps, clock } = setup();
    const user = await createUserWithToken(t.db);
    const pack = await packOf(deps, user.teamId, 10, 1);
    expect(await deductCredit(deps, user.teamId, 'ai_stories', 2, 'before')).toMatchObject({ remaining_credits: 33 });
    clock.advance(2 * 86_400_000);
    await expect(deductCredit(deps, user.teamId, 'ai_stories', 24, 'too-much')).rejects.toMatchObject({
      code: 'insufficient_credits',
      available: 23,
    });
    const spent = await deductCredit(deps, user.teamId, 'ai_stories', 3, 'after');
    expect(spent).toMatchObject({ remaining_credits: 20, replayed: false });
    expect(await movementsOf(user.teamId)).toEqual([
      { type: 'grant', delta: 10, ref: pack.sourceRef, res: null },
      { type: 'grant', delta: 25, ref: null, res: null },
      { type: 'usage', delta: -2, ref: 'before', res: expect.any(String) },
      { type: 'expire', delta: -10, ref: null, res: null },
      { type: 'usage', delta: -3, ref: 'after', res: spent.reservation_id },
    ]);
    expect(await expectLedgerMatchesGrants(t.db, user.teamId, clock.now())).toBe(20);
  });

  it("another reference's hold that ran out is released first: its credits are spendable again", async () => {
    const { deps, clock } = setup();
    const user = await createUserWithToken(t.db);
    const lapsed = await reserve(deps, user.teamId, 10, 'lapsed');
    expect(lapsed).toMatchObject({ remaining_credits: 15 });
    clock.advance(10 * MINUTE); // the hold's expiry, exactly
    const spent = await deductCredit(deps, user.teamId, 'ai_stories', 20, 'after-lapse');
    expect(spent).toMatchObject({ remaining_credits: 5, status: 'committed' });
    expect(await movementsOf(user.teamId)).toEqual([
      { type: 'grant', delta: 25, ref: null, res: null },
      { type: 'reserve', delta: -10, ref: 'lapsed', res: lapsed.reservation_id },
      { type: 'release', delta: 10, ref: 'lapsed', res: lapsed.reservation_id },
      { type: 'usage', delta: -20, ref: 'after-lapse', res: spent.reservation_id },
    ]);
    const [row] = await t.db.select().from(creditReservations).where(eq(creditReservations.id, lapsed.reservation_id));
    expect(row).toMatchObject({ status: 'released' });
    expect(await expectLedgerMatchesGrants(t.db, user.teamId, clock.now())).toBe(5);
  });

  it('the reference being spent is the hold that ran out: reported as released, in either mode', async () => {
    const { deps, clock } = setup();
    const user = await createUserWithToken(t.db);
    const held = await reserve(deps, user.teamId, 4, 'late');
    clock.advance(10 * MINUTE);
    for (const attempt of [
      () => deductCredit(deps, user.teamId, 'ai_stories', 4, 'late'),
      () => reserve(deps, user.teamId, 4, 'late'),
    ])
      await expect(attempt()).rejects.toMatchObject({ status: 409, code: 'reservation_released' });
    // Nothing was committed: the hold's credits come back.
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({ remaining_credits: 25, held_credits: 0 });
    const [row] = await t.db.select().from(creditReservations).where(eq(creditReservations.id, held.reservation_id));
    expect(row).toMatchObject({ status: 'released' });
    expect((await ledgerOf(user.teamId)).map((e) => e.type)).toEqual(['grant', 'reserve', 'release']);
  });

  it("a new allowance window: the spend grants the window's allowance and draws on it", async () => {
    const { deps, clock } = setup('2026-11-30T23:00:00Z');
    const user = await createUserWithToken(t.db);
    await deductCredit(deps, user.teamId, 'ai_stories', 20, 'november');
    clock.set('2026-12-01T00:00:00Z');
    const spent = await deductCredit(deps, user.teamId, 'ai_stories', 10, 'december');
    expect(spent).toMatchObject({ remaining_credits: 15, replayed: false });
    const [december] = await t.db
      .select()
      .from(userCredits)
      .where(and(eq(userCredits.teamId, user.teamId), eq(userCredits.remaining, 15)));
    expect(december).toMatchObject({ source: 'plan_allowance', amount: 25, periodStart: clock.now() });
    expect(await expectLedgerMatchesGrants(t.db, user.teamId, clock.now())).toBe(15);
  });

  it("a plan change: the spend voids the old plan's allowance and draws on the new one", async () => {
    const { deps, clock } = setup();
    const user = await createUserWithToken(t.db);
    await deductCredit(deps, user.teamId, 'ai_stories', 10, 'on-starter');
    await putTeamOnPlan(
      t.db,
      user.teamId,
      'professional_monthly',
      new Date('2026-11-01T00:00:00Z'),
      new Date('2026-12-01T00:00:00Z'),
    );
    clock.advance(MINUTE);
    // Starter's 15 left would not cover it; Professional's 200 less the 10 spent this window do.
    const spent = await deductCredit(deps, user.teamId, 'ai_stories', 30, 'on-professional');
    expect(spent).toMatchObject({ remaining_credits: 160, unlimited: false });
    expect((await ledgerOf(user.teamId)).map((e) => [e.type, e.delta])).toEqual([
      ['grant', 25],
      ['usage', -10],
      ['plan_change', -15],
      ['grant', 190],
      ['usage', -30],
    ]);
    expect(await expectLedgerMatchesGrants(t.db, user.teamId, clock.now())).toBe(160);
  });
});

describe('unlimited plans', () => {
  it('hold, deduct, commit and release record usage and take nothing', async () => {
    const { deps, clock } = setup('2026-11-20T00:00:00Z');
    const user = await createUserWithToken(t.db);
    await putTeamOnPlan(
      t.db,
      user.teamId,
      'business_monthly',
      new Date('2026-11-01T00:00:00Z'),
      new Date('2026-12-01T00:00:00Z'),
    );
    const held = await reserve(deps, user.teamId, 7, 'u-held', { userId: user.userId });
    expect(held).toMatchObject({
      status: 'held',
      replayed: false,
      unlimited: true,
      remaining_credits: 0,
      expires_at: '2026-11-20T00:10:00.000Z',
    });
    const deducted = await deductCredit(deps, user.teamId, 'ai_stories', 9, 'u-deducted', user.userId);
    expect(deducted).toMatchObject({ status: 'committed', unlimited: true, expires_at: null });
    const rows = await t.db
      .select()
      .from(creditReservations)
      .where(and(eq(creditReservations.teamId, user.teamId)))
      .orderBy(creditReservations.createdAt, creditReservations.amount);
    expect(rows.map((r) => [r.referenceId, r.status, r.allocations, r.resolvedAt, r.userId])).toEqual([
      ['u-held', 'held', [], null, user.userId],
      ['u-deducted', 'committed', [], clock.now(), user.userId],
    ]);
    expect(await commit(deps, user.teamId, held.reservation_id)).toMatchObject({
      status: 'committed',
      unlimited: true,
    });
    expect(await deductCredit(deps, user.teamId, 'ai_stories', 9, 'u-deducted')).toMatchObject({
      replayed: true,
      unlimited: true,
    });
    const other = await reserve(deps, user.teamId, 3, 'u-released');
    expect(await release(deps, user.teamId, other.reservation_id)).toMatchObject({
      status: 'released',
      unlimited: true,
    });
    // A release on an unlimited plan has no allocation to give back: no ledger entry.
    expect(await ledgerOf(user.teamId)).toEqual([
      { type: 'usage', delta: 0, ref: 'u-held' },
      { type: 'usage', delta: 0, ref: 'u-deducted' },
      { type: 'commit', delta: 0, ref: 'u-held' },
      { type: 'usage', delta: 0, ref: 'u-released' },
    ]);
    // Each usage entry names the reservation it was recorded with.
    expect((await movementsOf(user.teamId)).map((e) => e.res)).toEqual([
      held.reservation_id,
      deducted.reservation_id,
      held.reservation_id,
      other.reservation_id,
    ]);
  });
});

describe('releaseExpiredReservations', () => {
  it('releases holds at exactly their expiry, counting each team once', async () => {
    const { deps, clock } = setup('2031-03-03T00:00:00Z');
    // Long-lapsed holds of the other tests in this file (one database) go first.
    await releaseExpiredReservations(deps);
    expect(await releaseExpiredReservations(deps)).toBe(0);
    const a = await createUserWithToken(t.db);
    const b = await createUserWithToken(t.db);
    await reserve(deps, a.teamId, 2, 'a1');
    await reserve(deps, a.teamId, 3, 'a2');
    clock.advance(MINUTE);
    await reserve(deps, b.teamId, 4, 'b1');
    clock.set(new Date(Date.parse('2031-03-03T00:10:00Z') - 1));
    expect(await releaseExpiredReservations(deps)).toBe(0);
    clock.advance(1);
    expect(await releaseExpiredReservations(deps)).toBe(1);
    expect((await getCredits(deps, a.teamId)).ai_stories).toMatchObject({ remaining_credits: 25, held_credits: 0 });
    expect((await getCredits(deps, b.teamId)).ai_stories).toMatchObject({ remaining_credits: 21, held_credits: 4 });
    expect(await releaseExpiredReservations(deps)).toBe(0);
    clock.advance(MINUTE);
    expect(await releaseExpiredReservations(deps)).toBe(1);
    expect((await getCredits(deps, b.teamId)).ai_stories).toMatchObject({ remaining_credits: 25, held_credits: 0 });
  });
});
