/**
 * Typed domain errors. Domain code throws these; `lib/http/error-response.ts` is the one
 * place that turns them into the JSON error envelope and an HTTP status.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid_request', message, 400, details);
  }
}

export class Unauthenticated extends AppError {
  constructor(message = 'Authentication required') {
    super('unauthenticated', message, 401);
  }
}

export class Forbidden extends AppError {
  constructor(message = 'You do not have permission to do this', code = 'forbidden') {
    super(code, message, 403);
  }
}

/** The team's plan does not include a feature; names the plan that does. */
export class PlanUpgradeRequired extends AppError {
  constructor(message: string, details: { feature: string; plan: string; upgrade_to: string }) {
    super('plan_upgrade_required', message, 403, details);
  }
}

export class NotFound extends AppError {
  constructor(message = 'Not found', code = 'not_found') {
    super(code, message, 404);
  }
}

export class PackageNotFound extends NotFound {
  constructor(packageId: string) {
    super(`Package '${packageId}' does not exist or is not available`, 'package_not_found');
  }
}

export class Conflict extends AppError {
  constructor(message: string, code = 'conflict', details?: Record<string, unknown>) {
    super(code, message, 409, details);
  }
}

export class InsufficientCredits extends AppError {
  constructor(
    readonly requested: number,
    readonly available: number,
  ) {
    super('insufficient_credits', 'Insufficient AI story credits', 402, { requested, available });
  }
}

/** The card was declined (Stripe's card error): the message is Stripe's, written for the buyer. */
export class PaymentDeclined extends AppError {
  constructor(message: string, declineCode?: string) {
    super('card_declined', message, 402, declineCode ? { decline_code: declineCode } : undefined);
  }
}

export class PayloadTooLarge extends AppError {
  constructor(readonly limitBytes: number) {
    super('payload_too_large', `The request body is larger than ${Math.round(limitBytes / 1024)} KB`, 413, {
      limit_bytes: limitBytes,
    });
  }
}

/** The client hung up before its request body arrived: nobody reads the answer, and nothing of ours failed. */
export class ClientClosedRequest extends AppError {
  constructor() {
    super('client_closed_request', 'The client closed the connection before sending its whole request', 499);
  }
}

export class RateLimited extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', `Too many requests; retry in ${retryAfterSeconds} seconds`, 429, {
      retry_after: retryAfterSeconds,
    });
  }
}

export class ServiceUnavailable extends AppError {
  constructor(
    message = 'A service this request depends on is unavailable; please retry shortly',
    code = 'service_unavailable',
  ) {
    super(code, message, 503);
  }
}
