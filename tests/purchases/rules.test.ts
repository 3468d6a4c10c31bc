import { describe, expect, it } from 'vitest';
import { disputeState, refundStatus } from '@/lib/purchases';

describe('refundStatus', () => {
  it('is paid while nothing is refunded', () => {
    expect(refundStatus(900, 0)).toBe('paid');
    // Stripe never reports a negative total; if it did, nothing was refunded.
    expect(refundStatus(900, -1)).toBe('paid');
  });

  it('is partially refunded from the first minor unit up to one short of the amount', () => {
    expect(refundStatus(900, 1)).toBe('partially_refunded');
    expect(refundStatus(900, 899)).toBe('partially_refunded');
  });

  it('is refunded at the full amount and beyond', () => {
    expect(refundStatus(900, 900)).toBe('refunded');
    expect(refundStatus(900, 901)).toBe('refunded');
  });
});

describe('disputeState', () => {
  it('counts a won, prevented or warning-closed dispute as won', () => {
    expect(disputeState('won')).toBe('won');
    expect(disputeState('prevented')).toBe('won');
    expect(disputeState('warning_closed')).toBe('won');
  });

  it('counts only a lost dispute as lost', () => {
    expect(disputeState('lost')).toBe('lost');
  });

  it('keeps every other status open, warnings included', () => {
    for (const status of ['needs_response', 'under_review', 'warning_needs_response', 'warning_under_review', ''])
      expect(disputeState(status)).toBe('open');
  });
});
