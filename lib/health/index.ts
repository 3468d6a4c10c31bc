import 'server-only';
import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database } from '@/db/client';

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: { database: 'ok' | 'unreachable'; stripe: 'ok' | 'unreachable' };
}

const TIMEOUT_MS = 3_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref?.()),
  ]);
}

/** The database answers a query and Stripe answers a cheap read; both are needed to take a request. */
export async function checkReadiness(deps: { db: Database; stripe: Stripe }): Promise<Readiness> {
  const [database, stripe] = await Promise.all([
    within(deps.db.execute(sql`SELECT 1`), TIMEOUT_MS).then(
      () => 'ok' as const,
      () => 'unreachable' as const,
    ),
    within(deps.stripe.products.list({ limit: 1 }), TIMEOUT_MS).then(
      () => 'ok' as const,
      () => 'unreachable' as const,
    ),
  ]);
  return { status: database === 'ok' && stripe === 'ok' ? 'ok' : 'unavailable', checks: { database, stripe } };
}
