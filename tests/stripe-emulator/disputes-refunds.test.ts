import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { seedCatalog, startHarness, type Harness } from './harness';

let h: Harness;
let cat: Awaited<ReturnType<typeof seedCatalog>>;
beforeAll(async () => {
  h = await startHarness({ deliveryMode: 'manual' });
  cat = await seedCatalog(h.stripe);
});
afterAll(async () => {
  await h?.close();
});

const urls = { success_url: 'http://localhost:3000/s', cancel_url: 'http://localhost:3000/c' };

async function payPack(card: string): Promise<{ session: Stripe.Checkout.Session; charge: Stripe.Charge }> {
  const created = await h.stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: cat.credits.id, quantity: 1 }],
    ...urls,
  });
  const done = await h.http('POST', `/_emulator/checkout/sessions/${created.id}/complete`, { card });
  expect(done.status).toBe(200);
  const session = await h.stripe.checkout.sessions.retrieve(created.id);
  const pi = await h.stripe.paymentIntents.retrieve(session.payment_intent as string);
  return { session, charge: await h.stripe.charges.retrieve(pi.latest_charge as string) };
}

const eventsOf = async (type: string) => (await h.stripe.events.list({ type, limit: 100 })).data;

describe('card fingerprints', () => {
  it('are stable per card number and differ between cards, on charges and payment methods alike', async () => {
    const a = await payPack('4242424242424242');
    const b = await payPack('4242 4242 4242 4242');
    const c = await payPack('5555555555554444');
    const fp = (x: { charge: Stripe.Charge }) => x.charge.payment_method_details?.card?.fingerprint;
    expect(fp(a)).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(fp(b)).toBe(fp(a));
    expect(fp(c)).not.toBe(fp(a));
    const pm = await h.stripe.paymentMethods.retrieve(a.charge.payment_method as string);
    expect(pm.card?.fingerprint).toBe(fp(a));
  });
});

describe('disputes (test card 4000 0000 0000 0259)', () => {
  it('opens a fraudulent dispute right after the payment succeeds', async () => {
    const { charge } = await payPack('4000000000000259');
    expect(charge.disputed).toBe(true);
    const disputes = (await h.stripe.disputes.list({ charge: charge.id })).data;
    expect(disputes).toHaveLength(1);
    expect(disputes[0]).toMatchObject({ status: 'needs_response', reason: 'fraudulent', amount: charge.amount });
    expect(
      (await eventsOf('charge.dispute.created')).some((e) => (e.data.object as Stripe.Dispute).charge === charge.id),
    ).toBe(true);
  });

  it('an ordinary card is never disputed', async () => {
    const { charge } = await payPack('4242424242424242');
    expect(charge.disputed).toBe(false);
    expect((await h.stripe.disputes.list({ charge: charge.id })).data).toEqual([]);
  });

  it.each([
    ['winning_evidence', 'won'],
    ['losing_evidence', 'lost'],
  ] as const)('submitting %s closes the dispute as %s (charge.dispute.closed)', async (text, outcome) => {
    const { charge } = await payPack('4000000000000259');
    const [dispute] = (await h.stripe.disputes.list({ charge: charge.id })).data;
    const updated = await h.stripe.disputes.update(dispute!.id, { evidence: { uncategorized_text: text } });
    expect(updated.status).toBe(outcome);
    const closed = (await eventsOf('charge.dispute.closed')).find(
      (e) => (e.data.object as Stripe.Dispute).id === dispute!.id,
    );
    expect((closed?.data.object as Stripe.Dispute).status).toBe(outcome);
    const again = await h.http('POST', `/v1/disputes/${dispute!.id}`, undefined, {});
    expect(again.status).toBeGreaterThanOrEqual(400);
  });

  it('accepting (close) loses the dispute; the helper can close one as won', async () => {
    const first = await payPack('4000000000000259');
    const [d1] = (await h.stripe.disputes.list({ charge: first.charge.id })).data;
    expect((await h.stripe.disputes.close(d1!.id)).status).toBe('lost');
    const second = await payPack('4000000000000259');
    const [d2] = (await h.stripe.disputes.list({ charge: second.charge.id })).data;
    const won = await h.http('POST', `/_emulator/disputes/${d2!.id}/close`, { outcome: 'won' });
    expect(won.json.status).toBe('won');
  });
});

describe('refunds that fail (test card 4000 0000 0000 5126)', () => {
  it('start as succeeded, then fail: charge.refund.updated (failed) and the charge counts them unrefunded again', async () => {
    const { charge } = await payPack('4000000000005126');
    const refund = await h.stripe.refunds.create({ charge: charge.id, amount: 200 });
    expect(refund.status).toBe('succeeded');
    expect((await h.stripe.charges.retrieve(charge.id)).amount_refunded).toBe(200);
    await h.http('POST', '/_emulator/clock/advance', { seconds: 120 });
    expect((await h.stripe.refunds.retrieve(refund.id)).status).toBe('failed');
    expect((await h.stripe.charges.retrieve(charge.id)).amount_refunded).toBe(0);
    const updated = (await eventsOf('charge.refund.updated')).find(
      (e) => (e.data.object as Stripe.Refund).id === refund.id,
    );
    expect((updated?.data.object as Stripe.Refund).status).toBe('failed');
  });

  it('refunds on other cards stay succeeded', async () => {
    const { charge } = await payPack('4242424242424242');
    const refund = await h.stripe.refunds.create({ charge: charge.id });
    await h.http('POST', '/_emulator/clock/advance', { seconds: 120 });
    expect((await h.stripe.refunds.retrieve(refund.id)).status).toBe('succeeded');
    expect((await h.stripe.charges.retrieve(charge.id)).amount_refunded).toBe(charge.amount);
  });
});
