import type { Params } from '../http/params.js';
import { ApiError, invalidRequest } from '../http/errors.js';
import { STRIPE_PARAMS } from './stripe-params.generated.js';

export type Endpoint = keyof typeof STRIPE_PARAMS;

/** 400 for a parameter Stripe knows but the local Stripe does not implement. */
export function parameterUnsupported(param: string): ApiError {
  return invalidRequest(
    `The parameter \`${param}\` is not supported by the local Stripe (stripe-emulator); it would be ignored here but not by Stripe.`,
    param,
    'parameter_unsupported',
  );
}

/**
 * Checks a request's top-level parameters against Stripe's list for the endpoint (generated from the
 * stripe package's types): unknown ones are 400 `parameter_unknown`, as on Stripe; known ones the
 * local Stripe does not implement are 400 `parameter_unsupported`, never silently ignored.
 * For a nested hash (`product_data`, `recurring`) pass Stripe's keys of that hash as `known`.
 */
export function accept(p: Params, endpoint: Endpoint | readonly string[], implemented: string): void {
  p.allowOnly(typeof endpoint === 'string' ? STRIPE_PARAMS[endpoint] : endpoint);
  const done = new Set([...implemented.trim().split(/\s+/), 'expand']);
  for (const key of Object.keys(p.raw)) {
    if (!done.has(key)) throw parameterUnsupported(p.name(key));
  }
}
