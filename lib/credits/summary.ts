import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { creditReservations, userCredits } from '@/db/schema';
import type { Clock } from '@/lib/clock';
import type { Logger } from '@/lib/logger';
import { prepareTeamCredits } from './grants';
import { isSpendable, type CreditType } from './rules';
import { recordWarnings } from './warnings';

export interface CreditsSummary {
  remaining_credits: number;
  unlimited: boolean;
  allowance: {
    period_start: string;
    period_end: string;
    amount: number;
    used: number;
    remaining: number;
    resets_at: string;
  } | null;
  grants: {
    id: string;
    source: string;
    package_id: string | null;
    amount: number;
    remaining: number;
    expires_at: string | null;
    priority: boolean;
  }[];
  held_credits: number;
  next_expiry: string | null;
  priority_processing: boolean;
  warnings: string[];
}

/** The seed's credits shape for a team: `{ ai_stories: { remaining_credits, unlimited, allowance, grants, next_expiry } }`. */
export async function getCredits(
  deps: { db: Database; clock: Clock; logger?: Logger },
  teamId: string,
): Promise<{ ai_stories: CreditsSummary }> {
  const creditType: CreditType = 'ai_stories';
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const { unlimited, window } = await prepareTeamCredits(tx, teamId, creditType, now);
    const grants = (
      await tx
        .select()
        .from(userCredits)
        .where(
          and(eq(userCredits.teamId, teamId), eq(userCredits.creditType, creditType), isNull(userCredits.voidedAt)),
        )
        .orderBy(asc(userCredits.expiresAt))
    ).filter(
      (g) => isSpendable(g, now) || (g.source === 'plan_allowance' && g.expiresAt !== null && g.expiresAt > now),
    );
    const [held] = await tx
      .select({ total: sql<string | null>`SUM(${creditReservations.amount})` })
      .from(creditReservations)
      .where(and(eq(creditReservations.teamId, teamId), inArray(creditReservations.status, ['held'])));
    // The window's allowance: what its live grants hold plus what was taken in it from grants a plan change voided.
    const allowanceGrants = grants.filter(
      (g) => g.source === 'plan_allowance' && g.periodStart?.getTime() === window.start.getTime(),
    );
    const allowanceAmount = allowanceGrants.reduce((s, g) => s + g.amount, 0) + window.spentElsewhere;
    const allowanceRemaining = allowanceGrants.reduce((s, g) => s + g.remaining, 0);
    const first = allowanceGrants[0];
    const spendable = grants.filter((g) => isSpendable(g, now));
    const packs = spendable.filter((g) => g.source !== 'plan_allowance' && g.expiresAt);
    const warnings = await recordWarnings(tx, deps.logger, teamId, creditType, now, window.spentElsewhere);
    return {
      ai_stories: {
        remaining_credits: spendable.reduce((s, g) => s + g.remaining, 0),
        unlimited,
        allowance: first
          ? {
              period_start: window.start.toISOString(),
              period_end: window.end.toISOString(),
              amount: allowanceAmount,
              used: allowanceAmount - allowanceRemaining,
              remaining: allowanceRemaining,
              resets_at: window.end.toISOString(),
            }
          : null,
        grants: spendable.map((g) => ({
          id: g.id,
          source: g.source,
          package_id: g.packageId,
          amount: g.amount,
          remaining: g.remaining,
          expires_at: g.expiresAt?.toISOString() ?? null,
          priority: g.priority,
        })),
        held_credits: Number(held?.total ?? 0),
        next_expiry: packs[0]?.expiresAt?.toISOString() ?? null,
        priority_processing: spendable.some((g) => g.priority),
        warnings: warnings.map((w) => w.message),
      },
    };
  });
}
