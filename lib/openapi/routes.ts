import { z } from 'zod';
import { listPackagesQuery, packageIdParam, packageSchema } from '@/lib/catalog/schemas';
import { performanceQuery, performanceResponse } from '@/lib/analytics/schemas';
import { entitlementsSchema } from '@/lib/entitlements/schemas';
import { creditsSchema, deductBody, reservationParams, reserveBody, spendResultSchema } from '@/lib/credits/schemas';
import { checkoutBody, checkoutResponse } from '@/lib/checkout/schemas';
import { checkoutStatusParams, checkoutStatusSchema } from '@/lib/checkout/schemas';
import { purchasesQuery, purchasesResponse } from '@/lib/purchases/schemas';
import {
  addonBody,
  addonParams,
  planStateSchema,
  portalBody,
  previewBody,
  previewSchema,
  subscriptionActionBody,
} from '@/lib/subscriptions/schemas';
import type { RouteSpec } from './registry';

const packageList = z.array(packageSchema);

/**
 * Every route under /api/packages. A test checks this list against the route files, so a new
 * route must be added here (with the zod schemas it validates with) to pass.
 */
export const API_ROUTES: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/packages',
    summary: 'List all packages, optionally of one type',
    auth: 'user',
    query: listPackagesQuery,
    responses: { 200: { description: 'Packages', schema: packageList } },
  },
  {
    method: 'get',
    path: '/api/packages/subscriptions',
    summary: 'List subscription plans',
    auth: 'user',
    responses: { 200: { description: 'Plans', schema: packageList } },
  },
  {
    method: 'get',
    path: '/api/packages/addons',
    summary: 'List add-ons',
    auth: 'user',
    responses: { 200: { description: 'Add-ons', schema: packageList } },
  },
  {
    method: 'get',
    path: '/api/packages/credits',
    summary: 'List credit packs',
    auth: 'user',
    responses: { 200: { description: 'Credit packs', schema: packageList } },
  },
  {
    method: 'get',
    path: '/api/packages/{package_id}',
    summary: 'Get one package',
    auth: 'user',
    params: packageIdParam,
    responses: {
      200: { description: 'The package', schema: packageSchema },
      404: { description: 'Unknown or inactive package' },
    },
  },
  {
    method: 'get',
    path: '/api/packages/user/entitlements',
    summary: "The current team's effective limits and features",
    auth: 'user',
    responses: { 200: { description: 'Entitlements', schema: entitlementsSchema } },
  },
  {
    method: 'get',
    path: '/api/packages/user/credits',
    summary: "The current team's AI story credits",
    auth: 'user',
    responses: { 200: { description: 'Credits', schema: creditsSchema } },
  },
  {
    method: 'post',
    path: '/api/packages/user/credits/deduct',
    summary: 'Spend credits for a reference id (idempotent)',
    auth: 'user',
    body: deductBody,
    responses: {
      200: { description: 'Spent; the new balance', schema: spendResultSchema },
      402: { description: 'Insufficient AI story credits' },
      409: { description: 'Reference id reused with another amount' },
    },
  },
  {
    method: 'post',
    path: '/api/packages/user/credits/reservations',
    summary: 'Hold credits before generating (idempotent by reference id)',
    auth: 'user',
    body: reserveBody,
    responses: {
      201: { description: 'Held', schema: spendResultSchema },
      200: { description: 'Already held for this reference id', schema: spendResultSchema },
      402: { description: 'Insufficient AI story credits' },
    },
  },
  {
    method: 'post',
    path: '/api/packages/user/credits/reservations/{reservation_id}/commit',
    summary: 'Spend held credits',
    auth: 'user',
    params: reservationParams,
    responses: {
      200: { description: 'Committed', schema: spendResultSchema },
      404: { description: 'Unknown reservation' },
      409: { description: 'Released or expired' },
    },
  },
  {
    method: 'post',
    path: '/api/packages/user/credits/reservations/{reservation_id}/release',
    summary: 'Return held credits',
    auth: 'user',
    params: reservationParams,
    responses: {
      200: { description: 'Released', schema: spendResultSchema },
      404: { description: 'Unknown reservation' },
      409: { description: 'Already committed' },
    },
  },
  {
    method: 'post',
    path: '/api/packages/checkout',
    summary: 'Open a Stripe Checkout session for a plan or a credit pack',
    auth: 'user',
    body: checkoutBody,
    responses: {
      201: { description: 'Session', schema: checkoutResponse },
      404: { description: 'Unknown or inactive package' },
      409: { description: 'Plan already active, free plan, enterprise, trial used, or currency fixed' },
      429: { description: 'Rate limited' },
    },
  },
  {
    method: 'get',
    path: '/api/packages/checkout/{session_id}',
    summary: "Where a Checkout session stands: open, processing, fulfilled or failed (the caller's team only)",
    auth: 'user',
    params: checkoutStatusParams,
    responses: {
      200: { description: 'Status, with the credits granted or the plan once fulfilled', schema: checkoutStatusSchema },
      404: { description: "Unknown session, or another team's" },
    },
  },
  {
    method: 'post',
    path: '/api/packages/webhook',
    summary: "Stripe's signed webhook",
    auth: 'stripe_signature',
    responses: {
      200: { description: 'Received' },
      400: {
        description:
          'Bad or stale signature (invalid_signature), or a signed event without an id, type or object id (invalid_event)',
      },
      500: { description: 'Processing failed; Stripe retries' },
    },
  },
  {
    method: 'get',
    path: '/api/packages/user/purchases',
    summary: "The current team's purchases, newest first",
    auth: 'user',
    query: purchasesQuery,
    responses: { 200: { description: 'Purchases', schema: purchasesResponse } },
  },
  {
    method: 'get',
    path: '/api/packages/user/subscription',
    summary: "The current team's plan, period and add-ons",
    auth: 'user',
    responses: { 200: { description: 'Plan state', schema: planStateSchema } },
  },
  {
    method: 'post',
    path: '/api/packages/user/subscription',
    summary: 'Change plan (with proration), cancel at period end, or resume',
    auth: 'user',
    body: subscriptionActionBody,
    responses: {
      200: { description: 'Plan state', schema: planStateSchema },
      402: { description: 'card_declined: the card was declined for the prorated charge (Stripe’s message)' },
      409: { description: 'No paid plan, same plan, or Stripe refused the change (stripe_refused, naming why)' },
    },
  },
  {
    method: 'post',
    path: '/api/packages/user/subscription/preview',
    summary: 'Preview the prorated charge (or credit) of a plan change, or adding or removing an add-on',
    auth: 'user',
    body: previewBody,
    responses: {
      200: { description: 'What confirming the change would charge, line by line', schema: previewSchema },
      404: { description: 'Unknown package or add-on not held' },
      409: { description: 'No paid plan, or already on this plan' },
    },
  },

  {
    method: 'post',
    path: '/api/packages/user/addons',
    summary: 'Add an add-on to the paid plan, charged now with proration',
    auth: 'user',
    body: addonBody,
    responses: {
      201: { description: 'Added' },
      402: { description: 'card_declined: the card was declined (Stripe’s message); nothing was added' },
      409: { description: 'No paid plan, already added, or Stripe refused the change' },
    },
  },
  {
    method: 'delete',
    path: '/api/packages/user/addons/{package_id}',
    summary: 'Remove an add-on',
    auth: 'user',
    params: addonParams,
    responses: {
      200: { description: 'Removed (also when Stripe had already removed it, e.g. in the billing portal)' },
      404: { description: 'Not on this team (or already removed)' },
    },
  },
  {
    method: 'post',
    path: '/api/packages/billing-portal',
    summary: 'Open a Stripe billing portal session',
    auth: 'user',
    body: portalBody,
    responses: { 200: { description: 'Portal URL' }, 409: { description: 'No billing account yet' } },
  },
  ...(['/api/packages/analytics/performance', '/api/packages/admin/analytics'] as const).map((path) => ({
    method: 'get' as const,
    path,
    summary:
      path === '/api/packages/admin/analytics'
        ? 'Alias of GET /api/packages/analytics/performance'
        : 'Package performance: sales, refunds, checkout funnel, subscriptions, trials and credit usage per package and currency',
    auth: 'platform_admin' as const,
    query: performanceQuery,
    responses: {
      200: {
        description: 'Package performance over the date range (default: the last 30 days)',
        schema: performanceResponse,
      },
      400: { description: 'Invalid date, range over 366 days, or unknown currency' },
      401: { description: 'No credentials' },
      403: { description: 'Not a platform admin' },
    },
  })),
  {
    method: 'get',
    path: '/api/packages/openapi.json',
    summary: 'This OpenAPI document',
    auth: 'none',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  },
];
