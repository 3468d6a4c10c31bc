import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userCredits, userPurchases } from '@/db/schema';
import { deductCredit } from '@/lib/credits';
import { refundedCredits } from '@/lib/credits/rules';
import { createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';
import { expectLedgerMatchesGrants } from './helpers';

// Credit packs, refunds (full/partial), deductions, webhooks shuffled and duplicated. Plans, plan and
// interval changes, renewals, failed refunds and disputes mixed in: plan-money-property.test.ts.
let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ startAt: '2026-03-01T00:00:00Z' });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const PACK_CREDITS: Record<string, number> = { credits_50: 50, credits_250: 250 };
const CARDS = ['4242424242424242', '4000000000005126'];

type Step =
  | { kind: 'buy'; pack: string; card: number }
  | { kind: 'refund'; index: number; fraction: number }
  | { kind: 'spend'; amount: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('buy' as const), pack: fc.constantFrom('credits_50', 'credits_250'), card: fc.nat(1) }),
  fc.record({ kind: fc.constant('refund' as const), index: fc.nat(5), fraction: fc.constantFrom(0.25, 0.5, 1) }),
  fc.record({ kind: fc.constant('spend' as const), amount: fc.integer({ min: 1, max: 40 }) }),
);

async function assertInvariants(teamId: string) {
  await expectLedgerMatchesGrants(h.t.db, teamId, h.app.clock.now());
  const purchases = await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, teamId));
  const grants = (await h.t.db.select().from(userCredits).where(eq(userCredits.teamId, teamId))).filter(
    (g) => g.source === 'credit_pack',
  );
  let allowed = 0;
  for (const p of purchases) {
    const credits = PACK_CREDITS[p.packageId];
    if (!credits || p.amount <= 0) continue;
    allowed += credits - refundedCredits(credits, { refunded: p.amountRefunded, paid: p.amount });
  }
  // refundOwed is the refunded share owed back (cumulative); credits already spent are taken later.
  const granted = grants.reduce((sum, g) => sum + g.amount - g.refundOwed, 0);
  for (const g of grants) expect(g.refundVoided).toBeLessThanOrEqual(g.refundOwed);
  expect(granted).toBeLessThanOrEqual(allowed);
}

async function run(steps: Step[]) {
  const user: TestUser = await createUserWithToken(h.t.db);
  const intents: string[] = [];
  let n = 0;
  for (const step of steps) {
    if (step.kind === 'buy') {
      const sessionId = await h.buy(user, step.pack, {
        card: CARDS[step.card],
        order: 'shuffled',
        duplicate: true,
      });
      const session = await h.app.stripe.checkout.sessions.retrieve(sessionId);
      intents.push(session.payment_intent as string);
    } else if (step.kind === 'refund' && intents.length > 0) {
      const pi = intents[step.index % intents.length]!;
      const intent = await h.app.stripe.paymentIntents.retrieve(pi, { expand: ['latest_charge'] });
      const charge = intent.latest_charge as { amount: number; amount_refunded: number } | null;
      const left = charge ? charge.amount - charge.amount_refunded : 0;
      const amount = Math.floor(left * step.fraction);
      if (amount > 0) {
        await h.app.stripe.refunds.create({ payment_intent: pi, amount });
        await h.deliver({ order: 'shuffled', duplicate: true });
      }
    } else if (step.kind === 'spend') {
      try {
        await deductCredit(h.app, user.teamId, 'ai_stories', step.amount, `prop-${user.teamId}-${++n}`, user.userId);
      } catch {
        // not enough credits is a legitimate outcome
      }
    }
    await assertInvariants(user.teamId);
  }
}

describe('money property: packs, refunds and spending through the local Stripe', () => {
  it('the ledger matches the grants and packs never grant more than was kept', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 10 }), (steps) => run(steps)),
      {
        numRuns: 6,
        seed: 16_016,
        examples: [
          [
            [
              { kind: 'buy', pack: 'credits_50', card: 0 },
              { kind: 'spend', amount: 30 },
              { kind: 'refund', index: 0, fraction: 0.5 },
              { kind: 'spend', amount: 5 },
            ],
          ],
        ],
      },
    );
  }, 120_000);
});
