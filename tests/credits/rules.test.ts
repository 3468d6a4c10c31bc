import { describe, expect, it } from 'vitest';
import { refundedCredits } from '@/lib/credits/rules';

describe('refundedCredits', () => {
  it.each([
    [50, 200, 500, 20], // £2 of £5
    [100, 100, 900, 12], // £1 of £9: 11.1, rounded up
    [250, 2000, 2000, 250], // full
    [250, 2500, 2000, 250], // more than paid is still all
    [50, 0, 500, 0],
    [50, 1, 500, 1],
    [50, 100, 0, 50], // a free pack refunded: all
  ])('%i credits, %i of %i refunded: %i back', (credits, refunded, paid, expected) => {
    expect(refundedCredits(credits, { refunded, paid })).toBe(expected);
  });
});
