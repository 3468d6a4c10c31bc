-- Teams that already had a paid plan: anchor their allowance windows at the start of their first one.
UPDATE "teams" SET "allowance_anchor" = first_paid.started
FROM (
  SELECT "team_id", MIN("created_at") AS started FROM "subscriptions"
  WHERE "status" NOT IN ('incomplete', 'incomplete_expired')
  GROUP BY "team_id"
) AS first_paid
WHERE "teams"."id" = first_paid."team_id" AND "teams"."allowance_anchor" IS NULL;
