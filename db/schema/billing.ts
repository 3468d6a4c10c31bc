import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { addonStatus, checkoutStatus, purchaseStatus } from './enums';
import { teams, users } from './auth';
import { stripeProducts } from './catalog';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const checkoutSessions = pgTable(
  'checkout_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    stripeSessionId: text('stripe_session_id').notNull().unique(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id),
    userId: text('user_id').references(() => users.id),
    packageId: text('package_id')
      .notNull()
      .references(() => stripeProducts.id),
    mode: text('mode').$type<'payment' | 'subscription'>().notNull(),
    currency: text('currency').notNull(),
    amountTotal: integer('amount_total'),
    status: checkoutStatus('status').notNull().default('open'),
    paymentStatus: text('payment_status'),
    trialDays: integer('trial_days'),
    url: text('url'),
    createdAt: createdAt(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [index('checkout_sessions_team_idx').on(t.teamId)],
);

// One row per payment received; `business_key` (checkout session, invoice) makes fulfilment exactly-once.
export const userPurchases = pgTable(
  'user_purchases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id),
    userId: text('user_id').references(() => users.id),
    packageId: text('package_id')
      .notNull()
      .references(() => stripeProducts.id),
    businessKey: text('business_key').notNull().unique(),
    stripeCheckoutSessionId: text('stripe_checkout_session_id'),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    stripeChargeId: text('stripe_charge_id'),
    stripeInvoiceId: text('stripe_invoice_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    amountRefunded: integer('amount_refunded').notNull().default(0),
    status: purchaseStatus('status').notNull().default('paid'),
    // Why we refunded it ourselves, e.g. `duplicate_subscription`; null for refunds made in Stripe.
    refundReason: text('refund_reason'),
    // A chargeback on this payment: open while the bank decides, then won or lost.
    stripeDisputeId: text('stripe_dispute_id'),
    disputeStatus: text('dispute_status').$type<'open' | 'won' | 'lost'>(),
    purchasedAt: timestamp('purchased_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('user_purchases_team_idx').on(t.teamId, t.purchasedAt),
    uniqueIndex('user_purchases_payment_intent_key').on(t.stripePaymentIntentId),
    index('user_purchases_charge_idx').on(t.stripeChargeId),
    // Whether a trial was ever paid for (analytics: trials converted).
    index('user_purchases_subscription_idx').on(t.stripeSubscriptionId),
    check('user_purchases_amount_nonneg', sql`${t.amount} >= 0`),
    check('user_purchases_refund_range', sql`${t.amountRefunded} BETWEEN 0 AND ${t.amount}`),
  ],
);

// Mirror of the team's Stripe subscription, synced from the Stripe object itself.
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id),
    stripeSubscriptionId: text('stripe_subscription_id').notNull().unique(),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    packageId: text('package_id')
      .notNull()
      .references(() => stripeProducts.id),
    stripePriceId: text('stripe_price_id'),
    status: text('status').notNull(),
    currency: text('currency').notNull(),
    currentPeriodStart: timestamp('current_period_start', { withTimezone: true }),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    canceledAt: timestamp('canceled_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    trialStart: timestamp('trial_start', { withTimezone: true }),
    trialEnd: timestamp('trial_end', { withTimezone: true }),
    // When the mirror first saw the subscription past due (cleared once paid): the grace period counts from here.
    pastDueSince: timestamp('past_due_since', { withTimezone: true }),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('subscriptions_team_idx').on(t.teamId),
    // One live subscription per team: a second one is cancelled and refunded (lib/subscriptions/mirror.ts).
    uniqueIndex('subscriptions_one_live_per_team')
      .on(t.teamId)
      .where(sql`${t.status} IN ('active', 'trialing', 'past_due')`),
    // Paying subscriptions per package and currency (analytics: active subscriptions, MRR).
    index('subscriptions_paying_idx')
      .on(t.packageId, t.currency, t.id)
      .where(sql`${t.status} IN ('active', 'past_due')`),
    // Trials started in a date range (analytics).
    index('subscriptions_trial_start_idx')
      .on(t.trialStart)
      .where(sql`${t.trialStart} IS NOT NULL`),
  ],
);

export const subscriptionAddons = pgTable(
  'subscription_addons',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    packageId: text('package_id')
      .notNull()
      .references(() => stripeProducts.id),
    stripeSubscriptionItemId: text('stripe_subscription_item_id').unique(),
    status: addonStatus('status').notNull().default('pending'),
    quantity: integer('quantity').notNull().default(1),
    createdAt: createdAt(),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [
    index('subscription_addons_team_idx').on(t.teamId),
    // Active add-on units per subscription (analytics: MRR).
    index('subscription_addons_active_idx')
      .on(t.subscriptionId, t.packageId, t.quantity)
      .where(sql`${t.status} = 'active'`),
    // A team holds each add-on at most once at a time.
    uniqueIndex('subscription_addons_one_live')
      .on(t.teamId, t.packageId)
      .where(sql`${t.status} <> 'removed'`),
    check('subscription_addons_quantity_pos', sql`${t.quantity} > 0`),
  ],
);

// Webhook idempotency: inserted in the same transaction as the event's effects.
export const stripeEvents = pgTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    stripeCreatedAt: timestamp('stripe_created_at', { withTimezone: true }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('stripe_events_type_idx').on(t.type)],
);

// Events that arrived before what they are about (a refund or dispute for a payment not yet recorded):
// answered 500 so Stripe retries, counted here, and parked for an operator after too many attempts.
export const deferredStripeEvents = pgTable(
  'deferred_stripe_events',
  {
    eventId: text('event_id').primaryKey(),
    type: text('type').notNull(),
    objectId: text('object_id'),
    reason: text('reason').notNull(),
    attempts: integer('attempts').notNull().default(0),
    firstAttemptAt: timestamp('first_attempt_at', { withTimezone: true }).notNull(),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }).notNull(),
    parkedAt: timestamp('parked_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [index('deferred_stripe_events_parked_idx').on(t.parkedAt)],
);

// One free trial per card: the first team whose trial a card started owns the card's fingerprint.
export const trialCardFingerprints = pgTable('trial_card_fingerprints', {
  fingerprint: text('fingerprint').primaryKey(),
  teamId: uuid('team_id')
    .notNull()
    .references(() => teams.id),
  stripeSubscriptionId: text('stripe_subscription_id').notNull(),
  createdAt: createdAt(),
});
