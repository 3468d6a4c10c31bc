import type { Database } from '@/db/client';
import type { Clock } from '@/lib/clock';
import type { Logger } from '@/lib/logger';
import { prepareTeamCredits, type AllowanceWindowState, type CreditGrant } from './grants';
import { inspectTeamCredits } from './snapshot';
import { isSpendable, type CreditType } from './rules';
import { recordWarnings, warningsAmong } from './warnings';

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

/**
 * The seed's credits shape for a team: `{ ai_stories: { remaining_credits, unlimited, allowance, grants, next_expiry } }`.
 * A read takes no lock and writes nothing while the team's credits are up to date (the common
 * case); only when something is due (an expiry, a lapsed hold, this window's allowance) does it
 * materialise that under the team's lock first, as any write would. Warnings are shown here but
 * recorded (and logged) by the writes that cross their thresholds.
 */
export async function getCredits(
  deps: { db: Database; clock: Clock; logger?: Logger },
  teamId: string,
): Promise<{ ai_stories: CreditsSummary }> {
  const creditType: CreditType = 'ai_stories';
  const now = deps.clock.now();
  const state = await inspectTeamCredits(deps.db, teamId, creditType, now);
  if (state.upToDate) return summarise(now, state);
  return deps.db.transaction(async (tx) => {
    const prepared = await prepareTeamCredits(tx, teamId, creditType, now);
    await recordWarnings(tx, deps.logger, teamId, creditType, now, prepared.window.spentElsewhere);
    // The grants as materialised; the window and plan are the ones just prepared.
    const { live, held } = await inspectTeamCredits(tx, teamId, creditType, now);
    return summarise(now, { ...prepared, live, held });
  });
}

function summarise(
  now: Date,
  {
    unlimited,
    window,
    live,
    held,
  }: { unlimited: boolean; window: AllowanceWindowState; live: CreditGrant[]; held: number },
): { ai_stories: CreditsSummary } {
  // The window's allowance: what its live grants hold plus what was taken in it from grants a plan change voided.
  // (A grant of this window is live until the window ends, spent out or not.)
  const allowanceGrants = live.filter(
    (g) => g.source === 'plan_allowance' && g.periodStart?.getTime() === window.start.getTime(),
  );
  const allowanceAmount = allowanceGrants.reduce((s, g) => s + g.amount, 0) + window.spentElsewhere;
  const allowanceRemaining = allowanceGrants.reduce((s, g) => s + g.remaining, 0);
  const first = allowanceGrants[0];
  const spendable = live.filter((g) => isSpendable(g, now));
  const packs = spendable.filter((g) => g.source !== 'plan_allowance' && g.expiresAt);
  const warnings = warningsAmong(live, now, window.spentElsewhere);
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
      held_credits: held,
      next_expiry: packs[0]?.expiresAt?.toISOString() ?? null,
      priority_processing: spendable.some((g) => g.priority),
      warnings: warnings.map((w) => w.message),
    },
  };
}
