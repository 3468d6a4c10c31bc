ALTER TYPE "public"."ledger_entry_type" ADD VALUE 'dispute_hold';--> statement-breakpoint
ALTER TYPE "public"."ledger_entry_type" ADD VALUE 'dispute_release';--> statement-breakpoint
CREATE TABLE "deferred_stripe_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"object_id" text,
	"reason" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"first_attempt_at" timestamp with time zone NOT NULL,
	"last_attempt_at" timestamp with time zone NOT NULL,
	"parked_at" timestamp with time zone,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "trial_card_fingerprints" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"stripe_subscription_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "user_purchases" ADD COLUMN "stripe_dispute_id" text;--> statement-breakpoint
ALTER TABLE "user_purchases" ADD COLUMN "dispute_status" text;--> statement-breakpoint
ALTER TABLE "user_credits" ADD COLUMN "dispute_held" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "user_credits" ADD COLUMN "disputed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "trial_card_fingerprints" ADD CONSTRAINT "trial_card_fingerprints_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deferred_stripe_events_parked_idx" ON "deferred_stripe_events" USING btree ("parked_at");--> statement-breakpoint
CREATE INDEX "user_purchases_charge_idx" ON "user_purchases" USING btree ("stripe_charge_id");--> statement-breakpoint
ALTER TABLE "user_credits" ADD CONSTRAINT "user_credits_dispute_held_range" CHECK ("user_credits"."dispute_held" BETWEEN 0 AND "user_credits"."amount");