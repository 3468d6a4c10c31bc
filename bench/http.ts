/**
 * `npm run bench:http`: the production app under HTTP load, route by route, each as a ratio to the
 * app's own floor (`GET /api/health/live`, no database, no auth) measured in the same run, so the
 * targets hold on any machine. Never part of `npm test`.
 *
 *   npm run bench:http
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_SECONDS=8 npm run bench:http
 *
 * Builds the app (skip with BENCH_SKIP_BUILD=1), makes a fresh database on BENCH_DATABASE_URL's
 * server (dropped at the end), starts the local Stripe and the app as their own processes on
 * BENCH_APP_PORT / BENCH_STRIPE_PORT, loads them from this process with autocannon over loopback,
 * checks the money afterwards (no overspend, a balancing ledger, each webhook event fulfilled
 * once), samples the server's RSS, prints the table and appends it to bench/results.md.
 * BENCH_CPU_PROF=1 writes a CPU profile of the server to bench/profiles/.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { connectDatabase } from '../db/client';
import { createUser } from '../lib/accounts';
import { initPackages } from '../lib/catalog/init-packages';
import { createCheckout } from '../lib/checkout';
import { EMULATOR_SECRET_KEY, parseEnv } from '../lib/config/env';
import { systemClock } from '../lib/clock';
import { grantAdjustment } from '../lib/credits';
import { createLogger } from '../lib/logger';
import { createStripeClient } from '../lib/stripe/client';
import { createApiToken } from '../lib/tokens';
import { HANDLED_EVENT_TYPES } from '../lib/webhooks/event-types';
import {
  buildApp,
  createHarness,
  freshDatabase,
  productionEnv,
  startApp,
  startLocalStripe,
  waitForHttp,
} from '../scripts/production-app';

const appPort = process.env.BENCH_APP_PORT ?? '3200';
const stripePort = process.env.BENCH_STRIPE_PORT ?? '12200';
const seconds = Number(process.env.BENCH_SECONDS ?? '8');
const webhookEvents = Number(process.env.BENCH_WEBHOOK_EVENTS ?? '2500');
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const appUrl = `http://127.0.0.1:${appPort}`;
const stripeBase = `http://127.0.0.1:${stripePort}`;
const webhookSecret = 'whsec_bench_secret';
const SPREAD_TEAMS = 100;
const ONE_TEAM_CREDITS = 10_000_000;
const logger = createLogger({ level: 'warn' });
const harness = createHarness();

// The code under test is what is built now: name its commit before anything else.
const commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
const dirty = execSync('git status --porcelain', { encoding: 'utf8' }).trim() ? ' (uncommitted changes)' : '';

// ---- set-up: database, local Stripe (delivering nothing: the bench sends the webhooks), data ----
const { url: databaseUrl } = await freshDatabase(harness, serverUrl, 'af_bench_http');
await startLocalStripe(harness, {
  port: stripePort,
  webhookUrl: '',
  webhookEvents: HANDLED_EVENT_TYPES,
  webhookSecret,
});
const poolMax = process.env.BENCH_POOL_MAX ?? process.env.DATABASE_POOL_MAX ?? '10';
const appEnv = productionEnv({
  appUrl,
  databaseUrl,
  poolMax,
  stripeBase,
  webhookSecret,
  extra: { MAIL_OUTBOX_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'af-bench-outbox-')) },
});
// A failure after this point still drops the database and stops the children.
process.on('uncaughtException', (err) => {
  console.error(err);
  void harness.shutdown(1);
});
process.on('unhandledRejection', (err) => {
  console.error(err);
  void harness.shutdown(1);
});
const handle = connectDatabase(databaseUrl, { max: 8 });
const db = handle.db;
harness.cleanups.push(() => handle.close());
const stripe = createStripeClient({ kind: 'emulator', apiBase: stripeBase, secretKey: EMULATOR_SECRET_KEY });
await initPackages({ db, stripe, logger });

async function inBatches<T, R>(items: T[], size: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map((item, j) => fn(item, i + j)))));
  return out;
}

/** A user with a personal team (owner) and an operator (service) token, as the API tests use. */
async function benchUser(i: number) {
  const user = await createUser(db, {
    email: `bench-${i}@example.com`,
    password: 'bench-password-42',
    emailVerified: new Date(),
  });
  const { token } = await createApiToken({ db, clock: systemClock }, user.id, { name: 'bench', kind: 'service' });
  return { userId: user.id, teamId: user.teamId, token };
}
console.log('Seeding users, tokens and credits…');
const users = await inBatches(
  Array.from({ length: SPREAD_TEAMS + 1 }, (_, i) => i),
  4,
  (i) => benchUser(i),
);
const [main, ...spread] = users as [(typeof users)[0], ...typeof users];
const grant = (teamId: string, credits: number, key: string) =>
  grantAdjustment(db, systemClock, undefined, {
    teamId,
    credits,
    validityDays: null,
    reason: 'http bench',
    businessKey: key,
  });
await grant(main.teamId, ONE_TEAM_CREDITS, 'bench-main');
await inBatches(spread, 8, (u, i) => grant(u.teamId, 100_000, `bench-spread-${i}`));

// Paid credit-pack checkouts at the local Stripe whose completion the webhook bench delivers.
console.log(`Opening and paying ${webhookEvents} credit-pack checkouts at the local Stripe…`);
const checkoutDeps = { db, stripe, clock: systemClock, env: parseEnv({ ...appEnv, NODE_ENV: 'development' }), logger };
const sessionIds = await inBatches(
  Array.from({ length: webhookEvents }, (_, i) => i),
  8,
  async (i) => {
    const buyer = spread[i % spread.length]!;
    const { session_id } = await createCheckout(checkoutDeps, {
      teamId: buyer.teamId,
      userId: buyer.userId,
      packageId: 'credits_50',
      successUrl: `${appUrl}/success`,
      cancelUrl: `${appUrl}/pricing`,
      idempotencyKey: `bench-${i}`,
    });
    const paid = await fetch(`${stripeBase}/_emulator/checkout/sessions/${session_id}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ card: '4242424242424242' }),
    });
    if (!paid.ok) throw new Error(`paying ${session_id} failed: ${paid.status} ${await paid.text()}`);
    return session_id;
  },
);

// ---- the app ----
if (!process.env.BENCH_SKIP_BUILD) {
  const status = buildApp(appEnv);
  if (status !== 0) await harness.shutdown(status);
}
const profileDir = 'bench/profiles';
const nodeOptions = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
const app = startApp(harness, appEnv, appPort, nodeOptions);
app.on('exit', (code) => {
  console.error(`the app exited (${code}) during the bench`);
  void harness.shutdown(1);
});
await waitForHttp(`${appUrl}/api/health/live`, 'the app');

/** Resident memory of the app's process tree (tsx may run the server in a child), in MB. */
function appRssMb(): number {
  let children: string[] = [];
  try {
    children = execSync(`pgrep -P ${app.pid}`, { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    // pgrep exits 1 when the server has no child processes
  }
  return [String(app.pid), ...children].reduce((sum, pid) => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      return sum + Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      return sum;
    }
  }, 0);
}
let peakRss = 0;
const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, appRssMb())), 500);

// ---- load ----
interface Row {
  route: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  target: string;
  /** The floor's req/s measured just before this route: the machine's load drifts during a run. */
  floorRps: number;
  met?: boolean;
  note?: string;
}
const rows: Row[] = [];
type Options = autocannon.Options;

function run(options: Omit<Options, 'url'> & { path?: string }, stopAfterMs = seconds * 1000) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: `${appUrl}${options.path ?? '/'}`, ...options }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
    // Bounds runs given an `amount` (the webhook's finite events) in time too.
    const timer = setTimeout(() => instance.stop(), stopAfterMs + 500);
    instance.on('done', () => clearTimeout(timer));
  });
}

async function warm(path: string, init: RequestInit = {}) {
  for (let i = 0; i < 20; i++) await (await fetch(`${appUrl}${path}`, init)).arrayBuffer();
}

/** The floor, `GET /api/health/live` (no database, no auth), for half a route's time. */
async function measureFloor(): Promise<autocannon.Result> {
  return run({ path: '/api/health/live', connections: 32, duration: Math.max(2, seconds / 2) });
}

async function measure(
  route: string,
  target: string,
  options: Omit<Options, 'url'> & { path?: string },
  floorRps?: number,
) {
  const floor = floorRps ?? (await measureFloor()).requests.average;
  const result = await run({ duration: seconds, ...options });
  const row: Row = {
    route,
    connections: options.connections ?? 10,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    target,
    floorRps: floor,
  };
  rows.push(row);
  console.log(
    `${route.padEnd(52)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  errors ${row.errors}${floor ? `  (floor ${floor.toFixed(0)} req/s, ratio ${(row.rps / floor).toFixed(2)})` : ''}`,
  );
  return row;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
console.log(`Load: ${seconds} s per route on ${os.cpus().length} cores`);

await warm('/api/health/live');
await measure('GET /api/health/live (floor)', '', { path: '/api/health/live', connections: 32 }, 0);

await warm('/api/packages', { headers: bearer(main.token) });
await measure('GET /api/packages (Bearer)', '≥ 0.70', {
  path: '/api/packages',
  connections: 32,
  headers: bearer(main.token),
});

await warm('/api/packages/credits_50', { headers: bearer(main.token) });
await measure('GET /api/packages/{id}', '≥ 0.70', {
  path: '/api/packages/credits_50',
  connections: 32,
  headers: bearer(main.token),
});

await warm('/api/packages/user/credits', { headers: bearer(main.token) });
await measure('GET /api/packages/user/credits (32 clients, 1 team)', '≥ 0.50', {
  path: '/api/packages/user/credits',
  connections: 32,
  headers: bearer(main.token),
});

// Deductions: every request a new reference id (a new story), one credit each.
let reference = 0;
const deductRequest = (tokenOf: () => string) => ({
  method: 'POST' as const,
  path: '/api/packages/user/credits/deduct',
  setupRequest: (req: autocannon.Request) => ({
    ...req,
    headers: { ...bearer(tokenOf()), 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 1, reference_id: `bench-story-${++reference}` }),
  }),
});
const deductOneTeam = await measure('POST …/credits/deduct (64 clients, 1 team)', '≥ 0.35', {
  connections: 64,
  path: '/api/packages/user/credits/deduct',
  requests: [deductRequest(() => main.token)],
});
let turn = 0;
await measure('POST …/credits/deduct (64 clients, 100 teams)', '≥ 0.50', {
  connections: 64,
  path: '/api/packages/user/credits/deduct',
  requests: [deductRequest(() => spread[turn++ % spread.length]!.token)],
});

// Webhooks: one signed checkout.session.completed per paid session, each sent once.
const signer = new Stripe('sk_test_signing_only');
let nextEvent = 0;
const webhookRow = await measure('POST /api/packages/webhook (unique pack events)', '≥ 0.25', {
  connections: 32,
  path: '/api/packages/webhook',
  amount: sessionIds.length,
  requests: [
    {
      method: 'POST',
      setupRequest: (req) => {
        const i = nextEvent++;
        const payload = JSON.stringify({
          id: `evt_bench_${i}`,
          object: 'event',
          type: 'checkout.session.completed',
          api_version: '2025-01-27.acacia',
          created: Math.floor(Date.now() / 1000),
          livemode: false,
          data: { object: { id: sessionIds[i % sessionIds.length], object: 'checkout.session' } },
        });
        const signature = signer.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
        return {
          ...req,
          headers: { 'content-type': 'application/json', 'stripe-signature': signature },
          body: payload,
        };
      },
    },
  ],
});

const pricingHtml = await (await fetch(`${appUrl}/pricing`)).text();
const asset = /\/_next\/static\/[^"']+\.(?:js|css)/.exec(pricingHtml)?.[0];
if (!asset) throw new Error('no static asset linked from /pricing');
await warm(asset);
const assetRow = await measure(`GET static asset (${asset.split('/').pop()})`, '', { path: asset, connections: 16 });
await warm('/pricing');
const pricingRow = await measure('GET /pricing (HTML)', 'p50 ≤ 1.2 × asset', { path: '/pricing', connections: 16 });
await warm('/api/packages/openapi.json');
await measure('GET /api/packages/openapi.json', '≥ 0.90', { path: '/api/packages/openapi.json', connections: 32 });
clearInterval(rssSampler);
peakRss = Math.max(peakRss, appRssMb());

// ---- the money afterwards ----
const [spent] = await handle.sql`SELECT
    (SELECT count(*) FROM credit_reservations WHERE team_id = ${main.teamId} AND status = 'committed')::int AS committed,
    (SELECT COALESCE(SUM(amount), 0) FROM credit_reservations WHERE team_id = ${main.teamId} AND status = 'committed')::int AS committed_credits,
    (SELECT COALESCE(SUM(remaining), 0) FROM user_credits WHERE team_id = ${main.teamId} AND voided_at IS NULL)::int AS remaining,
    (SELECT COALESCE(SUM(amount), 0) FROM user_credits WHERE team_id = ${main.teamId})::int AS granted,
    (SELECT COALESCE(SUM(delta), 0) FROM credit_ledger WHERE team_id = ${main.teamId})::int AS ledger`;
const moneyOk =
  spent!.committed_credits === spent!.granted - spent!.remaining &&
  spent!.ledger === spent!.remaining &&
  spent!.committed >= Math.round(deductOneTeam.rps * seconds * 0.9);
deductOneTeam.note = `${spent!.committed} committed; balance fell ${spent!.granted - spent!.remaining}; ledger ${spent!.ledger} = remaining ${spent!.remaining}`;
const [unbalanced] = await handle.sql`SELECT count(*)::int AS teams FROM (
    SELECT g.team_id FROM user_credits g WHERE g.voided_at IS NULL GROUP BY g.team_id
    HAVING SUM(g.remaining) <> (SELECT COALESCE(SUM(delta), 0) FROM credit_ledger l WHERE l.team_id = g.team_id)) t`;
const sent = Math.min(nextEvent, sessionIds.length);
const sentIds = sessionIds.slice(0, sent);
// Requests in flight when the run stopped are still being fulfilled: wait (bounded) for them.
const countFulfilled = () =>
  db.execute<{ packs: number; purchases: number; duplicates: number }>(sql`SELECT
    (SELECT count(*) FROM user_credits WHERE source = 'credit_pack' AND source_ref IN ${sentIds})::int AS packs,
    (SELECT count(*) FROM user_purchases WHERE stripe_checkout_session_id IN ${sentIds})::int AS purchases,
    (SELECT count(*) FROM (SELECT source_ref FROM user_credits WHERE source = 'credit_pack' GROUP BY source_ref HAVING count(*) > 1) d)::int AS duplicates`);
let fulfilled = await countFulfilled();
for (let i = 0; i < 30 && fulfilled[0]!.packs < sent; i++) {
  await new Promise((r) => setTimeout(r, 500));
  fulfilled = await countFulfilled();
}
const answered = webhookRow.rps * seconds;
const webhookOk =
  fulfilled[0]!.duplicates === 0 &&
  fulfilled[0]!.packs === sent &&
  fulfilled[0]!.purchases === sent &&
  webhookRow.errors === 0;
webhookRow.note = `${sent} events sent (~${answered.toFixed(0)} answered); ${fulfilled[0]!.packs} packs granted, ${fulfilled[0]!.purchases} purchases, ${fulfilled[0]!.duplicates} granted twice`;

// ---- report ----
for (const row of rows) {
  if (!row.target) continue;
  if (row === pricingRow) {
    row.met = row.p50 <= 1.2 * Math.max(assetRow.p50, 1);
    row.note = `p50 ${row.p50} ms vs asset ${assetRow.p50} ms${row.note ? `; ${row.note}` : ''}`;
  } else {
    const ratio = row.rps / row.floorRps;
    row.met = ratio >= Number(/[\d.]+/.exec(row.target)![0]) && row.errors === 0;
  }
}
if (!moneyOk || unbalanced![0]?.teams) deductOneTeam.met = false;
if (!webhookOk) webhookRow.met = false;

const table = [
  `## ${new Date().toISOString()} · commit ${commit}${dirty} · ${os.cpus().length} cores · load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join('/')} · ${seconds} s per route · pool ${poolMax}`,
  '',
  '| Route | Clients | req/s | p50 ms | p99 ms | Errors | Floor req/s | Ratio to floor | Target | Met | Notes |',
  '| --- | --: | --: | --: | --: | --: | --: | --: | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.route} | ${r.connections} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.floorRps ? r.floorRps.toFixed(0) : '—'} | ${r.floorRps ? (r.rps / r.floorRps).toFixed(2) : '—'} | ${r.target || '—'} | ${r.met === undefined ? '—' : r.met ? 'yes' : '**no**'} | ${r.note ?? ''} |`,
  ),
  '',
  `Server RSS peak ${peakRss.toFixed(0)} MB (target < 512 MB: ${peakRss < 512 ? 'met' : '**missed**'}); teams whose ledger does not balance: ${unbalanced![0]?.teams ?? 0}.`,
  '',
].join('\n');
console.log(`\n${table}`);
fs.appendFileSync('bench/results.md', `\n${table}`);
console.log('Appended to bench/results.md');
app.removeAllListeners('exit');
await harness.shutdown(0);
