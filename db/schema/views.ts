import { sql } from 'drizzle-orm';
import { bigint, date, integer, numeric, pgView, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// Per team member: the team's spendable balance and next expiry (expired or voided grants never
// count, whether or not a clean-up ran) and what this member spent this calendar month (held or
// committed; on unlimited plans too, where nothing is deducted). The view is the function
// `user_credit_summary_at(as_of)` (migration 0017) at the database's now(); tests call the function
// at fixed times.
export const userCreditSummary = pgView('user_credit_summary', {
  teamId: uuid('team_id').notNull(),
  userId: text('user_id').notNull(),
  creditType: text('credit_type').notNull(),
  remainingCredits: integer('remaining_credits').notNull(),
  usedThisPeriod: integer('used_this_period').notNull(),
  nextExpiry: timestamp('next_expiry', { withTimezone: true }),
}).as(sql`SELECT * FROM user_credit_summary_at(now())`);

const total = (name: string) => bigint(name, { mode: 'number' }).notNull();

// Sales and checkout sessions per package and currency, all time, from the daily rollups (exact:
// see db/schema/analytics.ts). Packages never sold are listed once with a null currency. Sums are
// bigint: minor units pass 2^31 long before a business notices.
export const packagePerformance = pgView('package_performance', {
  packageId: text('package_id').notNull(),
  packageType: text('package_type').notNull(),
  currency: text('currency'),
  totalPurchases: total('total_purchases'),
  grossRevenue: total('gross_revenue'),
  refundedAmount: total('refunded_amount'),
  refunds: total('refunds'),
  totalRevenue: total('total_revenue'),
  averagePurchaseValue: bigint('average_purchase_value', { mode: 'number' }),
  checkoutsStarted: total('checkouts_started'),
  checkoutsCompleted: total('checkouts_completed'),
  checkoutsExpired: total('checkouts_expired'),
  conversionRate: numeric('conversion_rate'),
}).as(sql`
  WITH sales AS (
    SELECT package_id, currency, SUM(purchases) AS purchases, SUM(gross_amount) AS gross,
      SUM(refunded_amount) AS refunded, SUM(refunds) AS refunds
    FROM analytics_sales_daily GROUP BY package_id, currency
  ), checkouts AS (
    SELECT package_id, currency, SUM(created) AS created, SUM(completed) AS completed, SUM(expired) AS expired
    FROM analytics_checkouts_daily GROUP BY package_id, currency
  ), sold AS (
    SELECT package_id, currency FROM sales UNION SELECT package_id, currency FROM checkouts
  )
  SELECT p.id AS package_id, p.package_type::text AS package_type, k.currency,
    COALESCE(s.purchases, 0)::bigint AS total_purchases,
    COALESCE(s.gross, 0)::bigint AS gross_revenue,
    COALESCE(s.refunded, 0)::bigint AS refunded_amount,
    COALESCE(s.refunds, 0)::bigint AS refunds,
    (COALESCE(s.gross, 0) - COALESCE(s.refunded, 0))::bigint AS total_revenue,
    CASE WHEN COALESCE(s.purchases, 0) = 0 THEN NULL ELSE ROUND(s.gross / s.purchases)::bigint END AS average_purchase_value,
    COALESCE(c.created, 0)::bigint AS checkouts_started,
    COALESCE(c.completed, 0)::bigint AS checkouts_completed,
    COALESCE(c.expired, 0)::bigint AS checkouts_expired,
    CASE WHEN COALESCE(c.created, 0) = 0 THEN NULL ELSE ROUND(c.completed / c.created, 4) END AS conversion_rate
  FROM stripe_products p
  LEFT JOIN sold k ON k.package_id = p.id
  LEFT JOIN sales s ON s.package_id = k.package_id AND s.currency = k.currency
  LEFT JOIN checkouts c ON c.package_id = k.package_id AND c.currency = k.currency
`);

// The same figures per UTC day (the analytics endpoint sums a date range of these).
export const packagePerformanceDaily = pgView('package_performance_daily', {
  day: date('day', { mode: 'string' }).notNull(),
  packageId: text('package_id').notNull(),
  currency: text('currency').notNull(),
  purchases: total('purchases'),
  grossRevenue: total('gross_revenue'),
  refundedAmount: total('refunded_amount'),
  refunds: total('refunds'),
  checkoutsCreated: total('checkouts_created'),
  checkoutsCompleted: total('checkouts_completed'),
  checkoutsExpired: total('checkouts_expired'),
}).as(sql`
  SELECT day, package_id, currency,
    SUM(purchases)::bigint AS purchases, SUM(gross_amount)::bigint AS gross_revenue,
    SUM(refunded_amount)::bigint AS refunded_amount, SUM(refunds)::bigint AS refunds,
    SUM(created)::bigint AS checkouts_created, SUM(completed)::bigint AS checkouts_completed,
    SUM(expired)::bigint AS checkouts_expired
  FROM (
    SELECT day, package_id, currency, purchases, gross_amount, refunded_amount, refunds,
      0::bigint AS created, 0::bigint AS completed, 0::bigint AS expired
    FROM analytics_sales_daily
    UNION ALL
    SELECT day, package_id, currency, 0, 0, 0, 0, created, completed, expired
    FROM analytics_checkouts_daily
  ) movements
  GROUP BY day, package_id, currency
`);

// Credits granted, spent, expired, refunded and voided per source (pack id, allowance,
// adjustment, unlimited) and plan type, all time; expiration rate = expired / granted.
export const creditUsage = pgView('credit_usage', {
  source: text('source').notNull(),
  packCredits: integer('pack_credits'),
  planType: text('plan_type').notNull(),
  granted: total('granted'),
  spent: total('spent'),
  expired: total('expired'),
  refunded: total('refunded'),
  voided: total('voided'),
  unmeteredUsage: total('unmetered_usage'),
  expirationRate: numeric('expiration_rate'),
}).as(sql`
  SELECT u.source, p.credits AS pack_credits, u.plan_type,
    SUM(u.granted)::bigint AS granted, SUM(u.spent)::bigint AS spent, SUM(u.expired)::bigint AS expired,
    SUM(u.refunded)::bigint AS refunded, SUM(u.voided)::bigint AS voided,
    SUM(u.unmetered_usage)::bigint AS unmetered_usage,
    CASE WHEN SUM(u.granted) = 0 THEN NULL ELSE ROUND(SUM(u.expired) / SUM(u.granted), 4) END AS expiration_rate
  FROM analytics_credits_daily u
  LEFT JOIN stripe_products p ON p.id = u.source AND p.package_type = 'credit_pack'
  GROUP BY u.source, p.credits, u.plan_type
`);

// The same per UTC day.
export const creditUsageDaily = pgView('credit_usage_daily', {
  day: date('day', { mode: 'string' }).notNull(),
  source: text('source').notNull(),
  planType: text('plan_type').notNull(),
  granted: total('granted'),
  spent: total('spent'),
  expired: total('expired'),
  refunded: total('refunded'),
  voided: total('voided'),
  unmeteredUsage: total('unmetered_usage'),
}).as(sql`
  SELECT day, source, plan_type,
    SUM(granted)::bigint AS granted, SUM(spent)::bigint AS spent, SUM(expired)::bigint AS expired,
    SUM(refunded)::bigint AS refunded, SUM(voided)::bigint AS voided,
    SUM(unmetered_usage)::bigint AS unmetered_usage
  FROM analytics_credits_daily
  GROUP BY day, source, plan_type
`);
