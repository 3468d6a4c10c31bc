import { describe, expect, it } from 'vitest';

/**
 * lib/subscriptions/schemas loads: zod checks a discriminated union's options when it is built, so a
 * schema whose discriminator its options lack throws on import and every subscription route fails
 * to load. Imported inside the test, so such a failure fails a test (an import error at the top of a
 * file fails the file but no test, which Stryker's vitest runner does not count as a kill).
 */
describe('lib/subscriptions/schemas', () => {
  it('loads, and its discriminated unions choose the option by `action`', async () => {
    const { subscriptionActionBody, previewBody } = await import('@/lib/subscriptions/schemas');
    expect(subscriptionActionBody.parse({ action: 'resume' })).toEqual({ action: 'resume' });
    expect(previewBody.parse({ action: 'remove_addon', package_id: 'addon_storage' })).toEqual({
      action: 'remove_addon',
      package_id: 'addon_storage',
    });
    const refused = previewBody.safeParse({ action: 'resume' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['action']);
  });
});
