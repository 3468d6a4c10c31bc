import { z } from 'zod';
import { packageIdText, safeText } from '@/lib/validation/text';

export const addonBody = z.object({ package_id: packageIdText }).strict();
export const addonParams = z.object({ package_id: packageIdText });
export const subscriptionActionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('change_plan'), package_id: packageIdText }).strict(),
  z.object({ action: z.literal('cancel') }).strict(),
  z.object({ action: z.literal('resume') }).strict(),
]);
export const portalBody = z.object({ return_url: safeText({ max: 2048 }) }).strict();

export const planStateSchema = z.object({
  package_id: z.string(),
  status: z.string().nullable(),
  currency: z.string().nullable(),
  current_period_start: z.string().nullable(),
  current_period_end: z.string().nullable(),
  cancel_at_period_end: z.boolean(),
  trial_end: z.string().nullable(),
  addons: z.array(z.string()),
});
