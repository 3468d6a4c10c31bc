import { cachedOpenApiDocument } from '@/lib/openapi/document';
import { API_ROUTES } from '@/lib/openapi/routes';
import { getEnv } from '@/lib/config/env';

/** Public: the API's description, generated from the zod schemas the routes validate with. */
export function GET() {
  return Response.json(cachedOpenApiDocument(API_ROUTES, getEnv().APP_URL));
}
