/**
 * `npm run bench:analytics`: timings of the package analytics on a database filled by
 * `npm run seed:analytics` (same BENCH_DATABASE_URL). Prints p50/p95/max per request shape and
 * exits 1 when the default 30-day request misses its 200 ms p95 target. Never part of `npm test`.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/af_bench_analytics npm run bench:analytics
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { connectDatabase } from '../db/client';
import { performanceReport, type PerformanceQuery } from '../lib/analytics';
import { systemClock } from '../lib/clock';
import { deductCredit, grantAdjustment } from '../lib/credits';

const TARGET_P95_MS = 200;
const url = process.env.BENCH_DATABASE_URL;
if (!url) {
  console.error('Set BENCH_DATABASE_URL to a database seeded by `npm run seed:analytics`');
  process.exit(2);
}
const runs = Number(process.env.BENCH_RUNS ?? '40');
const handle = connectDatabase(url, { max: 4 });
const deps = { db: handle.db, clock: systemClock };

const [sizes] = await handle.sql.unsafe(`SELECT (SELECT count(*) FROM user_purchases) AS purchases,
  (SELECT count(*) FROM checkout_sessions) AS checkout_sessions, (SELECT count(*) FROM credit_ledger) AS ledger_entries,
  (SELECT count(*) FROM teams) AS teams`);
console.log('Data:', sizes);
console.log(
  `Machine load (1/5/15 min): ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}`,
);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function measure(label: string, query: PerformanceQuery) {
  for (let i = 0; i < 3; i++) await performanceReport(deps, query);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await performanceReport(deps, query);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const result = { p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)! };
  console.log(
    `${label.padEnd(40)} p50 ${result.p50.toFixed(1).padStart(7)} ms   p95 ${result.p95.toFixed(1).padStart(7)} ms   max ${result.max.toFixed(1).padStart(7)} ms   (${runs} runs)`,
  );
  return result;
}

const today = new Date().toISOString().slice(0, 10);
const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
const defaultRange = await measure('default (last 30 days, both currencies)', {});
await measure('last 30 days, usd only', { currency: 'usd' });
await measure('366 days', { from: yearAgo, to: today });

// The rollups are exact only if reading them is not the bottleneck that tempts a cache: show what
// a direct aggregation of the base tables over the same 30 days costs, for comparison.
const started = performance.now();
await handle.sql.unsafe(`SELECT package_id, currency, count(*), sum(amount), sum(amount_refunded) FROM user_purchases
  WHERE purchased_at >= now() - interval '30 days' GROUP BY 1, 2`);
await handle.sql
  .unsafe(`SELECT package_id, currency, count(*), count(*) FILTER (WHERE status = 'complete') FROM checkout_sessions
  WHERE created_at >= now() - interval '30 days' GROUP BY 1, 2`);
await handle.sql
  .unsafe(`SELECT g.package_id, l.entry_type, sum(l.delta) FROM credit_ledger l JOIN user_credits g ON g.id = l.grant_id
  WHERE l.created_at >= now() - interval '30 days' GROUP BY 1, 2`);
console.log(
  `For comparison, the same 30 days aggregated from the base tables once: ${(performance.now() - started).toFixed(0)} ms`,
);
// What the rollup triggers cost the write path: sequential deductions (one ledger entry each) with
// the triggers on and off, alternated to even out the machine's load. Then the rollups are
// recounted, since half of those entries were written without them.
const teamId = (await handle.sql`SELECT id FROM teams ORDER BY id LIMIT 1`)[0]!.id as string;
await grantAdjustment(handle.db, systemClock, undefined, {
  teamId,
  credits: 1_000_000,
  validityDays: null,
  reason: 'analytics bench',
  businessKey: `bench-${Date.now()}`,
});
const TRIGGERS = [
  ['user_purchases', 'user_purchases_analytics'],
  ['checkout_sessions', 'checkout_sessions_analytics'],
  ['credit_ledger', 'credit_ledger_analytics'],
] as const;
async function setTriggers(on: boolean) {
  for (const [table, trigger] of TRIGGERS)
    await handle.sql.unsafe(`ALTER TABLE ${table} ${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${trigger}`);
}
const writeTimes: Record<'on' | 'off', number[]> = { on: [], off: [] };
let story = 0;
try {
  for (let round = 0; round < 4; round++) {
    for (const mode of ['on', 'off'] as const) {
      await setTriggers(mode === 'on');
      for (let i = 0; i < 50; i++) {
        const t0 = performance.now();
        await deductCredit(deps, teamId, 'ai_stories', 1, `bench-story-${Date.now()}-${++story}`);
        writeTimes[mode].push(performance.now() - t0);
      }
    }
  }
} finally {
  await setTriggers(true);
}
for (const mode of ['on', 'off'] as const) {
  const sorted = writeTimes[mode].sort((a, b) => a - b);
  console.log(
    `${`deduction, rollup triggers ${mode}`.padEnd(40)} p50 ${percentile(sorted, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(sorted, 95).toFixed(1).padStart(7)} ms   (${sorted.length} runs)`,
  );
}
console.log('Recounting the rollups (analytics_rebuild)…');
await handle.sql`SELECT analytics_rebuild()`;

console.log(
  `Machine load after (1/5/15 min): ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}`,
);

await handle.close();
const ok = defaultRange.p95 < TARGET_P95_MS;
console.log(ok ? `PASS: default request p95 < ${TARGET_P95_MS} ms` : `MISS: default request p95 ≥ ${TARGET_P95_MS} ms`);
process.exit(ok ? 0 : 1);
