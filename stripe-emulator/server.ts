import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { EmulatorCore } from './emulator.js';
import { silentLogger, type Logger } from './logger.js';
import { Router } from './http/router.js';
import { readBody } from './http/body.js';
import { handleApi } from './http/api.js';
import { registerApiRoutes } from './resources/index.js';
import { handleHelpers } from './helpers/handle.js';
import { handlePages } from './pages/handle.js';
import type { FlushOrder } from './webhooks/delivery.js';
import { DEFAULT_BILLING_SETTINGS, type BillingSettings } from './context.js';

export interface StripeEmulatorOptions {
  port?: number; // 0 = random free port; default 12111
  host?: string; // default 127.0.0.1
  dataFile?: string | null; // JSON snapshot path for dev restarts; null/undefined = memory only
  webhookUrls?: string[];
  /** Event types to deliver, as a Stripe endpoint's `enabled_events`; default `['*']`, every type. */
  enabledEvents?: string[];
  webhookSecret?: string;
  chaos?: boolean; // deliver each event twice, in shuffled order
  deliveryMode?: 'auto' | 'manual'; // manual: events queue until flushed
  now?: () => number; // base clock in ms; the emulator adds its own adjustable offset
  logger?: Logger;
  /** First retry delay for failed webhook deliveries; doubles per attempt. */
  retryBaseMs?: number;
  /** Upper bound of a single retry delay. */
  retryMaxMs?: number;
  /** Attempts per event and endpoint before giving up. */
  maxAttempts?: number;
  /** Failed subscription payments: retry days (default 3, 5, 7) and the outcome after the last (default cancel). */
  billing?: Partial<BillingSettings>;
}

export interface StripeEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
  flushWebhooks(opts?: { order?: FlushOrder; duplicate?: boolean }): Promise<void>;
  pendingEvents(): Stripe.Event[];
  setWebhookUrls(urls: string[]): void;
}

export const DEFAULT_WEBHOOK_SECRET = 'whsec_local_emulator_secret';

function billingSettings(given: Partial<BillingSettings> = {}): BillingSettings {
  const retryDays = given.retryDays ?? DEFAULT_BILLING_SETTINGS.retryDays;
  if (retryDays.some((d, i) => !Number.isFinite(d) || d <= 0 || (i > 0 && d <= (retryDays[i - 1] ?? 0)))) {
    throw new Error(`billing.retryDays must be increasing positive day numbers, got ${retryDays.join(',')}`);
  }
  return { retryDays, afterFinalFailure: given.afterFinalFailure ?? DEFAULT_BILLING_SETTINGS.afterFinalFailure };
}

export async function startStripeEmulator(opts: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const logger = opts.logger ?? silentLogger;
  const core = new EmulatorCore({
    dataFile: opts.dataFile ?? null,
    webhookUrls: opts.webhookUrls ?? [],
    enabledEvents: opts.enabledEvents ?? ['*'],
    webhookSecret: opts.webhookSecret ?? DEFAULT_WEBHOOK_SECRET,
    chaos: opts.chaos ?? false,
    deliveryMode: opts.deliveryMode ?? 'auto',
    retryBaseMs: opts.retryBaseMs ?? 1000,
    retryMaxMs: opts.retryMaxMs ?? 60_000,
    maxAttempts: opts.maxAttempts ?? 8,
    now: opts.now ?? Date.now,
    logger,
    billing: billingSettings(opts.billing),
  });
  const router = new Router();
  registerApiRoutes(router);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/v1/')) return handleApi(core, router, req, res, url, raw);
    if (url.pathname.startsWith('/_emulator/')) return handleHelpers(core, req, res, url, raw);
    return handlePages(core, req, res, url, raw);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      logger.error({ err: e }, 'stripe emulator request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: String(e) } }));
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 12111, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  core.baseUrl = `http://${host}:${port}`;

  return {
    url: core.baseUrl,
    port,
    async close() {
      core.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    flushWebhooks: (o) => core.dispatcher.flush(o),
    pendingEvents: () => core.pendingEvents(),
    setWebhookUrls: (urls) => core.dispatcher.setUrls(urls),
  };
}
