import 'server-only';
import type Stripe from 'stripe';
import { connectDatabase, type Database, type DbHandle } from '@/db/client';
import { getEnv, stripeMode, type Env } from '@/lib/config/env';
import { systemClock, type Clock } from '@/lib/clock';
import { createLogger, type Logger } from '@/lib/logger';
import { createMailer, type Mailer } from '@/lib/mail';
import { createStripeClient } from '@/lib/stripe/client';
import type { WebhookHooks } from '@/lib/webhooks/types';

/** Everything external a request needs; domain functions take (a part of) this as their first argument. */
export interface AppContext {
  env: Env;
  db: Database;
  stripe: Stripe;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  /** Test-only fault and interleaving seams for the webhook route; never set in production. */
  webhookHooks?: WebhookHooks;
}

// Kept on globalThis so Next's dev hot reloads reuse one pool instead of leaking connections.
const holder = globalThis as unknown as { __afContext?: AppContext; __afDb?: DbHandle };

export function getAppContext(): AppContext {
  if (holder.__afContext) return holder.__afContext;
  const env = getEnv();
  if (!env.DATABASE_URL) {
    throw new Error(
      'DATABASE_URL is not set: start the app with `npm run dev`, which runs the embedded database for you',
    );
  }
  holder.__afDb ??= connectDatabase(env.DATABASE_URL, {
    max: env.DATABASE_POOL_MAX,
    connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    prepare: env.DATABASE_PREPARE === '1',
  });
  holder.__afContext = {
    env,
    db: holder.__afDb.db,
    stripe: createStripeClient(stripeMode(env)),
    clock: systemClock,
    logger: createLogger({ level: env.LOG_LEVEL, pretty: env.NODE_ENV === 'development' }),
    mailer: createMailer(env),
  };
  return holder.__afContext;
}

/** Tests and scripts install their own context (database, emulator-backed Stripe, manual clock). */
export function setAppContext(context: AppContext | undefined): void {
  holder.__afContext = context;
}
