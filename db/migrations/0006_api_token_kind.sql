CREATE TYPE "public"."api_token_kind" AS ENUM('user', 'service');--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "kind" "api_token_kind" DEFAULT 'user' NOT NULL;