import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditLedger, userCredits } from '@/db/schema';
import { ManualClock } from '@/lib/clock';
import {
  deductCredit,
  getCredits,
  grantPackCredits,
  holdDisputedPackCredits,
  release,
  reserve,
  restoreRefundedPackCredits,
  settleDisputedPackCredits,
  voidPackCredits,
} from '@/lib/credits';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken } from '../helpers/app';
import { expectLedgerMatchesGrants } from './helpers';

/**
 * The pack holds called directly (the webhook tests reach them through Stripe events): disputes
 * freeze, release or void a pack; a failed refund gives back what it took, never after expiry.
 */
let t: TestDatabase;
const DAY = 86_400_000;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

async function setup(credits = 100, days = 90) {
  const clock = new ManualClock('2026-11-10T12:00:00Z');
  const deps = { db: t.db, clock };
  const user = await createUserWithToken(t.db);
  const key = `pack:${user.teamId}`;
  await t.db.transaction((tx) =>
    grantPackCredits(tx, clock, undefined, {
      teamId: user.teamId,
      packageId: 'credits_100',
      credits,
      validityDays: days,
      priority: false,
      businessKey: key,
      sourceRef: 'cs_1',
    }),
  );
  await deductCredit(deps, user.teamId, 'ai_stories', 25, 'allowance'); // the month's allowance: spends hit the pack
  const grant = async () => (await t.db.select().from(userCredits).where(eq(userCredits.businessKey, key)))[0]!;
  const grantId = (await grant()).id;
  /** The pack's own ledger entries, oldest first. */
  const ledger = async () =>
    (await t.db.select().from(creditLedger).where(eq(creditLedger.grantId, grantId)).orderBy(creditLedger.id)).map(
      (e) => ({ type: e.entryType, delta: e.delta, ref: e.referenceId }),
    );
  const tx = <T>(f: (tx: Parameters<Parameters<typeof t.db.transaction>[0]>[0]) => Promise<T>) => t.db.transaction(f);
  return { clock, deps, user, key, grant, ledger, tx };
}

describe('holdDisputedPackCredits', () => {
  it('freezes what is left, once; nothing for an unknown, voided or expired pack', async () => {
    const s = await setup();
    await deductCredit(s.deps, s.user.teamId, 'ai_stories', 30, 'before');
    expect(await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: 'nope', disputeId: 'dp' }))).toBe(
      null,
    );
    expect(await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp_1' }))).toEqual(
      { held: 70 },
    );
    const disputedAt = s.clock.now();
    expect(await s.grant()).toMatchObject({ remaining: 0, disputeHeld: 70, disputedAt });
    s.clock.advance(DAY);
    expect(await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp_1' }))).toEqual(
      { held: 0 },
    );
    expect(await s.grant()).toMatchObject({ remaining: 0, disputeHeld: 70, disputedAt });
    expect((await s.ledger()).slice(-1)).toEqual([{ type: 'dispute_hold', delta: -70, ref: 'dp_1' }]);
    await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());

    const voided = await setup();
    await voided.tx((tx) => voidPackCredits(tx, voided.clock, { businessKey: voided.key }));
    expect(
      await voided.tx((tx) => holdDisputedPackCredits(tx, voided.clock, { businessKey: voided.key, disputeId: 'dp' })),
    ).toEqual({ held: 0 });
    // Marked disputed all the same: should the refund that voided it fail, what comes back is frozen.
    expect(await voided.grant()).toMatchObject({ disputedAt: voided.clock.now(), disputeHeld: 0, remaining: 0 });

    const expired = await setup(100, 10);
    expired.clock.advance(10 * DAY); // exactly at expiry
    expect(
      await expired.tx((tx) =>
        holdDisputedPackCredits(tx, expired.clock, { businessKey: expired.key, disputeId: 'dp' }),
      ),
    ).toEqual({ held: 0 });
    expect(await expired.grant()).toMatchObject({ disputedAt: null, disputeHeld: 0, remaining: 100 });
  });

  it('an emptied pack is marked disputed without a ledger entry', async () => {
    const s = await setup(10);
    await deductCredit(s.deps, s.user.teamId, 'ai_stories', 10, 'all');
    expect(await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp' }))).toEqual({
      held: 0,
    });
    expect((await s.grant()).disputedAt).toEqual(s.clock.now());
    expect((await s.ledger()).map((e) => e.type)).toEqual(['grant', 'usage']);
  });
});

describe('settleDisputedPackCredits', () => {
  it('won: the frozen credits come back, less a refund recorded meanwhile', async () => {
    const s = await setup();
    expect(
      await s.tx((tx) =>
        settleDisputedPackCredits(tx, s.clock, { businessKey: 'nope', disputeId: 'dp', outcome: 'won' }),
      ),
    ).toBe(null);
    // Not disputed: nothing to release.
    expect(
      await s.tx((tx) =>
        settleDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp', outcome: 'won' }),
      ),
    ).toEqual({ released: 0, voided: 0 });
    await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp' }));
    // 30% refunded while frozen: 30 owed, nothing spendable to take them from.
    expect(
      await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 270, paid: 900 } })),
    ).toEqual({ voided: 0, spent: 0 });
    expect(
      await s.tx((tx) =>
        settleDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp', outcome: 'won' }),
      ),
    ).toEqual({ released: 70, voided: 0 });
    expect(await s.grant()).toMatchObject({
      remaining: 70,
      disputeHeld: 0,
      disputedAt: null,
      refundOwed: 30,
      refundVoided: 30,
    });
    expect((await s.ledger()).slice(-1)).toEqual([{ type: 'dispute_release', delta: 70, ref: 'dp' }]);
    expect((await getCredits(s.deps, s.user.teamId)).ai_stories.remaining_credits).toBe(70);
    await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());
  });

  it('won after the pack expired: nothing comes back', async () => {
    const s = await setup(100, 10);
    await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp' }));
    s.clock.advance(10 * DAY);
    expect(
      await s.tx((tx) =>
        settleDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp', outcome: 'won' }),
      ),
    ).toEqual({ released: 0, voided: 0 });
    expect(await s.grant()).toMatchObject({ remaining: 0, disputeHeld: 0, disputedAt: null, refundVoided: 0 });
    expect((await s.ledger()).map((e) => e.type)).toEqual(['grant', 'dispute_hold']);
    await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());
  });

  it('won or lost after a full refund voided the disputed pack: nothing comes back, the frozen credits are gone', async () => {
    for (const outcome of ['won', 'lost'] as const) {
      const s = await setup();
      await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp' }));
      await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key }));
      expect(await s.grant()).toMatchObject({ remaining: 0, disputeHeld: 100 });
      expect(
        await s.tx((tx) => settleDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp', outcome })),
      ).toEqual(outcome === 'won' ? { released: 0, voided: 0 } : { released: 0, voided: 100 });
      expect(await s.grant()).toMatchObject({ remaining: 0, disputeHeld: 0, disputedAt: null });
      expect((await s.grant()).voidedAt).not.toBeNull();
      expect((await s.ledger()).map((e) => e.type)).toEqual(['grant', 'dispute_hold']);
      await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());
    }
  });

  it('won: a refund taken partly before the dispute and partly during it takes only what it still owes', async () => {
    const s = await setup();
    // 20% refunded before: 20 taken at once.
    await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 180, paid: 900 } }));
    await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp' }));
    // 50% refunded during the dispute: 30 more owed, taken when the dispute is won.
    await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 450, paid: 900 } }));
    expect(await s.grant()).toMatchObject({ remaining: 0, disputeHeld: 80, refundOwed: 50, refundVoided: 20 });
    expect(
      await s.tx((tx) =>
        settleDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp', outcome: 'won' }),
      ),
    ).toEqual({ released: 50, voided: 0 });
    expect(await s.grant()).toMatchObject({ remaining: 50, disputeHeld: 0, refundOwed: 50, refundVoided: 50 });
    await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());
  });

  it('lost: the pack is void, frozen and unfrozen credits alike, once', async () => {
    const s = await setup();
    await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp' }));
    s.clock.advance(DAY);
    expect(
      await s.tx((tx) =>
        settleDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp', outcome: 'lost' }),
      ),
    ).toEqual({ released: 0, voided: 100 });
    expect(await s.grant()).toMatchObject({ remaining: 0, disputeHeld: 0, disputedAt: null, voidedAt: s.clock.now() });
    expect(await s.ledger()).toEqual([
      { type: 'grant', delta: 100, ref: 'cs_1' },
      { type: 'dispute_hold', delta: -100, ref: 'dp' },
    ]);
    expect(
      await s.tx((tx) =>
        settleDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp', outcome: 'lost' }),
      ),
    ).toEqual({ released: 0, voided: 0 });

    // Its dispute event never seen: what is left goes with a ledger entry.
    const unseen = await setup();
    await deductCredit(unseen.deps, unseen.user.teamId, 'ai_stories', 40, 'spent');
    expect(
      await unseen.tx((tx) =>
        settleDisputedPackCredits(tx, unseen.clock, { businessKey: unseen.key, disputeId: 'dp_x', outcome: 'lost' }),
      ),
    ).toEqual({ released: 0, voided: 60 });
    expect((await unseen.ledger()).slice(-1)).toEqual([{ type: 'dispute_hold', delta: -60, ref: 'dp_x' }]);
    expect(await unseen.grant()).toMatchObject({ remaining: 0, voidedAt: unseen.clock.now() });
    await expectLedgerMatchesGrants(t.db, unseen.user.teamId, unseen.clock.now());

    // Already voided by a full refund: a loss changes nothing and keeps the first void's time.
    const refunded = await setup();
    await refunded.tx((tx) => voidPackCredits(tx, refunded.clock, { businessKey: refunded.key }));
    const voidedAt = (await refunded.grant()).voidedAt;
    refunded.clock.advance(DAY);
    expect(
      await refunded.tx((tx) =>
        settleDisputedPackCredits(tx, refunded.clock, { businessKey: refunded.key, disputeId: 'dp', outcome: 'lost' }),
      ),
    ).toEqual({ released: 0, voided: 0 });
    expect((await refunded.grant()).voidedAt).toEqual(voidedAt);
  });
});

describe('restoreRefundedPackCredits', () => {
  it('a failed partial refund gives back what it took; a smaller one keeps its share', async () => {
    const s = await setup();
    expect(
      await s.tx((tx) =>
        restoreRefundedPackCredits(tx, s.clock, { businessKey: 'nope', refund: { refunded: 0, paid: 900 } }),
      ),
    ).toBe(null);
    await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 450, paid: 900 } }));
    expect(await s.grant()).toMatchObject({ remaining: 50, refundOwed: 50, refundVoided: 50 });
    // The same refund again: nothing to give back.
    expect(
      await s.tx((tx) =>
        restoreRefundedPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 450, paid: 900 } }),
      ),
    ).toEqual({ restored: 0 });
    // A larger refund reported here (it is voidPackCredits' to take) changes nothing.
    expect(
      await s.tx((tx) =>
        restoreRefundedPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 630, paid: 900 } }),
      ),
    ).toEqual({ restored: 0 });
    expect(await s.grant()).toMatchObject({ remaining: 50, refundOwed: 50, refundVoided: 50 });
    // Down to 20%: 30 come back.
    expect(
      await s.tx((tx) =>
        restoreRefundedPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 180, paid: 900 } }),
      ),
    ).toEqual({ restored: 30 });
    expect(await s.grant()).toMatchObject({ remaining: 80, refundOwed: 20, refundVoided: 20, voidedAt: null });
    expect((await s.ledger()).slice(-1)).toEqual([{ type: 'refund', delta: 30, ref: 'cs_1' }]);
    // Failed altogether: the rest.
    expect(
      await s.tx((tx) =>
        restoreRefundedPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 0, paid: 900 } }),
      ),
    ).toEqual({ restored: 20 });
    expect(await s.grant()).toMatchObject({ remaining: 100, refundOwed: 0, refundVoided: 0 });
    await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());
  });

  it('gives back no more than was taken: credits spent before the refund stay spent', async () => {
    const s = await setup();
    await deductCredit(s.deps, s.user.teamId, 'ai_stories', 80, 'most');
    // 50% refunded: 50 owed, only 20 left to take.
    await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 450, paid: 900 } }));
    expect(await s.grant()).toMatchObject({ remaining: 0, refundOwed: 50, refundVoided: 20 });
    expect(
      await s.tx((tx) =>
        restoreRefundedPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 0, paid: 900 } }),
      ),
    ).toEqual({ restored: 20 });
    expect(await s.grant()).toMatchObject({ remaining: 20, refundOwed: 0, refundVoided: 0 });
    await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());
  });

  it('a failed full refund un-voids the pack; a pack voided by a lost dispute stays void', async () => {
    const s = await setup();
    await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 900, paid: 900 } }));
    expect(await s.grant()).toMatchObject({ remaining: 0, refundOwed: 100, refundVoided: 100 });
    expect(
      await s.tx((tx) =>
        restoreRefundedPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 0, paid: 900 } }),
      ),
    ).toEqual({ restored: 100 });
    expect(await s.grant()).toMatchObject({ remaining: 100, voidedAt: null, refundOwed: 0 });

    const lost = await setup();
    await lost.tx((tx) =>
      voidPackCredits(tx, lost.clock, { businessKey: lost.key, refund: { refunded: 90, paid: 900 } }),
    );
    await lost.tx((tx) =>
      settleDisputedPackCredits(tx, lost.clock, { businessKey: lost.key, disputeId: 'dp', outcome: 'lost' }),
    );
    expect(
      await lost.tx((tx) =>
        restoreRefundedPackCredits(tx, lost.clock, { businessKey: lost.key, refund: { refunded: 0, paid: 900 } }),
      ),
    ).toEqual({ restored: 0 });
    expect((await lost.grant()).voidedAt).not.toBeNull();
    expect((await lost.grant()).remaining).toBe(0);
    await expectLedgerMatchesGrants(t.db, lost.user.teamId, lost.clock.now());
  });

  it('a disputed pack, fully refunded, then the dispute won and the refund failed: the customer paid, the credits come back', async () => {
    const s = await setup();
    await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp' }));
    await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 900, paid: 900 } }));
    await s.tx((tx) => settleDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp', outcome: 'won' }));
    expect(await s.grant()).toMatchObject({ remaining: 0, disputeHeld: 0, refundOwed: 100, refundVoided: 100 });
    expect(
      await s.tx((tx) =>
        restoreRefundedPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 0, paid: 900 } }),
      ),
    ).toEqual({ restored: 100 });
    expect(await s.grant()).toMatchObject({ remaining: 100, voidedAt: null, refundOwed: 0, refundVoided: 0 });
    await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());
  });

  it('after expiry nothing comes back, though the refund owed goes down', async () => {
    const s = await setup(100, 10);
    await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 450, paid: 900 } }));
    s.clock.advance(10 * DAY);
    expect(
      await s.tx((tx) =>
        restoreRefundedPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 0, paid: 900 } }),
      ),
    ).toEqual({ restored: 0 });
    expect(await s.grant()).toMatchObject({ refundOwed: 0, refundVoided: 0 });
    expect((await s.ledger()).map((e) => e.type)).toEqual(['grant', 'refund']);
  });

  // Found by ledger-property's seed -1612597029: 9 credits spendable while the payment was disputed.
  it('a fully refunded pack, then disputed, then the refund fails: what comes back is frozen until the dispute is decided', async () => {
    for (const outcome of ['won', 'lost'] as const) {
      const s = await setup(50);
      await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 729, paid: 900 } }));
      await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 900, paid: 900 } }));
      await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp' }));
      // The second refund (19 %) fails: 81 % stays refunded, so 9 of the 50 credits were paid for.
      expect(
        await s.tx((tx) =>
          restoreRefundedPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 729, paid: 900 } }),
        ),
      ).toEqual({ restored: 9 });
      expect(await s.grant()).toMatchObject({ remaining: 0, disputeHeld: 9, voidedAt: null });
      expect((await getCredits(s.deps, s.user.teamId)).ai_stories.remaining_credits).toBe(0);
      await s.tx((tx) => settleDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp', outcome }));
      expect((await getCredits(s.deps, s.user.teamId)).ai_stories.remaining_credits).toBe(outcome === 'won' ? 9 : 0);
      await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());
    }
  });

  it('a fully refunded pack whose dispute was lost, then the refund fails: nothing spendable comes back', async () => {
    const s = await setup(50);
    await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 900, paid: 900 } }));
    await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp' }));
    await s.tx((tx) =>
      settleDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp', outcome: 'lost' }),
    );
    await s.tx((tx) =>
      restoreRefundedPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 0, paid: 900 } }),
    );
    expect((await s.grant()).remaining).toBe(0);
    expect((await getCredits(s.deps, s.user.teamId)).ai_stories.remaining_credits).toBe(0);
    await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());
  });

  it('while the payment is disputed, what comes back is frozen with the rest', async () => {
    const s = await setup();
    await s.tx((tx) => voidPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 450, paid: 900 } }));
    await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp' }));
    expect(
      await s.tx((tx) =>
        restoreRefundedPackCredits(tx, s.clock, { businessKey: s.key, refund: { refunded: 0, paid: 900 } }),
      ),
    ).toEqual({ restored: 50 });
    expect(await s.grant()).toMatchObject({ remaining: 0, disputeHeld: 100, refundOwed: 0, refundVoided: 0 });
    expect((await s.ledger()).map((e) => e.type)).toEqual(['grant', 'refund', 'dispute_hold']);
    await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());
  });
});

describe('held credits coming back to a pack', () => {
  it('while it is disputed: frozen, ledgered as a release of nothing', async () => {
    const s = await setup();
    const held = await reserve(s.deps, s.user.teamId, 30, 'gen');
    await s.tx((tx) => holdDisputedPackCredits(tx, s.clock, { businessKey: s.key, disputeId: 'dp' }));
    await release(s.deps, s.user.teamId, held.reservation_id);
    expect(await s.grant()).toMatchObject({ remaining: 0, disputeHeld: 100 });
    expect((await s.ledger()).slice(-1)).toEqual([{ type: 'release', delta: 0, ref: 'gen' }]);
    await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());
  });

  it('after it was voided or expired: lost, ledgered as a release of nothing', async () => {
    const s = await setup(100, 10);
    const held = await reserve(s.deps, s.user.teamId, 30, 'gen');
    s.clock.advance(10 * DAY);
    await release(s.deps, s.user.teamId, held.reservation_id);
    expect(await s.grant()).toMatchObject({ remaining: 0 });
    expect((await s.ledger()).map((e) => [e.type, e.delta])).toEqual([
      ['grant', 100],
      ['reserve', -30],
      ['expire', -70],
      ['release', 0],
    ]);
    await expectLedgerMatchesGrants(t.db, s.user.teamId, s.clock.now());
  });
});
