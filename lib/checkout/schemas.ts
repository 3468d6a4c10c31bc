import { z } from 'zod';

export const checkoutBody = z
  .object({
    package_id: z.string().min(1).max(64),
    success_url: z.string().min(1).max(2048),
    cancel_url: z.string().min(1).max(2048),
    trial_days: z.number().int().min(1).max(30).optional(),
    currency: z.enum(['usd', 'gbp']).optional(),
  })
  .strict();

export const checkoutResponse = z.object({ session_id: z.string(), url: z.string() });
