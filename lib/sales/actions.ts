'use server';

import { headers } from 'next/headers';
import { currentUser } from '@/lib/auth/session';
import { AppError, RateLimited } from '@/lib/errors';
import { clientAddress, trustBoundary } from '@/lib/http/client-address';
import { consumeRateLimit, type RateLimitRule } from '@/lib/rate-limit';
import { getAppContext } from '@/lib/server/context';
import { recordSalesInquiry, salesInquiryInput } from './index';

export interface SalesInquiryState {
  sent: boolean;
  error: string | null;
  fields?: Record<string, string>;
}

// The form is public: a few enquiries an hour per address is plenty for people, little for spam.
const SALES_INQUIRY_LIMIT: RateLimitRule = { name: 'sales_inquiry', points: 5, durationSeconds: 3600 };

export async function salesInquiryAction(_prev: SalesInquiryState, form: FormData): Promise<SalesInquiryState> {
  const fields = Object.fromEntries(
    ['name', 'email', 'company', 'team_size', 'message'].map((k) => [k, String(form.get(k) ?? '')]),
  );
  const parsed = salesInquiryInput.safeParse(fields);
  if (!parsed.success) return { sent: false, error: parsed.error.issues[0]?.message ?? 'Check the form', fields };
  const app = getAppContext();
  try {
    // The address comes from the trust boundary, never from a header the client chooses.
    const ip = clientAddress(await headers(), trustBoundary(app.env));
    await consumeRateLimit(app, SALES_INQUIRY_LIMIT, `ip:${ip}`);
  } catch (err) {
    if (err instanceof RateLimited)
      return { sent: false, error: 'Too many enquiries from here; please try again in an hour.', fields };
    if (err instanceof AppError) return { sent: false, error: err.message, fields };
    throw err;
  }
  const user = await currentUser();
  await recordSalesInquiry(app, parsed.data, user?.id ?? null);
  return { sent: true, error: null };
}
