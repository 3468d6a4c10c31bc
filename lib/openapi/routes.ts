import { z } from 'zod';
import { listPackagesQuery, packageIdParam, packageSchema } from '@/lib/catalog/schemas';
import { entitlementsSchema } from '@/lib/entitlements/schemas';
import type { RouteSpec } from './registry';

const packageList = z.array(packageSchema);

/**
 * Every route under /api/packages. A test checks this list against the route files, so a new
 * route must be added here (with the zod schemas it validates with) to pass.
 */
export const API_ROUTES: RouteSpec[] = [
  { method: 'get', path: '/api/packages', summary: 'List all packages, optionally of one type', auth: 'user', query: listPackagesQuery, responses: { 200: { description: 'Packages', schema: packageList } } },
  { method: 'get', path: '/api/packages/subscriptions', summary: 'List subscription plans', auth: 'user', responses: { 200: { description: 'Plans', schema: packageList } } },
  { method: 'get', path: '/api/packages/addons', summary: 'List add-ons', auth: 'user', responses: { 200: { description: 'Add-ons', schema: packageList } } },
  { method: 'get', path: '/api/packages/credits', summary: 'List credit packs', auth: 'user', responses: { 200: { description: 'Credit packs', schema: packageList } } },
  { method: 'get', path: '/api/packages/{package_id}', summary: 'Get one package', auth: 'user', params: packageIdParam, responses: { 200: { description: 'The package', schema: packageSchema }, 404: { description: 'Unknown or inactive package' } } },
  { method: 'get', path: '/api/packages/user/entitlements', summary: "The current team's effective limits and features", auth: 'user', responses: { 200: { description: 'Entitlements', schema: entitlementsSchema } } },
  { method: 'get', path: '/api/packages/openapi.json', summary: 'This OpenAPI document', auth: 'none', responses: { 200: { description: 'OpenAPI 3.1 document' } } },
];
