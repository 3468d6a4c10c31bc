import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { userPurchases } from '@/db/schema';
import { applyRefund, billingStanding, purchaseForPayment, recordDispute, recordPurchase } from '@/lib/purchases';
import { createUserWithToken } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** A paid 900-unit pack purchase with its own Stripe ids. */
async function paidPack(ids: { paymentIntentId?: string | null; chargeId?: string | null } = {}) {
  const user = await createUserWithToken(h.t.db);
  const key = randomUUID();
  const { purchase } = await recordPurchase(h.t.db, {
    teamId: user.teamId,
    packageId: 'credits_50',
    businessKey: `test:${key}`,
    stripePaymentIntentId: ids.paymentIntentId === undefined ? `pi_${key}` : ids.paymentIntentId,
    stripeChargeId: ids.chargeId === undefined ? `ch_${key}` : ids.chargeId,
    amount: 900,
    currency: 'gbp',
    purchasedAt: new Date('2026-03-01T12:00:00Z'),
  });
  return purchase;
}

describe('recordPurchase', () => {
  it('records a business key once and returns the first record after that', async () => {
    const first = await paidPack();
    const again = await recordPurchase(h.t.db, {
      teamId: first.teamId,
      packageId: 'credits_50',
      businessKey: first.businessKey,
      amount: 1,
      currency: 'usd',
      purchasedAt: new Date(),
    });
    expect(again.created).toBe(false);
    expect(again.purchase).toEqual(first);
  });

  it('fills in the charge id of a payment first recorded without it, from a later record of the same payment', async () => {
    const first = await paidPack({ chargeId: null });
    const again = await recordPurchase(h.t.db, {
      teamId: first.teamId,
      packageId: 'credits_50',
      businessKey: first.businessKey,
      stripePaymentIntentId: first.stripePaymentIntentId,
      stripeChargeId: 'ch_later',
      amount: 900,
      currency: 'gbp',
      purchasedAt: new Date(),
    });
    expect(again.created).toBe(false);
    expect(again.purchase).toEqual({ ...first, stripeChargeId: 'ch_later' });
    const [stored] = await h.t.db.select().from(userPurchases).where(eq(userPurchases.id, first.id));
    expect(stored!.stripeChargeId).toBe('ch_later');
  });

  it('never replaces a known charge id, nor takes one from another payment', async () => {
    const charged = await paidPack();
    const uncharged = await paidPack({ chargeId: null });
    for (const [first, paymentIntentId] of [
      [charged, charged.stripePaymentIntentId],
      [uncharged, 'pi_another_payment'],
    ] as const) {
      const again = await recordPurchase(h.t.db, {
        teamId: first.teamId,
        packageId: 'credits_50',
        businessKey: first.businessKey,
        stripePaymentIntentId: paymentIntentId,
        stripeChargeId: 'ch_other',
        amount: 900,
        currency: 'gbp',
        purchasedAt: new Date(),
      });
      expect(again.purchase).toEqual(first);
      const [stored] = await h.t.db.select().from(userPurchases).where(eq(userPurchases.id, first.id));
      expect(stored!.stripeChargeId).toBe(first.stripeChargeId);
    }
  });

  it('fills in the charge id of a payment recorded with neither id', async () => {
    const first = await paidPack({ paymentIntentId: null, chargeId: null });
    const again = await recordPurchase(h.t.db, {
      teamId: first.teamId,
      packageId: 'credits_50',
      businessKey: first.businessKey,
      stripeChargeId: 'ch_found',
      amount: 900,
      currency: 'gbp',
      purchasedAt: new Date(),
    });
    expect(again.purchase.stripeChargeId).toBe('ch_found');
  });

  it('says a new business key is new', async () => {
    const user = await createUserWithToken(h.t.db);
    const { purchase, created } = await recordPurchase(h.t.db, {
      teamId: user.teamId,
      packageId: 'credits_50',
      businessKey: `test:${randomUUID()}`,
      amount: 900,
      currency: 'gbp',
      purchasedAt: new Date('2026-03-01T12:00:00Z'),
    });
    expect(created).toBe(true);
    expect(purchase).toMatchObject({ teamId: user.teamId, amount: 900, status: 'paid' });
  });

  it('refuses to record one payment intent under a second business key', async () => {
    const first = await paidPack();
    await expect(
      recordPurchase(h.t.db, {
        teamId: first.teamId,
        packageId: 'credits_50',
        businessKey: `test:${randomUUID()}`,
        stripePaymentIntentId: first.stripePaymentIntentId,
        amount: 900,
        currency: 'gbp',
        purchasedAt: new Date('2026-03-01T12:00:00Z'),
      }),
    ).rejects.toMatchObject({ cause: { code: '23505', constraint_name: 'user_purchases_payment_intent_key' } });
  });
});

describe('billingStanding', () => {
  it('is disputed while a plan or add-on payment has an open or lost dispute, not for a pack or a won one', async () => {
    const plan = await paidPack();
    const standing = () => billingStanding(h.t.db, plan.teamId);
    expect(await standing()).toEqual({ disputed: false });
    await h.t.db
      .update(userPurchases)
      .set({ stripeInvoiceId: `in_${plan.id}` })
      .where(eq(userPurchases.id, plan.id));
    for (const [status, disputed] of [
      ['open', true],
      ['lost', true],
      ['won', false],
    ] as const) {
      await h.t.db.update(userPurchases).set({ disputeStatus: status }).where(eq(userPurchases.id, plan.id));
      expect(await standing()).toEqual({ disputed });
    }
    const pack = await paidPack();
    await h.t.db.update(userPurchases).set({ disputeStatus: 'open' }).where(eq(userPurchases.id, pack.id));
    expect(await billingStanding(h.t.db, pack.teamId)).toEqual({ disputed: false });
  });
});

describe('purchaseForPayment', () => {
  it('finds a purchase by its payment intent, by its charge, or by either', async () => {
    const p = await paidPack();
    expect((await purchaseForPayment(h.t.db, { paymentIntentId: p.stripePaymentIntentId, chargeId: null }))?.id).toBe(
      p.id,
    );
    expect((await purchaseForPayment(h.t.db, { paymentIntentId: null, chargeId: p.stripeChargeId }))?.id).toBe(p.id);
    expect((await purchaseForPayment(h.t.db, { paymentIntentId: 'pi_other', chargeId: p.stripeChargeId }))?.id).toBe(
      p.id,
    );
    expect(
      (await purchaseForPayment(h.t.db, { paymentIntentId: p.stripePaymentIntentId, chargeId: 'ch_other' }))?.id,
    ).toBe(p.id);
  });

  it('finds nothing for an unknown payment, or for none at all', async () => {
    await paidPack({ chargeId: null });
    expect(await purchaseForPayment(h.t.db, { paymentIntentId: 'pi_unknown', chargeId: null })).toBeNull();
    expect(await purchaseForPayment(h.t.db, { paymentIntentId: null, chargeId: 'ch_unknown' })).toBeNull();
    expect(await purchaseForPayment(h.t.db, { paymentIntentId: null, chargeId: null })).toBeNull();
  });
});

describe('applyRefund', () => {
  it('only grows the refunded total, and stops at the amount paid', async () => {
    const p = await paidPack();
    const ref = { paymentIntentId: p.stripePaymentIntentId, chargeId: p.stripeChargeId };
    expect(await applyRefund(h.t.db, ref, 300)).toMatchObject({ amountRefunded: 300, status: 'partially_refunded' });
    // An older, lower total delivered late changes nothing.
    expect(await applyRefund(h.t.db, ref, 100)).toMatchObject({ amountRefunded: 300, status: 'partially_refunded' });
    expect(await applyRefund(h.t.db, ref, 5000)).toMatchObject({ amountRefunded: 900, status: 'refunded' });
  });

  it('takes the exact total after a refund failed, never below zero', async () => {
    const p = await paidPack();
    const ref = { paymentIntentId: p.stripePaymentIntentId, chargeId: p.stripeChargeId };
    await applyRefund(h.t.db, ref, 900);
    expect(await applyRefund(h.t.db, ref, 200, { exact: true })).toMatchObject({
      amountRefunded: 200,
      status: 'partially_refunded',
    });
    expect(await applyRefund(h.t.db, ref, -50, { exact: true })).toMatchObject({ amountRefunded: 0, status: 'paid' });
  });

  it('learns the charge id of a purchase recorded before its charge, and keeps one it has', async () => {
    const p = await paidPack({ chargeId: null });
    const updated = await applyRefund(h.t.db, { paymentIntentId: p.stripePaymentIntentId, chargeId: 'ch_late' }, 100);
    expect(updated?.stripeChargeId).toBe('ch_late');
    const kept = await paidPack();
    const again = await applyRefund(h.t.db, { paymentIntentId: kept.stripePaymentIntentId, chargeId: 'ch_x' }, 100);
    expect(again?.stripeChargeId).toBe(kept.stripeChargeId);
  });

  it('returns null for a payment nothing was bought with', async () => {
    expect(await applyRefund(h.t.db, { paymentIntentId: 'pi_nothing', chargeId: 'ch_nothing' }, 100)).toBeNull();
  });
});

describe('recordDispute', () => {
  it('follows an open dispute to its close, and a closed one never reopens', async () => {
    const p = await paidPack();
    const open = await recordDispute(h.t.db, p, { id: 'dp_1', state: 'open' });
    expect(open).toMatchObject({ stripeDisputeId: 'dp_1', disputeStatus: 'open' });
    const lost = await recordDispute(h.t.db, open, { id: 'dp_1', state: 'lost' });
    expect(lost.disputeStatus).toBe('lost');
    expect(await recordDispute(h.t.db, lost, { id: 'dp_1', state: 'open' })).toMatchObject({ disputeStatus: 'lost' });
    const won = await recordDispute(h.t.db, await paidPack(), { id: 'dp_2', state: 'won' });
    expect(await recordDispute(h.t.db, won, { id: 'dp_2', state: 'open' })).toMatchObject({ disputeStatus: 'won' });
  });

  it('records a new dispute on a purchase whose earlier one closed', async () => {
    const p = await paidPack();
    const won = await recordDispute(h.t.db, p, { id: 'dp_a', state: 'won' });
    expect(await recordDispute(h.t.db, won, { id: 'dp_b', state: 'open' })).toMatchObject({
      stripeDisputeId: 'dp_b',
      disputeStatus: 'open',
    });
  });
});
