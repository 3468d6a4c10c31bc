import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditLedger, userCredits } from '@/db/schema';
import { ManualClock } from '@/lib/clock';
import {
  deductCredit,
  getCredits,
  grantAdjustment,
  grantPackCredits,
  release,
  reserve,
  voidPackCredits,
} from '@/lib/credits';
import { createLogger } from '@/lib/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken } from '../helpers/app';
import { expectLedgerMatchesGrants } from './helpers';

/** Granting and voiding credits called directly: once per key, the fields written, what is logged. */
let t: TestDatabase;
const DAY = 86_400_000;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

function logged() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (l: string) => lines.push(JSON.parse(l)) } });
  return { logger, granted: () => lines.filter((l) => l.msg === 'Granted credits') };
}

const ledgerOf = async (teamId: string) =>
  (await t.db.select().from(creditLedger).where(eq(creditLedger.teamId, teamId)).orderBy(creditLedger.id)).map((e) => ({
    type: e.entryType,
    delta: e.delta,
    ref: e.referenceId,
    user: e.userId,
  }));

describe('grantPackCredits', () => {
  it('grants once per business key, with its expiry, priority and buyer, and logs the grant once', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const { logger, granted } = logged();
    const user = await createUserWithToken(t.db);
    const input = {
      teamId: user.teamId,
      userId: user.userId,
      packageId: 'credits_250',
      credits: 250,
      validityDays: 120,
      priority: true,
      businessKey: `pack:${user.teamId}`,
      sourceRef: 'cs_250',
    };
    const first = await t.db.transaction((tx) => grantPackCredits(tx, clock, logger, input));
    expect(first).toMatchObject({
      teamId: user.teamId,
      userId: user.userId,
      creditType: 'ai_stories',
      source: 'credit_pack',
      sourceRef: 'cs_250',
      packageId: 'credits_250',
      amount: 250,
      remaining: 250,
      priority: true,
      expiresAt: new Date('2027-03-10T12:00:00Z'),
      createdAt: clock.now(),
      voidedAt: null,
    });
    clock.advance(DAY);
    const again = await t.db.transaction((tx) => grantPackCredits(tx, clock, logger, { ...input, credits: 999 }));
    expect(again).toEqual(first);
    expect(granted()).toEqual([
      expect.objectContaining({
        teamId: user.teamId,
        packageId: 'credits_250',
        credits: 250,
        grantId: first.id,
        expiresAt: '2027-03-10T12:00:00.000Z',
      }),
    ]);
    expect(await ledgerOf(user.teamId)).toEqual([{ type: 'grant', delta: 250, ref: 'cs_250', user: user.userId }]);
  });
});

describe('grantAdjustment', () => {
  it('once per key and team: the same key for another team grants again; no validity never expires', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const { logger, granted } = logged();
    const a = await createUserWithToken(t.db);
    const b = await createUserWithToken(t.db);
    const input = { credits: 15, validityDays: null, reason: 'ticket 42', businessKey: 'ticket-42' };
    const first = await grantAdjustment(t.db, clock, logger, { ...input, teamId: a.teamId });
    expect(first).toMatchObject({
      created: true,
      grant: {
        source: 'adjustment',
        sourceRef: 'ticket 42',
        amount: 15,
        remaining: 15,
        expiresAt: null,
        businessKey: `adjustment:${a.teamId}:ticket-42`,
        packageId: null,
        priority: false,
      },
    });
    const repeat = await grantAdjustment(t.db, clock, logger, { ...input, teamId: a.teamId });
    expect(repeat).toEqual({ created: false, grant: first.grant });
    const other = await grantAdjustment(t.db, clock, logger, { ...input, teamId: b.teamId });
    expect(other.created).toBe(true);
    expect(granted()).toEqual([
      expect.objectContaining({ teamId: a.teamId, credits: 15, reason: 'ticket 42', grantId: first.grant.id }),
      expect.objectContaining({ teamId: b.teamId, grantId: other.grant.id }),
    ]);
    expect(await ledgerOf(a.teamId)).toEqual([{ type: 'grant', delta: 15, ref: 'ticket 42', user: null }]);

    const expiring = await grantAdjustment(t.db, clock, undefined, {
      teamId: a.teamId,
      credits: 5,
      validityDays: 30,
      reason: 'r',
      businessKey: 'expiring',
    });
    expect(expiring.grant.expiresAt).toEqual(new Date('2026-12-10T12:00:00Z'));
  });
});

describe('voidPackCredits', () => {
  async function packFor(clock: ManualClock, teamId: string, days = 10) {
    return t.db.transaction((tx) =>
      grantPackCredits(tx, clock, undefined, {
        teamId,
        packageId: 'credits_50',
        credits: 50,
        validityDays: days,
        priority: false,
        businessKey: `void:${teamId}`,
        sourceRef: 'cs_void',
      }),
    );
  }

  it('an unknown pack: null', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    expect(await t.db.transaction((tx) => voidPackCredits(tx, clock, { businessKey: 'no-such-pack' }))).toBe(null);
  });

  it('counts as spent what is used or still held, not what came back', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    const pack = await packFor(clock, user.teamId, 90);
    await deductCredit(deps, user.teamId, 'ai_stories', 30, 'used'); // 25 allowance + 5 pack
    const held = await reserve(deps, user.teamId, 7, 'held');
    const back = await reserve(deps, user.teamId, 4, 'back');
    await release(deps, user.teamId, back.reservation_id);
    expect(
      await t.db.transaction((tx) =>
        voidPackCredits(tx, clock, { businessKey: pack.businessKey, refund: { refunded: 0, paid: 500 } }),
      ),
    ).toEqual({ voided: 0, spent: 12 });
    // A partial refund of nothing writes nothing.
    expect((await t.db.select().from(userCredits).where(eq(userCredits.id, pack.id)))[0]).toMatchObject({
      remaining: 38,
      refundOwed: 0,
    });
    expect(await t.db.transaction((tx) => voidPackCredits(tx, clock, { businessKey: pack.businessKey }))).toEqual({
      voided: 38,
      spent: 12,
    });
    expect((await t.db.select().from(userCredits).where(eq(userCredits.id, pack.id)))[0]).toMatchObject({
      remaining: 0,
      refundOwed: 50,
      // What was taken: the 7 still held are lost with the voided pack when they come back.
      refundVoided: 38,
      voidedAt: clock.now(),
    });
    expect(held.status).toBe('held');
    await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
  });

  it('a pack spent in full: refunds write no empty ledger entry; the full refund still voids it, once', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    const pack = await packFor(clock, user.teamId, 90);
    await deductCredit(deps, user.teamId, 'ai_stories', 75, 'all'); // 25 allowance + the pack's 50
    const row = async () => (await t.db.select().from(userCredits).where(eq(userCredits.id, pack.id)))[0]!;
    // 499 of 500 refunded: all 50 owed (rounded up), none left to take.
    expect(
      await t.db.transaction((tx) =>
        voidPackCredits(tx, clock, { businessKey: pack.businessKey, refund: { refunded: 499, paid: 500 } }),
      ),
    ).toEqual({ voided: 0, spent: 50 });
    expect(await row()).toMatchObject({ remaining: 0, refundOwed: 50, refundVoided: 0, voidedAt: null });
    // The rest refunded: the cumulative refund equals the payment, a full refund.
    expect(
      await t.db.transaction((tx) =>
        voidPackCredits(tx, clock, { businessKey: pack.businessKey, refund: { refunded: 500, paid: 500 } }),
      ),
    ).toEqual({ voided: 0, spent: 50 });
    const voidedAt = clock.now();
    expect(await row()).toMatchObject({ remaining: 0, refundOwed: 50, voidedAt });
    clock.advance(DAY);
    expect(await t.db.transaction((tx) => voidPackCredits(tx, clock, { businessKey: pack.businessKey }))).toEqual({
      voided: 0,
      spent: 50,
    });
    expect((await row()).voidedAt).toEqual(voidedAt);
    expect((await ledgerOf(user.teamId)).filter((e) => e.ref === 'cs_void').map((e) => e.type)).toEqual(['grant']);
    await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
  });

  it('a partial refund owes its share; more than is left is taken later, never twice', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    const pack = await packFor(clock, user.teamId, 90);
    await deductCredit(deps, user.teamId, 'ai_stories', 65, 'most'); // 25 allowance + 40 pack: 10 left
    expect(
      await t.db.transaction((tx) =>
        voidPackCredits(tx, clock, { businessKey: pack.businessKey, refund: { refunded: 300, paid: 500 } }),
      ),
    ).toEqual({ voided: 10, spent: 40 });
    expect((await t.db.select().from(userCredits).where(eq(userCredits.id, pack.id)))[0]).toMatchObject({
      remaining: 0,
      refundOwed: 30,
      refundVoided: 10,
      voidedAt: null,
    });
    await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
  });

  it('after expiry: a full refund voids the pack, ledgering an unexpired leftover as expiry; a partial one changes nothing', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const user = await createUserWithToken(t.db);
    const pack = await packFor(clock, user.teamId);
    clock.advance(10 * DAY); // exactly at expiry, before any operation materialised it
    expect(
      await t.db.transaction((tx) =>
        voidPackCredits(tx, clock, { businessKey: pack.businessKey, refund: { refunded: 100, paid: 500 } }),
      ),
    ).toEqual({ voided: 0, spent: 0 });
    expect((await t.db.select().from(userCredits).where(eq(userCredits.id, pack.id)))[0]).toMatchObject({
      remaining: 50,
      voidedAt: null,
      refundOwed: 0,
    });
    expect(await t.db.transaction((tx) => voidPackCredits(tx, clock, { businessKey: pack.businessKey }))).toEqual({
      voided: 0,
      spent: 0,
    });
    expect((await t.db.select().from(userCredits).where(eq(userCredits.id, pack.id)))[0]).toMatchObject({
      remaining: 0,
      voidedAt: clock.now(),
      refundOwed: 0,
    });
    expect((await ledgerOf(user.teamId)).filter((e) => e.ref === 'cs_void')).toEqual([
      { type: 'grant', delta: 50, ref: 'cs_void', user: null },
      { type: 'expire', delta: -50, ref: 'cs_void', user: null },
    ]);
    expect((await getCredits({ db: t.db, clock }, user.teamId)).ai_stories.remaining_credits).toBe(25);
    await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
  });

  it('after expiry was materialised: a full refund voids it without a ledger entry', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const user = await createUserWithToken(t.db);
    const pack = await packFor(clock, user.teamId);
    clock.advance(11 * DAY);
    await getCredits({ db: t.db, clock }, user.teamId); // the expiry is written
    await t.db.transaction((tx) => voidPackCredits(tx, clock, { businessKey: pack.businessKey }));
    expect((await ledgerOf(user.teamId)).filter((e) => e.ref === 'cs_void').map((e) => e.type)).toEqual(['grant']);
    expect((await t.db.select().from(userCredits).where(eq(userCredits.id, pack.id)))[0]!.voidedAt).toEqual(
      clock.now(),
    );
  });
});
