import type { Router } from '../http/router.js';
import { registerProducts } from './products.js';
import { registerPrices } from './prices.js';
import { registerCustomers } from './customers.js';
import { registerEvents } from './events.js';
import { registerCheckoutSessions } from './checkout-sessions.js';
import { registerSubscriptions } from './subscriptions.js';
import { registerSubscriptionItems } from './subscription-items.js';
import { registerInvoices } from './invoices.js';
import { registerPaymentIntentsAndCharges } from './payments.js';
import { registerRefunds } from './refunds.js';
import { registerBillingPortal } from './billing-portal.js';
import { registerTestClocks } from './test-clocks.js';
import { registerPaymentMethods } from './payment-methods.js';
import { registerPaymentIntents } from './payment-intents.js';
import { registerSetupIntents } from './setup-intents.js';
import { registerSubscriptionCreate } from './subscription-create.js';
import { registerInvoiceItems } from './invoice-items.js';
import { registerDraftInvoices } from './draft-invoices.js';
import { registerCoupons } from './coupons.js';
import { registerInvoicePayments } from './invoice-payments.js';
import { registerBillingPortalConfigurations } from './billing-portal-configurations.js';

export function registerApiRoutes(r: Router): void {
  registerProducts(r);
  registerPrices(r);
  registerCustomers(r);
  registerEvents(r);
  registerCheckoutSessions(r);
  registerSubscriptions(r);
  registerSubscriptionItems(r);
  registerInvoices(r);
  registerPaymentIntentsAndCharges(r);
  registerRefunds(r);
  registerBillingPortal(r);
  registerTestClocks(r);
  registerPaymentMethods(r);
  registerPaymentIntents(r);
  registerSetupIntents(r);
  registerSubscriptionCreate(r);
  registerInvoiceItems(r);
  registerCoupons(r);
  registerInvoicePayments(r);
  registerBillingPortalConfigurations(r);
  // Last: `POST /v1/invoices/:id` would otherwise shadow fixed paths such as /v1/invoices/create_preview.
  registerDraftInvoices(r);
}
