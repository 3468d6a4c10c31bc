import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { teams, users } from './auth';

export const creditSource = pgEnum('credit_source', ['plan_allowance', 'credit_pack', 'adjustment']);
export const ledgerEntryType = pgEnum('ledger_entry_type', [
  'grant',
  'reserve',
  'commit',
  'release',
  'expire',
  'refund',
  'adjust',
  'usage',
  // A plan or interval change voids the previous plan's unspent allowance.
  'plan_change',
  'dispute_hold',
  'dispute_release',
]);
export const reservationStatus = pgEnum('reservation_status', ['held', 'committed', 'released']);

// One row per grant of credits. `remaining` only changes together with a credit_ledger row.
export const userCredits = pgTable(
  'user_credits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id),
    userId: text('user_id').references(() => users.id),
    creditType: text('credit_type').notNull().default('ai_stories'),
    source: creditSource('source').notNull(),
    sourceRef: text('source_ref'),
    // Unique business key, e.g. "pack:cs_123" or "allowance:<team>:2026-11": a grant is never made twice.
    businessKey: text('business_key').notNull().unique(),
    packageId: text('package_id'),
    amount: integer('amount').notNull(),
    remaining: integer('remaining').notNull(),
    priority: boolean('priority').notNull().default(false),
    // Partial refunds: credits owed back (the refunded share, cumulative) and how many were taken so
    // far; the rest is taken when held credits come back to this grant.
    refundOwed: integer('refund_owed').notNull().default(0),
    refundVoided: integer('refund_voided').notNull().default(0),
    // Credits frozen while the payment behind this grant is disputed: not spendable, back on a win, gone on a loss.
    disputeHeld: integer('dispute_held').notNull().default(0),
    disputedAt: timestamp('disputed_at', { withTimezone: true }),
    periodStart: timestamp('period_start', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('user_credits_team_idx').on(t.teamId, t.creditType, t.expiresAt),
    check('user_credits_remaining_range', sql`${t.remaining} BETWEEN 0 AND ${t.amount}`),
    check('user_credits_amount_nonneg', sql`${t.amount} >= 0`),
    check('user_credits_dispute_held_range', sql`${t.disputeHeld} BETWEEN 0 AND ${t.amount}`),
    check(
      'user_credits_refund_range',
      sql`${t.refundVoided} BETWEEN 0 AND ${t.refundOwed} AND ${t.refundOwed} <= ${t.amount}`,
    ),
  ],
);

export const creditReservations = pgTable(
  'credit_reservations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id),
    creditType: text('credit_type').notNull().default('ai_stories'),
    referenceId: text('reference_id').notNull(),
    // Who spent: the member behind the session or token, when known (the per-member usage report).
    userId: text('user_id'),
    amount: integer('amount').notNull(),
    status: reservationStatus('status').notNull().default('held'),
    // Which grants the hold came from, so a release returns credits where they were taken.
    allocations: jsonb('allocations').$type<{ grantId: string; amount: number }[]>().notNull().default([]),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('credit_reservations_reference_key').on(t.teamId, t.creditType, t.referenceId),
    // The held sum and the lapsed-hold sweep run on every credits read and write; only holds matter.
    index('credit_reservations_held_idx')
      .on(t.teamId, t.expiresAt)
      .where(sql`${t.status} = 'held'`),
    check('credit_reservations_amount_pos', sql`${t.amount} > 0`),
  ],
);

// Append-only: every movement of credits, with the balance after it.
export const creditLedger = pgTable(
  'credit_ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id),
    creditType: text('credit_type').notNull().default('ai_stories'),
    entryType: ledgerEntryType('entry_type').notNull(),
    grantId: uuid('grant_id').references(() => userCredits.id),
    reservationId: uuid('reservation_id').references(() => creditReservations.id),
    referenceId: text('reference_id'),
    userId: text('user_id'),
    // Signed change to the team's spendable balance.
    delta: integer('delta').notNull(),
    balanceAfter: integer('balance_after').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('credit_ledger_team_idx').on(t.teamId, t.createdAt),
    // The balance is the last entry's balance_after: one index probe instead of a sum over the team's history.
    index('credit_ledger_team_type_id_idx').on(t.teamId, t.creditType, t.id),
    // What was taken from a grant (allowance windows, refunds) is read by grant.
    index('credit_ledger_grant_idx').on(t.grantId),
  ],
);

// "Usage warning" is logged once per team, threshold and period.
export const usageWarnings = pgTable(
  'usage_warnings',
  {
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id),
    warningKey: text('warning_key').notNull(),
    message: text('message').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('usage_warnings_key').on(t.teamId, t.warningKey)],
);
