import { z } from 'zod';
import { referenceIdText, uuidText } from '@/lib/validation/text';

export const creditTypeSchema = z.enum(['ai_stories']);
const amount = z.number().int().min(1).max(1000);
const referenceId = referenceIdText;

export const deductBody = z
  .object({ credit_type: creditTypeSchema.default('ai_stories'), amount: amount.default(1), reference_id: referenceId })
  .strict();
export const reserveBody = z
  .object({ credit_type: creditTypeSchema.default('ai_stories'), amount: amount.default(1), reference_id: referenceId })
  .strict();
export const reservationParams = z.object({ reservation_id: uuidText('reservation') });

export const spendResultSchema = z.object({
  reservation_id: z.string(),
  reference_id: z.string(),
  amount: z.number().int(),
  status: z.enum(['held', 'committed', 'released']),
  replayed: z.boolean(),
  remaining_credits: z.number().int(),
  unlimited: z.boolean(),
  expires_at: z.string().nullable(),
});

export const creditsSchema = z.object({
  ai_stories: z.object({
    remaining_credits: z.number().int(),
    unlimited: z.boolean(),
    allowance: z
      .object({
        period_start: z.string(),
        period_end: z.string(),
        amount: z.number().int(),
        used: z.number().int(),
        remaining: z.number().int(),
        resets_at: z.string(),
      })
      .nullable(),
    grants: z.array(
      z.object({
        id: z.string(),
        source: z.string(),
        package_id: z.string().nullable(),
        amount: z.number().int(),
        remaining: z.number().int(),
        expires_at: z.string().nullable(),
        priority: z.boolean(),
      }),
    ),
    held_credits: z.number().int(),
    next_expiry: z.string().nullable(),
    priority_processing: z.boolean(),
    warnings: z.array(z.string()),
  }),
});
