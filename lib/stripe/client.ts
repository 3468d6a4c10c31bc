import Stripe from 'stripe';
import type { StripeMode } from '@/lib/config/env';

/**
 * The one place a Stripe client is made. In emulator mode every request goes to the
 * local Stripe at `apiBase`; with a real key and no base it talks to api.stripe.com.
 */
export function createStripeClient(
  mode: StripeMode,
  options: { maxNetworkRetries?: number; timeoutMs?: number } = {},
): Stripe {
  const config: Stripe.StripeConfig = {
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 20_000,
    appInfo: { name: 'agileforge-packages' },
  };
  if (mode.apiBase) {
    const base = new URL(mode.apiBase);
    config.host = base.hostname;
    config.port = Number(base.port || (base.protocol === 'https:' ? 443 : 80));
    config.protocol = base.protocol === 'https:' ? 'https' : 'http';
  }
  return new Stripe(mode.secretKey, config);
}
