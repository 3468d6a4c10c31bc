import type Stripe from 'stripe';
import { stripeEvents } from '@/db/schema';
import { fromUnix } from '@/lib/stripe/ids';
import { WEBHOOK_HANDLERS } from './dispatch';
import { isHandledEventType } from './event-types';
import type { WebhookDeps } from './types';
import { MalformedWebhookEvent, verifyStripeEvent } from './verify';
import { countDeferral, DEFAULT_RETRY_LIMIT, markResolved, parkEvent, PaymentNotRecorded } from './deferral';

export { InvalidWebhookSignature } from './verify';
export type { WebhookDeps, WebhookHooks } from './types';
export { listParkedEvents, type ParkedEvent } from './deferral';

export type WebhookOutcome = 'processed' | 'duplicate' | 'ignored' | 'parked';

/**
 * Exactly once: the event id is inserted in the same transaction as the event's effects, so a
 * redelivery finds it and does nothing, and a failure rolls both back for Stripe to retry.
 */
export async function processStripeEvent(deps: WebhookDeps, event: Stripe.Event): Promise<WebhookOutcome> {
  if (!isHandledEventType(event.type)) return 'ignored';
  const handler = WEBHOOK_HANDLERS[event.type];
  let outcome: WebhookOutcome;
  try {
    const fetched = await handler.fetch(deps, event);
    await deps.hooks?.afterFetch?.(event);
    outcome = await deps.db.transaction(async (tx) => {
      const recorded = await tx
        .insert(stripeEvents)
        .values({
          id: event.id,
          type: event.type,
          stripeCreatedAt: fromUnix(event.created)!,
          processedAt: deps.clock.now(),
        })
        .onConflictDoNothing()
        .returning({ id: stripeEvents.id });
      if (recorded.length === 0) return 'duplicate' as const;
      await handler.apply(tx, deps, event, fetched);
      await markResolved(tx, event.id, deps.clock.now());
      await deps.hooks?.beforeCommit?.(tx, event);
      return 'processed' as const;
    });
  } catch (err) {
    if (!(err instanceof PaymentNotRecorded)) throw err;
    // Counted in the database, not in memory: every app instance sees the same attempts.
    const attempts = await countDeferral(deps, event, err);
    if (attempts < (deps.retryLimit ?? DEFAULT_RETRY_LIMIT)) {
      deps.logger.warn({ eventId: event.id, type: event.type, attempts, objectId: err.objectId }, err.message);
      throw err;
    }
    await parkEvent(deps, event);
    deps.logger.error(
      { eventId: event.id, type: event.type, attempts, objectId: err.objectId },
      'Parked a Stripe event for an operator (npm run cli -- events:parked)',
    );
    outcome = 'parked';
  }
  deps.logger.info({ eventId: event.id, type: event.type, outcome }, 'Stripe event handled');
  return outcome;
}

export async function handleStripeWebhook(
  deps: WebhookDeps & { secret: string | undefined },
  rawBody: string,
  signature: string | null,
): Promise<WebhookOutcome> {
  let event: Stripe.Event;
  try {
    event = verifyStripeEvent(deps.stripe, rawBody, signature, deps.secret);
  } catch (err) {
    // Nothing is written for a refused delivery; the log line is its only trace, for spotting forgery or clock skew.
    deps.logger.warn(
      { reason: (err as Error).message },
      err instanceof MalformedWebhookEvent
        ? 'Refused a signed Stripe webhook it cannot read'
        : 'Refused a Stripe webhook with a bad signature',
    );
    throw err;
  }
  return processStripeEvent(deps, event);
}
