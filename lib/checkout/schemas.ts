import { z } from 'zod';
import { packageIdText, safeText } from '@/lib/validation/text';

export const checkoutBody = z
  .object({
    package_id: packageIdText,
    success_url: safeText({ max: 2048 }),
    cancel_url: safeText({ max: 2048 }),
    trial_days: z.number().int().min(1).max(30).optional(),
    currency: z.enum(['usd', 'gbp']).optional(),
  })
  .strict();

export const checkoutResponse = z.object({ session_id: z.string(), url: z.string() });
