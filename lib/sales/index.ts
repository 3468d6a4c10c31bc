import 'server-only';
import { count, desc } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { salesInquiries } from '@/db/schema';
import type { Clock } from '@/lib/clock';
import type { Logger } from '@/lib/logger';

export const salesInquiryInput = z.object({
  name: z.string().trim().min(1, 'Enter your name').max(200),
  email: z.email('Enter a valid email address').max(320),
  company: z.string().trim().min(1, 'Enter your company').max(200),
  team_size: z
    .union([z.literal('').transform(() => null), z.coerce.number().int().min(1).max(1_000_000)])
    .nullable()
    .optional(),
  message: z.string().trim().min(10, 'Tell us a little more (at least 10 characters)').max(5000),
});
export type SalesInquiryInput = z.infer<typeof salesInquiryInput>;

/** Stores an Enterprise enquiry for the sales team (platform admins read them on /admin). */
export async function recordSalesInquiry(
  deps: { db: DbOrTx; clock: Clock; logger: Logger },
  input: SalesInquiryInput,
  userId: string | null,
): Promise<{ id: string }> {
  const [row] = await deps.db
    .insert(salesInquiries)
    .values({
      name: input.name,
      email: input.email.toLowerCase(),
      company: input.company,
      teamSize: input.team_size ?? null,
      message: input.message,
      userId,
      createdAt: deps.clock.now(),
    })
    .returning({ id: salesInquiries.id });
  deps.logger.info({ inquiryId: row!.id, company: input.company }, 'Sales inquiry received');
  return row!;
}

export async function listSalesInquiries(db: DbOrTx, page: { limit: number; offset: number }) {
  const [rows, [total]] = await Promise.all([
    db.select().from(salesInquiries).orderBy(desc(salesInquiries.createdAt)).limit(page.limit).offset(page.offset),
    db.select({ n: count() }).from(salesInquiries),
  ]);
  return { inquiries: rows, total: total?.n ?? 0 };
}
