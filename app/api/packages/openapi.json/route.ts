import { cachedOpenApiJson } from '@/lib/openapi/document';
import { API_ROUTES } from '@/lib/openapi/routes';
import { getEnv } from '@/lib/config/env';

/** Public: the API's description, generated from the zod schemas the routes validate with. */
export function GET() {
  return new Response(cachedOpenApiJson(API_ROUTES, getEnv().APP_URL), {
    headers: { 'content-type': 'application/json' },
  });
}
