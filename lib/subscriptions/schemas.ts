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

export const previewBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('change_plan'), package_id: z.string().min(1).max(64) }).strict(),
  z.object({ action: z.literal('add_addon'), package_id: z.string().min(1).max(64) }).strict(),
  z.object({ action: z.literal('remove_addon'), package_id: z.string().min(1).max(64) }).strict(),
]);

export const previewSchema = z.object({
  action: z.enum(['change_plan', 'add_addon', 'remove_addon']),
  package_id: z.string(),
  currency: z.string(),
  /** Signed: negative when the change leaves a credit for the next invoice. */
  total: z.number().int(),
  /** What the card is charged when the change is confirmed (0 when it only credits). */
  amount_due: z.number().int(),
  /** When the change takes effect and is charged (ISO 8601). */
  effective_at: z.string(),
  lines: z.array(z.object({ description: z.string(), amount: z.number().int(), proration: z.boolean() })),
});
