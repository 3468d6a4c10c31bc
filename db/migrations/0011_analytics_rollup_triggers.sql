-- Daily analytics rollups kept by triggers, in the transaction of the write they count, so every
-- write path (checkout fulfilment, invoices, refunds, disputes, expiries, deductions, voids) is
-- covered without the application having to remember. Triggers only INSERT signed delta rows:
-- no two transactions ever update the same rollup row, so there is no lock contention and no
-- deadlock between unrelated payments or deductions. Readers SUM per key; analytics_compact()
-- folds the deltas into one row per key now and then, and analytics_rebuild() recomputes all of
-- it from the base tables (backfill, and the check that the rollups stay exact).

CREATE OR REPLACE FUNCTION analytics_utc_day(ts timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (ts AT TIME ZONE 'UTC')::date $$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION analytics_track_purchase() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND analytics_utc_day(OLD.purchased_at) = analytics_utc_day(NEW.purchased_at)
     AND OLD.package_id = NEW.package_id AND OLD.currency = NEW.currency THEN
    IF OLD.amount = NEW.amount AND OLD.amount_refunded = NEW.amount_refunded THEN
      RETURN NULL;
    END IF;
    INSERT INTO analytics_sales_daily (day, package_id, currency, purchases, gross_amount, refunded_amount, refunds)
    VALUES (analytics_utc_day(NEW.purchased_at), NEW.package_id, NEW.currency, 0,
      NEW.amount::bigint - OLD.amount, NEW.amount_refunded::bigint - OLD.amount_refunded,
      (NEW.amount_refunded > 0)::int - (OLD.amount_refunded > 0)::int);
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO analytics_sales_daily (day, package_id, currency, purchases, gross_amount, refunded_amount, refunds)
    VALUES (analytics_utc_day(OLD.purchased_at), OLD.package_id, OLD.currency, -1, -OLD.amount::bigint,
      -OLD.amount_refunded::bigint, -(OLD.amount_refunded > 0)::int);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO analytics_sales_daily (day, package_id, currency, purchases, gross_amount, refunded_amount, refunds)
    VALUES (analytics_utc_day(NEW.purchased_at), NEW.package_id, NEW.currency, 1, NEW.amount,
      NEW.amount_refunded, (NEW.amount_refunded > 0)::int);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint

CREATE TRIGGER user_purchases_analytics
  AFTER INSERT OR DELETE OR UPDATE OF package_id, currency, amount, amount_refunded, purchased_at ON user_purchases
  FOR EACH ROW EXECUTE FUNCTION analytics_track_purchase();
--> statement-breakpoint

CREATE OR REPLACE FUNCTION analytics_track_checkout() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND analytics_utc_day(OLD.created_at) = analytics_utc_day(NEW.created_at)
     AND OLD.package_id = NEW.package_id AND OLD.currency = NEW.currency
     AND OLD.status = NEW.status THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO analytics_checkouts_daily (day, package_id, currency, created, completed, expired)
    VALUES (analytics_utc_day(OLD.created_at), OLD.package_id, OLD.currency, -1,
      -(OLD.status = 'complete')::int, -(OLD.status = 'expired')::int);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO analytics_checkouts_daily (day, package_id, currency, created, completed, expired)
    VALUES (analytics_utc_day(NEW.created_at), NEW.package_id, NEW.currency, 1,
      (NEW.status = 'complete')::int, (NEW.status = 'expired')::int);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint

CREATE TRIGGER checkout_sessions_analytics
  AFTER INSERT OR DELETE OR UPDATE OF package_id, currency, status, created_at ON checkout_sessions
  FOR EACH ROW EXECUTE FUNCTION analytics_track_checkout();
--> statement-breakpoint

-- Ledger entries are classified by type: grant → granted; usage/reserve/release → spent (a
-- release gives a hold back); expire → expired; refund → refunded (credits taken back for money
-- returned); commit moves nothing; any other type (plan-change voids, dispute holds and their
-- release, adjustments) is counted, signed, as voided. The source is the grant's pack id,
-- `allowance`, `adjustment`, or `unlimited` for usage recorded on an unlimited plan; the plan
-- type is the team's plan family at the time of the entry.
CREATE OR REPLACE FUNCTION analytics_track_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  grant_source text;
  grant_package text;
  source_name text;
  plan text;
  entry text := NEW.entry_type::text;
  unmetered bigint := 0;
BEGIN
  IF NEW.grant_id IS NOT NULL THEN
    SELECT g.source::text, g.package_id INTO grant_source, grant_package FROM user_credits g WHERE g.id = NEW.grant_id;
  END IF;
  IF entry = 'usage' AND NEW.grant_id IS NULL AND NEW.reservation_id IS NOT NULL THEN
    SELECT r.amount INTO unmetered FROM credit_reservations r WHERE r.id = NEW.reservation_id;
  END IF;
  IF NEW.delta = 0 AND COALESCE(unmetered, 0) = 0 THEN
    RETURN NULL;
  END IF;
  source_name := CASE
    WHEN grant_source IS NULL THEN 'unlimited'
    WHEN grant_source = 'credit_pack' THEN COALESCE(grant_package, 'credit_pack')
    WHEN grant_source = 'plan_allowance' THEN 'allowance'
    ELSE grant_source END;
  SELECT split_part(s.package_id, '_', 1) INTO plan FROM subscriptions s
    WHERE s.team_id = NEW.team_id AND s.status IN ('active', 'trialing', 'past_due')
    ORDER BY s.created_at DESC LIMIT 1;
  INSERT INTO analytics_credits_daily (day, source, plan_type, granted, spent, expired, refunded, voided, unmetered_usage)
  VALUES (analytics_utc_day(NEW.created_at), source_name, COALESCE(plan, 'starter'),
    CASE WHEN entry = 'grant' THEN NEW.delta ELSE 0 END,
    CASE WHEN entry IN ('usage', 'reserve', 'release') THEN -NEW.delta ELSE 0 END,
    CASE WHEN entry = 'expire' THEN -NEW.delta ELSE 0 END,
    CASE WHEN entry = 'refund' THEN -NEW.delta ELSE 0 END,
    CASE WHEN entry NOT IN ('grant', 'usage', 'reserve', 'release', 'commit', 'expire', 'refund') THEN -NEW.delta ELSE 0 END,
    COALESCE(unmetered, 0));
  RETURN NULL;
END $$;
--> statement-breakpoint

CREATE TRIGGER credit_ledger_analytics
  AFTER INSERT ON credit_ledger
  FOR EACH ROW EXECUTE FUNCTION analytics_track_ledger();
--> statement-breakpoint

-- Folds each key's delta rows into one. Concurrent writers are never blocked (they only insert,
-- and rows they have not committed yet are left for the next run); readers see the state before
-- or after, both with the same sums.
CREATE OR REPLACE FUNCTION analytics_compact() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('analytics_rollups')) THEN
    RETURN;
  END IF;
  WITH dirty AS (SELECT DISTINCT day, package_id, currency FROM analytics_sales_daily WHERE NOT compacted),
  moved AS (
    DELETE FROM analytics_sales_daily t USING dirty d
    WHERE t.day = d.day AND t.package_id = d.package_id AND t.currency = d.currency RETURNING t.*)
  INSERT INTO analytics_sales_daily (day, package_id, currency, purchases, gross_amount, refunded_amount, refunds, compacted)
  SELECT day, package_id, currency, SUM(purchases), SUM(gross_amount), SUM(refunded_amount), SUM(refunds), true
  FROM moved GROUP BY day, package_id, currency;

  WITH dirty AS (SELECT DISTINCT day, package_id, currency FROM analytics_checkouts_daily WHERE NOT compacted),
  moved AS (
    DELETE FROM analytics_checkouts_daily t USING dirty d
    WHERE t.day = d.day AND t.package_id = d.package_id AND t.currency = d.currency RETURNING t.*)
  INSERT INTO analytics_checkouts_daily (day, package_id, currency, created, completed, expired, compacted)
  SELECT day, package_id, currency, SUM(created), SUM(completed), SUM(expired), true
  FROM moved GROUP BY day, package_id, currency;

  WITH dirty AS (SELECT DISTINCT day, source, plan_type FROM analytics_credits_daily WHERE NOT compacted),
  moved AS (
    DELETE FROM analytics_credits_daily t USING dirty d
    WHERE t.day = d.day AND t.source = d.source AND t.plan_type = d.plan_type RETURNING t.*)
  INSERT INTO analytics_credits_daily (day, source, plan_type, granted, spent, expired, refunded, voided, unmetered_usage, compacted)
  SELECT day, source, plan_type, SUM(granted), SUM(spent), SUM(expired), SUM(refunded), SUM(voided), SUM(unmetered_usage), true
  FROM moved GROUP BY day, source, plan_type;
END $$;
--> statement-breakpoint

-- Recomputes every rollup from the base tables (writers wait meanwhile). The plan type of past
-- ledger entries is taken as the team's current plan: the base tables keep no plan history.
CREATE OR REPLACE FUNCTION analytics_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('analytics_rollups'));
  LOCK TABLE user_purchases, checkout_sessions, credit_ledger IN SHARE MODE;
  DELETE FROM analytics_sales_daily;
  DELETE FROM analytics_checkouts_daily;
  DELETE FROM analytics_credits_daily;

  INSERT INTO analytics_sales_daily (day, package_id, currency, purchases, gross_amount, refunded_amount, refunds, compacted)
  SELECT analytics_utc_day(purchased_at), package_id, currency, COUNT(*), SUM(amount), SUM(amount_refunded),
    COUNT(*) FILTER (WHERE amount_refunded > 0), true
  FROM user_purchases GROUP BY 1, 2, 3;

  INSERT INTO analytics_checkouts_daily (day, package_id, currency, created, completed, expired, compacted)
  SELECT analytics_utc_day(created_at), package_id, currency, COUNT(*),
    COUNT(*) FILTER (WHERE status = 'complete'), COUNT(*) FILTER (WHERE status = 'expired'), true
  FROM checkout_sessions GROUP BY 1, 2, 3;

  INSERT INTO analytics_credits_daily (day, source, plan_type, granted, spent, expired, refunded, voided, unmetered_usage, compacted)
  SELECT day, source, plan_type, SUM(granted), SUM(spent), SUM(expired), SUM(refunded), SUM(voided), SUM(unmetered), true
  FROM (
    SELECT analytics_utc_day(l.created_at) AS day,
      CASE
        WHEN g.id IS NULL THEN 'unlimited'
        WHEN g.source = 'credit_pack' THEN COALESCE(g.package_id, 'credit_pack')
        WHEN g.source = 'plan_allowance' THEN 'allowance'
        ELSE g.source::text END AS source,
      COALESCE(p.plan_type, 'starter') AS plan_type,
      CASE WHEN l.entry_type::text = 'grant' THEN l.delta ELSE 0 END AS granted,
      CASE WHEN l.entry_type::text IN ('usage', 'reserve', 'release') THEN -l.delta ELSE 0 END AS spent,
      CASE WHEN l.entry_type::text = 'expire' THEN -l.delta ELSE 0 END AS expired,
      CASE WHEN l.entry_type::text = 'refund' THEN -l.delta ELSE 0 END AS refunded,
      CASE WHEN l.entry_type::text NOT IN ('grant', 'usage', 'reserve', 'release', 'commit', 'expire', 'refund')
        THEN -l.delta ELSE 0 END AS voided,
      CASE WHEN l.entry_type::text = 'usage' AND l.grant_id IS NULL THEN COALESCE(r.amount, 0) ELSE 0 END AS unmetered
    FROM credit_ledger l
    LEFT JOIN user_credits g ON g.id = l.grant_id
    LEFT JOIN credit_reservations r ON r.id = l.reservation_id AND l.grant_id IS NULL AND l.entry_type::text = 'usage'
    LEFT JOIN (
      SELECT DISTINCT ON (team_id) team_id, split_part(package_id, '_', 1) AS plan_type
      FROM subscriptions WHERE status IN ('active', 'trialing', 'past_due')
      ORDER BY team_id, created_at DESC
    ) p ON p.team_id = l.team_id
    WHERE l.delta <> 0 OR (l.entry_type::text = 'usage' AND l.grant_id IS NULL AND COALESCE(r.amount, 0) <> 0)
  ) classified
  GROUP BY day, source, plan_type;
END $$;
--> statement-breakpoint

SELECT analytics_rebuild();
