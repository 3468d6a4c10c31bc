import { desc, eq, isNotNull, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { DbOrTx } from '@/db/client';
import { deferredStripeEvents, stripeEvents } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { fromUnix } from '@/lib/stripe/ids';
import type { WebhookDeps } from './types';

/** How many times an event about a payment we have not recorded yet is retried before it is parked. */
export const DEFAULT_RETRY_LIMIT = 10;

/**
 * The event is about a payment whose purchase is not recorded yet (its fulfilment is still being
 * retried). Answered 500 so Stripe delivers it again later; never acknowledged and forgotten.
 */
export class PaymentNotRecorded extends AppError {
  constructor(
    readonly objectId: string,
    what: string,
  ) {
    super('payment_not_recorded', `No purchase is recorded yet for ${what} ${objectId}; retry later`, 500);
  }
}

/** Counts a failed attempt in its own transaction (the event's transaction rolled back). Returns the count. */
export async function countDeferral(deps: WebhookDeps, event: Stripe.Event, err: PaymentNotRecorded): Promise<number> {
  const now = deps.clock.now();
  const [row] = await deps.db
    .insert(deferredStripeEvents)
    .values({
      eventId: event.id,
      type: event.type,
      objectId: err.objectId,
      reason: err.message,
      attempts: 1,
      firstAttemptAt: now,
      lastAttemptAt: now,
    })
    .onConflictDoUpdate({
      target: deferredStripeEvents.eventId,
      set: { attempts: sql`${deferredStripeEvents.attempts} + 1`, lastAttemptAt: now, reason: err.message },
    })
    .returning({ attempts: deferredStripeEvents.attempts });
  return row!.attempts;
}

/** Gives up on the event: recorded as handled (so redeliveries stop) and visible to operators as parked. */
export async function parkEvent(deps: WebhookDeps, event: Stripe.Event): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await tx
      .insert(stripeEvents)
      .values({ id: event.id, type: event.type, stripeCreatedAt: fromUnix(event.created)!, processedAt: now })
      .onConflictDoNothing();
    await tx.update(deferredStripeEvents).set({ parkedAt: now }).where(eq(deferredStripeEvents.eventId, event.id));
  });
}

/** Called in the event's transaction when it finally applies. */
export async function markResolved(tx: DbOrTx, eventId: string, now: Date): Promise<void> {
  await tx.update(deferredStripeEvents).set({ resolvedAt: now }).where(eq(deferredStripeEvents.eventId, eventId));
}

export interface ParkedEvent {
  event_id: string;
  type: string;
  object_id: string | null;
  reason: string;
  attempts: number;
  first_attempt_at: string;
  parked_at: string;
}

/** What an operator has to look at (`npm run cli -- events:parked`), newest first. */
export async function listParkedEvents(db: DbOrTx): Promise<ParkedEvent[]> {
  const rows = await db
    .select()
    .from(deferredStripeEvents)
    .where(isNotNull(deferredStripeEvents.parkedAt))
    .orderBy(desc(deferredStripeEvents.parkedAt));
  return rows.map((r) => ({
    event_id: r.eventId,
    type: r.type,
    object_id: r.objectId,
    reason: r.reason,
    attempts: r.attempts,
    first_attempt_at: r.firstAttemptAt.toISOString(),
    parked_at: r.parkedAt!.toISOString(),
  }));
}
