import { ZodError } from 'zod';
import { AppError, RateLimited, ServiceUnavailable, ValidationFailed } from '@/lib/errors';
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

/** The one mapper from any thrown value to the JSON error envelope. Never leaks a stack trace. */
export function toErrorResponse(err: unknown, logger?: Logger): Response {
  let appError: AppError;
  if (err instanceof AppError) appError = err;
  else if (err instanceof ZodError) appError = validationError(err);
  else if (isUnavailable(err)) {
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
