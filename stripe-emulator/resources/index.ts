import type { Router } from '../http/router.js';
import { registerProducts } from './products.js';
import { registerPrices } from './prices.js';
import { registerCustomers } from './customers.js';
import { registerEvents } from './events.js';
import { registerCheckoutSessions } from './checkout-sessions.js';
import { registerSubscriptions } from './subscriptions.js';
import { registerSubscriptionItems } from './subscription-items.js';
import { registerInvoices } from './invoices.js';
import { registerInvoicePreview } from './invoice-preview.js';
import { registerPaymentIntentsAndCharges } from './payments.js';
import { registerRefunds } from './refunds.js';
import { registerDisputes } from './disputes.js';
import { registerBillingPortal } from './billing-portal.js';
import { registerTestClocks } from './test-clocks.js';
import { registerPaymentMethods } from './payment-methods.js';

export function registerApiRoutes(r: Router): void {
  registerProducts(r);
  registerPrices(r);
  registerCustomers(r);
  registerEvents(r);
  registerCheckoutSessions(r);
  registerSubscriptions(r);
  registerSubscriptionItems(r);
  registerInvoicePreview(r);
  registerInvoices(r);
  registerPaymentIntentsAndCharges(r);
  registerRefunds(r);
  registerDisputes(r);
  registerBillingPortal(r);
  registerTestClocks(r);
  registerPaymentMethods(r);
}
