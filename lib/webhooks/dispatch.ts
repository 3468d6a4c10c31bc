import { chargeDisputeClosed } from './handlers/charge-dispute-closed';
import { chargeDisputeCreated } from './handlers/charge-dispute-created';
import { chargeRefundUpdated } from './handlers/charge-refund-updated';
import { chargeRefunded } from './handlers/charge-refunded';
import { checkoutSessionCompleted } from './handlers/checkout-session-completed';
import { checkoutSessionEndedUnpaid } from './handlers/checkout-session-status';
import { invoicePaid, invoicePaymentFailed } from './handlers/invoice-paid';
import { paymentIntentSucceeded } from './handlers/payment-intent-succeeded';
import { subscriptionChanged } from './handlers/subscription-changed';
import type { HandledEventType } from './event-types';
import type { WebhookHandler } from './types';

/** The events this product acts on; every other type is acknowledged and ignored. */
export const WEBHOOK_HANDLERS: Record<HandledEventType, WebhookHandler<unknown>> = {
  'checkout.session.completed': checkoutSessionCompleted,
  'checkout.session.async_payment_succeeded': checkoutSessionCompleted,
  'checkout.session.async_payment_failed': checkoutSessionEndedUnpaid,
  'checkout.session.expired': checkoutSessionEndedUnpaid,
  'payment_intent.succeeded': paymentIntentSucceeded,
  'invoice.paid': invoicePaid,
  'invoice.payment_succeeded': invoicePaid,
  'invoice.payment_failed': invoicePaymentFailed,
  'customer.subscription.created': subscriptionChanged,
  'customer.subscription.updated': subscriptionChanged,
  'customer.subscription.deleted': subscriptionChanged,
  'charge.refunded': chargeRefunded,
  'charge.refund.updated': chargeRefundUpdated,
  'charge.dispute.created': chargeDisputeCreated,
  'charge.dispute.closed': chargeDisputeClosed,
};
