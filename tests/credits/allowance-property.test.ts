import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptions } from '@/db/schema';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { ManualClock } from '@/lib/clock';
import { deductCredit, getCredits, grantPackCredits, voidPackCredits } from '@/lib/credits';
import { AppError } from '@/lib/errors';
import { createUserWithToken } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import {
  addMonthsClamped as addMonths,
  expectAllowanceSpendWithinPlans,
  expectLedgerMatchesGrants,
  putTeamOnPlan,
} from './helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await upsertCatalogRows(t.db, PACKAGES);
});
afterAll(async () => {
  await t?.close();
});

const PLANS = [
  'starter',
  'professional_monthly',
  'professional_annual',
  'business_monthly',
  'business_annual',
] as const;
type Plan = (typeof PLANS)[number];
/** The monthly allowance of a one-member team; null: unlimited (nothing is taken from allowances). */
const ALLOWANCE: Record<Plan, number | null> = {
  starter: 25,
  professional_monthly: 200,
  professional_annual: 200,
  business_monthly: null,
  business_annual: null,
};

const op = fc.oneof(
  fc.record({ kind: fc.constant('plan' as const), plan: fc.constantFrom(...PLANS) }),
  // Monthly ↔ annual on the same plan: Stripe restarts the billing period at the switch.
  fc.record({ kind: fc.constant('switch' as const) }),
  // Renewals are the passing of time: windows open whatever the billing period does.
  fc.record({ kind: fc.constant('time' as const), hours: fc.integer({ min: 1, max: 24 * 45 }) }),
  fc.record({ kind: fc.constant('deduct' as const), amount: fc.integer({ min: 1, max: 120 }) }),
  // Packs bought and (partly) refunded mix in: spending takes the allowance first, then packs.
  fc.record({ kind: fc.constant('pack' as const), credits: fc.constantFrom(50, 100, 250) }),
  fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), percent: fc.integer({ min: 1, max: 100 }) }),
);

describe('allowance windows (property)', () => {
  it('allowance spent in any window never exceeds the largest allowance of a plan held in it; the ledger sums to the grants', async () => {
    // Plan changes, interval switches, renewals (time), deductions, packs and refunds in any order.
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 20 }), async (ops) => {
        const clock = new ManualClock('2026-11-05T09:30:00Z');
        const deps = { db: t.db, clock };
        const user = await createUserWithToken(t.db);
        let plan: Plan = 'starter';
        let anchor: Date | null = null;
        const held: { at: Date; plan: Plan }[] = [{ at: clock.now(), plan }];
        const packs: string[] = [];
        const setPlan = async (next: Plan) => {
          const now = clock.now();
          if (next === 'starter') {
            await t.db
              .update(subscriptions)
              .set({ status: 'canceled', endedAt: now })
              .where(eq(subscriptions.teamId, user.teamId));
          } else {
            const months = next.endsWith('annual') ? 12 : 1;
            await putTeamOnPlan(t.db, user.teamId, next, now, addMonths(now, months));
            anchor ??= now;
          }
          plan = next;
          held.push({ at: now, plan });
        };
        for (const [i, o] of ops.entries()) {
          try {
            if (o.kind === 'plan' && o.plan !== plan) await setPlan(o.plan);
            else if (o.kind === 'switch' && (plan as Plan) !== 'starter') {
              const from = plan as Plan;
              await setPlan(
                (from.endsWith('monthly')
                  ? from.replace('monthly', 'annual')
                  : from.replace('annual', 'monthly')) as Plan,
              );
            } else if (o.kind === 'time') clock.advance(o.hours * 3_600_000);
            else if (o.kind === 'deduct') await deductCredit(deps, user.teamId, 'ai_stories', o.amount, `d${i}`);
            else if (o.kind === 'pack') {
              const key = `pack:${user.teamId}:${i}`;
              await t.db.transaction((tx) =>
                grantPackCredits(tx, clock, undefined, {
                  teamId: user.teamId,
                  packageId: `credits_${o.credits}`,
                  credits: o.credits,
                  validityDays: 90,
                  priority: false,
                  businessKey: key,
                }),
              );
              packs.push(key);
            } else if (o.kind === 'refund' && packs.length)
              await t.db.transaction((tx) =>
                voidPackCredits(tx, clock, {
                  businessKey: packs[o.pick % packs.length]!,
                  refund: { refunded: o.percent, paid: 100 },
                }),
              );
          } catch (err) {
            if (!(err instanceof AppError) || err.status >= 500) throw err;
          }
          const seen = await getCredits(deps, user.teamId);
          const balance = await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
          expect(balance).toBe(seen.ai_stories.remaining_credits);
        }
        // Allowance spending, window by window, against the plans held in each window.
        await expectAllowanceSpendWithinPlans(
          t.db,
          user.teamId,
          anchor,
          held,
          (p) => ALLOWANCE[p.plan] ?? 0,
          JSON.stringify(ops),
        );
      }),
      {
        numRuns: 30,
        // The reported exploit, always tried: spend, switch the interval, spend again.
        examples: [
          [
            [
              { kind: 'plan', plan: 'professional_monthly' },
              { kind: 'deduct', amount: 120 },
              { kind: 'time', hours: 2 },
              { kind: 'switch' },
              { kind: 'deduct', amount: 120 },
            ],
          ],
          [
            [
              { kind: 'deduct', amount: 20 },
              { kind: 'time', hours: 30 },
              { kind: 'plan', plan: 'professional_annual' },
              { kind: 'deduct', amount: 120 },
              { kind: 'deduct', amount: 85 },
            ],
          ],
          [
            [
              { kind: 'plan', plan: 'professional_monthly' },
              { kind: 'deduct', amount: 120 },
              { kind: 'time', hours: 5 },
              { kind: 'plan', plan: 'business_monthly' },
              { kind: 'time', hours: 5 },
              { kind: 'plan', plan: 'professional_monthly' },
              { kind: 'deduct', amount: 100 },
            ],
          ],
        ],
      },
    );
  }, 180_000);
});
