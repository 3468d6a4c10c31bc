import type Stripe from 'stripe';
import { stripeEvents } from '@/db/schema';
import { fromUnix } from '@/lib/stripe/ids';
import { WEBHOOK_HANDLERS } from './dispatch';
import { isHandledEventType } from './event-types';
import type { WebhookDeps } from './types';
import { verifyStripeEvent } from './verify';

export { InvalidWebhookSignature } from './verify';
export type { WebhookDeps } from './types';

export type WebhookOutcome = 'processed' | 'duplicate' | 'ignored';

/**
 * Exactly once: the event id is inserted in the same transaction as the event's effects, so a
 * redelivery finds it and does nothing, and a failure rolls both back for Stripe to retry.
 */
export async function processStripeEvent(deps: WebhookDeps, event: Stripe.Event): Promise<WebhookOutcome> {
  if (!isHandledEventType(event.type)) return 'ignored';
  const handler = WEBHOOK_HANDLERS[event.type];
  const fetched = await handler.fetch(deps, event);
  const outcome = await deps.db.transaction(async (tx) => {
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
    return 'processed' as const;
  });
  deps.logger.info({ eventId: event.id, type: event.type, outcome }, 'Stripe event handled');
  return outcome;
}

export async function handleStripeWebhook(
  deps: WebhookDeps & { secret: string | undefined },
  rawBody: string,
  signature: string | null,
): Promise<WebhookOutcome> {
  const event = verifyStripeEvent(deps.stripe, rawBody, signature, deps.secret);
  return processStripeEvent(deps, event);
}

export async function listParkedEvents(_db: unknown): Promise<unknown[]> {
  return [];
}
