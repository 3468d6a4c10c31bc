import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import { newId } from '../ids.js';

/**
 * The customer invoice balance as Stripe keeps it: a ledger of customer balance transactions whose
 * sum is `customer.balance` (negative is credit, positive is owed). Every change to the balance goes
 * through here, so the ledger and the balance cannot drift apart:
 * - `initial` / `adjustment`: set on the customer or posted through the API;
 * - `applied_to_invoice`: at finalization the balance pays toward the invoice, and a negative
 *   invoice total (a downgrade's proration credit) becomes credit;
 * - `unapplied_from_invoice`: voiding an invoice gives back what it took from or added to the balance;
 * - `invoice_too_small`: an amount below the minimum charge moves to the balance as a debit.
 */
export function recordBalanceTransaction(
  ctx: Ctx,
  customer: Stripe.Customer,
  entry: {
    amount: number;
    type: Stripe.CustomerBalanceTransaction.Type;
    currency?: string;
    invoice?: string | null;
    description?: string | null;
    metadata?: Record<string, string>;
  },
  /** false when the caller emits the customer's own created/updated event. */
  emitCustomerUpdated = true,
): Stripe.CustomerBalanceTransaction | null {
  if (entry.amount === 0) return null;
  const before = structuredClone(customer);
  customer.balance += entry.amount;
  const transaction: Stripe.CustomerBalanceTransaction = {
    id: newId('cbtxn'),
    object: 'customer_balance_transaction',
    amount: entry.amount,
    checkout_session: null,
    created: ctx.store.now(),
    credit_note: null,
    currency: entry.currency ?? customer.currency ?? 'usd',
    customer: customer.id,
    customer_account: null,
    description: entry.description ?? null,
    ending_balance: customer.balance,
    invoice: entry.invoice ?? null,
    livemode: false,
    metadata: entry.metadata ?? {},
    type: entry.type,
  };
  // Stripe sets the customer's currency from the first balance transaction when it has none.
  if (!customer.currency && entry.currency) customer.currency = entry.currency;
  ctx.store.put('customer_balance_transactions', transaction);
  const prev = diff(before, customer);
  if (emitCustomerUpdated && prev) ctx.emit('customer.updated', customer, prev);
  return transaction;
}

/** The balance an invoice took at finalization (ending minus starting), which voiding gives back. */
export function appliedBalance(invoice: Stripe.Invoice): number {
  if (invoice.ending_balance === null) return 0;
  return invoice.ending_balance - invoice.starting_balance;
}
