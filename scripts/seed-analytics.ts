/**
 * `npm run seed:analytics`: fills a benchmark database with a large, plausible sales history for
 * the analytics endpoint — by default 100,000 teams, 3,000,000 checkout sessions, 1,000,000
 * purchases and 10,000,000 credit ledger entries over the last two years — using generate_series
 * inside PostgreSQL, then recomputes the analytics rollups from it.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/af_bench_analytics npm run seed:analytics
 *
 * The database is created when missing and emptied first. It refuses DATABASE_URL and
 * TEST_DATABASE_URL. ANALYTICS_SEED_SCALE=0.01 makes everything a hundred times smaller.
 */
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { migrateDatabase } from '../db/migrate';
import { connectDatabase } from '../db/client';
import { upsertCatalogRows } from '../lib/catalog/db-sync';
import { PACKAGES } from '../lib/catalog/packages';

const url = process.env.BENCH_DATABASE_URL;
if (!url) {
  console.error(
    'Set BENCH_DATABASE_URL to the benchmark database, e.g. postgres://postgres@127.0.0.1:5432/af_bench_analytics',
  );
  process.exit(2);
}
for (const other of ['DATABASE_URL', 'TEST_DATABASE_URL'] as const) {
  if (process.env[other] && new URL(process.env[other]!).pathname === new URL(url).pathname) {
    console.error(`BENCH_DATABASE_URL names the same database as ${other}; use a database of its own`);
    process.exit(2);
  }
}
const name = decodeURIComponent(new URL(url).pathname.slice(1));
if (!name || name === 'postgres') {
  console.error('BENCH_DATABASE_URL must name a database of its own (not "postgres"), e.g. af_bench_analytics');
  process.exit(2);
}

const scale = Number(process.env.ANALYTICS_SEED_SCALE ?? '1');
const n = (x: number) => Math.max(1, Math.round(x * scale));
const TEAMS = n(100_000);
const SESSIONS = n(3_000_000);
const PURCHASES = n(1_000_000);
const LEDGER = n(10_000_000);
const DAYS = 730;

async function step(label: string, run: () => Promise<unknown>) {
  const started = performance.now();
  await run();
  console.log(`${label.padEnd(58)} ${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s`);
}

const admin = new URL(url);
admin.pathname = '/postgres';
const server = postgres(admin.toString(), { max: 1, onnotice: () => {} });
const [exists] = await server`SELECT 1 FROM pg_database WHERE datname = ${name}`;
if (!exists) await server.unsafe(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
await server.end();

await migrateDatabase(url);
const handle = connectDatabase(url, { max: 1 });
const sql = handle.sql;
await upsertCatalogRows(handle.db, PACKAGES);
const started = performance.now();
console.log(
  `Seeding ${name}: ${TEAMS} teams, ${SESSIONS} checkout sessions, ${PURCHASES} purchases, ${LEDGER} ledger entries`,
);

await step('empty the tables', () =>
  sql.unsafe(`TRUNCATE credit_ledger, credit_reservations, user_credits, usage_warnings, subscription_addons,
    subscriptions, user_purchases, checkout_sessions, team_members, teams, users, analytics_sales_daily,
    analytics_checkouts_daily, analytics_credits_daily CASCADE`),
);
await sql.begin(async (tx) => {
  // Bulk load: no per-row triggers (the rollups are rebuilt at the end) and no FK checks (the
  // generator only writes consistent references).
  await tx.unsafe(`SET LOCAL session_replication_role = replica`);
  await tx.unsafe(`SELECT setseed(0.2026)`);
  await step('users, teams, members', async () => {
    await tx.unsafe(
      `INSERT INTO users (id, email) SELECT 'bench-u-' || g, 'bench-' || g || '@example.com' FROM generate_series(1, ${TEAMS}) g`,
    );
    await tx.unsafe(`INSERT INTO teams (id, name, owner_id, billing_currency)
      SELECT md5('bench-team-' || g)::uuid, 'Team ' || g, 'bench-u-' || g, CASE WHEN g % 3 = 0 THEN 'usd' ELSE 'gbp' END
      FROM generate_series(1, ${TEAMS}) g`);
    await tx.unsafe(`INSERT INTO team_members (team_id, user_id, role)
      SELECT md5('bench-team-' || g)::uuid, 'bench-u-' || g, 'owner' FROM generate_series(1, ${TEAMS}) g`);
  });
  await step('subscriptions (30% of teams) and add-ons', async () => {
    await tx.unsafe(`INSERT INTO subscriptions (team_id, stripe_subscription_id, stripe_customer_id, package_id, status,
        currency, current_period_start, current_period_end, trial_start, trial_end, created_at)
      SELECT md5('bench-team-' || g)::uuid, 'sub_bench_' || g, 'cus_bench_' || g,
        (ARRAY['professional_monthly','professional_monthly','professional_annual','business_monthly','business_annual'])[1 + floor(random() * 5)::int],
        (ARRAY['active','active','active','active','active','active','past_due','trialing','canceled','canceled'])[1 + floor(random() * 10)::int],
        CASE WHEN g % 3 = 0 THEN 'usd' ELSE 'gbp' END, now() - interval '10 days', now() + interval '20 days',
        t.start, t.start + interval '14 days', now() - random() * interval '${DAYS} days'
      FROM generate_series(1, ${TEAMS}) g
      -- Referencing g makes PostgreSQL draw a new random trial for every row, not once.
      CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.3 AND g > 0 THEN now() - random() * interval '${DAYS} days' END AS start) t
      WHERE g % 10 < 3`);
    await tx.unsafe(`INSERT INTO subscription_addons (team_id, subscription_id, package_id, status, quantity, activated_at)
      SELECT s.team_id, s.id, (ARRAY['addon_storage','addon_priority_support','addon_integrations'])[1 + floor(random() * 3)::int],
        'active', 1 + floor(random() * 2)::int, s.created_at
      FROM subscriptions s WHERE random() < 0.3`);
  });
  await step('checkout sessions', async () => {
    await tx.unsafe(`CREATE TEMP TABLE bench_sessions ON COMMIT DROP AS
      SELECT g, team, md5('bench-team-' || team)::uuid AS team_id, pkg,
        CASE WHEN team % 3 = 0 THEN 'usd' ELSE 'gbp' END AS currency,
        now() - random() * interval '${DAYS} days' AS created_at
      FROM (SELECT g, 1 + floor(random() * ${TEAMS})::int AS team,
          (ARRAY['credits_50','credits_50','credits_50','credits_100','credits_100','credits_250',
                 'professional_monthly','professional_annual','business_monthly','addon_storage'])[1 + floor(random() * 10)::int] AS pkg
        FROM generate_series(1, ${SESSIONS}) g) s`);
    await tx.unsafe(`INSERT INTO checkout_sessions (stripe_session_id, team_id, package_id, mode, currency, status, created_at, completed_at, expires_at)
      SELECT 'cs_bench_' || g, team_id, pkg, CASE WHEN pkg LIKE 'credits%' THEN 'payment' ELSE 'subscription' END, currency,
        (CASE WHEN g <= ${PURCHASES} THEN 'complete' WHEN random() < 0.85 THEN 'expired' ELSE 'open' END)::checkout_status,
        created_at, CASE WHEN g <= ${PURCHASES} THEN created_at + interval '3 minutes' END, created_at + interval '24 hours'
      FROM bench_sessions`);
  });
  await step('purchases (3% fully, 3% partly refunded)', async () => {
    await tx.unsafe(`INSERT INTO user_purchases (team_id, package_id, business_key, stripe_checkout_session_id,
        stripe_payment_intent_id, stripe_subscription_id, amount, currency, amount_refunded, status, purchased_at)
      SELECT team_id, pkg, 'checkout:cs_bench_' || g, 'cs_bench_' || g, 'pi_bench_' || g,
        CASE WHEN pkg NOT LIKE 'credits%' AND team % 10 < 3 THEN 'sub_bench_' || team END,
        amount, currency, refunded,
        (CASE WHEN refunded = 0 THEN 'paid' WHEN refunded = amount THEN 'refunded' ELSE 'partially_refunded' END)::purchase_status,
        created_at + interval '3 minutes'
      FROM (SELECT s.*, (p.prices ->> s.currency)::int AS amount, random() AS r
            FROM bench_sessions s JOIN stripe_products p ON p.id = s.pkg WHERE s.g <= ${PURCHASES}) b
      CROSS JOIN LATERAL (SELECT CASE WHEN r < 0.03 THEN amount WHEN r < 0.06 THEN amount * 2 / 5 ELSE 0 END AS refunded) x`);
  });
  await step('credit grants (one per pack bought, plus allowances)', async () => {
    await tx.unsafe(`INSERT INTO user_credits (team_id, source, source_ref, business_key, package_id, amount, remaining, expires_at, created_at)
      SELECT u.team_id, 'credit_pack', u.stripe_checkout_session_id, 'pack:' || u.stripe_checkout_session_id, u.package_id,
        p.credits, 0, u.purchased_at + p.validity_days * interval '1 day', u.purchased_at
      FROM user_purchases u JOIN stripe_products p ON p.id = u.package_id WHERE p.package_type = 'credit_pack'`);
    const [{ packs }] = (await tx.unsafe(`SELECT count(*) AS packs FROM user_credits`)) as unknown as [
      { packs: string },
    ];
    const grants = Math.max(Number(packs), Math.round(LEDGER / 10));
    await tx.unsafe(`INSERT INTO user_credits (team_id, source, business_key, package_id, amount, remaining, period_start, expires_at, created_at)
      SELECT md5('bench-team-' || team)::uuid, 'plan_allowance', 'allowance:bench:' || g, plan, amount, 0, at, at + interval '1 month', at
      FROM (SELECT g, 1 + floor(random() * ${TEAMS})::int AS team, now() - random() * interval '${DAYS} days' AS at,
          CASE WHEN random() < 0.5 THEN 'starter' ELSE 'professional_monthly' END AS plan FROM generate_series(1, ${grants} - ${Number(packs)}) g) a
      CROSS JOIN LATERAL (SELECT CASE WHEN plan = 'starter' THEN 25 ELSE 200 END AS amount) x`);
  });
  await step('credit ledger (a grant, then nine movements per grant)', async () => {
    const [{ grants }] = (await tx.unsafe(`SELECT count(*) AS grants FROM user_credits`)) as unknown as [
      { grants: string },
    ];
    const perGrant = Math.max(0, Math.round(LEDGER / Number(grants)) - 1);
    await tx.unsafe(`INSERT INTO credit_ledger (team_id, entry_type, grant_id, delta, balance_after, created_at)
      SELECT team_id, 'grant', id, amount, 0, created_at FROM user_credits`);
    await tx.unsafe(`INSERT INTO credit_ledger (team_id, entry_type, grant_id, delta, balance_after, created_at)
      SELECT g.team_id, m.entry_type::ledger_entry_type, g.id,
        CASE WHEN m.entry_type = 'release' THEN 2 WHEN m.entry_type IN ('expire', 'refund') THEN -5 ELSE -1 - floor(random() * 3)::int END,
        0, LEAST(now(), g.created_at + j * random() * interval '4 days')
      FROM user_credits g
      CROSS JOIN generate_series(1, ${perGrant}) j
      CROSS JOIN LATERAL (SELECT CASE
          WHEN j < ${perGrant} THEN 'usage'
          WHEN random() < 0.30 THEN 'expire' WHEN random() < 0.07 THEN 'refund'
          WHEN random() < 0.15 THEN 'reserve' WHEN random() < 0.10 THEN 'release' ELSE 'usage' END AS entry_type) m`);
  });
});
await step('recompute the analytics rollups (analytics_rebuild)', () => sql`SELECT analytics_rebuild()`);
await step('analyze', () => sql.unsafe('ANALYZE'));
const counts = await sql.unsafe(`SELECT
  (SELECT count(*) FROM teams) AS teams, (SELECT count(*) FROM checkout_sessions) AS checkout_sessions,
  (SELECT count(*) FROM user_purchases) AS purchases, (SELECT count(*) FROM credit_ledger) AS ledger_entries,
  (SELECT count(*) FROM subscriptions) AS subscriptions,
  (SELECT count(*) FROM analytics_sales_daily) + (SELECT count(*) FROM analytics_checkouts_daily)
    + (SELECT count(*) FROM analytics_credits_daily) AS rollup_rows`);
console.log(counts[0]);
console.log(`Done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
await handle.close();
