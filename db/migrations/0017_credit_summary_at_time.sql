-- user_credit_summary at any time (the calendar month in UTC, as memberUsage counts it): the view
-- reads the database's now(), which a test cannot move.
CREATE FUNCTION "public"."user_credit_summary_at"(as_of timestamptz)
RETURNS TABLE (team_id uuid, user_id text, credit_type text, remaining_credits integer, used_this_period integer, next_expiry timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT m.team_id, m.user_id, ct.credit_type,
    COALESCE((SELECT SUM(g.remaining) FROM user_credits g
      WHERE g.team_id = m.team_id AND g.credit_type = ct.credit_type AND g.voided_at IS NULL
        AND (g.expires_at IS NULL OR g.expires_at > as_of)), 0)::int AS remaining_credits,
    COALESCE((SELECT SUM(r.amount) FROM credit_reservations r
      WHERE r.team_id = m.team_id AND r.user_id = m.user_id AND r.credit_type = ct.credit_type AND r.status <> 'released'
        AND r.created_at >= date_trunc('month', as_of AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
        AND r.created_at < (date_trunc('month', as_of AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC'),
      0)::int AS used_this_period,
    (SELECT MIN(g.expires_at) FROM user_credits g
      WHERE g.team_id = m.team_id AND g.credit_type = ct.credit_type AND g.voided_at IS NULL
        AND g.remaining > 0 AND g.expires_at > as_of) AS next_expiry
  FROM team_members m CROSS JOIN (VALUES ('ai_stories')) AS ct(credit_type)
$$;--> statement-breakpoint
DROP VIEW "public"."user_credit_summary";--> statement-breakpoint
CREATE VIEW "public"."user_credit_summary" AS (SELECT * FROM user_credit_summary_at(now()));
