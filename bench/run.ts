/**
 * Speed and memory benchmarks of the credits core, the path every AI story takes.
 *
 *   npm run bench                                    # embedded PGlite (one connection)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench
 *
 * With BENCH_DATABASE_URL a uniquely named database is created on that server and dropped at the
 * end. Targets are checked at the end; a miss exits with status 1. Timings are never asserted in
 * `npm test`, only here.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createScratchDatabase } from '../db/scratch';
import { createUser } from '../lib/accounts';
import { systemClock } from '../lib/clock';
import { deductCredit, getCredits, grantPackCredits, type CreditDeps } from '../lib/credits';
import { InsufficientCredits } from '../lib/errors';

interface Measurement {
  name: string;
  operations: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
}

interface Target {
  measurement: string;
  metric: 'perSecond' | 'p95Ms';
  /** PostgreSQL and embedded PGlite differ a lot; each has its own bar. */
  postgres: number;
  pglite: number;
}

const TARGETS: Target[] = [
  { measurement: 'deduct, sequential, one team', metric: 'p95Ms', postgres: 25, pglite: 60 },
  { measurement: 'deduct, 200 concurrent, one team', metric: 'perSecond', postgres: 150, pglite: 40 },
  { measurement: 'deduct, 200 concurrent, 20 teams', metric: 'perSecond', postgres: 300, pglite: 40 },
  { measurement: 'getCredits', metric: 'p95Ms', postgres: 25, pglite: 60 },
];
const MAX_HEAP_GROWTH_MB = 64;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(
  name: string,
  operations: number,
  concurrency: number,
  op: (i: number) => Promise<unknown>,
): Promise<Measurement> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < operations) {
      const i = next++;
      const t0 = performance.now();
      await op(i);
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name,
    operations,
    seconds,
    perSecond: operations / seconds,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
  };
}

async function teamWithCredits(deps: CreditDeps, credits: number): Promise<string> {
  const user = await createUser(deps.db, {
    email: `bench-${randomBytes(5).toString('hex')}@example.com`,
    password: 'bench-password-2026',
  });
  const key = `bench-pack-${user.teamId}`;
  await deps.db.transaction((tx) =>
    grantPackCredits(tx, deps.clock, undefined, {
      teamId: user.teamId,
      packageId: 'credits_250',
      credits,
      validityDays: 120,
      priority: false,
      businessKey: key,
      sourceRef: key,
    }),
  );
  return user.teamId;
}

async function main() {
  const db = await createScratchDatabase({ adminUrl: process.env.BENCH_DATABASE_URL, prefix: 'af_bench' });
  const deps: CreditDeps = { db: db.db, clock: systemClock };
  const results: Measurement[] = [];
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  try {
    const solo = await teamWithCredits(deps, 10_000);
    results.push(
      await measure('deduct, sequential, one team', 300, 1, (i) =>
        deductCredit(deps, solo, 'ai_stories', 1, `seq-${i}`),
      ),
    );

    // 200 requests racing for 100 credits: half must be refused, none overspent.
    const contended = await teamWithCredits(deps, 75); // + Starter's 25 this month = 100
    let refused = 0;
    results.push(
      await measure('deduct, 200 concurrent, one team', 200, 200, (i) =>
        deductCredit(deps, contended, 'ai_stories', 1, `race-${i}`).catch((err: unknown) => {
          if (!(err instanceof InsufficientCredits)) throw err;
          refused++;
        }),
      ),
    );
    const left = (await getCredits(deps, contended)).ai_stories.remaining_credits;
    if (refused !== 100 || left !== 0)
      throw new Error(`correctness: ${refused} refused and ${left} left, expected 100 and 0`);

    const teams = await Promise.all(Array.from({ length: 20 }, () => teamWithCredits(deps, 1_000)));
    results.push(
      await measure('deduct, 200 concurrent, 20 teams', 200, 200, (i) =>
        deductCredit(deps, teams[i % teams.length]!, 'ai_stories', 1, `many-${i}`),
      ),
    );

    results.push(await measure('getCredits', 200, 1, () => getCredits(deps, solo)));
  } finally {
    await db.close();
  }
  global.gc?.();
  const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

  console.log(`Database: ${db.kind}\n`);
  console.table(
    results.map((r) => ({
      measurement: r.name,
      ops: r.operations,
      'ops/s': Math.round(r.perSecond),
      'p50 ms': r.p50Ms.toFixed(1),
      'p95 ms': r.p95Ms.toFixed(1),
    })),
  );
  console.log(`Heap growth: ${heapGrowthMb.toFixed(1)} MB (limit ${MAX_HEAP_GROWTH_MB} MB)`);

  const misses: string[] = [];
  for (const target of TARGETS) {
    const r = results.find((m) => m.name === target.measurement)!;
    const bar = target[db.kind];
    const value = r[target.metric];
    const ok = target.metric === 'perSecond' ? value >= bar : value <= bar;
    if (!ok)
      misses.push(
        `${target.measurement}: ${target.metric} ${value.toFixed(1)} (target ${target.metric === 'perSecond' ? '>=' : '<='} ${bar})`,
      );
  }
  if (heapGrowthMb > MAX_HEAP_GROWTH_MB) misses.push(`heap grew ${heapGrowthMb.toFixed(1)} MB`);
  if (misses.length) {
    console.error(`\nMissed targets:\n  ${misses.join('\n  ')}`);
    process.exit(1);
  }
  console.log('\nAll targets met.');
}

await main();
