/**
 * The Stripe events this product acts on: what a Stripe webhook endpoint (or the local Stripe)
 * should be subscribed to. The dispatch table must handle exactly these.
 */
export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'payment_intent.succeeded',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'charge.refunded',
  'charge.refund.updated',
  'charge.dispute.created',
  'charge.dispute.closed',
] as const;

export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];

const HANDLED = new Set<string>(HANDLED_EVENT_TYPES);

export function isHandledEventType(type: string): type is HandledEventType {
  return HANDLED.has(type);
}
