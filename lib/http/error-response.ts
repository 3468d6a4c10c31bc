import { ZodError } from 'zod';
import {
  AppError,
  Conflict,
  NotFound,
  PaymentDeclined,
  RateLimited,
  ServiceUnavailable,
  ValidationFailed,
} from '@/lib/errors';
import type { Logger } from '@/lib/logger';

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Turns a zod failure into a message that names the offending field. */
export function validationError(err: ZodError): ValidationFailed {
  const first = err.issues[0];
  const field = first?.path.length ? first.path.join('.') : 'body';
  return new ValidationFailed(`${field}: ${first?.message ?? 'invalid'}`, {
    fields: err.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })),
  });
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P03',
  '53300',
]);

function isUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; type?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  // The stripe package's network failures.
  if (e.type === 'StripeConnectionError' || e.type === 'StripeAPIError' || e.type === 'StripeRateLimitError')
    return true;
  return e.cause !== undefined && e.cause !== err && isUnavailable(e.cause);
}

interface StripeErrorShape {
  type: string;
  code?: string;
  param?: string;
  message?: string;
  decline_code?: string;
  statusCode?: number;
}

function asStripeError(err: unknown): StripeErrorShape | null {
  if (typeof err !== 'object' || err === null) return null;
  const type = (err as { type?: unknown }).type;
  return typeof type === 'string' && type.startsWith('Stripe') ? (err as StripeErrorShape) : null;
}

/**
 * Stripe's refusals as answers: a declined card is the customer's to fix (402 with Stripe's own
 * message, written for buyers), a missing object is 404, any other refused request is a 409
 * naming Stripe's reason; trouble on Stripe's side or with our key is 503. Never a 500.
 */
function fromStripeError(err: StripeErrorShape): AppError | null {
  switch (err.type) {
    case 'StripeCardError':
      return new PaymentDeclined(err.message ?? 'Your card was declined.', err.decline_code ?? err.code);
    case 'StripeInvalidRequestError':
      if (err.code === 'resource_missing' || err.statusCode === 404)
        return new NotFound(`Stripe has no such object: ${err.message ?? 'unknown'}`, 'stripe_object_missing');
      return new Conflict(`Stripe refused the change: ${err.message ?? 'invalid request'}`, 'stripe_refused', {
        ...(err.code ? { stripe_code: err.code } : {}),
        ...(err.param ? { param: err.param } : {}),
      });
    case 'StripeIdempotencyError':
      return new Conflict(
        'This request conflicts with an earlier one with the same key; retry it',
        'idempotency_conflict',
      );
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
      return new ServiceUnavailable(
        'Payments are unavailable right now; please retry later',
        'payment_provider_unavailable',
      );
    // Stripe down, overloaded or out of reach (after the client's own bounded retries).
    case 'StripeConnectionError':
    case 'StripeAPIError':
    case 'StripeRateLimitError':
      return new ServiceUnavailable(
        'The payment provider (Stripe) is not answering right now; nothing was recorded as paid, please retry shortly',
        'payment_provider_unreachable',
      );
    default:
      return null;
  }
}

/** The one mapper from any thrown value to the JSON error envelope. Never leaks a stack trace. */
export function toErrorResponse(err: unknown, logger?: Logger): Response {
  let appError: AppError;
  if (err instanceof AppError) appError = err;
  else if (err instanceof ZodError) appError = validationError(err);
  else if (asStripeError(err) && fromStripeError(asStripeError(err)!)) {
    appError = fromStripeError(asStripeError(err)!)!;
    // Our key being refused is our problem, not the customer's: worth an alert.
    if (appError.code === 'payment_provider_unavailable') logger?.error({ err }, 'Stripe refused our credentials');
    else if (appError.code === 'payment_provider_unreachable') logger?.warn({ err }, 'Stripe unavailable');
    else logger?.info({ code: appError.code, stripeType: asStripeError(err)!.type }, 'Stripe refused a request');
  } else if (isUnavailable(err) || asStripeError(err)) {
    logger?.warn({ err }, 'Dependency unavailable');
    appError = new ServiceUnavailable();
  } else {
    logger?.error({ err }, 'Unhandled error');
    appError = new AppError('internal_error', 'Something went wrong on our side; it has been logged', 500);
  }
  const body: ErrorBody = { error: { code: appError.code, message: appError.message } };
  if (appError.details) body.error.details = appError.details;
  const headers: Record<string, string> = {};
  if (appError instanceof RateLimited) headers['Retry-After'] = String(appError.retryAfterSeconds);
  if (appError instanceof ServiceUnavailable) headers['Retry-After'] = '5';
  return Response.json(body, { status: appError.status, headers });
}
