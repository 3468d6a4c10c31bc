import { z } from 'zod';
import { packageIdText } from '@/lib/validation/text';

export const packageTypeSchema = z.enum(['subscription', 'credit_pack', 'addon', 'enterprise']);

export const listPackagesQuery = z.object({ package_type: packageTypeSchema.optional() }).strict();

export const packageIdParam = z.object({
  package_id: packageIdText.regex(/^[a-z0-9_]+$/, 'must be a package id such as professional_monthly'),
});

const limitsSchema = z
  .object({
    members: z.number().int().nullable(),
    projects: z.number().int().nullable(),
    storageGb: z.number().int(),
    monthlyStories: z.number().int().nullable(),
    storiesPerMember: z.boolean(),
  })
  .nullable();

export const packageSchema = z.object({
  id: z.string(),
  package_type: packageTypeSchema,
  name: z.string(),
  description: z.string(),
  features: z.array(z.string()),
  limits: limitsSchema,
  credits: z.number().int().nullable(),
  validity_days: z.number().int().nullable(),
  interval: z.enum(['month', 'year']).nullable(),
  prices: z.array(
    z.object({
      amount: z.number().int().describe('Minor units (cents, pence)'),
      currency: z.string(),
      interval: z.enum(['month', 'year']).nullable(),
      team_currency: z.boolean(),
    }),
  ),
  contact_sales: z.boolean(),
});
