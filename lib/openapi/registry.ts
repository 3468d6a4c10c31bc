import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One documented API operation; the zod schemas are the same ones the route validates with. */
export interface RouteSpec {
  method: HttpMethod;
  /** OpenAPI path, e.g. `/api/packages/{package_id}`. */
  path: string;
  summary: string;
  /** `user`: session cookie or API token; `platform_admin`; `stripe_signature`: the webhook. */
  auth: 'user' | 'platform_admin' | 'stripe_signature' | 'none';
  query?: z.ZodType;
  params?: z.ZodType;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}
