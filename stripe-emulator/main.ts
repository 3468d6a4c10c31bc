import pino from 'pino';
import { DEFAULT_WEBHOOK_SECRET, startStripeEmulator } from './server.js';

/** `npm run stripe:emulator`: a long-lived local Stripe for `npm run dev`. */
const logger = pino({ name: 'stripe-emulator', level: process.env.LOG_LEVEL ?? 'info' });

const port = Number(process.env.STRIPE_EMULATOR_PORT || 12111);
// Unset: the default snapshot file; set but empty: memory only (used by e2e runs).
const dataEnv = process.env.STRIPE_EMULATOR_DATA;
const dataFile = dataEnv === undefined ? '.data/stripe-emulator.json' : dataEnv || null;
const webhookUrls = (process.env.STRIPE_EMULATOR_WEBHOOK_URL ?? 'http://localhost:3000/api/packages/webhook')
  .split(',')
  .map((u) => u.trim())
  .filter(Boolean);

// Like a Stripe endpoint's enabled_events: comma-separated types, or * (default) for all.
const enabledEvents = (process.env.STRIPE_EMULATOR_WEBHOOK_EVENTS || '*')
  .split(',')
  .map((t) => t.trim())
  .filter(Boolean);

// Revenue recovery settings: retry days after a failed subscription payment, then cancel | unpaid | past_due.
const retryDays = process.env.STRIPE_EMULATOR_RETRY_DAYS?.split(',')
  .map((d) => Number(d.trim()))
  .filter((d) => d > 0);
const afterFinalFailure = process.env.STRIPE_EMULATOR_AFTER_FINAL_FAILURE;
if (afterFinalFailure && !['cancel', 'unpaid', 'past_due'].includes(afterFinalFailure)) {
  throw new Error('STRIPE_EMULATOR_AFTER_FINAL_FAILURE must be cancel, unpaid or past_due');
}

const emulator = await startStripeEmulator({
  billing: {
    ...(retryDays ? { retryDays } : {}),
    ...(afterFinalFailure ? { afterFinalFailure: afterFinalFailure as 'cancel' | 'unpaid' | 'past_due' } : {}),
  },
  port,
  enabledEvents,
  host: process.env.STRIPE_EMULATOR_HOST ?? '127.0.0.1',
  webhookUrls,
  webhookSecret: process.env.STRIPE_WEBHOOK_SECRET || DEFAULT_WEBHOOK_SECRET,
  dataFile,
  chaos: process.env.STRIPE_EMULATOR_CHAOS === '1',
  logger: {
    info: (...a) => logger.info(...(a as [object, string])),
    warn: (...a) => logger.warn(...(a as [object, string])),
    error: (...a) => logger.error(...(a as [object, string])),
  },
});
logger.info(
  { url: emulator.url, webhookUrls, enabledEvents, dataFile, chaos: process.env.STRIPE_EMULATOR_CHAOS === '1' },
  `stripe emulator listening on ${emulator.url}`,
);

const shutdown = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
