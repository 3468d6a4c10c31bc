import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import type { AddressInfo } from 'node:net';
import { POST as webhookRoute } from '@/app/api/packages/webhook/route';
import { POST as checkoutRoute } from '@/app/api/packages/checkout/route';
import { initPackages } from '@/lib/catalog/init-packages';
import { ManualClock } from '@/lib/clock';
import { createLogger } from '@/lib/logger';
import type { AppContext } from '@/lib/server/context';
import { startStripeEmulator, type StripeEmulator } from '@/stripe-emulator/server';
import { createTestDatabase, type TestDatabase } from './db';
import { apiRequest, installTestContext, TEST_APP_URL, type TestUser } from './app';

export const WEBHOOK_SECRET = 'whsec_test_secret';
// Each simulated client gets its own address, so the per-IP checkout limit does not couple tests.
let clientCounter = 0;

export interface BillingHarness {
  t: TestDatabase;
  emu: StripeEmulator;
  app: AppContext;
  /** Delivers every pending Stripe event to the webhook route, in the chosen order. */
  deliver(options?: { order?: 'fifo' | 'reverse' | 'shuffled'; duplicate?: boolean }): Promise<void>;
  /** POSTs to an /_emulator helper. */
  emulator(path: string, body?: unknown): Promise<Response>;
  checkout(user: TestUser, body: Record<string, unknown>): Promise<Response>;
  /** Checkout + payment with a card + webhook delivery; returns the session id. */
  buy(
    user: TestUser,
    packageId: string,
    options?: {
      card?: string;
      trialDays?: number;
      currency?: string;
      order?: 'fifo' | 'reverse' | 'shuffled';
      duplicate?: boolean;
    },
  ): Promise<string>;
  /** Moves the local Stripe's clock (a test clock: renewals fall due) and the app's clock with it. */
  advanceClock(seconds: number): Promise<void>;
  /** Sets the app's clock to the local Stripe's current time (after `/advance` helpers move it). */
  syncClock(): Promise<void>;
  close(): Promise<void>;
}

export interface BillingHarnessOptions {
  /**
   * Starts the local Stripe's clock at this instant and keeps it still (only `advanceClock` and the
   * advance helpers move it); the app's clock follows it. Default: real time.
   */
  startAt?: string;
  /** The local Stripe's dunning settings (retry days, what happens after the last failed retry). */
  billing?: { retryDays?: number[]; afterFinalFailure?: 'cancel' | 'unpaid' | 'past_due' };
}

/** A database, a local Stripe in manual delivery mode, and a receiver that hands its webhooks to the route. */
export async function startBillingHarness(options: BillingHarnessOptions = {}): Promise<BillingHarness> {
  const fixedStartMs = options.startAt ? new Date(options.startAt).getTime() : undefined;
  const receiver: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = new Request(`${TEST_APP_URL}/api/packages/webhook`, {
        method: 'POST',
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks),
      });
      webhookRoute(request).then(
        async (response) => {
          res.writeHead(response.status, { 'content-type': 'application/json' });
          res.end(await response.text());
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
  const [t, emu] = await Promise.all([
    createTestDatabase(),
    startStripeEmulator({
      port: 0,
      deliveryMode: 'manual',
      webhookUrls: [receiverUrl],
      webhookSecret: WEBHOOK_SECRET,
      retryBaseMs: 20,
      retryMaxMs: 100,
      maxAttempts: 4,
      ...(fixedStartMs !== undefined ? { now: () => fixedStartMs } : {}),
      ...(options.billing ? { billing: options.billing } : {}),
    }),
  ]);
  const clock = new ManualClock(fixedStartMs ?? new Date());
  const app = installTestContext(t, { stripeBase: emu.url, clock });
  const syncClock = async () => {
    const res = await fetch(`${emu.url}/_emulator/clock`);
    clock.set(((await res.json()) as { now: number }).now * 1000);
  };
  await initPackages({ db: t.db, stripe: app.stripe, logger: createLogger({ level: 'silent' }) });
  await emu.flushWebhooks();

  const harness: BillingHarness = {
    t,
    emu,
    app,
    deliver: (options) => emu.flushWebhooks(options),
    emulator: (path, body) =>
      fetch(`${emu.url}/_emulator/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      }),
    checkout: (user, body) =>
      checkoutRoute(
        apiRequest('/api/packages/checkout', {
          token: user.token,
          headers: { 'x-forwarded-for': `203.0.113.${++clientCounter % 250}` },
          body: { success_url: `${TEST_APP_URL}/ok`, cancel_url: `${TEST_APP_URL}/cancel`, ...body },
        }),
      ),
    async buy(user, packageId, options = {}) {
      const res = await harness.checkout(user, {
        package_id: packageId,
        ...(options.trialDays ? { trial_days: options.trialDays } : {}),
        ...(options.currency ? { currency: options.currency } : {}),
      });
      if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${await res.text()}`);
      const { session_id } = (await res.json()) as { session_id: string };
      const paid = await harness.emulator(`checkout/sessions/${session_id}/complete`, {
        card: options.card ?? '4242424242424242',
      });
      if (!paid.ok) throw new Error(`payment failed: ${paid.status} ${await paid.text()}`);
      await harness.deliver({ order: options.order, duplicate: options.duplicate });
      return session_id;
    },
    syncClock,
    async advanceClock(seconds) {
      const res = await harness.emulator('clock/advance', { seconds });
      if (!res.ok) throw new Error(`clock advance failed: ${res.status} ${await res.text()}`);
      await syncClock();
    },
    async close() {
      await emu.close();
      await t.close();
      await new Promise((r) => receiver.close(r));
    },
  };
  return harness;
}

/** The test file's own billing harness: started before its tests, closed after them. */
export function billingHarnessForFile(options: BillingHarnessOptions = {}): BillingHarness {
  let current: BillingHarness | undefined;
  beforeAll(async () => {
    current = await startBillingHarness(options);
  }, 60_000);
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as BillingHarness, {
    get(_target, key) {
      if (!current) throw new Error('the billing harness exists only while the file runs');
      return Reflect.get(current, key, current);
    },
  });
}
