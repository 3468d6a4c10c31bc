import type { Router } from '../http/router.js';
import { mustGet } from '../resources/util.js';
import { closeDispute, isClosed } from '../billing/disputes.js';
import { failRefund } from '../billing/refund-failures.js';
import { normalizeCardNumber, saveCard } from '../billing/cards.js';
import { invalidRequest } from '../http/errors.js';

/**
 * Shortcuts for what happens outside the API on Stripe: a dispute's outcome, a refund the bank
 * rejects, a customer replacing their card in the billing portal.
 */
export function registerPaymentOutcomeHelpers(r: Router): void {
  r.add('POST', '/_emulator/disputes/:id/close', ({ ctx, path, params: p }) => {
    const dispute = mustGet(ctx, 'disputes', path[0] ?? '', 'dispute');
    const outcome = p.oneOf('outcome', ['won', 'lost'] as const) ?? 'lost';
    return isClosed(dispute) ? dispute : closeDispute(ctx, dispute, outcome);
  });
  r.add('POST', '/_emulator/customers/:id/default_card', ({ ctx, path, params: p }) => {
    const customer = mustGet(ctx, 'customers', path[0] ?? '', 'customer');
    const number = normalizeCardNumber(p.str('card') ?? '');
    if (!number) throw invalidRequest('card is required', 'card');
    const card = saveCard(ctx, number, customer.id);
    customer.invoice_settings.default_payment_method = card.id;
    ctx.changed();
    return ctx.store.get('payment_methods', card.id);
  });
  r.add('POST', '/_emulator/refunds/:id/fail', ({ ctx, path }) => {
    const refund = mustGet(ctx, 'refunds', path[0] ?? '', 'refund');
    failRefund(ctx, refund);
    return refund;
  });
}
