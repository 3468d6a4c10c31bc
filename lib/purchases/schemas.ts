import { z } from 'zod';

export const purchasesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const purchasesResponse = z.object({
  purchases: z.array(
    z.object({
      id: z.string(),
      package_id: z.string(),
      package_name: z.string(),
      package_type: z.string(),
      amount: z.number().int(),
      currency: z.string(),
      amount_refunded: z.number().int(),
      status: z.enum(['paid', 'refunded', 'partially_refunded']),
      // Why we refunded it ourselves (`duplicate_subscription`); null for refunds made in Stripe.
      refund_reason: z.string().nullable(),
      stripe: z.object({
        checkout_session_id: z.string().nullable(),
        payment_intent_id: z.string().nullable(),
        invoice_id: z.string().nullable(),
        subscription_id: z.string().nullable(),
        charge_id: z.string().nullable(),
      }),
      purchased_at: z.string(),
    }),
  ),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
