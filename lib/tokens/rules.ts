import type { Entitlements } from '@/lib/entitlements/rules';

export type ApiTokenKind = 'user' | 'service';

/** The plan family that includes API access, named when a team without it asks. */
export const API_ACCESS_PLAN = 'Business';

/**
 * Why a token of this kind may not act for a team with these entitlements, or null. User tokens
 * follow the plan's `api_access`; service tokens (operator CLI) are platform credentials and exempt.
 */
export function apiAccessRefusal(kind: ApiTokenKind, entitlements: Pick<Entitlements, 'plan' | 'features'>) {
  if (kind === 'service' || entitlements.features.api_access) return null;
  return {
    message: `API tokens need the ${API_ACCESS_PLAN} or Enterprise plan; this team is on ${entitlements.plan}. Upgrade to ${API_ACCESS_PLAN} to use the API with a token.`,
    details: { feature: 'api_access', plan: entitlements.plan, upgrade_to: API_ACCESS_PLAN },
  };
}
