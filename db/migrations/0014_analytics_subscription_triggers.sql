-- Paying subscriptions now (one unit per plan, one per active add-on unit) per package and
-- currency, kept by triggers as signed delta rows like the daily rollups. Each trigger reads the
-- other table as the transaction sees it at that moment, so the units stay right in whatever
-- order a subscription and its add-ons change.

CREATE OR REPLACE FUNCTION analytics_subscription_units(sub subscriptions, sign int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF sub.status NOT IN ('active', 'past_due') THEN
    RETURN;
  END IF;
  INSERT INTO analytics_subscriptions_live (package_id, currency, units) VALUES (sub.package_id, sub.currency, sign);
  INSERT INTO analytics_subscriptions_live (package_id, currency, units)
  SELECT a.package_id, sub.currency, sign * SUM(a.quantity) FROM subscription_addons a
  WHERE a.subscription_id = sub.id AND a.status = 'active' GROUP BY a.package_id;
END $$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION analytics_track_subscription() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.id = NEW.id AND OLD.package_id = NEW.package_id AND OLD.currency = NEW.currency
     AND (OLD.status IN ('active', 'past_due')) = (NEW.status IN ('active', 'past_due')) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM analytics_subscription_units(OLD, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM analytics_subscription_units(NEW, 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint

CREATE TRIGGER subscriptions_analytics
  AFTER INSERT OR DELETE OR UPDATE OF id, package_id, currency, status ON subscriptions
  FOR EACH ROW EXECUTE FUNCTION analytics_track_subscription();
--> statement-breakpoint

CREATE OR REPLACE FUNCTION analytics_track_addon() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  paying_currency text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'active' THEN
    SELECT s.currency INTO paying_currency FROM subscriptions s
    WHERE s.id = OLD.subscription_id AND s.status IN ('active', 'past_due');
    IF FOUND THEN
      INSERT INTO analytics_subscriptions_live (package_id, currency, units) VALUES (OLD.package_id, paying_currency, -OLD.quantity);
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'active' THEN
    SELECT s.currency INTO paying_currency FROM subscriptions s
    WHERE s.id = NEW.subscription_id AND s.status IN ('active', 'past_due');
    IF FOUND THEN
      INSERT INTO analytics_subscriptions_live (package_id, currency, units) VALUES (NEW.package_id, paying_currency, NEW.quantity);
    END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint

CREATE TRIGGER subscription_addons_analytics
  AFTER INSERT OR DELETE OR UPDATE OF subscription_id, package_id, status, quantity ON subscription_addons
  FOR EACH ROW EXECUTE FUNCTION analytics_track_addon();
--> statement-breakpoint

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

  WITH dirty AS (SELECT DISTINCT package_id, currency FROM analytics_subscriptions_live WHERE NOT compacted),
  moved AS (
    DELETE FROM analytics_subscriptions_live t USING dirty d
    WHERE t.package_id = d.package_id AND t.currency = d.currency RETURNING t.*)
  INSERT INTO analytics_subscriptions_live (package_id, currency, units, compacted)
  SELECT package_id, currency, SUM(units), true FROM moved GROUP BY package_id, currency;
END $$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION analytics_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('analytics_rollups'));
  LOCK TABLE user_purchases, checkout_sessions, credit_ledger, subscriptions, subscription_addons IN SHARE MODE;
  DELETE FROM analytics_sales_daily;
  DELETE FROM analytics_checkouts_daily;
  DELETE FROM analytics_credits_daily;
  DELETE FROM analytics_subscriptions_live;

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

  INSERT INTO analytics_subscriptions_live (package_id, currency, units, compacted)
  SELECT package_id, currency, SUM(units), true FROM (
    SELECT package_id, currency, 1 AS units FROM subscriptions WHERE status IN ('active', 'past_due')
    UNION ALL
    SELECT a.package_id, s.currency, a.quantity FROM subscription_addons a JOIN subscriptions s ON s.id = a.subscription_id
    WHERE a.status = 'active' AND s.status IN ('active', 'past_due')
  ) paying GROUP BY package_id, currency;
END $$;
--> statement-breakpoint

SELECT analytics_rebuild();
