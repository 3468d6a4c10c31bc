import { spawn, type ChildProcess } from 'node:child_process';
import { HANDLED_EVENT_TYPES } from '../lib/webhooks/event-types';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { connectDatabase } from '../db/client';
import { EMBEDDED_PREPARE, startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded';
import { migrateDatabase } from '../db/migrate';
import {
  DATA_DIR,
  EMBEDDED_DIR,
  EMBEDDED_INFO_FILE,
  EMBEDDED_PASSWORD_FILE,
  runningEmbeddedDatabase,
} from '../db/open-for-script';
import { ensurePrivateDir, persistentSecret, restrictTree, writePrivateFile } from '../db/private-files';
import { EMULATOR_WEBHOOK_SECRET, parseEnv, stripeMode } from '../lib/config/env';
import { initPackages } from '../lib/catalog/init-packages';
import { createLogger } from '../lib/logger';
import { createStripeClient } from '../lib/stripe/client';

/**
 * `npm run dev`: the whole product with no accounts or keys. Starts the embedded database
 * (unless DATABASE_URL is set) and the local Stripe (unless STRIPE_SECRET_KEY is set),
 * migrates, syncs the catalog, seeds a demo login, then runs Next in development through scripts/server.ts.
 */
const env = parseEnv(process.env);
const logger = createLogger({ level: env.LOG_LEVEL });
const children: ChildProcess[] = [];
let embedded: EmbeddedPostgres | undefined;

async function shutdown(code: number): Promise<never> {
  for (const child of children) child.kill('SIGTERM');
  if (embedded) {
    fs.rmSync(EMBEDDED_INFO_FILE, { force: true });
    await embedded.close().catch(() => {});
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

// Everything this process and its children write (PGlite's files, the emulator's state) is private.
process.umask(0o077);
ensurePrivateDir(DATA_DIR);
restrictTree(DATA_DIR);
const childEnv: NodeJS.ProcessEnv = { ...process.env };

let databaseUrl = env.DATABASE_URL;
if (!databaseUrl) {
  if (runningEmbeddedDatabase()) {
    logger.error('Another `npm run dev` already holds the embedded database in .data/pglite; stop it first');
    process.exit(1);
  }
  embedded = await startEmbeddedPostgres({
    dataDir: EMBEDDED_DIR,
    port: Number(process.env.EMBEDDED_DB_PORT ?? 0),
    passwordFile: EMBEDDED_PASSWORD_FILE,
  });
  databaseUrl = embedded.url;
  writePrivateFile(EMBEDDED_INFO_FILE, JSON.stringify({ url: embedded.url, pid: process.pid }));
  childEnv.DATABASE_URL = embedded.url;
  // The embedded server cannot interleave transactions of several connections.
  childEnv.DATABASE_POOL_MAX = '1';
  childEnv.DATABASE_PREPARE = EMBEDDED_PREPARE ? '1' : '0';
  logger.info({ dataDir: EMBEDDED_DIR, port: embedded.port }, 'Embedded PostgreSQL started (password in .data)');
}
await migrateDatabase(databaseUrl);

const mode = stripeMode(env);
if (mode.kind === 'emulator') {
  const port = new URL(mode.apiBase).port || '12111';
  const appUrl = new URL(env.APP_URL);
  const emulator = spawn(process.execPath, ['--import', 'tsx', 'stripe-emulator/main.ts'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      STRIPE_EMULATOR_PORT: port,
      STRIPE_EMULATOR_WEBHOOK_URL: new URL('/api/packages/webhook', appUrl).toString(),
      STRIPE_EMULATOR_WEBHOOK_EVENTS: HANDLED_EVENT_TYPES.join(','),
      STRIPE_WEBHOOK_SECRET: env.STRIPE_WEBHOOK_SECRET ?? EMULATOR_WEBHOOK_SECRET,
      STRIPE_EMULATOR_DATA: path.join(DATA_DIR, 'stripe-emulator.json'),
    },
  });
  children.push(emulator);
  emulator.on('exit', (code) => {
    logger.error({ code }, 'The local Stripe stopped');
    void shutdown(code ?? 1);
  });
  await waitForHttp(mode.apiBase, 30_000);
  childEnv.STRIPE_API_BASE = mode.apiBase;
  logger.info({ url: mode.apiBase }, 'Local Stripe emulator started (no Stripe keys set)');
} else {
  logger.info('Using real Stripe (STRIPE_SECRET_KEY is set)');
}

const db = connectDatabase(databaseUrl, { max: 1, ...(embedded ? { prepare: EMBEDDED_PREPARE } : {}) });
try {
  await initPackages({ db: db.db, stripe: createStripeClient(mode), logger });
  const { ensureDemoUser } = await import('../lib/accounts/demo');
  const demo = await ensureDemoUser(db.db, env);
  console.log(
    demo
      ? `\n  Demo login: ${demo.email} / ${demo.password}\n  Open ${env.APP_URL}\n`
      : `\n  DATABASE_URL is set, so no demo login is created; use \`npm run cli -- user:create\`\n  Open ${env.APP_URL}\n`,
  );
} finally {
  await db.close();
}

childEnv.AUTH_SECRET ??= persistentSecret(path.join(DATA_DIR, 'auth-secret'), () =>
  randomBytes(32).toString('base64url'),
);
childEnv.AUTH_TRUST_HOST ??= 'true';
const appPort = new URL(env.APP_URL).port || '3000';
// Through the server entry, which passes each connection's address for the sign-in limits.
const next = spawn(process.execPath, ['--import', 'tsx', 'scripts/server.ts', '--dev', '-p', appPort], {
  stdio: 'inherit',
  env: childEnv,
});
children.push(next);
next.on('exit', (code) => void shutdown(code ?? 0));
