import fs from 'node:fs';
import { connectDatabase } from '../db/client';
import { EMULATOR_SECRET_KEY } from '../lib/config/env';
import { initPackages } from '../lib/catalog/init-packages';
import { createLogger } from '../lib/logger';
import { createStripeClient } from '../lib/stripe/client';
import { createUser } from '../lib/accounts';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../lib/accounts/demo';
import { HANDLED_EVENT_TYPES } from '../lib/webhooks/event-types';
import { e2eOutboxDir } from '../tests/e2e/outbox';
import { buildApp, createHarness, freshDatabase, productionEnv, startApp, startLocalStripe } from './production-app';

/**
 * The app as Playwright tests it: a production build on a fresh database (a new database on
 * TEST_DATABASE_URL's server, or an in-memory PGlite) with its own local Stripe.
 */
const appPort = process.env.E2E_APP_PORT ?? '3100';
const stripePort = process.env.E2E_STRIPE_PORT ?? '12112';
const appUrl = `http://127.0.0.1:${appPort}`;
const stripeBase = `http://127.0.0.1:${stripePort}`;
const webhookSecret = 'whsec_e2e_secret';
const logger = createLogger({ level: 'info' });
const harness = createHarness();

const { url: databaseUrl, poolMax, prepare } = await freshDatabase(harness, process.env.TEST_DATABASE_URL, 'af_e2e');

await startLocalStripe(harness, {
  port: stripePort,
  webhookUrl: `${appUrl}/api/packages/webhook`,
  webhookEvents: HANDLED_EVENT_TYPES,
  webhookSecret,
});

const db = connectDatabase(databaseUrl, { max: 1, prepare });
await initPackages({
  db: db.db,
  stripe: createStripeClient({ kind: 'emulator', apiBase: stripeBase, secretKey: EMULATOR_SECRET_KEY }),
  logger,
});
// The tests sign in as the demo user. This database is the harness's own (created above, dropped
// on exit), so the fixture is made here; the product seeds it only into the embedded database.
await createUser(db.db, { email: DEMO_EMAIL, password: DEMO_PASSWORD, name: 'Demo User', isPlatformAdmin: true });
await db.close();

fs.rmSync(e2eOutboxDir(appPort), { recursive: true, force: true });
const appEnv = productionEnv({
  appUrl,
  databaseUrl,
  poolMax,
  prepare,
  stripeBase,
  webhookSecret,
  // Mails (verification, reset, invitations) land here; tests read them from disk.
  extra: { MAIL_OUTBOX_DIR: e2eOutboxDir(appPort) },
});
if (!process.env.E2E_SKIP_BUILD) {
  const status = await buildApp(appEnv);
  if (status !== 0) await harness.shutdown(status);
}
const app = startApp(harness, appEnv, appPort);
app.on('exit', (code) => void harness.shutdown(code ?? 0));
