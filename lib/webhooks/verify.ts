import type Stripe from 'stripe';
import { AppError } from '@/lib/errors';

export class InvalidWebhookSignature extends AppError {
  constructor(message: string) {
    super('invalid_signature', message, 400);
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
  try {
    return stripe.webhooks.constructEvent(rawBody, signature, secret);
  } catch {
    throw new InvalidWebhookSignature('Invalid or expired Stripe-Signature');
  }
}
