import { openDatabaseForScript } from '../db/open-for-script';
import { parseEnv, stripeMode } from '../lib/config/env';
import { createLogger } from '../lib/logger';
import { createStripeClient } from '../lib/stripe/client';
import { initPackages } from '../lib/catalog/init-packages';

// `npm run init:packages`: migrations, Stripe products and prices, and the stripe_products rows.
const env = parseEnv(process.env);
const logger = createLogger({ level: env.LOG_LEVEL });
const handle = await openDatabaseForScript({ migrate: true });
try {
  const mode = stripeMode(env);
  logger.info({ stripe: mode.kind, apiBase: mode.apiBase }, 'Initialising packages');
  const report = await initPackages({ db: handle.db, stripe: createStripeClient(mode), logger });
  logger.info({ ...report, ids: undefined }, 'Packages initialised');
} finally {
  await handle.close();
}
