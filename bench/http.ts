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
import fs from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { bearer, deductRequest, fulfilment, startBenchWorld, unbalancedTeams, webhookRequest } from './world';

const seconds = Number(process.env.BENCH_SECONDS ?? '8');
const ONE_TEAM_CREDITS = 10_000_000;
const world = await startBenchWorld({
  databasePrefix: 'af_bench_http',
  spreadTeams: 100,
  oneTeamCredits: ONE_TEAM_CREDITS,
  webhookEvents: Number(process.env.BENCH_WEBHOOK_EVENTS ?? '2500'),
});
const { appUrl, main, spread, sessionIds, harness, poolMax, commit } = world;
let peakRss = 0;
const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, world.appRssMb())), 500);

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
const webhooks = webhookRequest(sessionIds);
const webhookRow = await measure('POST /api/packages/webhook (unique pack events)', '≥ 0.25', {
  connections: 32,
  path: '/api/packages/webhook',
  amount: sessionIds.length,
  requests: [webhooks.request],
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
peakRss = Math.max(peakRss, world.appRssMb());

// ---- the money afterwards ----
const [spent] = await world.sql`SELECT
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
const unbalanced = await unbalancedTeams(world);
const sent = Math.min(webhooks.sent(), sessionIds.length);
const fulfilled = await fulfilment(world, sessionIds.slice(0, sent));
const answered = webhookRow.rps * seconds;
const webhookOk =
  fulfilled.duplicates === 0 && fulfilled.packs === sent && fulfilled.purchases === sent && webhookRow.errors === 0;
webhookRow.note = `${sent} events sent (~${answered.toFixed(0)} answered); ${fulfilled.packs} packs granted, ${fulfilled.purchases} purchases, ${fulfilled.duplicates} granted twice`;

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
if (!moneyOk || unbalanced) deductOneTeam.met = false;
if (!webhookOk) webhookRow.met = false;

const table = [
  `## ${new Date().toISOString()} · commit ${commit} · ${os.cpus().length} cores · load ${os
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
  `Server RSS peak ${peakRss.toFixed(0)} MB (target < 512 MB: ${peakRss < 512 ? 'met' : '**missed**'}); teams whose ledger does not balance: ${unbalanced}.`,
  '',
].join('\n');
console.log(`\n${table}`);
fs.appendFileSync('bench/results.md', `\n${table}`);
console.log('Appended to bench/results.md');
world.app.removeAllListeners('exit');
await harness.shutdown(0);
