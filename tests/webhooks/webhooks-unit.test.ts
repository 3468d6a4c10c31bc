import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deferredStripeEvents, stripeEvents } from '@/db/schema';
import { ManualClock } from '@/lib/clock';
import { createLogger } from '@/lib/logger';
import { handleStripeWebhook, listParkedEvents, processStripeEvent, type WebhookDeps } from '@/lib/webhooks';
import { DEFAULT_RETRY_LIMIT, PaymentNotRecorded } from '@/lib/webhooks/deferral';
import { verifyStripeEvent } from '@/lib/webhooks/verify';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

// The webhook pipeline's own rules (signature, readable event, retry counting, parking), on a
// database of its own and a Stripe that only answers what each test needs.
const SECRET = 'whsec_unit';
const stripe = new Stripe('sk_test_unit');
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const signed = (body: unknown) => {
  const payload = JSON.stringify(body);
  return { payload, signature: stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }) };
};

describe('verifyStripeEvent', () => {
  const event = { id: 'evt_1', object: 'event', type: 'charge.refunded', created: 1, data: { object: { id: 'ch_1' } } };

  it('returns the signed event', () => {
    const { payload, signature } = signed(event);
    expect(verifyStripeEvent(stripe, payload, signature, SECRET)).toEqual(event);
  });

  it('refuses without a secret, without a signature, or with a bad one, saying which', () => {
    const { payload, signature } = signed(event);
    const refused = (sig: string | null, secret: string | undefined, message: string) =>
      expect(() => verifyStripeEvent(stripe, payload, sig, secret)).toThrow(
        expect.objectContaining({ status: 400, code: 'invalid_signature', message }),
      );
    refused(signature, undefined, 'Webhook signing secret is not configured');
    refused(signature, '', 'Webhook signing secret is not configured');
    refused(null, SECRET, 'Missing Stripe-Signature header');
    refused('', SECRET, 'Missing Stripe-Signature header');
    refused(signature, 'whsec_other', 'Invalid or expired Stripe-Signature');
  });

  it('refuses a signed event without an id, a type or a data object, and a handled one without an object id', () => {
    const unreadable = (body: unknown, message: string) => {
      const { payload, signature } = signed(body);
      expect(() => verifyStripeEvent(stripe, payload, signature, SECRET)).toThrow(
        expect.objectContaining({ status: 400, code: 'invalid_event', message }),
      );
    };
    const envelope = 'Stripe event without an id, a type or a data object';
    unreadable({ ...event, id: '' }, envelope);
    unreadable({ ...event, type: '' }, envelope);
    unreadable({ ...event, data: {} }, envelope);
    unreadable({ ...event, data: { object: { id: '' } } }, 'Stripe event evt_1 has no object id');
    unreadable({ ...event, data: { object: {} } }, 'Stripe event evt_1 has no object id');
  });

  it('lets through an event type it does not handle, object id or not', () => {
    const other = { ...event, type: 'customer.tax_id.created', data: { object: { object: 'tax_id' } } };
    const { payload, signature } = signed(other);
    expect(verifyStripeEvent(stripe, payload, signature, SECRET)).toEqual(other);
  });
});

/** A charge.refunded event whose charge has no recorded purchase: deferred, then parked. */
function unmatchedRefund(n: number) {
  const charge = { id: `ch_unit_${n}`, object: 'charge', payment_intent: `pi_unit_${n}`, amount_refunded: 100 };
  const fake = { charges: { retrieve: async () => charge } } as unknown as Stripe;
  const event = {
    id: `evt_unit_${n}`,
    object: 'event',
    type: 'charge.refunded',
    created: 1_780_000_000,
    data: { object: charge },
  } as unknown as Stripe.Event;
  return { charge, fake, event };
}

function deps(fake: Stripe, clock: ManualClock, extra: Partial<WebhookDeps> = {}): WebhookDeps {
  return { db: t.db, stripe: fake, clock, logger: createLogger({ level: 'silent' }), ...extra };
}

describe('deferred events', () => {
  it('answers 500 payment_not_recorded, counting each attempt, and parks the event at the retry limit', async () => {
    const { charge, fake, event } = unmatchedRefund(1);
    const clock = new ManualClock('2026-11-20T10:00:00Z');
    const d = deps(fake, clock, { retryLimit: 3 });
    const warn = vi.spyOn(d.logger, 'warn');
    const error = vi.spyOn(d.logger, 'error');
    const info = vi.spyOn(d.logger, 'info');
    const message = `No purchase is recorded yet for the refunded charge ${charge.id}; retry later`;
    for (const attempts of [1, 2]) {
      await expect(processStripeEvent(d, event)).rejects.toThrow(
        expect.objectContaining({ status: 500, code: 'payment_not_recorded', message, objectId: charge.id }),
      );
      expect(warn).toHaveBeenLastCalledWith(
        { eventId: event.id, type: 'charge.refunded', attempts, objectId: charge.id },
        message,
      );
      clock.advance(60_000);
    }
    const [deferred] = await t.db.select().from(deferredStripeEvents).where(eq(deferredStripeEvents.eventId, event.id));
    expect(deferred).toMatchObject({
      type: 'charge.refunded',
      objectId: charge.id,
      reason: message,
      attempts: 2,
      firstAttemptAt: new Date('2026-11-20T10:00:00Z'),
      lastAttemptAt: new Date('2026-11-20T10:01:00Z'),
      parkedAt: null,
    });
    expect(await listParkedEvents(t.db)).toEqual([]);

    expect(await processStripeEvent(d, event)).toBe('parked');
    expect(error).toHaveBeenCalledWith(
      { eventId: event.id, type: 'charge.refunded', attempts: 3, objectId: charge.id },
      'Parked a Stripe event for an operator (npm run cli -- events:parked)',
    );
    expect(info).toHaveBeenLastCalledWith(
      { eventId: event.id, type: 'charge.refunded', outcome: 'parked' },
      'Stripe event handled',
    );
    const [recorded] = await t.db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id));
    expect(recorded).toMatchObject({
      type: 'charge.refunded',
      stripeCreatedAt: new Date(1_780_000_000_000),
      processedAt: new Date('2026-11-20T10:02:00Z'),
    });
    expect(await listParkedEvents(t.db)).toEqual([
      {
        event_id: event.id,
        type: 'charge.refunded',
        object_id: charge.id,
        reason: message,
        attempts: 3,
        first_attempt_at: '2026-11-20T10:00:00.000Z',
        parked_at: '2026-11-20T10:02:00.000Z',
      },
    ]);
    // Parked is handled: a redelivery is a duplicate and counts nothing more.
    expect(await processStripeEvent(d, event)).toBe('duplicate');
  });

  it(`retries ${DEFAULT_RETRY_LIMIT} times by default, and lists the newest parked event first`, async () => {
    const { fake, event } = unmatchedRefund(2);
    const clock = new ManualClock('2026-11-21T10:00:00Z');
    const d = deps(fake, clock);
    for (let i = 1; i < DEFAULT_RETRY_LIMIT; i++)
      await expect(processStripeEvent(d, event)).rejects.toBeInstanceOf(PaymentNotRecorded);
    expect(await processStripeEvent(d, event)).toBe('parked');
    expect((await listParkedEvents(t.db)).map((p) => [p.event_id, p.attempts])).toEqual([
      [event.id, DEFAULT_RETRY_LIMIT],
      ['evt_unit_1', 3],
    ]);
  });

  it('ignores an event type it does not handle, writing nothing', async () => {
    const d = deps(stripe, new ManualClock());
    const event = { id: 'evt_unit_ignored', type: 'customer.tax_id.created', created: 1, data: { object: {} } };
    expect(await processStripeEvent(d, event as unknown as Stripe.Event)).toBe('ignored');
    expect(await t.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_unit_ignored'))).toEqual([]);
  });

  it('logs a refused delivery as a bad signature or as unreadable, and rethrows it', async () => {
    const d = { ...deps(stripe, new ManualClock()), secret: SECRET };
    const warn = vi.spyOn(d.logger, 'warn');
    await expect(handleStripeWebhook(d, '{}', 'bad')).rejects.toMatchObject({ code: 'invalid_signature' });
    expect(warn).toHaveBeenLastCalledWith(
      { reason: 'Invalid or expired Stripe-Signature' },
      'Refused a Stripe webhook with a bad signature',
    );
    const { payload, signature } = signed({ id: 'evt_x', type: 'invoice.paid', created: 1 });
    await expect(handleStripeWebhook(d, payload, signature)).rejects.toMatchObject({ code: 'invalid_event' });
    expect(warn).toHaveBeenLastCalledWith(
      { reason: 'Stripe event without an id, a type or a data object' },
      'Refused a signed Stripe webhook it cannot read',
    );
  });
});
