DROP VIEW "public"."user_credit_summary";--> statement-breakpoint
ALTER TABLE "credit_reservations" ADD COLUMN "user_id" text;--> statement-breakpoint
CREATE VIEW "public"."user_credit_summary" AS (
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
);