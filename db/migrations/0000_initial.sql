CREATE TYPE "public"."addon_status" AS ENUM('pending', 'active', 'removed');--> statement-breakpoint
CREATE TYPE "public"."billing_interval" AS ENUM('month', 'year');--> statement-breakpoint
CREATE TYPE "public"."checkout_status" AS ENUM('open', 'complete', 'expired');--> statement-breakpoint
CREATE TYPE "public"."package_type" AS ENUM('subscription', 'credit_pack', 'addon', 'enterprise');--> statement-breakpoint
CREATE TYPE "public"."purchase_status" AS ENUM('paid', 'refunded', 'partially_refunded');--> statement-breakpoint
CREATE TYPE "public"."team_role" AS ENUM('owner', 'admin', 'member');--> statement-breakpoint
CREATE TYPE "public"."credit_source" AS ENUM('plan_allowance', 'credit_pack', 'adjustment');--> statement-breakpoint
CREATE TYPE "public"."ledger_entry_type" AS ENUM('grant', 'reserve', 'commit', 'release', 'expire', 'refund', 'adjust', 'usage');--> statement-breakpoint
CREATE TYPE "public"."reservation_status" AS ENUM('held', 'committed', 'released');--> statement-breakpoint
CREATE TABLE "accounts" (
	"user_id" text NOT NULL,
	"type" text NOT NULL,
	"provider" text NOT NULL,
	"provider_account_id" text NOT NULL,
	"refresh_token" text,
	"access_token" text,
	"expires_at" integer,
	"token_type" text,
	"scope" text,
	"id_token" text,
	"session_state" text,
	CONSTRAINT "accounts_provider_provider_account_id_pk" PRIMARY KEY("provider","provider_account_id")
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"display_prefix" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rate_limits_key_window_start_pk" PRIMARY KEY("key","window_start")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"session_token" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"expires" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "team_invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"email" text NOT NULL,
	"role" "team_role" DEFAULT 'member' NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_invitations_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "team_members" (
	"team_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"role" "team_role" DEFAULT 'member' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_members_team_id_user_id_pk" PRIMARY KEY("team_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"owner_id" text NOT NULL,
	"is_personal" boolean DEFAULT false NOT NULL,
	"stripe_customer_id" text,
	"billing_currency" text,
	"trial_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_stripe_customer_id_unique" UNIQUE("stripe_customer_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"email" text NOT NULL,
	"email_verified" timestamp with time zone,
	"image" text,
	"password_hash" text,
	"is_platform_admin" boolean DEFAULT false NOT NULL,
	"current_team_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "verification_tokens" (
	"identifier" text NOT NULL,
	"token" text NOT NULL,
	"expires" timestamp with time zone NOT NULL,
	CONSTRAINT "verification_tokens_identifier_token_pk" PRIMARY KEY("identifier","token")
);
--> statement-breakpoint
CREATE TABLE "stripe_products" (
	"id" text PRIMARY KEY NOT NULL,
	"package_type" "package_type" NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"features" jsonb NOT NULL,
	"limits" jsonb,
	"credits" integer,
	"validity_days" integer,
	"interval" "billing_interval",
	"currency" text,
	"amount" integer,
	"prices" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"stripe_product_id" text,
	"stripe_price_id" text,
	"lookup_key" text,
	"active" boolean DEFAULT true NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_products_stripe_product_id_unique" UNIQUE("stripe_product_id"),
	CONSTRAINT "stripe_products_stripe_price_id_unique" UNIQUE("stripe_price_id"),
	CONSTRAINT "stripe_products_lookup_key_unique" UNIQUE("lookup_key"),
	CONSTRAINT "stripe_products_amount_nonneg" CHECK ("stripe_products"."amount" IS NULL OR "stripe_products"."amount" >= 0),
	CONSTRAINT "stripe_products_pack_fields" CHECK ("stripe_products"."package_type" <> 'credit_pack' OR ("stripe_products"."credits" > 0 AND "stripe_products"."validity_days" > 0))
);
--> statement-breakpoint
CREATE TABLE "checkout_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stripe_session_id" text NOT NULL,
	"team_id" uuid NOT NULL,
	"user_id" text,
	"package_id" text NOT NULL,
	"mode" text NOT NULL,
	"currency" text NOT NULL,
	"amount_total" integer,
	"status" "checkout_status" DEFAULT 'open' NOT NULL,
	"payment_status" text,
	"trial_days" integer,
	"url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	CONSTRAINT "checkout_sessions_stripe_session_id_unique" UNIQUE("stripe_session_id")
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"stripe_created_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscription_addons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"subscription_id" uuid NOT NULL,
	"package_id" text NOT NULL,
	"stripe_subscription_item_id" text,
	"status" "addon_status" DEFAULT 'pending' NOT NULL,
	"quantity" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone,
	"removed_at" timestamp with time zone,
	CONSTRAINT "subscription_addons_stripe_subscription_item_id_unique" UNIQUE("stripe_subscription_item_id"),
	CONSTRAINT "subscription_addons_quantity_pos" CHECK ("subscription_addons"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"stripe_subscription_id" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"package_id" text NOT NULL,
	"stripe_price_id" text,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"current_period_start" timestamp with time zone,
	"current_period_end" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"canceled_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"trial_end" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_stripe_subscription_id_unique" UNIQUE("stripe_subscription_id")
);
--> statement-breakpoint
CREATE TABLE "user_purchases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"user_id" text,
	"package_id" text NOT NULL,
	"business_key" text NOT NULL,
	"stripe_checkout_session_id" text,
	"stripe_payment_intent_id" text,
	"stripe_charge_id" text,
	"stripe_invoice_id" text,
	"stripe_subscription_id" text,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"amount_refunded" integer DEFAULT 0 NOT NULL,
	"status" "purchase_status" DEFAULT 'paid' NOT NULL,
	"purchased_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_purchases_business_key_unique" UNIQUE("business_key"),
	CONSTRAINT "user_purchases_amount_nonneg" CHECK ("user_purchases"."amount" >= 0),
	CONSTRAINT "user_purchases_refund_range" CHECK ("user_purchases"."amount_refunded" BETWEEN 0 AND "user_purchases"."amount")
);
--> statement-breakpoint
CREATE TABLE "credit_ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"credit_type" text DEFAULT 'ai_stories' NOT NULL,
	"entry_type" "ledger_entry_type" NOT NULL,
	"grant_id" uuid,
	"reservation_id" uuid,
	"reference_id" text,
	"user_id" text,
	"delta" integer NOT NULL,
	"balance_after" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_reservations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"credit_type" text DEFAULT 'ai_stories' NOT NULL,
	"reference_id" text NOT NULL,
	"amount" integer NOT NULL,
	"status" "reservation_status" DEFAULT 'held' NOT NULL,
	"allocations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "credit_reservations_amount_pos" CHECK ("credit_reservations"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "usage_warnings" (
	"team_id" uuid NOT NULL,
	"warning_key" text NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_credits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"user_id" text,
	"credit_type" text DEFAULT 'ai_stories' NOT NULL,
	"source" "credit_source" NOT NULL,
	"source_ref" text,
	"business_key" text NOT NULL,
	"package_id" text,
	"amount" integer NOT NULL,
	"remaining" integer NOT NULL,
	"priority" boolean DEFAULT false NOT NULL,
	"period_start" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_credits_business_key_unique" UNIQUE("business_key"),
	CONSTRAINT "user_credits_remaining_range" CHECK ("user_credits"."remaining" BETWEEN 0 AND "user_credits"."amount"),
	CONSTRAINT "user_credits_amount_nonneg" CHECK ("user_credits"."amount" >= 0)
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_invitations" ADD CONSTRAINT "team_invitations_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_invitations" ADD CONSTRAINT "team_invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD CONSTRAINT "checkout_sessions_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD CONSTRAINT "checkout_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD CONSTRAINT "checkout_sessions_package_id_stripe_products_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."stripe_products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_addons" ADD CONSTRAINT "subscription_addons_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_addons" ADD CONSTRAINT "subscription_addons_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_addons" ADD CONSTRAINT "subscription_addons_package_id_stripe_products_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."stripe_products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_package_id_stripe_products_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."stripe_products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_purchases" ADD CONSTRAINT "user_purchases_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_purchases" ADD CONSTRAINT "user_purchases_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_purchases" ADD CONSTRAINT "user_purchases_package_id_stripe_products_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."stripe_products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_ledger" ADD CONSTRAINT "credit_ledger_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_ledger" ADD CONSTRAINT "credit_ledger_grant_id_user_credits_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."user_credits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_ledger" ADD CONSTRAINT "credit_ledger_reservation_id_credit_reservations_id_fk" FOREIGN KEY ("reservation_id") REFERENCES "public"."credit_reservations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_reservations" ADD CONSTRAINT "credit_reservations_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_warnings" ADD CONSTRAINT "usage_warnings_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_credits" ADD CONSTRAINT "user_credits_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_credits" ADD CONSTRAINT "user_credits_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "team_members_user_idx" ON "team_members" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_key" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "checkout_sessions_team_idx" ON "checkout_sessions" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "stripe_events_type_idx" ON "stripe_events" USING btree ("type");--> statement-breakpoint
CREATE INDEX "subscription_addons_team_idx" ON "subscription_addons" USING btree ("team_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_addons_one_live" ON "subscription_addons" USING btree ("team_id","package_id") WHERE "subscription_addons"."status" <> 'removed';--> statement-breakpoint
CREATE INDEX "subscriptions_team_idx" ON "subscriptions" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "user_purchases_team_idx" ON "user_purchases" USING btree ("team_id","purchased_at");--> statement-breakpoint
CREATE UNIQUE INDEX "user_purchases_payment_intent_key" ON "user_purchases" USING btree ("stripe_payment_intent_id");--> statement-breakpoint
CREATE INDEX "credit_ledger_team_idx" ON "credit_ledger" USING btree ("team_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_reservations_reference_key" ON "credit_reservations" USING btree ("team_id","credit_type","reference_id");--> statement-breakpoint
CREATE UNIQUE INDEX "usage_warnings_key" ON "usage_warnings" USING btree ("team_id","warning_key");--> statement-breakpoint
CREATE INDEX "user_credits_team_idx" ON "user_credits" USING btree ("team_id","credit_type","expires_at");--> statement-breakpoint
CREATE VIEW "public"."package_performance" AS (
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
);--> statement-breakpoint
CREATE VIEW "public"."user_credit_summary" AS (
  SELECT m.team_id, m.user_id, ct.credit_type,
    COALESCE((SELECT SUM(g.remaining) FROM user_credits g
      WHERE g.team_id = m.team_id AND g.credit_type = ct.credit_type AND g.voided_at IS NULL
        AND (g.expires_at IS NULL OR g.expires_at > now())), 0)::int AS remaining_credits,
    COALESCE((SELECT -SUM(l.delta) FROM credit_ledger l
      WHERE l.team_id = m.team_id AND l.credit_type = ct.credit_type AND l.entry_type IN ('reserve', 'release', 'usage')
        AND l.created_at >= date_trunc('month', now())), 0)::int AS used_this_period,
    (SELECT MIN(g.expires_at) FROM user_credits g
      WHERE g.team_id = m.team_id AND g.credit_type = ct.credit_type AND g.voided_at IS NULL
        AND g.remaining > 0 AND g.expires_at > now()) AS next_expiry
  FROM team_members m CROSS JOIN (VALUES ('ai_stories')) AS ct(credit_type)
);