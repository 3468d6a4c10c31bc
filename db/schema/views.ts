import { sql } from 'drizzle-orm';
import { integer, pgView, text, timestamp, uuid, numeric } from 'drizzle-orm/pg-core';

// Per team member: the team's spendable balance and next expiry (expired or voided grants never
// count, whether or not a clean-up ran) and what this member spent this calendar month (held or
// committed; on unlimited plans too, where nothing is deducted).
export const userCreditSummary = pgView('user_credit_summary', {
  teamId: uuid('team_id').notNull(),
  userId: text('user_id').notNull(),
  creditType: text('credit_type').notNull(),
  remainingCredits: integer('remaining_credits').notNull(),
  usedThisPeriod: integer('used_this_period').notNull(),
  nextExpiry: timestamp('next_expiry', { withTimezone: true }),
}).as(sql`
  SELECT m.team_id, m.user_id, ct.credit_type,
    COALESCE((SELECT SUM(g.remaining) FROM user_credits g
      WHERE g.team_id = m.team_id AND g.credit_type = ct.credit_type AND g.voided_at IS NULL
        AND (g.expires_at IS NULL OR g.expires_at > now())), 0)::int AS remaining_credits,
    COALESCE((SELECT SUM(r.amount) FROM credit_reservations r
      WHERE r.team_id = m.team_id AND r.user_id = m.user_id AND r.credit_type = ct.credit_type AND r.status <> 'released'
        AND r.created_at >= date_trunc('month', now())), 0)::int AS used_this_period,
    (SELECT MIN(g.expires_at) FROM user_credits g
      WHERE g.team_id = m.team_id AND g.credit_type = ct.credit_type AND g.voided_at IS NULL
        AND g.remaining > 0 AND g.expires_at > now()) AS next_expiry
  FROM team_members m CROSS JOIN (VALUES ('ai_stories')) AS ct(credit_type)
`);

// Sales per package and currency, for the admin analytics.
export const packagePerformance = pgView('package_performance', {
  packageId: text('package_id').notNull(),
  packageType: text('package_type').notNull(),
  currency: text('currency'),
  totalPurchases: integer('total_purchases').notNull(),
  totalRevenue: integer('total_revenue').notNull(),
  averagePurchaseValue: integer('average_purchase_value').notNull(),
  purchasesLast30Days: integer('purchases_last_30_days').notNull(),
  revenueLast30Days: integer('revenue_last_30_days').notNull(),
  checkoutsStarted: integer('checkouts_started').notNull(),
  checkoutsCompleted: integer('checkouts_completed').notNull(),
  conversionRate: numeric('conversion_rate'),
}).as(sql`
  SELECT p.id AS package_id, p.package_type::text AS package_type, pu.currency,
    COUNT(pu.id)::int AS total_purchases,
    COALESCE(SUM(pu.amount - pu.amount_refunded), 0)::int AS total_revenue,
    COALESCE(ROUND(AVG(pu.amount)), 0)::int AS average_purchase_value,
    COUNT(pu.id) FILTER (WHERE pu.purchased_at >= now() - interval '30 days')::int AS purchases_last_30_days,
    COALESCE(SUM(pu.amount - pu.amount_refunded) FILTER (WHERE pu.purchased_at >= now() - interval '30 days'), 0)::int AS revenue_last_30_days,
    (SELECT COUNT(*) FROM checkout_sessions cs WHERE cs.package_id = p.id)::int AS checkouts_started,
    (SELECT COUNT(*) FROM checkout_sessions cs WHERE cs.package_id = p.id AND cs.status = 'complete')::int AS checkouts_completed,
    (SELECT CASE WHEN COUNT(*) = 0 THEN NULL
       ELSE ROUND(COUNT(*) FILTER (WHERE cs.status = 'complete')::numeric / COUNT(*), 4) END
     FROM checkout_sessions cs WHERE cs.package_id = p.id) AS conversion_rate
  FROM stripe_products p LEFT JOIN user_purchases pu ON pu.package_id = p.id
  GROUP BY p.id, p.package_type, pu.currency
`);
