import type { Params } from '../http/params.js';
import { invalidRequest } from '../http/errors.js';
import { STRIPE_PARAMS } from './stripe-params.generated.js';

export type Endpoint = keyof typeof STRIPE_PARAMS;

/**
 * Checks a request's top-level parameters against Stripe's list for the endpoint (generated from the
 * stripe package's types): unknown ones are 400 `parameter_unknown`, as on Stripe; known ones the
 * local Stripe does not implement are 400 `parameter_unsupported`, never silently ignored.
 */
export function accept(p: Params, endpoint: Endpoint, implemented: string): void {
  p.allowOnly(STRIPE_PARAMS[endpoint]);
  const done = new Set([...implemented.trim().split(/\s+/), 'expand']);
  for (const key of Object.keys(p.raw)) {
    if (!done.has(key)) {
      throw invalidRequest(
        `The parameter \`${key}\` is not supported by the local Stripe (stripe-emulator); it would be ignored here but not by Stripe.`,
        key,
        'parameter_unsupported',
      );
    }
  }
}
