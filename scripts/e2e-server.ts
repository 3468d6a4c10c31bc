import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { connectDatabase } from '../db/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrateDatabase } from '../db/migrate';
import { EMULATOR_SECRET_KEY } from '../lib/config/env';
import { initPackages } from '../lib/catalog/init-packages';
import { createLogger } from '../lib/logger';
import { createStripeClient } from '../lib/stripe/client';
import { createUser } from '../lib/accounts';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../lib/accounts/demo';
import { HANDLED_EVENT_TYPES } from '../lib/webhooks/event-types';
import { e2eOutboxDir } from '../tests/e2e/outbox';

/**
 * The app as Playwright tests it: a production build on a fresh database (a new database on
 * TEST_DATABASE_URL's server, or an in-memory PGlite) with its own local Stripe.
 */
const appPort = process.env.E2E_APP_PORT ?? '3100';
const stripePort = process.env.E2E_STRIPE_PORT ?? '12112';
const appUrl = `http://127.0.0.1:${appPort}`;
const stripeBase = `http://127.0.0.1:${stripePort}`;
const webhookSecret = 'whsec_e2e_secret';
const logger = createLogger({ level: 'info' });
const cleanups: (() => Promise<void> | void)[] = [];
const children: ChildProcess[] = [];

async function shutdown(code: number): Promise<never> {
  for (const child of children) child.kill('SIGTERM');
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

let databaseUrl: string;
let poolMax = '10';
if (process.env.TEST_DATABASE_URL) {
  const name = `af_e2e_${randomBytes(4).toString('hex')}`;
  const admin = postgres(process.env.TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  cleanups.push(async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });
  const u = new URL(process.env.TEST_DATABASE_URL);
  u.pathname = `/${name}`;
  databaseUrl = u.toString();
} else {
  const embedded = await startEmbeddedPostgres();
  cleanups.push(() => embedded.close());
  databaseUrl = embedded.url;
  poolMax = '1';
}
await migrateDatabase(databaseUrl);

const emulator = spawn(process.execPath, ['--import', 'tsx', 'stripe-emulator/main.ts'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    STRIPE_EMULATOR_PORT: stripePort,
    STRIPE_EMULATOR_WEBHOOK_URL: `${appUrl}/api/packages/webhook`,
    STRIPE_EMULATOR_WEBHOOK_EVENTS: HANDLED_EVENT_TYPES.join(','),
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_EMULATOR_DATA: '',
  },
});
children.push(emulator);
for (let i = 0; ; i++) {
  try {
    await fetch(stripeBase);
    break;
  } catch {
    if (i > 150) throw new Error('the local Stripe did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const db = connectDatabase(databaseUrl, { max: 1 });
await initPackages({
  db: db.db,
  stripe: createStripeClient({ kind: 'emulator', apiBase: stripeBase, secretKey: EMULATOR_SECRET_KEY }),
  logger,
});
// The tests sign in as the demo user. This database is the harness's own (created above, dropped
// on exit), so the fixture is made here; the product seeds it only into the embedded database.
await createUser(db.db, { email: DEMO_EMAIL, password: DEMO_PASSWORD, name: 'Demo User', isPlatformAdmin: true });
await db.close();

fs.rmSync(e2eOutboxDir(appPort), { recursive: true, force: true });
const appEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_MAX: poolMax,
  STRIPE_API_BASE: stripeBase,
  // Production against the local Stripe must say so; its webhook secret is the harness's own.
  STRIPE_EMULATOR: '1',
  STRIPE_WEBHOOK_SECRET: webhookSecret,
  APP_URL: appUrl,
  AUTH_SECRET: randomBytes(32).toString('base64url'),
  AUTH_TRUST_HOST: 'true',
  AUTH_URL: appUrl,
  LOG_LEVEL: 'warn',
  // Mails (verification, reset, invitations) land here; tests read them from disk.
  MAIL_OUTBOX_DIR: e2eOutboxDir(appPort),
};
delete appEnv.STRIPE_SECRET_KEY;
const nextBin = path.join('node_modules', 'next', 'dist', 'bin', 'next');
if (!process.env.E2E_SKIP_BUILD) {
  const build = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env: appEnv });
  if (build.status !== 0) await shutdown(build.status ?? 1);
}
const app = spawn(process.execPath, ['--import', 'tsx', 'scripts/server.ts', '-p', appPort, '-H', '127.0.0.1'], {
  stdio: 'inherit',
  env: appEnv,
});
children.push(app);
app.on('exit', (code) => void shutdown(code ?? 0));
