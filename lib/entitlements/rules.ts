import { findPackage, STORAGE_ADDON_GB } from '@/lib/catalog/packages';

export interface Entitlements {
  plan: string;
  member_limit: number | null;
  project_limit: number | null;
  storage_gb: number;
  monthly_story_allowance: { unlimited: boolean; per_member: number | null; total: number | null };
  features: {
    sso: boolean;
    api_access: boolean;
    advanced_analytics: boolean;
    advanced_integrations: boolean;
    priority_support: boolean;
    priority_ai_processing: boolean;
  };
  addons: string[];
}

function planFamily(packageId: string): 'starter' | 'professional' | 'business' | 'enterprise' {
  return (findPackage(packageId)?.plan ?? 'starter') as 'starter' | 'professional' | 'business' | 'enterprise';
}

/** Effective entitlements from the plan, active add-ons and whether a priority pack has credits left. Pure. */
export function computeEntitlements(input: {
  planPackageId: string;
  addons: readonly string[];
  memberCount: number;
  hasPriorityCredits: boolean;
}): Entitlements {
  const plan = findPackage(input.planPackageId) ?? findPackage('starter')!;
  const limits = plan.limits ?? findPackage('starter')!.limits!;
  const family = planFamily(plan.id);
  const storageAddons = input.addons.filter((a) => a === 'addon_storage').length;
  const unlimitedStories = limits.monthlyStories === null;
  const perMember = limits.storiesPerMember ? limits.monthlyStories : null;
  const paid = family === 'professional' || family === 'business';
  return {
    plan: plan.id,
    member_limit: limits.members,
    project_limit: limits.projects,
    storage_gb: limits.storageGb + storageAddons * STORAGE_ADDON_GB,
    monthly_story_allowance: {
      unlimited: unlimitedStories,
      per_member: perMember,
      total: unlimitedStories
        ? null
        : perMember !== null
          ? perMember * Math.max(1, input.memberCount)
          : limits.monthlyStories,
    },
    features: {
      sso: family === 'business',
      api_access: family === 'business' || family === 'enterprise',
      advanced_analytics: family === 'business',
      // Professional includes advanced integrations; the add-on brings the extended set to any paid plan.
      advanced_integrations: paid || input.addons.includes('addon_integrations'),
      priority_support: family === 'business' || input.addons.includes('addon_priority_support'),
      priority_ai_processing: input.hasPriorityCredits,
    },
    addons: [...input.addons],
  };
}

/** The plan to suggest when a limit is reached. */
export function upgradeTargetFor(planPackageId: string): string {
  return planFamily(planPackageId) === 'starter' ? 'Professional' : 'Business';
}
