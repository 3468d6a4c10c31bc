import type { Router } from '../http/router.js';
import { mustGet } from '../resources/util.js';
import { closeDispute, isClosed } from '../billing/disputes.js';
import { failRefund } from '../billing/refund-failures.js';

/** Shortcuts for what Stripe decides on its own: a dispute's outcome, a refund the bank rejects. */
export function registerDisputeAndRefundHelpers(r: Router): void {
  r.add('POST', '/_emulator/disputes/:id/close', ({ ctx, path, params: p }) => {
    const dispute = mustGet(ctx, 'disputes', path[0] ?? '', 'dispute');
    const outcome = p.oneOf('outcome', ['won', 'lost'] as const) ?? 'lost';
    return isClosed(dispute) ? dispute : closeDispute(ctx, dispute, outcome);
  });
  r.add('POST', '/_emulator/refunds/:id/fail', ({ ctx, path }) => {
    const refund = mustGet(ctx, 'refunds', path[0] ?? '', 'refund');
    failRefund(ctx, refund);
    return refund;
  });
}
