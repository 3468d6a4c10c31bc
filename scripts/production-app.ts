import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import postgres from 'postgres';
import { EMBEDDED_PREPARE, startEmbeddedPostgres } from '../db/embedded';
import { migrateDatabase } from '../db/migrate';
import { bundleServer, SERVER_BUNDLE } from './bundle-server';

/**
 * The production app as the end-to-end server and the HTTP benchmarks run it: a fresh database
 * (a new one on a PostgreSQL server, or an embedded PGlite), the local Stripe as its own process,
 * then `next build` and `scripts/server.ts` with NODE_ENV=production. Each step is separate so the
 * caller can seed the database and the local Stripe between them.
 */
export interface Harness {
  cleanups: (() => Promise<void> | void)[];
  children: ChildProcess[];
  shutdown(code: number): Promise<never>;
}

export function createHarness(): Harness {
  const harness: Harness = {
    cleanups: [],
    children: [],
    async shutdown(code) {
      for (const child of harness.children) child.kill('SIGTERM');
      for (const cleanup of harness.cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
      process.exit(code);
    },
  };
  process.on('SIGINT', () => void harness.shutdown(0));
  process.on('SIGTERM', () => void harness.shutdown(0));
  // A crash (a rejected top-level await) must not leave the servers running.
  process.on('exit', () => harness.children.forEach((child) => child.kill('SIGTERM')));
  return harness;
}

/** A fresh, migrated database: a uniquely named one on `serverUrl` (dropped at shutdown), else an embedded PGlite. */
export async function freshDatabase(
  harness: Harness,
  serverUrl: string | undefined,
  prefix: string,
): Promise<{ url: string; poolMax: string; prepare: boolean }> {
  let url: string;
  let poolMax = '10';
  let prepare = true;
  if (serverUrl) {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    harness.cleanups.push(async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    });
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    url = u.toString();
  } else {
    const embedded = await startEmbeddedPostgres();
    harness.cleanups.push(() => embedded.close());
    url = embedded.url;
    poolMax = '1';
    prepare = EMBEDDED_PREPARE;
  }
  await migrateDatabase(url);
  return { url, poolMax, prepare };
}

/** Resolves once `url` answers at all (any status), or throws after `attempts` tries 200 ms apart. */
export async function waitForHttp(url: string, what: string, attempts = 150): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      if (i > attempts) throw new Error(`${what} did not start`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The local Stripe as its own process, in memory; `webhookUrl` empty means it delivers nothing. */
export async function startLocalStripe(
  harness: Harness,
  options: { port: string; webhookUrl: string; webhookEvents: readonly string[]; webhookSecret: string },
): Promise<ChildProcess> {
  const emulator = spawn(process.execPath, ['--import', 'tsx', 'stripe-emulator/main.ts'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      STRIPE_EMULATOR_PORT: options.port,
      STRIPE_EMULATOR_WEBHOOK_URL: options.webhookUrl,
      STRIPE_EMULATOR_WEBHOOK_EVENTS: options.webhookEvents.join(','),
      STRIPE_WEBHOOK_SECRET: options.webhookSecret,
      STRIPE_EMULATOR_DATA: '',
    },
  });
  harness.children.push(emulator);
  await waitForHttp(`http://127.0.0.1:${options.port}`, 'the local Stripe');
  return emulator;
}

/** The environment of a production app on `databaseUrl` against the local Stripe at `stripeBase`. */
export function productionEnv(options: {
  appUrl: string;
  databaseUrl: string;
  poolMax: string;
  /** Named prepared statements (`DATABASE_PREPARE`); off on the embedded database. */
  prepare?: boolean;
  stripeBase: string;
  webhookSecret: string;
  extra?: Record<string, string>;
}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    DATABASE_POOL_MAX: options.poolMax,
    DATABASE_PREPARE: options.prepare === false ? '0' : '1',
    STRIPE_API_BASE: options.stripeBase,
    // Production against the local Stripe must say so; its webhook secret is the harness's own.
    STRIPE_EMULATOR: '1',
    STRIPE_WEBHOOK_SECRET: options.webhookSecret,
    APP_URL: options.appUrl,
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    AUTH_TRUST_HOST: 'true',
    AUTH_URL: options.appUrl,
    LOG_LEVEL: 'warn',
    ...options.extra,
  };
  delete env.STRIPE_SECRET_KEY;
  return env;
}

const nextBin = path.join('node_modules', 'next', 'dist', 'bin', 'next');

/** `npm run build`'s two steps (`next build`, then the server entry's bundle) with the app's environment; returns the exit status. */
export async function buildApp(env: NodeJS.ProcessEnv): Promise<number> {
  const status = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env }).status ?? 1;
  if (status !== 0) return status;
  // esbuild prints its own errors; a failed bundle fails the build like a failed `next build`.
  return bundleServer().then(
    () => 0,
    () => 1,
  );
}

/** The built server entry (`npm start`) on 127.0.0.1:`port`; `nodeOptions` go to the server's Node (e.g. --cpu-prof). */
export function startApp(
  harness: Harness,
  env: NodeJS.ProcessEnv,
  port: string,
  nodeOptions: string[] = [],
): ChildProcess {
  const app = spawn(process.execPath, [...nodeOptions, SERVER_BUNDLE, '-p', port, '-H', '127.0.0.1'], {
    stdio: 'inherit',
    env,
  });
  harness.children.push(app);
  return app;
}
