import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import Stripe from 'stripe';
import { connectDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { SERVER_BUNDLE } from './bundle-server';
import { createUser } from '../lib/accounts';
import { EMULATOR_SECRET_KEY } from '../lib/config/env';
import { initPackages } from '../lib/catalog/init-packages';
import { createLogger } from '../lib/logger';
import { createStripeClient } from '../lib/stripe/client';
import { createApiToken } from '../lib/tokens';
import { systemClock } from '../lib/clock';
import { HANDLED_EVENT_TYPES } from '../lib/webhooks/event-types';

/**
 * Two production instances (`next start` through scripts/server.ts) on one PostgreSQL behind a
 * small round-robin proxy, checked for what must be shared: a session made on one is valid on the
 * other, the checkout rate limit and idempotency hold across both, one webhook event delivered to
 * both at once is applied once, and 200 deductions spread over both spend exactly the balance.
 *
 *   npm run build   # a production build first (the check does not build; npm test runs it after Playwright's build)
 *   SCALE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run check:scale-out
 *
 * Without SCALE_DATABASE_URL or TEST_DATABASE_URL it is skipped (exit 0, saying why): see below.
 *
 * Ports: SCALE_APP_PORT and SCALE_APP_PORT+10 for the instances, +20 for the proxy; SCALE_STRIPE_PORT.
 */
const adminUrl = process.env.SCALE_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  // Tried: two instances on one embedded PGlite fail, because pglite-socket runs every client
  // connection on PGlite's one session, so two instances' prepared statements interleave
  // ("bind message supplies 1 parameters, but prepared statement "" requires 4").
  console.log(
    'check:scale-out skipped: it needs a PostgreSQL server (SCALE_DATABASE_URL or TEST_DATABASE_URL); ' +
      'the embedded PGlite serves one session, which two instances cannot share',
  );
  process.exit(0);
}
if (!fs.existsSync('.next/BUILD_ID') || !fs.existsSync(SERVER_BUNDLE)) {
  console.error(
    'check:scale-out needs a production build: run `npm run build` first (npm test builds one for Playwright)',
  );
  process.exit(1);
}
const basePort = Number(process.env.SCALE_APP_PORT ?? 3207);
const ports = [basePort, basePort + 10];
const proxyPort = basePort + 20;
const stripePort = Number(process.env.SCALE_STRIPE_PORT ?? 12207);
const stripeBase = `http://127.0.0.1:${stripePort}`;
const appUrl = `http://127.0.0.1:${proxyPort}`;
const webhookSecret = 'whsec_scale_secret';
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

async function shutdown(code: number): Promise<never> {
  for (const child of children) child.kill('SIGTERM');
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  process.exit(code);
}

async function waitFor(url: string, what: string) {
  for (let i = 0; ; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      if (i > 300) throw new Error(`${what} did not start`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

try {
  const name = `af_scale_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  cleanups.push(async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  await migrateDatabase(databaseUrl);

  // The round-robin proxy: each request goes to the next instance, named in X-Forwarded-For as one hop.
  let next = 0;
  const proxy = http.createServer((req, res) => {
    const port = ports[next++ % ports.length]!;
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1' },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => proxy.listen(proxyPort, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => proxy.close(() => r())));

  const emulator = spawn(process.execPath, ['--import', 'tsx', 'stripe-emulator/main.ts'], {
    // Its retry warnings while the instances start are expected noise.
    stdio: 'ignore',
    env: {
      ...process.env,
      STRIPE_EMULATOR_WEBHOOK_EVENTS: HANDLED_EVENT_TYPES.join(','),
      STRIPE_EMULATOR_PORT: String(stripePort),
      STRIPE_EMULATOR_WEBHOOK_URL: `${appUrl}/api/packages/webhook`,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_EMULATOR_DATA: '',
    },
  });
  children.push(emulator);
  await waitFor(stripeBase, 'the local Stripe');
  const stripe = createStripeClient({ kind: 'emulator', apiBase: stripeBase, secretKey: EMULATOR_SECRET_KEY });
  const db = connectDatabase(databaseUrl, { max: 2 });
  cleanups.push(() => db.close());
  await initPackages({ db: db.db, stripe, logger: createLogger({ level: 'warn' }) });
  const password = 'correct-horse-42';
  const user = await createUser(db.db, {
    email: 'scale@example.com',
    password,
    emailVerified: new Date(),
  });
  const { token } = await createApiToken({ db: db.db, clock: systemClock }, user.id, {
    name: 'scale',
    kind: 'service',
  });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    STRIPE_API_BASE: stripeBase,
    STRIPE_EMULATOR: '1',
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    APP_URL: appUrl,
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    AUTH_TRUST_HOST: 'true',
    AUTH_URL: appUrl,
    TRUSTED_PROXY_HOPS: '1',
    LOG_LEVEL: 'warn',
    MAIL_OUTBOX_DIR: path.join(os.tmpdir(), `af-scale-outbox-${process.pid}`),
  };
  delete env.STRIPE_SECRET_KEY;
  for (const port of ports) {
    const child = spawn(process.execPath, [SERVER_BUNDLE, '-p', String(port), '-H', '127.0.0.1'], {
      stdio: 'inherit',
      env,
    });
    children.push(child);
  }
  for (const port of ports) await waitFor(`http://127.0.0.1:${port}/api/health/live`, `the instance on ${port}`);
  const direct = ports.map((p) => `http://127.0.0.1:${p}`);
  const bearer = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  // 1. A session cookie made by instance A is accepted by instance B.
  const csrfRes = await fetch(`${direct[0]}/api/auth/csrf`);
  const csrfCookie = (csrfRes.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const signIn = await fetch(`${direct[0]}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email: 'scale@example.com', password, callbackUrl: appUrl }),
  });
  const session = (signIn.headers.getSetCookie() ?? [])
    .map((c) => c.split(';')[0]!)
    .find((c) => c.includes('session-token'));
  check(Boolean(session), `instance A signs in with the password (${signIn.status})`);
  const onB = await fetch(`${direct[1]}/api/packages/user/entitlements`, { headers: { cookie: session ?? '' } });
  check(onB.status === 200, `instance B accepts instance A's session cookie (${onB.status})`);

  // 2. Idempotency across instances: one Idempotency-Key sent to both at once opens one session.
  const checkoutBody = JSON.stringify({
    package_id: 'credits_100',
    success_url: `${appUrl}/ok`,
    cancel_url: `${appUrl}/no`,
  });
  const key = `scale-${randomBytes(4).toString('hex')}`;
  const pair = await Promise.all(
    direct.map((base) =>
      fetch(`${base}/api/packages/checkout`, {
        method: 'POST',
        headers: { ...bearer, 'idempotency-key': key },
        body: checkoutBody,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { session_id?: string } })),
    ),
  );
  check(
    pair.every((p) => p.status === 201 || p.status === 200) && pair[0]!.body.session_id === pair[1]!.body.session_id,
    `one Idempotency-Key on both instances opens one checkout session (${pair.map((p) => p.status).join(', ')})`,
  );

  // 3. One paid pack's event delivered to both instances at once is applied once.
  const paidCheckout = (await (
    await fetch(`${direct[0]}/api/packages/checkout`, {
      method: 'POST',
      headers: { ...bearer, 'idempotency-key': `paid-${key}` },
      body: JSON.stringify({ package_id: 'credits_250', success_url: `${appUrl}/ok`, cancel_url: `${appUrl}/no` }),
    })
  ).json()) as { session_id?: string };
  if (paidCheckout.session_id) {
    await fetch(`${stripeBase}/_emulator/checkout/sessions/${paidCheckout.session_id}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ card: '4242424242424242' }),
    });
  }
  const sessionObject = paidCheckout.session_id
    ? await stripe.checkout.sessions.retrieve(paidCheckout.session_id)
    : null;
  const payload = JSON.stringify({
    id: `evt_scale_${key}`,
    object: 'event',
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    data: { object: sessionObject },
  });
  const signature = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
  const deliveries = await Promise.all(
    direct.map((base) =>
      fetch(`${base}/api/packages/webhook`, {
        method: 'POST',
        headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
        body: payload,
      }).then(async (r) => `${r.status} ${((await r.json()) as { outcome?: string }).outcome}`),
    ),
  );
  await new Promise((r) => setTimeout(r, 2000)); // the local Stripe's own deliveries through the proxy
  const packs = await db.sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM user_credits WHERE team_id = ${user.teamId} AND source = 'credit_pack'`;
  const purchases = await db.sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM user_purchases WHERE team_id = ${user.teamId} AND package_id = 'credits_250'`;
  check(
    packs[0]!.n === 1 && purchases[0]!.n === 1,
    `one event delivered to both at once (${deliveries.join(' / ')}), plus Stripe's own delivery: ${purchases[0]!.n} purchase, ${packs[0]!.n} pack grant`,
  );

  // 4. The checkout rate limit (10 a minute per user) is counted once across both instances.
  const statuses: number[] = [];
  for (let i = 0; i < 14; i++) {
    const r = await fetch(`${appUrl}/api/packages/checkout`, { method: 'POST', headers: bearer, body: checkoutBody });
    statuses.push(r.status);
  }
  const firstRefusal = statuses.indexOf(429);
  check(
    firstRefusal >= 0 && firstRefusal <= 10 - 3 && statuses.slice(firstRefusal).every((s) => s === 429),
    `the checkout limit holds across instances: refused from request ${firstRefusal + 1} of 14 after the 3 above (${statuses.join(' ')})`,
  );

  // 5. 200 deductions spread over both instances spend exactly the balance.
  const balanceOf = async () =>
    (
      (await (await fetch(`${direct[0]}/api/packages/user/credits`, { headers: bearer })).json()) as {
        ai_stories: { remaining_credits: number };
      }
    ).ai_stories.remaining_credits;
  const before = await balanceOf();
  let ok = 0;
  let refused = 0;
  let other = 0;
  const queue = Array.from({ length: 200 }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const r = await fetch(`${appUrl}/api/packages/user/credits/deduct`, {
          method: 'POST',
          headers: bearer,
          body: JSON.stringify({ amount: 2, reference_id: `scale-${key}-${i}` }),
        });
        if (r.status === 200) ok++;
        else if (r.status === 402 || r.status === 409) refused++;
        else other++;
        await r.arrayBuffer();
      }
    }),
  );
  const after = await balanceOf();
  const [ledger] = await db.sql<{ spent: number }[]>`
    SELECT coalesce(-sum(delta), 0)::int AS spent FROM credit_ledger WHERE team_id = ${user.teamId} AND entry_type = 'usage'`;
  check(
    ok * 2 === before - after && ledger!.spent === ok * 2 && other === 0 && after < 2,
    `200 deductions of 2 over both instances: ${ok} spent, ${refused} refused, ${other} other; balance ${before} → ${after}; ledger usage ${ledger!.spent}`,
  );
} catch (err) {
  console.error(err);
  failures.push(String(err));
}
console.log(failures.length ? `${failures.length} check(s) failed` : 'all scale-out checks passed');
await shutdown(failures.length ? 1 : 0);
