import { z } from 'zod';
import type { RouteSpec } from './registry';

type JsonSchema = Record<string, unknown>;

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, location: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

/** Builds the OpenAPI 3.1 document of the API from the route registry. */
export function buildOpenApiDocument(routes: readonly RouteSpec[], serverUrl: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const responses: Record<string, JsonSchema> = {};
    for (const [status, r] of Object.entries(route.responses)) {
      responses[status] = r.schema
        ? { description: r.description, content: { 'application/json': { schema: jsonSchema(r.schema, 'output') } } }
        : { description: r.description };
    }
    for (const status of route.auth === 'user' || route.auth === 'platform_admin' ? ['401', '403'] : []) {
      responses[status] ??= {
        description:
          status === '401'
            ? 'Missing or invalid credentials'
            : 'Not allowed for this role, or (plan_upgrade_required) a user token of a team whose plan has no API access',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    responses['400'] ??= {
      description: 'Invalid input',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
    if (route.body) {
      responses['413'] ??= {
        description: 'Request body over 64 KB (payload_too_large)',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const operation: JsonSchema = {
      summary: route.summary,
      operationId: `${route.method}${route.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses,
      security:
        route.auth === 'user' || route.auth === 'platform_admin' ? [{ bearerToken: [] }, { sessionCookie: [] }] : [],
    };
    if (route.body)
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
      };
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'AgileForge Packages API',
      version: '1.0.0',
      description:
        'Plans, credit packs, add-ons and AI story credits. Amounts are integer minor units with a currency.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, 'output') },
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'A personal API token (afk_...)' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'authjs.session-token' },
      },
    },
  };
}

const builtDocuments = new Map<string, JsonSchema>();

/**
 * The document only depends on the code and the server URL, so it is built once per URL and
 * served from then on; rebuilding it converted every zod schema on every request.
 */
export function cachedOpenApiDocument(routes: readonly RouteSpec[], serverUrl: string): JsonSchema {
  let document = builtDocuments.get(serverUrl);
  if (!document) {
    document = buildOpenApiDocument(routes, serverUrl);
    builtDocuments.set(serverUrl, document);
  }
  return document;
}

const serialisedDocuments = new Map<string, string>();

/** The same document as JSON text, serialised once: stringifying it per request was most of the route's cost. */
export function cachedOpenApiJson(routes: readonly RouteSpec[], serverUrl: string): string {
  let json = serialisedDocuments.get(serverUrl);
  if (!json) {
    json = JSON.stringify(cachedOpenApiDocument(routes, serverUrl));
    serialisedDocuments.set(serverUrl, json);
  }
  return json;
}
