import { z } from 'zod';

export const entitlementsSchema = z.object({
  plan: z.string(),
  member_limit: z.number().int().nullable().describe('null = unlimited'),
  project_limit: z.number().int().nullable(),
  storage_gb: z.number().int(),
  monthly_story_allowance: z.object({
    unlimited: z.boolean(),
    per_member: z.number().int().nullable(),
    total: z.number().int().nullable(),
  }),
  features: z.object({
    sso: z.boolean(),
    api_access: z.boolean(),
    advanced_analytics: z.boolean(),
    advanced_integrations: z.boolean(),
    priority_support: z.boolean(),
    priority_ai_processing: z.boolean(),
  }),
  addons: z.array(z.string()),
});
