import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type Stripe from 'stripe';

/** Card the buyer typed, kept server side (we never expose full numbers). */
export interface CardRecord {
  id: string; // pm_...
  number: string;
  last4: string;
  brand: string;
  exp_month: number;
  exp_year: number;
  customer: string | null;
}

/** Checkout params that are not part of the public session object but drive completion. */
export interface CheckoutExtras {
  line_items: Stripe.LineItem[];
  subscription_data: {
    trial_period_days: number | null;
    metadata: Record<string, string>;
    billing_mode: 'classic' | 'flexible';
    description: string | null;
  } | null;
  payment_intent_metadata: Record<string, string>;
  /** Set while a 3-D Secure challenge is pending for this session. */
  pending_3ds: { card: string; email: string | null } | null;
  last_error: string | null;
}

/** A proration waiting for the next invoice (proration_behavior=create_prorations). */
export interface PendingLine {
  price: string;
  quantity: number;
  amount: number;
  description: string;
  period: { start: number; end: number };
  subscription_item: string | null;
}

/** Billing bookkeeping Stripe keeps internally, with no field on a public object. */
export interface BillingBook {
  /** subscription id -> the trial_end for which customer.subscription.trial_will_end was sent */
  trialWillEndSent: Record<string, number>;
  /** subscription id -> outcome forced on its next renewal payment by the advance test helper */
  forcedRenewalOutcome: Record<string, 'paid' | 'failed'>;
  /** payment / setup intent id -> the return_url of its last confirmation (3-D Secure redirects) */
  intentReturnUrls: Record<string, string>;
}

export const emptyBillingBook = (): BillingBook => ({
  trialWillEndSent: {},
  forcedRenewalOutcome: {},
  intentReturnUrls: {},
});

export interface IdempotencyRecord {
  fingerprint: string;
  status: number;
  body: string;
  created: number;
}

export interface Collections {
  products: Stripe.Product;
  prices: Stripe.Price;
  customers: Stripe.Customer;
  checkout_sessions: Stripe.Checkout.Session;
  subscriptions: Stripe.Subscription;
  invoices: Stripe.Invoice;
  payment_intents: Stripe.PaymentIntent;
  charges: Stripe.Charge;
  refunds: Stripe.Refund;
  disputes: Stripe.Dispute;
  billing_portal_sessions: Stripe.BillingPortal.Session;
  events: Stripe.Event;
  test_clocks: Stripe.TestHelpers.TestClock;
  payment_methods: Stripe.PaymentMethod;
  deleted_customers: Stripe.DeletedCustomer;
  setup_intents: Stripe.SetupIntent;
  invoiceitems: Stripe.InvoiceItem;
  coupons: Stripe.Coupon;
  promotion_codes: Stripe.PromotionCode;
  billing_portal_configurations: Stripe.BillingPortal.Configuration;
  discounts: Stripe.Discount;
  deleted_coupons: Stripe.Coupon;
  customer_balance_transactions: Stripe.CustomerBalanceTransaction;
}
export type CollectionName = keyof Collections;

const COLLECTIONS: CollectionName[] = [
  'products',
  'prices',
  'customers',
  'checkout_sessions',
  'subscriptions',
  'invoices',
  'payment_intents',
  'charges',
  'refunds',
  'disputes',
  'billing_portal_sessions',
  'events',
  'test_clocks',
  'payment_methods',
  'deleted_customers',
  'setup_intents',
  'invoiceitems',
  'coupons',
  'promotion_codes',
  'billing_portal_configurations',
  'discounts',
  'deleted_coupons',
  'customer_balance_transactions',
];

interface Snapshot {
  version: 1;
  clockOffsetSeconds: number;
  objects: { [K in CollectionName]: Array<Collections[K]> };
  cards: CardRecord[];
  defaultCards: Record<string, string>;
  checkoutExtras: Record<string, CheckoutExtras>;
  idempotency: Record<string, IdempotencyRecord>;
  invoicePayments: Record<string, string[]>;
  pendingLines: Record<string, PendingLine[]>;
  invoiceCounter: number;
  billing?: BillingBook;
  /** Events not yet delivered when saved; redelivered after a restart (at-least-once). */
  undeliveredEventIds?: string[];
}

/**
 * All emulator state. Maps keep insertion order, which doubles as creation
 * order for lists (Stripe lists newest first, and many objects share a second).
 */
export class Store {
  private maps = new Map<CollectionName, Map<string, unknown>>();
  cards = new Map<string, CardRecord>();
  defaultCards = new Map<string, string>();
  checkoutExtras = new Map<string, CheckoutExtras>();
  idempotency = new Map<string, IdempotencyRecord>();
  /** invoice id -> payment intent ids that tried to pay it */
  invoicePayments = new Map<string, string[]>();
  /**
   * Prorations waiting for the next invoice, keyed by subscription id, or by customer id once their
   * subscription ended without invoicing them (Stripe's pending invoice items of the customer).
   */
  pendingLines = new Map<string, PendingLine[]>();
  billing: BillingBook = emptyBillingBook();
  clockOffsetSeconds = 0;
  invoiceCounter = 0;
  undeliveredEventIds: string[] = [];

  constructor(private readonly baseNowMs: () => number) {
    this.reset();
  }

  reset(): void {
    for (const c of COLLECTIONS) this.maps.set(c, new Map());
    this.cards.clear();
    this.defaultCards.clear();
    this.checkoutExtras.clear();
    this.idempotency.clear();
    this.invoicePayments.clear();
    this.pendingLines.clear();
    this.billing = emptyBillingBook();
    this.clockOffsetSeconds = 0;
    this.invoiceCounter = 0;
  }

  /** Emulator time in unix seconds; advances with the base clock plus any offset. */
  now(): number {
    return Math.floor(this.baseNowMs() / 1000) + this.clockOffsetSeconds;
  }

  private map<K extends CollectionName>(name: K): Map<string, Collections[K]> {
    return this.maps.get(name) as Map<string, Collections[K]>;
  }

  get<K extends CollectionName>(name: K, id: string): Collections[K] | undefined {
    return this.map(name).get(id);
  }

  put<K extends CollectionName>(name: K, obj: Collections[K]): Collections[K] {
    this.map(name).set(obj.id, obj);
    return obj;
  }

  delete(name: CollectionName, id: string): void {
    this.map(name).delete(id);
  }

  /** Oldest first. */
  all<K extends CollectionName>(name: K): Array<Collections[K]> {
    return [...this.map(name).values()];
  }

  /** Looks an id up in every collection; used by generic `expand`. */
  findAny(id: string): { id: string } | undefined {
    for (const c of COLLECTIONS) {
      const hit = this.maps.get(c)?.get(id);
      if (hit) return hit as { id: string };
    }
    return undefined;
  }

  toSnapshot(): Snapshot {
    const objects = {} as Snapshot['objects'];
    for (const c of COLLECTIONS) (objects as Record<string, unknown[]>)[c] = this.all(c);
    return {
      version: 1,
      clockOffsetSeconds: this.clockOffsetSeconds,
      objects,
      cards: [...this.cards.values()],
      defaultCards: Object.fromEntries(this.defaultCards),
      checkoutExtras: Object.fromEntries(this.checkoutExtras),
      idempotency: Object.fromEntries(this.idempotency),
      invoicePayments: Object.fromEntries(this.invoicePayments),
      pendingLines: Object.fromEntries(this.pendingLines),
      invoiceCounter: this.invoiceCounter,
      billing: this.billing,
      undeliveredEventIds: this.undeliveredEventIds,
    };
  }

  loadSnapshot(s: Snapshot): void {
    this.reset();
    for (const c of COLLECTIONS) {
      const m = this.maps.get(c) as Map<string, { id: string }>;
      for (const o of (s.objects[c] ?? []) as Array<{ id: string }>) m.set(o.id, o);
    }
    for (const card of s.cards ?? []) this.cards.set(card.id, card);
    for (const [k, v] of Object.entries(s.defaultCards ?? {})) this.defaultCards.set(k, v);
    for (const [k, v] of Object.entries(s.checkoutExtras ?? {})) this.checkoutExtras.set(k, v);
    for (const [k, v] of Object.entries(s.idempotency ?? {})) this.idempotency.set(k, v);
    for (const [k, v] of Object.entries(s.invoicePayments ?? {})) this.invoicePayments.set(k, v);
    for (const [k, v] of Object.entries(s.pendingLines ?? {})) this.pendingLines.set(k, v);
    this.clockOffsetSeconds = s.clockOffsetSeconds ?? 0;
    this.invoiceCounter = s.invoiceCounter ?? 0;
    this.billing = { ...emptyBillingBook(), ...s.billing };
    this.undeliveredEventIds = s.undeliveredEventIds ?? [];
  }
}

/** Writes the snapshot atomically (tmp + rename) so a crash never leaves half a file. */
export function saveSnapshot(store: Store, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(store.toSnapshot()));
  renameSync(tmp, file);
}

export function loadSnapshotFile(store: Store, file: string): boolean {
  if (!existsSync(file)) return false;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  if (parsed.version !== 1) return false;
  store.loadSnapshot(parsed);
  return true;
}
