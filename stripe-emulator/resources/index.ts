import type { Router } from '../http/router.js';
import { registerProducts } from './products.js';
import { registerPrices } from './prices.js';
import { registerCustomers } from './customers.js';
import { registerEvents } from './events.js';

export function registerApiRoutes(r: Router): void {
  registerProducts(r);
  registerPrices(r);
  registerCustomers(r);
  registerEvents(r);
}
