import { and, eq, inArray, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditLedger, userCredits } from '@/db/schema';
import { ManualClock } from '@/lib/clock';
import {
  commit,
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
import { refundedCredits } from '@/lib/credits/rules';
import { AppError } from '@/lib/errors';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken } from '../helpers/app';
import { expectLedgerMatchesGrants } from './helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const op = fc.oneof(
  fc.record({
    kind: fc.constant('grant' as const),
    credits: fc.constantFrom(50, 100, 250),
    days: fc.integer({ min: 1, max: 120 }),
  }),
  fc.record({
    kind: fc.constant('deduct' as const),
    amount: fc.integer({ min: 1, max: 60 }),
    ref: fc.integer({ min: 0, max: 8 }),
  }),
  fc.record({
    kind: fc.constant('reserve' as const),
    amount: fc.integer({ min: 1, max: 40 }),
    ref: fc.integer({ min: 0, max: 8 }),
  }),
  fc.record({ kind: fc.constant('settle' as const), commit: fc.boolean(), pick: fc.nat() }),
  // Percent of the pack's price refunded so far (Stripe reports the cumulative refund); 100 is a full refund.
  fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), percent: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('time' as const), hours: fc.integer({ min: 1, max: 24 * 40 }) }),
);

// Purchases, refunds (full or partial, cumulative as Stripe reports them), refunds that fail,
// disputes won or lost, deductions, holds and time, mixed.
const moneyOp = fc.oneof(
  op,
  fc.record({ kind: fc.constant('refundFails' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('dispute' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('disputeClosed' as const), pick: fc.nat(), won: fc.boolean() }),
);

interface PackModel {
  key: string;
  credits: number;
  /** Cumulative refunded percent after each refund that went through (Stripe's amount_refunded). */
  refunds: number[];
  dispute: 'none' | 'open' | 'won' | 'lost';
}

const refundedNow = (pack: PackModel) => pack.refunds[pack.refunds.length - 1] ?? 0;

/**
 * What a pack may still hold: nothing while disputed or after a lost dispute, otherwise the
 * credits its unrefunded payment bought minus what was spent from it (what was spent stays spent).
 */
async function expectPacksWithinWhatWasPaid(db: TestDatabase['db'], models: PackModel[]): Promise<void> {
  if (!models.length) return;
  const grants = await db
    .select()
    .from(userCredits)
    .where(
      inArray(
        userCredits.businessKey,
        models.map((m) => m.key),
      ),
    );
  for (const model of models) {
    const grant = grants.find((g) => g.businessKey === model.key)!;
    const [used] = await db
      .select({ total: sql<string | null>`-SUM(${creditLedger.delta})` })
      .from(creditLedger)
      .where(and(eq(creditLedger.grantId, grant.id), inArray(creditLedger.entryType, ['usage', 'reserve', 'release'])));
    const spent = Number(used?.total ?? 0);
    const paidFor =
      model.dispute === 'open' || model.dispute === 'lost'
        ? 0
        : model.credits - refundedCredits(model.credits, { refunded: refundedNow(model), paid: 100 });
    expect(grant.remaining, JSON.stringify({ model, grant, spent })).toBeLessThanOrEqual(Math.max(0, paidFor - spent));
    if (model.dispute === 'open') expect(grant.remaining).toBe(0);
  }
}

describe('credit ledger (property)', () => {
  it('always sums to what the grants hold, never goes negative, whatever the sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const clock = new ManualClock('2026-11-05T00:00:00Z');
        const deps = { db: t.db, clock };
        const user = await createUserWithToken(t.db);
        const packs: string[] = [];
        const holds: string[] = [];
        for (const [i, o] of ops.entries()) {
          try {
            if (o.kind === 'grant') {
              const key = `p${i}-${user.teamId}`;
              await t.db.transaction((tx) =>
                grantPackCredits(tx, clock, undefined, {
                  teamId: user.teamId,
                  packageId: 'credits_x',
                  credits: o.credits,
                  validityDays: o.days,
                  priority: false,
                  businessKey: key,
                }),
              );
              packs.push(key);
            } else if (o.kind === 'deduct') await deductCredit(deps, user.teamId, 'ai_stories', o.amount, `d${o.ref}`);
            else if (o.kind === 'reserve')
              holds.push((await reserve(deps, user.teamId, o.amount, `r${o.ref}`)).reservation_id);
            else if (o.kind === 'settle' && holds.length) {
              const id = holds[o.pick % holds.length]!;
              await (o.commit ? commit(deps, user.teamId, id) : release(deps, user.teamId, id));
            } else if (o.kind === 'refund' && packs.length)
              await t.db.transaction((tx) =>
                voidPackCredits(tx, clock, {
                  businessKey: packs[o.pick % packs.length]!,
                  refund: { refunded: o.percent, paid: 100 },
                }),
              );
            else if (o.kind === 'time') clock.advance(o.hours * 3_600_000);
          } catch (err) {
            // Refusals (insufficient credits, reused reference, settled hold) are allowed outcomes; anything else is a bug.
            if (!(err instanceof AppError) || err.status >= 500) throw err;
          }
          // Observed through the public API, which first brings expiries and stale holds up to date.
          const seen = await getCredits(deps, user.teamId);
          const balance = await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
          expect(balance).toBe(seen.ai_stories.remaining_credits);
          expect(balance).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe('credit ledger with money events (property)', () => {
  it('purchases, refunds, failed refunds, disputes and deductions: the ledger matches the grants and no pack holds more than was paid for', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(moneyOp, { minLength: 1, maxLength: 30 }), async (ops) => {
        const clock = new ManualClock('2026-11-05T00:00:00Z');
        const deps = { db: t.db, clock };
        const user = await createUserWithToken(t.db);
        const packs: PackModel[] = [];
        const holds: string[] = [];
        const pick = (n: number) => packs[n % packs.length]!;
        for (const [i, o] of ops.entries()) {
          try {
            if (o.kind === 'grant') {
              const key = `m${i}-${user.teamId}`;
              await t.db.transaction((tx) =>
                grantPackCredits(tx, clock, undefined, {
                  teamId: user.teamId,
                  packageId: 'credits_x',
                  credits: o.credits,
                  validityDays: o.days,
                  priority: false,
                  businessKey: key,
                }),
              );
              packs.push({ key, credits: o.credits, refunds: [], dispute: 'none' });
            } else if (o.kind === 'deduct') await deductCredit(deps, user.teamId, 'ai_stories', o.amount, `d${o.ref}`);
            else if (o.kind === 'reserve')
              holds.push((await reserve(deps, user.teamId, o.amount, `r${o.ref}`)).reservation_id);
            else if (o.kind === 'settle' && holds.length) {
              const id = holds[o.pick % holds.length]!;
              await (o.commit ? commit(deps, user.teamId, id) : release(deps, user.teamId, id));
            } else if (o.kind === 'refund' && packs.length) {
              const pack = pick(o.pick);
              if (refundedNow(pack) < 100) {
                pack.refunds.push(Math.min(100, refundedNow(pack) + o.percent));
                await t.db.transaction((tx) =>
                  voidPackCredits(tx, clock, {
                    businessKey: pack.key,
                    refund: { refunded: refundedNow(pack), paid: 100 },
                  }),
                );
              }
            } else if (o.kind === 'refundFails' && packs.length) {
              const pack = pick(o.pick);
              if (pack.refunds.length) {
                pack.refunds.pop();
                await t.db.transaction((tx) =>
                  restoreRefundedPackCredits(tx, clock, {
                    businessKey: pack.key,
                    refund: { refunded: refundedNow(pack), paid: 100 },
                  }),
                );
              }
            } else if (o.kind === 'dispute' && packs.length) {
              const pack = pick(o.pick);
              if (pack.dispute === 'none') {
                pack.dispute = 'open';
                await t.db.transaction((tx) =>
                  holdDisputedPackCredits(tx, clock, { businessKey: pack.key, disputeId: `dp${i}` }),
                );
              }
            } else if (o.kind === 'disputeClosed' && packs.length) {
              const pack = pick(o.pick);
              if (pack.dispute === 'open') {
                pack.dispute = o.won ? 'won' : 'lost';
                await t.db.transaction((tx) =>
                  settleDisputedPackCredits(tx, clock, {
                    businessKey: pack.key,
                    disputeId: `dp${i}`,
                    outcome: o.won ? 'won' : 'lost',
                  }),
                );
              }
            } else if (o.kind === 'time') clock.advance(o.hours * 3_600_000);
          } catch (err) {
            if (!(err instanceof AppError) || err.status >= 500) throw err;
          }
          const seen = await getCredits(deps, user.teamId);
          const balance = await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
          expect(balance).toBe(seen.ai_stories.remaining_credits);
          expect(balance).toBeGreaterThanOrEqual(0);
          await expectPacksWithinWhatWasPaid(t.db, packs);
        }
      }),
      {
        numRuns: 25,
        // Rare in random draws, so always tried: a refund recorded while the pack is frozen by a
        // dispute, then the dispute is won; a partial refund that fails after a lost dispute; and
        // (CI's seed -1612597029) a dispute on a fully refunded pack whose second refund then fails.
        examples: [
          [
            [
              { kind: 'grant', credits: 50, days: 1 },
              { kind: 'refund', pick: 0, percent: 81 },
              { kind: 'refund', pick: 0, percent: 19 },
              { kind: 'dispute', pick: 0 },
              { kind: 'refundFails', pick: 0 },
            ],
          ],
          [
            [
              { kind: 'grant', credits: 50, days: 90 },
              { kind: 'deduct', amount: 30, ref: 1 },
              { kind: 'dispute', pick: 0 },
              { kind: 'refund', pick: 0, percent: 40 },
              { kind: 'disputeClosed', pick: 0, won: true },
            ],
          ],
          [
            [
              { kind: 'grant', credits: 100, days: 90 },
              { kind: 'refund', pick: 0, percent: 40 },
              { kind: 'dispute', pick: 0 },
              { kind: 'disputeClosed', pick: 0, won: false },
              { kind: 'refundFails', pick: 0 },
            ],
          ],
        ],
      },
    );
  }, 180_000);
});
