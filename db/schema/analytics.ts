import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, pgTable, text } from 'drizzle-orm/pg-core';

// Daily rollups for the package analytics, kept by database triggers (custom migration
// `analytics_rollup_triggers`) in the same transaction as the write they count. Writers only
// ever INSERT signed delta rows (no row is updated by two transactions, so no lock contention
// and no deadlock between unrelated purchases or deductions); readers SUM per key, which is
// exact whether or not `analytics_compact()` has folded the deltas into one row per key yet.

const counter = (name: string) => bigint(name, { mode: 'number' }).notNull().default(0);
const compacted = () => boolean('compacted').notNull().default(false);

/** Purchases per UTC day of purchase, package and currency; refunds count on the purchase's day. */
export const analyticsSalesDaily = pgTable(
  'analytics_sales_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    packageId: text('package_id').notNull(),
    currency: text('currency').notNull(),
    purchases: counter('purchases'),
    grossAmount: counter('gross_amount'),
    refundedAmount: counter('refunded_amount'),
    // Purchases with any refund (full or partial).
    refunds: counter('refunds'),
    compacted: compacted(),
  },
  (t) => [
    index('analytics_sales_daily_day_idx').on(t.day),
    index('analytics_sales_daily_dirty_idx')
      .on(t.day)
      .where(sql`NOT ${t.compacted}`),
  ],
);

/** Checkout sessions per UTC day of creation, package and currency, by their current status. */
export const analyticsCheckoutsDaily = pgTable(
  'analytics_checkouts_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    packageId: text('package_id').notNull(),
    currency: text('currency').notNull(),
    created: counter('created'),
    completed: counter('completed'),
    expired: counter('expired'),
    compacted: compacted(),
  },
  (t) => [
    index('analytics_checkouts_daily_day_idx').on(t.day),
    index('analytics_checkouts_daily_dirty_idx')
      .on(t.day)
      .where(sql`NOT ${t.compacted}`),
  ],
);

/**
 * Credit movements per UTC day, source and plan type. `source` is the grant's pack id
 * (`credits_50`…), `allowance`, `adjustment`, or `unlimited` (usage on an unlimited plan, which
 * spends nothing); `plan_type` is the team's plan family when the movement was written.
 */
export const analyticsCreditsDaily = pgTable(
  'analytics_credits_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    source: text('source').notNull(),
    planType: text('plan_type').notNull(),
    granted: counter('granted'),
    spent: counter('spent'),
    expired: counter('expired'),
    refunded: counter('refunded'),
    voided: counter('voided'),
    unmeteredUsage: counter('unmetered_usage'),
    compacted: compacted(),
  },
  (t) => [
    index('analytics_credits_daily_day_idx').on(t.day),
    index('analytics_credits_daily_dirty_idx')
      .on(t.day)
      .where(sql`NOT ${t.compacted}`),
  ],
);

/**
 * Paying subscriptions (`active`, `past_due`) now, per package and currency: one unit per plan and
 * one per active add-on unit, kept by triggers on `subscriptions` and `subscription_addons` as
 * delta rows like the others (active subscriptions and MRR read a few rows instead of every
 * subscription).
 */
export const analyticsSubscriptionsLive = pgTable(
  'analytics_subscriptions_live',
  {
    packageId: text('package_id').notNull(),
    currency: text('currency').notNull(),
    units: counter('units'),
    compacted: compacted(),
  },
  (t) => [
    index('analytics_subscriptions_live_dirty_idx')
      .on(t.packageId)
      .where(sql`NOT ${t.compacted}`),
  ],
);
