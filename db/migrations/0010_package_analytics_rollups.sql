CREATE TABLE "analytics_checkouts_daily" (
	"day" date NOT NULL,
	"package_id" text NOT NULL,
	"currency" text NOT NULL,
	"created" bigint DEFAULT 0 NOT NULL,
	"completed" bigint DEFAULT 0 NOT NULL,
	"expired" bigint DEFAULT 0 NOT NULL,
	"compacted" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_credits_daily" (
	"day" date NOT NULL,
	"source" text NOT NULL,
	"plan_type" text NOT NULL,
	"granted" bigint DEFAULT 0 NOT NULL,
	"spent" bigint DEFAULT 0 NOT NULL,
	"expired" bigint DEFAULT 0 NOT NULL,
	"refunded" bigint DEFAULT 0 NOT NULL,
	"voided" bigint DEFAULT 0 NOT NULL,
	"unmetered_usage" bigint DEFAULT 0 NOT NULL,
	"compacted" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_sales_daily" (
	"day" date NOT NULL,
	"package_id" text NOT NULL,
	"currency" text NOT NULL,
	"purchases" bigint DEFAULT 0 NOT NULL,
	"gross_amount" bigint DEFAULT 0 NOT NULL,
	"refunded_amount" bigint DEFAULT 0 NOT NULL,
	"refunds" bigint DEFAULT 0 NOT NULL,
	"compacted" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
DROP VIEW "public"."package_performance";--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "trial_start" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "analytics_checkouts_daily_day_idx" ON "analytics_checkouts_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "analytics_checkouts_daily_dirty_idx" ON "analytics_checkouts_daily" USING btree ("day") WHERE NOT "analytics_checkouts_daily"."compacted";--> statement-breakpoint
CREATE INDEX "analytics_credits_daily_day_idx" ON "analytics_credits_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "analytics_credits_daily_dirty_idx" ON "analytics_credits_daily" USING btree ("day") WHERE NOT "analytics_credits_daily"."compacted";--> statement-breakpoint
CREATE INDEX "analytics_sales_daily_day_idx" ON "analytics_sales_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "analytics_sales_daily_dirty_idx" ON "analytics_sales_daily" USING btree ("day") WHERE NOT "analytics_sales_daily"."compacted";--> statement-breakpoint
CREATE INDEX "subscriptions_trial_start_idx" ON "subscriptions" USING btree ("trial_start") WHERE "subscriptions"."trial_start" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "user_purchases_subscription_idx" ON "user_purchases" USING btree ("stripe_subscription_id");--> statement-breakpoint
CREATE VIEW "public"."credit_usage" AS (
  SELECT u.source, p.credits AS pack_credits, u.plan_type,
    SUM(u.granted)::bigint AS granted, SUM(u.spent)::bigint AS spent, SUM(u.expired)::bigint AS expired,
    SUM(u.refunded)::bigint AS refunded, SUM(u.voided)::bigint AS voided,
    SUM(u.unmetered_usage)::bigint AS unmetered_usage,
    CASE WHEN SUM(u.granted) = 0 THEN NULL ELSE ROUND(SUM(u.expired) / SUM(u.granted), 4) END AS expiration_rate
  FROM analytics_credits_daily u
  LEFT JOIN stripe_products p ON p.id = u.source AND p.package_type = 'credit_pack'
  GROUP BY u.source, p.credits, u.plan_type
);--> statement-breakpoint
CREATE VIEW "public"."credit_usage_daily" AS (
  SELECT day, source, plan_type,
    SUM(granted)::bigint AS granted, SUM(spent)::bigint AS spent, SUM(expired)::bigint AS expired,
    SUM(refunded)::bigint AS refunded, SUM(voided)::bigint AS voided,
    SUM(unmetered_usage)::bigint AS unmetered_usage
  FROM analytics_credits_daily
  GROUP BY day, source, plan_type
);--> statement-breakpoint
CREATE VIEW "public"."package_performance_daily" AS (
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
);--> statement-breakpoint
CREATE VIEW "public"."package_performance" AS (
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
);