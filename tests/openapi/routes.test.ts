import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '@/lib/openapi/document';
import { API_ROUTES } from '@/lib/openapi/routes';

const apiRoot = path.resolve('app/api/packages');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Every (method, OpenAPI path) that a route file under app/api/packages exports. */
function routesOnDisk(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'route.ts') {
        const rel = path.relative(apiRoot, path.dirname(full)).split(path.sep).filter(Boolean);
        const apiPath = ['/api/packages', ...rel.map((s) => s.replace(/^\[(.+)\]$/, '{$1}'))].join('/');
        const source = fs.readFileSync(full, 'utf8');
        for (const m of METHODS) {
          if (
            new RegExp(`export (async )?function ${m}\\b|export const ${m}\\b|export \\{[^}]*\\b${m}\\b`).test(source)
          )
            found.push(`${m.toLowerCase()} ${apiPath}`);
        }
      }
    }
  };
  walk(apiRoot);
  return found.sort();
}

describe('OpenAPI document', () => {
  it('documents exactly the routes that exist', () => {
    const documented = API_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(documented).toEqual(routesOnDisk());
  });

  it('is a valid-looking OpenAPI 3.1 document with request schemas from zod', () => {
    const doc = buildOpenApiDocument(API_ROUTES, 'http://localhost:3000') as {
      openapi: string;
      paths: Record<string, Record<string, { parameters: { name: string }[] }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const list = doc.paths['/api/packages']!.get!;
    expect(list.parameters.map((p) => p.name)).toContain('package_type');
    expect(JSON.stringify(list)).toContain('credit_pack');
  });
});

describe('serving the OpenAPI document', () => {
  it('builds the document once per server URL and serves that same document afterwards', async () => {
    const { cachedOpenApiDocument } = await import('@/lib/openapi/document');
    const first = cachedOpenApiDocument(API_ROUTES, 'http://cache-a.test');
    expect(cachedOpenApiDocument(API_ROUTES, 'http://cache-a.test')).toBe(first);
    expect(first).toEqual(buildOpenApiDocument(API_ROUTES, 'http://cache-a.test'));
    const other = cachedOpenApiDocument(API_ROUTES, 'http://cache-b.test');
    expect(other).not.toBe(first);
    expect(other).toEqual(buildOpenApiDocument(API_ROUTES, 'http://cache-b.test'));
  });
});
