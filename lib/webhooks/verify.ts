import type Stripe from 'stripe';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { isHandledEventType } from './event-types';

export class InvalidWebhookSignature extends AppError {
  constructor(message: string) {
    super('invalid_signature', message, 400);
  }
}

export class MalformedWebhookEvent extends AppError {
  constructor(message: string) {
    super('invalid_event', message, 400);
  }
}

const eventEnvelope = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  data: z.object({ object: z.looseObject({}) }),
});
// Every handler reads the object's id (most fetch the object fresh from Stripe by it).
const handledObject = z.looseObject({ id: z.string().min(1) });

/**
 * A correctly signed body is trusted, not assumed well-formed: an event the handlers could not
 * read is refused as bad input (400) rather than failing inside a handler (500, retried for days).
 */
function assertReadableEvent(event: unknown): asserts event is Stripe.Event {
  const envelope = eventEnvelope.safeParse(event);
  if (!envelope.success) throw new MalformedWebhookEvent('Stripe event without an id, a type or a data object');
  if (isHandledEventType(envelope.data.type) && !handledObject.safeParse(envelope.data.data.object).success) {
    throw new MalformedWebhookEvent(`Stripe event ${envelope.data.id} has no object id`);
  }
}

/** Verifies Stripe's signature over the raw body (and its timestamp tolerance) and parses the event. */
export function verifyStripeEvent(
  stripe: Stripe,
  rawBody: string,
  signature: string | null,
  secret: string | undefined,
): Stripe.Event {
  if (!secret) throw new InvalidWebhookSignature('Webhook signing secret is not configured');
  if (!signature) throw new InvalidWebhookSignature('Missing Stripe-Signature header');
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(rawBody, signature, secret);
  } catch {
    throw new InvalidWebhookSignature('Invalid or expired Stripe-Signature');
  }
  assertReadableEvent(event);
  return event;
}
