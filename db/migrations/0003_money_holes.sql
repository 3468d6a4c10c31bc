ALTER TYPE "public"."ledger_entry_type" ADD VALUE 'plan_change';--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "allowance_anchor" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "past_due_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "user_purchases" ADD COLUMN "refund_reason" text;--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_one_live_per_team" ON "subscriptions" USING btree ("team_id") WHERE "subscriptions"."status" IN ('active', 'trialing', 'past_due');