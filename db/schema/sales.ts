import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';

// Enterprise enquiries from the pricing page's contact-sales form, read by platform admins on /admin.
export const salesInquiries = pgTable(
  'sales_inquiries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    company: text('company').notNull(),
    teamSize: integer('team_size'),
    message: text('message').notNull(),
    userId: text('user_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sales_inquiries_created_idx').on(t.createdAt)],
);
