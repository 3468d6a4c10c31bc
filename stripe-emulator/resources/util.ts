import type { Ctx } from '../context.js';
import type { CollectionName, Collections } from '../state.js';
import { resourceMissing } from '../http/errors.js';

/** Stripe's word for each object in "No such price: 'x'" messages. */
const KIND: Record<CollectionName, string> = {
  products: 'product',
  prices: 'price',
  customers: 'customer',
  checkout_sessions: 'checkout.session',
  subscriptions: 'subscription',
  invoices: 'invoice',
  payment_intents: 'payment_intent',
  charges: 'charge',
  refunds: 'refund',
  disputes: 'dispute',
  billing_portal_sessions: 'billing_portal.session',
  events: 'event',
  test_clocks: 'test_helpers.test_clock',
  payment_methods: 'PaymentMethod',
  deleted_customers: 'customer',
  setup_intents: 'setupintent',
  invoiceitems: 'invoiceitem',
  coupons: 'coupon',
  promotion_codes: 'promotion_code',
  billing_portal_configurations: 'billing_portal.configuration',
  discounts: 'discount',
  deleted_coupons: 'coupon',
  customer_balance_transactions: 'customer_balance_transaction',
};

export function mustGet<K extends CollectionName>(ctx: Ctx, name: K, id: string, param = 'id'): Collections[K] {
  const obj = ctx.store.get(name, id);
  if (!obj) throw resourceMissing(KIND[name], id, param);
  return obj;
}

/** Stripe's decimal fields are strings on the wire; the client turns them into Decimal. */
export function decimalString(n: number | null): never {
  return (n === null ? null : String(n)) as never;
}

export function emptyList<T>(url: string, data: T[] = []): { object: 'list'; data: T[]; has_more: false; url: string } {
  return { object: 'list', data, has_more: false, url };
}
