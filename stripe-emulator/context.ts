import type Stripe from 'stripe';
import type { Store } from './state.js';
import type { Logger } from './logger.js';
import { newId } from './ids.js';

export const API_VERSION = '2026-10-28.endive';

export interface RequestInfo {
  id: string;
  idempotency_key: string | null;
}

/**
 * Account-level Billing settings (Stripe's Dashboard "Revenue recovery" page): when failed subscription
 * payments are retried, and what happens to the subscription once every retry failed.
 */
export interface BillingSettings {
  /** Days after the first failed attempt on which payment is retried, in test-clock time. */
  retryDays: number[];
  /** The subscription once the last retry failed: canceled, `unpaid`, or left `past_due`. */
  afterFinalFailure: 'cancel' | 'unpaid' | 'past_due';
}

export const DEFAULT_BILLING_SETTINGS: BillingSettings = { retryDays: [3, 5, 7], afterFinalFailure: 'cancel' };

/** What every resource handler and billing routine gets. */
export interface Ctx {
  store: Store;
  settings: BillingSettings;
  logger: Logger;
  baseUrl: string;
  /** The API request being served; null for hosted pages and test helpers. */
  request: RequestInfo | null;
  emit(type: Stripe.Event.Type, object: { id: string }, previous?: Record<string, unknown>): Stripe.Event;
  /** Persists state soon (coalesced). */
  changed(): void;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * Builds a Stripe event. `data.object` is a snapshot: later changes to the
 * object must not leak into already emitted events.
 */
export function buildEvent(
  store: Store,
  type: Stripe.Event.Type,
  object: { id: string },
  request: RequestInfo | null,
  pendingWebhooks: number,
  previous?: Record<string, unknown>,
): Stripe.Event {
  const data: { object: unknown; previous_attributes?: unknown } = { object: clone(object) };
  if (previous) data.previous_attributes = clone(previous);
  // Stripe.Event is a union discriminated by `type`; the object's shape matches the type by construction.
  const event = {
    id: newId('evt'),
    object: 'event',
    api_version: API_VERSION,
    created: store.now(),
    data,
    livemode: false,
    pending_webhooks: pendingWebhooks,
    request: { id: request?.id ?? null, idempotency_key: request?.idempotency_key ?? null },
    type,
  };
  return event as unknown as Stripe.Event;
}

/** previous_attributes: the old values of the top-level keys that changed. */
export function diff(before: object, after: object): Record<string, unknown> | undefined {
  const prev: Record<string, unknown> = {};
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[key]) !== JSON.stringify(a[key])) prev[key] = b[key] ?? null;
  }
  return Object.keys(prev).length ? prev : undefined;
}
