/**
 * What the HTTP benchmarks share (`bench/http.ts`, `bench/soak.ts`): a fresh database on
 * BENCH_DATABASE_URL's server, the local Stripe, seeded users with tokens and credits, paid
 * credit-pack checkouts whose completions the benchmarks deliver as webhooks, the production app
 * as its own process, its memory, and the money checks after a run.
 */
import { execSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { connectDatabase, type Database } from '../db/client';
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
  type Harness,
} from '../scripts/production-app';

export interface BenchUser {
  userId: string;
  teamId: string;
  token: string;
}

export interface BenchWorld {
  harness: Harness;
  db: Database;
  sql: ReturnType<typeof connectDatabase>['sql'];
  appUrl: string;
  app: ChildProcess;
  poolMax: string;
  /** The code under test: the commit, and whether the tree had uncommitted changes. */
  commit: string;
  /** A team holding `oneTeamCredits`, for the one-team (hot lock) runs. */
  main: BenchUser;
  /** Teams holding 100,000 credits each, for the spread runs. */
  spread: BenchUser[];
  /** Paid credit-pack checkout sessions at the local Stripe, each to be fulfilled by one webhook. */
  sessionIds: string[];
  /** Resident memory of the app's process tree, in MB. */
  appRssMb(): number;
}

const webhookSecret = 'whsec_bench_secret';

async function inBatches<T, R>(items: T[], size: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map((item, j) => fn(item, i + j)))));
  return out;
}

export async function startBenchWorld(options: {
  databasePrefix: string;
  spreadTeams: number;
  oneTeamCredits: number;
  webhookEvents: number;
}): Promise<BenchWorld> {
  const appPort = process.env.BENCH_APP_PORT ?? '3200';
  const stripePort = process.env.BENCH_STRIPE_PORT ?? '12200';
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const appUrl = `http://127.0.0.1:${appPort}`;
  const stripeBase = `http://127.0.0.1:${stripePort}`;
  const logger = createLogger({ level: 'warn' });
  const harness = createHarness();

  // The code under test is what is built now: name its commit before anything else.
  const head = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  const dirty = execSync('git status --porcelain', { encoding: 'utf8' }).trim() ? ' (uncommitted changes)' : '';

  // ---- database, local Stripe (delivering nothing: the benchmarks send the webhooks), data ----
  const { url: databaseUrl, prepare } = await freshDatabase(harness, serverUrl, options.databasePrefix);
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
    prepare,
    stripeBase,
    webhookSecret,
    extra: { MAIL_OUTBOX_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'af-bench-outbox-')) },
  });
  // A failure after this point still drops the database and stops the children.
  for (const signal of ['uncaughtException', 'unhandledRejection'] as const)
    process.on(signal, (err) => {
      console.error(err);
      void harness.shutdown(1);
    });
  const handle = connectDatabase(databaseUrl, { max: 8 });
  const db = handle.db;
  harness.cleanups.push(() => handle.close());
  const stripe = createStripeClient({ kind: 'emulator', apiBase: stripeBase, secretKey: EMULATOR_SECRET_KEY });
  await initPackages({ db, stripe, logger });

  /** A user with a personal team (owner) and an operator (service) token, as the API tests use. */
  async function benchUser(i: number): Promise<BenchUser> {
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
    Array.from({ length: options.spreadTeams + 1 }, (_, i) => i),
    4,
    (i) => benchUser(i),
  );
  const [main, ...spread] = users as [BenchUser, ...BenchUser[]];
  const grant = (teamId: string, credits: number, key: string) =>
    grantAdjustment(db, systemClock, undefined, {
      teamId,
      credits,
      validityDays: null,
      reason: 'http bench',
      businessKey: key,
    });
  await grant(main.teamId, options.oneTeamCredits, 'bench-main');
  await inBatches(spread, 8, (u, i) => grant(u.teamId, 100_000, `bench-spread-${i}`));

  console.log(`Opening and paying ${options.webhookEvents} credit-pack checkouts at the local Stripe…`);
  const checkoutDeps = {
    db,
    stripe,
    clock: systemClock,
    env: parseEnv({ ...appEnv, NODE_ENV: 'development' }),
    logger,
  };
  const sessionIds = await inBatches(
    Array.from({ length: options.webhookEvents }, (_, i) => i),
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
    const status = await buildApp(appEnv);
    if (status !== 0) await harness.shutdown(status);
  }
  const nodeOptions = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : [];
  const app = startApp(harness, appEnv, appPort, nodeOptions);
  app.on('exit', (code) => {
    console.error(`the app exited (${code}) during the bench`);
    void harness.shutdown(1);
  });
  await waitForHttp(`${appUrl}/api/health/live`, 'the app');

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

  return {
    harness,
    db,
    sql: handle.sql,
    appUrl,
    app,
    poolMax,
    commit: `${head}${dirty}`,
    main,
    spread,
    sessionIds,
    appRssMb,
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A deduction of one credit with a new reference id (a new story) per request. */
export function deductRequest(tokenOf: () => string): autocannon.Request {
  let reference = 0;
  const run = `${process.pid}-${Date.now()}`;
  return {
    method: 'POST',
    path: '/api/packages/user/credits/deduct',
    setupRequest: (req) => ({
      ...req,
      headers: { ...bearer(tokenOf()), 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 1, reference_id: `bench-story-${run}-${++reference}` }),
    }),
  };
}

/**
 * Signed `checkout.session.completed` events, each with a new event id, for the sessions in turn
 * (after the last, round again: a new event for a fulfilled session must change nothing).
 */
export function webhookRequest(sessionIds: string[]): { request: autocannon.Request; sent(): number } {
  const signer = new Stripe('sk_test_signing_only');
  let next = 0;
  return {
    sent: () => next,
    request: {
      method: 'POST',
      path: '/api/packages/webhook',
      setupRequest: (req) => {
        const i = next++;
        const payload = JSON.stringify({
          id: `evt_bench_${process.pid}_${i}`,
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
  };
}

/** Teams whose live grants do not sum to their ledger. */
export async function unbalancedTeams(world: BenchWorld): Promise<number> {
  const [row] = await world.sql`SELECT count(*)::int AS teams FROM (
      SELECT g.team_id FROM user_credits g WHERE g.voided_at IS NULL GROUP BY g.team_id
      HAVING SUM(g.remaining) <> (SELECT COALESCE(SUM(delta), 0) FROM credit_ledger l WHERE l.team_id = g.team_id)) t`;
  return Number(row?.teams ?? 0);
}

/** How the given sessions were fulfilled: packs granted, purchases recorded, sessions granted twice. */
export async function fulfilment(
  world: BenchWorld,
  sessionIds: string[],
): Promise<{ packs: number; purchases: number; duplicates: number }> {
  if (sessionIds.length === 0) return { packs: 0, purchases: 0, duplicates: 0 };
  const count = async () =>
    (
      await world.db.execute<{ packs: number; purchases: number; duplicates: number }>(sql`SELECT
      (SELECT count(*) FROM user_credits WHERE source = 'credit_pack' AND source_ref IN ${sessionIds})::int AS packs,
      (SELECT count(*) FROM user_purchases WHERE stripe_checkout_session_id IN ${sessionIds})::int AS purchases,
      (SELECT count(*) FROM (SELECT source_ref FROM user_credits WHERE source = 'credit_pack' GROUP BY source_ref HAVING count(*) > 1) d)::int AS duplicates`)
    )[0]!;
  // Requests in flight when the run stopped are still being fulfilled: wait (bounded) for them.
  let result = await count();
  for (let i = 0; i < 30 && result.packs < sessionIds.length; i++) {
    await new Promise((r) => setTimeout(r, 500));
    result = await count();
  }
  return result;
}
