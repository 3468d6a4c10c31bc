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

export const CHECKOUT_STATES = ['open', 'processing', 'fulfilled', 'failed'] as const;
export type CheckoutState = (typeof CHECKOUT_STATES)[number];

export const checkoutStatusParams = z.object({
  session_id: z
    .string()
    .min(1)
    .max(255)
    .regex(/^cs_[A-Za-z0-9_]+$/, 'must be a Checkout session id (cs_…)'),
});

export const checkoutStatusSchema = z.object({
  session_id: z.string(),
  status: z.enum(CHECKOUT_STATES),
  package_id: z.string(),
  package_name: z.string(),
  package_type: z.string(),
  mode: z.enum(['payment', 'subscription']),
  amount_total: z.number().int().nullable(),
  currency: z.string(),
  trial_days: z.number().int().nullable(),
  credits: z.object({ granted: z.number().int(), expires_at: z.string().nullable() }).nullable(),
  subscription: z
    .object({
      package_id: z.string(),
      status: z.string(),
      trial_end: z.string().nullable(),
      current_period_end: z.string().nullable(),
    })
    .nullable(),
});
export type CheckoutStatusView = z.infer<typeof checkoutStatusSchema>;
