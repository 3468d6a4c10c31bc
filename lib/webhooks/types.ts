import type Stripe from 'stripe';
import type { Database, Tx } from '@/db/client';
import type { Clock } from '@/lib/clock';
import type { Logger } from '@/lib/logger';

/** Test-only seams; production never sets them. */
export interface WebhookHooks {
  /** For tests that interleave handlers deterministically: runs between `fetch` and `apply`. */
  afterFetch?(event: Stripe.Event): Promise<void>;
  /**
   * For fault-injection tests: runs inside the transaction after `apply` wrote everything and before
   * the commit, so a throw here (or a connection killed here) must leave nothing applied.
   */
  beforeCommit?(tx: Tx, event: Stripe.Event): Promise<void>;
}

export interface WebhookDeps {
  db: Database;
  stripe: Stripe;
  clock: Clock;
  logger: Logger;
  hooks?: WebhookHooks;
  /** Attempts an event about a payment not yet recorded gets before it is parked. */
  retryLimit?: number;
}

/**
 * One event type's handling: `fetch` reads what it needs from Stripe outside any database
 * transaction (the current state, never the event's possibly stale copy), then `apply` writes,
 * inside the transaction that also records the event id.
 */
export interface WebhookHandler<T = unknown> {
  fetch(deps: WebhookDeps, event: Stripe.Event): Promise<T>;
  apply(tx: Tx, deps: WebhookDeps, event: Stripe.Event, fetched: T): Promise<void>;
}

export function defineHandler<T>(handler: WebhookHandler<T>): WebhookHandler<T> {
  return handler;
}
