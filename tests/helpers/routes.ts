import path from 'node:path';
import { API_ROUTES } from '@/lib/openapi/routes';
import type { RouteSpec } from '@/lib/openapi/registry';
import { routeParams, TEST_APP_URL } from './app';

/** String.prototype.toWellFormed (Node 20+, not in this TypeScript lib): lone surrogates become U+FFFD. */
const wellFormed = (s: string) =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** The route file that serves an OpenAPI path: `/api/packages/{package_id}` → app/api/packages/[package_id]/route.ts. */
export function routeFile(spec: RouteSpec): string {
  return path.resolve(
    'app',
    ...spec.path
      .replace(/\{([^}]+)\}/g, '[$1]')
      .split('/')
      .filter(Boolean),
    'route.ts',
  );
}

/** Every documented operation, named `GET /api/packages/...`. */
export const DOCUMENTED_ROUTES = API_ROUTES.map((spec) => ({
  name: `${spec.method.toUpperCase()} ${spec.path}`,
  spec,
}));

export interface RouteCall {
  params?: Record<string, string>;
  query?: string;
  token?: string;
  headers?: Record<string, string>;
  /** A string is sent as it is; anything else as JSON. Omitted: `{}` for methods with a body. */
  body?: unknown;
}

/** Calls the real handler of a documented operation with a Request built from the parts given. */
export async function callRoute(spec: RouteSpec, call: RouteCall = {}): Promise<Response> {
  const mod = (await import(/* @vite-ignore */ routeFile(spec))) as Record<string, Handler>;
  const method = spec.method.toUpperCase();
  const params = call.params ?? {};
  // A lone surrogate cannot travel in a URL (it becomes U+FFFD); the handler still gets the raw value in `params`.
  const url = new URL(
    spec.path.replace(/\{([^}]+)\}/g, (_, k: string) => encodeURIComponent(wellFormed(params[k] ?? 'x'))),
    TEST_APP_URL,
  );
  if (call.query) url.search = call.query;
  const headers: Record<string, string> = { ...call.headers };
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  const hasBody = method !== 'GET' && method !== 'DELETE';
  const body = hasBody ? (call.body ?? {}) : undefined;
  if (body !== undefined && typeof body !== 'string') headers['content-type'] ??= 'application/json';
  const req = new Request(url, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const handler = mod[method];
  if (!handler) throw new Error(`${routeFile(spec)} exports no ${method}`);
  return handler(req, routeParams(params));
}
