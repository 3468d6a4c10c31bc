/** Stripe's error envelope: `{ error: { type, code, param, message, doc_url } }`. */
export type StripeErrorType =
  'invalid_request_error' | 'card_error' | 'api_error' | 'idempotency_error' | 'authentication_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  code?: string;
  param?: string;
  message: string;
  doc_url?: string;
  decline_code?: string;
  payment_intent?: unknown;
  setup_intent?: unknown;
}

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }
  toJSON(): { error: StripeErrorBody } {
    return { error: this.body };
  }
}

const doc = (code: string) => `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;

export function resourceMissing(kind: string, id: string, param = 'id'): ApiError {
  return new ApiError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param,
    message: `No such ${kind}: '${id}'`,
    doc_url: doc('resource_missing'),
  });
}

export function parameterMissing(param: string): ApiError {
  return new ApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    param,
    message: `Missing required param: ${param}.`,
    doc_url: doc('parameter_missing'),
  });
}

export function parameterInvalid(param: string, message?: string): ApiError {
  return new ApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_invalid',
    param,
    message: message ?? `Invalid value for ${param}.`,
    doc_url: doc('parameter_invalid'),
  });
}

export function parameterUnknown(param: string): ApiError {
  return new ApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_unknown',
    param,
    message: `Received unknown parameter: ${param}`,
    doc_url: doc('parameter_unknown'),
  });
}

export function invalidRequest(message: string, param?: string, code?: string): ApiError {
  return new ApiError(400, { type: 'invalid_request_error', message, param, code });
}

export function cardDeclined(message = 'Your card was declined.', declineCode = 'generic_decline'): ApiError {
  return new ApiError(402, {
    type: 'card_error',
    code: 'card_declined',
    decline_code: declineCode,
    message,
    doc_url: doc('card_declined'),
  });
}
