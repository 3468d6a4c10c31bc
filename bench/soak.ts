/**
 * `npm run bench:soak`: the production app under a steady mixed load for BENCH_SOAK_MINUTES (10),
 * to see whether its memory stays flat. Never part of `npm test`.
 *
 * One autocannon run per kind of request, all at once: credits reads (one team), deductions
 * spread over 100 teams, and signed pack-checkout webhooks (new event ids, cycling through the
 * paid sessions: a second completion of a session must change nothing). The app's RSS is sampled
 * every 5 s. Targets: the peak below 512 MB, and the last minute's mean within ±10 % of the mean
 * of the first minute after a one-minute warm-up. Afterwards the money is checked (each session
 * granted once, every ledger balancing) and a summary is appended to bench/results.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { bearer, deductRequest, fulfilment, startBenchWorld, unbalancedTeams, webhookRequest } from './world';

const minutes = Number(process.env.BENCH_SOAK_MINUTES ?? '10');
const WARM_UP_MS = 60_000;
const SAMPLE_MS = 5_000;
const world = await startBenchWorld({
  databasePrefix: 'af_bench_soak',
  spreadTeams: 100,
  oneTeamCredits: 1_000_000,
  webhookEvents: Number(process.env.BENCH_WEBHOOK_EVENTS ?? '1000'),
});
const { appUrl, main, spread, sessionIds } = world;

const samples: { atMs: number; rssMb: number }[] = [];
const started = Date.now();
const sampler = setInterval(() => samples.push({ atMs: Date.now() - started, rssMb: world.appRssMb() }), SAMPLE_MS);

function load(options: Omit<autocannon.Options, 'url' | 'duration'>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url: appUrl, duration: minutes * 60, ...options }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

console.log(`Soak: ${minutes} min of mixed load on ${os.cpus().length} cores; RSS sampled every ${SAMPLE_MS / 1000} s`);
const webhooks = webhookRequest(sessionIds);
let turn = 0;
const [reads, deductions, events] = await Promise.all([
  load({
    connections: 8,
    requests: [{ method: 'GET', path: '/api/packages/user/credits', headers: bearer(main.token) }],
  }),
  load({ connections: 8, requests: [deductRequest(() => spread[turn++ % spread.length]!.token)] }),
  load({ connections: 4, requests: [webhooks.request] }),
]);
clearInterval(sampler);

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
const firstMinute = samples.filter((s) => s.atMs >= WARM_UP_MS && s.atMs < WARM_UP_MS + 60_000).map((s) => s.rssMb);
const lastMinute = samples.filter((s) => s.atMs >= minutes * 60_000 - 60_000).map((s) => s.rssMb);
const peak = Math.max(...samples.map((s) => s.rssMb));
const drift = mean(lastMinute) / mean(firstMinute) - 1;
const flat = Math.abs(drift) <= 0.1;

const unbalanced = await unbalancedTeams(world);
const sent = Math.min(webhooks.sent(), sessionIds.length);
const fulfilled = await fulfilment(world, sessionIds.slice(0, sent));
const moneyOk = unbalanced === 0 && fulfilled.duplicates === 0 && fulfilled.packs === sent;

const line = (name: string, r: autocannon.Result) =>
  `| ${name} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.errors + r.timeouts + r.non2xx} |`;
const perMinute = Array.from({ length: minutes }, (_, m) => {
  const inMinute = samples.filter((s) => s.atMs >= m * 60_000 && s.atMs < (m + 1) * 60_000).map((s) => s.rssMb);
  return inMinute.length ? mean(inMinute).toFixed(0) : '—';
});
const report = [
  `## Soak ${new Date().toISOString()} · commit ${world.commit} · ${os.cpus().length} cores · load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join('/')} · ${minutes} min · pool ${world.poolMax}`,
  '',
  '| Load | req/s | p50 ms | p99 ms | Errors |',
  '| --- | --: | --: | --: | --: |',
  line('GET /api/packages/user/credits (8 clients, 1 team)', reads),
  line('POST …/credits/deduct (8 clients, 100 teams)', deductions),
  line('POST /api/packages/webhook (4 clients, pack events)', events),
  '',
  `RSS per minute (MB): ${perMinute.join(', ')}. Peak ${peak.toFixed(0)} MB (target < 512: ${peak < 512 ? 'met' : '**missed**'}); ` +
    `last minute ${mean(lastMinute).toFixed(0)} MB vs first minute after warm-up ${mean(firstMinute).toFixed(0)} MB: ` +
    `${(drift * 100).toFixed(1)} % (target ±10 %: ${flat ? 'met' : '**missed**'}).`,
  `Money: ${sent} sessions' completions sent (${webhooks.sent()} events), ${fulfilled.packs} packs granted, ` +
    `${fulfilled.duplicates} granted twice; teams whose ledger does not balance: ${unbalanced} (${moneyOk ? 'ok' : '**wrong**'}).`,
  '',
].join('\n');
console.log(`\n${report}`);
fs.appendFileSync('bench/results.md', `\n${report}`);
console.log('Appended to bench/results.md');
world.app.removeAllListeners('exit');
await world.harness.shutdown(moneyOk ? 0 : 1);
