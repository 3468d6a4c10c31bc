import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { teamMembers, users } from '@/db/schema';
import type { Database } from '@/db/client';
import { createUser } from '@/lib/accounts';
import { parseEnv } from '@/lib/config/env';
import { ManualClock, type Clock } from '@/lib/clock';
import { createLogger } from '@/lib/logger';
import { outboxMailer } from '@/lib/mail';
import { setAppContext, type AppContext } from '@/lib/server/context';
import { createStripeClient } from '@/lib/stripe/client';
import { createApiToken } from '@/lib/tokens';
import type { TestDatabase } from './db';

export const TEST_APP_URL = 'http://app.test';

/** Installs an AppContext for route handlers called directly in tests. */
export function installTestContext(
  t: TestDatabase,
  options: { stripeBase?: string; clock?: Clock; env?: Record<string, string>; outboxDir?: string } = {},
): AppContext {
  const env = parseEnv({
    NODE_ENV: 'test',
    DATABASE_URL: t.url,
    APP_URL: TEST_APP_URL,
    STRIPE_API_BASE: options.stripeBase ?? 'http://127.0.0.1:9',
    STRIPE_WEBHOOK_SECRET: 'whsec_test_secret',
    LOG_LEVEL: 'silent',
    AUTH_SECRET: 'test-auth-secret-of-at-least-32-characters',
    // Requests built by apiRequest() name their client in X-Forwarded-For, as one proxy would.
    TRUSTED_PROXY_HOPS: '1',
    ...options.env,
  });
  const context: AppContext = {
    env,
    db: t.db,
    stripe: createStripeClient(
      { kind: 'emulator', apiBase: env.STRIPE_API_BASE!, secretKey: 'sk_test_emulator' },
      { maxNetworkRetries: 0, timeoutMs: 5000 },
    ),
    clock: options.clock ?? new ManualClock(new Date()),
    logger: createLogger({ level: 'silent' }),
    mailer: outboxMailer(options.outboxDir ?? path.join(os.tmpdir(), `af-test-outbox-${process.pid}`), env.MAIL_FROM),
  };
  setAppContext(context);
  return context;
}

export interface TestUser {
  userId: string;
  email: string;
  teamId: string;
  token: string;
}

// Hashing costs ~50 ms; one strong password is reused by every test user.
const PASSWORD = 'correct-horse-42';

/** A user with a personal team (owner) and an API token. `joinTeam` adds them to another team instead. */
export async function createUserWithToken(
  db: Database,
  options: {
    email?: string;
    isPlatformAdmin?: boolean;
    joinTeam?: { teamId: string; role: 'owner' | 'admin' | 'member' };
  } = {},
): Promise<TestUser> {
  const email = options.email ?? `user-${randomBytes(5).toString('hex')}@example.com`;
  // Verified, like an operator-created account: fixtures stand for people who confirmed their address.
  const user = await createUser(db, {
    email,
    password: PASSWORD,
    isPlatformAdmin: options.isPlatformAdmin,
    emailVerified: new Date(),
  });
  let teamId = user.teamId;
  if (options.joinTeam) {
    await db
      .insert(teamMembers)
      .values({ teamId: options.joinTeam.teamId, userId: user.id, role: options.joinTeam.role });
    await db.update(users).set({ currentTeamId: options.joinTeam.teamId }).where(eq(users.id, user.id));
    teamId = options.joinTeam.teamId;
  }
  // Operator-issued (service) tokens, so tests of any plan can call the API; the plan check on
  // user-created tokens has its own tests in tests/security/api-access.test.ts.
  const { token } = await createApiToken({ db, clock: new ManualClock(new Date()) }, user.id, {
    name: 'test',
    kind: 'service',
  });
  return { userId: user.id, email, teamId, token };
}

export const TEST_PASSWORD = PASSWORD;

/** A Request to a route handler, authenticated with a bearer token when given. */
export function apiRequest(
  path: string,
  options: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return new Request(new URL(path, TEST_APP_URL), {
    method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'),
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
}

/** The route-context argument Next passes to handlers of dynamic routes. */
export function routeParams<P>(params: P): { params: Promise<P> } {
  return { params: Promise.resolve(params) };
}
