import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@/lib/clock';
import { commit, deductCredit, getCredits, grantPackCredits, release, reserve, voidPackCredits } from '@/lib/credits';
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
