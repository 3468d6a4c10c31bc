import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutSessions, userPurchases } from '@/db/schema';
import { createStripeClient } from '@/lib/stripe/client';
import { createUserWithToken } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

/**
 * Stripe out of reach or failing, met by the production Stripe client (its default retries and
 * timeout): checkout answers 503 with a message saying so, records nothing as paid, and the
 * client's retries are bounded.
 */
type Failure = 'drop' | '500' | '429';
let h: BillingHarness;
let failingStripe: Server;
let failure: Failure = 'drop';
let attempts = 0;

beforeAll(async () => {
  h = await startBillingHarness();
  failingStripe = createServer((req, res) => {
    attempts++;
    req.resume();
    if (failure === 'drop') return req.socket.destroy();
    const status = Number(failure);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          type: status === 429 ? 'rate_limit_error' : 'api_error',
          message: status === 429 ? 'Too many requests' : 'An unknown error occurred',
        },
      }),
    );
  });
  await new Promise<void>((resolve) => failingStripe.listen(0, '127.0.0.1', resolve));
  h.app.stripe = createStripeClient({
    kind: 'emulator',
    apiBase: `http://127.0.0.1:${(failingStripe.address() as AddressInfo).port}`,
    secretKey: 'sk_test_emulator',
  });
}, 60_000);
afterAll(async () => {
  await new Promise((r) => failingStripe?.close(r));
  await h?.close();
});

describe('Stripe unreachable or failing at checkout', () => {
  it.each([
    ['the connection dropped', 'drop', 3],
    ['500 Internal Server Error', '500', 3],
    // Stripe's client retries a 429 only when Stripe says so (Stripe-Should-Retry).
    ['429 Too Many Requests', '429', 1],
  ] as const)(
    '%s: 503 payment_provider_unreachable with Retry-After, nothing recorded as paid, retries bounded',
    async (_name, mode: Failure, maxAttempts) => {
      const user = await createUserWithToken(h.t.db);
      failure = mode;
      attempts = 0;
      const started = performance.now();
      const res = await h.checkout(user, { package_id: 'credits_100' });
      const ms = performance.now() - started;
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('payment_provider_unreachable');
      expect(error.message).toMatch(/Stripe.*nothing was recorded as paid/);
      expect(attempts).toBeGreaterThanOrEqual(1);
      expect(attempts).toBeLessThanOrEqual(maxAttempts);
      expect(await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, user.teamId))).toEqual([]);
      expect(await h.t.db.select().from(checkoutSessions).where(eq(checkoutSessions.teamId, user.teamId))).toEqual([]);
      // Two retries back off by at most a few seconds in all (the client's own delays).
      expect(ms).toBeLessThan(10_000);
      console.info(`Stripe ${mode}: 503 after ${attempts} attempt(s) in ${Math.round(ms)} ms`);
    },
    20_000,
  );
});
