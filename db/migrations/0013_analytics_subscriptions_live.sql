CREATE TABLE "analytics_subscriptions_live" (
	"package_id" text NOT NULL,
	"currency" text NOT NULL,
	"units" bigint DEFAULT 0 NOT NULL,
	"compacted" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX "analytics_subscriptions_live_dirty_idx" ON "analytics_subscriptions_live" USING btree ("package_id") WHERE NOT "analytics_subscriptions_live"."compacted";