import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from '../../stripe-emulator/server';

export const WEBHOOK_SECRET = 'whsec_test_emulator_secret';

export interface Harness {
  emu: StripeEmulator;
  stripe: Stripe;
  /**
   * Plain HTTP against the emulator (for /_emulator helpers and raw wire checks).
   * `json` is deliberately loose: tests assert on arbitrary response shapes.
   */
  http(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ): Promise<{ status: number; json: any; headers: Headers }>;
  close(): Promise<void>;
}

export function stripeClient(port: number, key = 'sk_test_emulator'): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
}

export async function startHarness(opts: StripeEmulatorOptions = {}): Promise<Harness> {
  const emu = await startStripeEmulator({ port: 0, retryBaseMs: 10, ...opts });
  const stripe = stripeClient(emu.port);
  return {
    emu,
    stripe,
    async http(method, path, body, headers = {}) {
      const res = await fetch(`${emu.url}${path}`, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: res.status, json, headers: res.headers };
    },
    close: () => emu.close(),
  };
}

export interface Received {
  body: string;
  headers: IncomingHttpHeaders;
  event: Stripe.Event;
}

/** A local webhook endpoint that records what it gets; `fail` decides a non-2xx answer. */
export async function startReceiver(fail: (n: number, event: Stripe.Event) => boolean = () => false): Promise<{
  url: string;
  /** Origin of the receiver, usable for success/cancel pages. */
  origin: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET') {
        // Doubles as the merchant site for success_url / cancel_url / return_url in browser tests.
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(`<!doctype html><title>Merchant</title><h1>Merchant page ${req.url}</h1>`);
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(body) as Stripe.Event;
      n += 1;
      if (fail(n, event)) {
        res.writeHead(500).end('nope');
        return;
      }
      received.push({ body, headers: req.headers, event });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Creates the catalog the app uses: plans with monthly/annual prices, a credit pack and an add-on. */
export async function seedCatalog(stripe: Stripe) {
  const professional = await stripe.products.create({ id: 'professional', name: 'Professional' });
  const monthly = await stripe.prices.create({
    product: professional.id,
    currency: 'usd',
    unit_amount: 1000,
    recurring: { interval: 'month' },
    lookup_key: 'professional_monthly',
    currency_options: { gbp: { unit_amount: 800 } },
  });
  const annual = await stripe.prices.create({
    product: professional.id,
    currency: 'usd',
    unit_amount: 10000,
    recurring: { interval: 'year' },
    lookup_key: 'professional_annual',
    currency_options: { gbp: { unit_amount: 8000 } },
  });
  const creditsProduct = await stripe.products.create({ id: 'credits_50', name: '50 AI Stories' });
  const credits = await stripe.prices.create({
    product: creditsProduct.id,
    currency: 'gbp',
    unit_amount: 500,
    lookup_key: 'credits_50',
  });
  const storageProduct = await stripe.products.create({ id: 'addon_storage', name: 'Extra Storage' });
  const storage = await stripe.prices.create({
    product: storageProduct.id,
    currency: 'usd',
    unit_amount: 200,
    recurring: { interval: 'month' },
    lookup_key: 'addon_storage',
    currency_options: { gbp: { unit_amount: 200 } },
  });
  return { professional, monthly, annual, credits, storage };
}

/**
 * A local Stripe frozen at `base` with the catalog and one test clock, and the helpers that tests
 * of billing over time share: the emulator's time, advancing the clock, the event types of one
 * object in order, a subscription's invoices, and a customer with a default card.
 */
export async function startClockedWorld(base: number, track: (h: Harness) => void) {
  const h = await startHarness({ now: () => base });
  track(h);
  const cat = await seedCatalog(h.stripe);
  const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(base / 1000) });
  const now = async () => ((await h.http('GET', '/_emulator/clock')).json as { now: number }).now;
  const advanceTo = async (ts: number) => {
    await h.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: ts });
  };
  const typesFor = async (id: string) => {
    const out: string[] = [];
    for await (const e of h.stripe.events.list({ limit: 100 })) {
      if ((e.data.object as { id?: string }).id === id) out.push(e.type);
    }
    return out.reverse();
  };
  const invoicesOf = async (sub: string) => (await h.stripe.invoices.list({ subscription: sub })).data;
  const withCard = async (customer: string) => {
    const pm = await h.stripe.paymentMethods.attach('pm_card_visa', { customer });
    await h.stripe.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
    return pm;
  };
  return { h, stripe: h.stripe, cat, clock, now, advanceTo, typesFor, invoicesOf, withCard };
}
