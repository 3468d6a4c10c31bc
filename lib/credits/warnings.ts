import type { DbOrTx } from '@/db/client';
import { usageWarnings } from '@/db/schema';
import type { Logger } from '@/lib/logger';
import type { CreditGrant } from './grants';
import { liveGrants } from './live-grants';
import { ALLOWANCE_WARNING_RATIO, PACK_EXPIRY_WARNING_MS, type CreditType } from './rules';

export interface UsageWarning {
  key: string;
  kind: 'allowance_low' | 'pack_expiring';
  message: string;
}

/** Warnings that apply now among a team's grants: the month's allowance below 20%, or a pack within 7 days of expiry. */
export function warningsAmong(
  grants: readonly CreditGrant[],
  now: Date,
  /** Taken in this window from allowance grants a plan change voided: still part of the month's allowance. */
  spentElsewhere = 0,
): UsageWarning[] {
  const live = grants.filter((g) => g.voidedAt === null && g.expiresAt !== null && g.expiresAt > now);
  const warnings: UsageWarning[] = [];
  const allowance = live.filter((g) => g.source === 'plan_allowance');
  const amount = allowance.length ? allowance.reduce((s, g) => s + g.amount, 0) + spentElsewhere : 0;
  const remaining = allowance.reduce((s, g) => s + g.remaining, 0);
  if (amount > 0 && remaining < amount * ALLOWANCE_WARNING_RATIO) {
    const period = allowance[0]!.periodStart?.toISOString() ?? '';
    warnings.push({
      key: `allowance-below-20:${period}`,
      kind: 'allowance_low',
      message: `Only ${remaining} of this month's ${amount} AI stories are left`,
    });
  }
  for (const pack of live.filter((g) => g.source === 'credit_pack' && g.remaining > 0)) {
    if (pack.expiresAt && pack.expiresAt.getTime() - now.getTime() <= PACK_EXPIRY_WARNING_MS) {
      warnings.push({
        key: `pack-expiring:${pack.id}`,
        kind: 'pack_expiring',
        message: `${pack.remaining} credits from ${pack.packageId ?? 'a pack'} expire on ${pack.expiresAt.toISOString().slice(0, 10)}`,
      });
    }
  }
  return warnings;
}

/**
 * Records and logs each warning once per threshold and period (the unique key makes "once" hold
 * across instances). Called by the writes that can cross a threshold, under the team's lock: a
 * deduction or hold, a commit, and the materialisation of expiries and allowances; never by reads.
 */
export async function recordWarnings(
  tx: DbOrTx,
  logger: Logger | undefined,
  teamId: string,
  creditType: CreditType,
  now: Date,
  spentElsewhere = 0,
  /** The team's live grants when the caller has just read or written them (saves reading them again). */
  grants?: readonly CreditGrant[],
): Promise<UsageWarning[]> {
  const warnings = warningsAmong(grants ?? (await liveGrants(tx, teamId, creditType, now)), now, spentElsewhere);
  for (const w of warnings) {
    const inserted = await tx
      .insert(usageWarnings)
      .values({ teamId, warningKey: w.key, message: w.message, createdAt: now })
      .onConflictDoNothing()
      .returning({ key: usageWarnings.warningKey });
    if (inserted.length > 0) logger?.warn({ teamId, creditType, warning: w.kind, detail: w.message }, 'Usage warning');
  }
  return warnings;
}
