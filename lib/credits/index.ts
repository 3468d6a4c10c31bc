/**
 * Credits: grants with expiry, monthly plan allowances and race-free metering. Importable by
 * AgileForge's story service: pass `{ db, clock, logger }` and a team id.
 */
export { getCredits, type CreditsSummary } from './summary';
export { memberUsage, type MemberUsage } from './member-usage';
export {
  deductCredit,
  reserve,
  commit,
  release,
  releaseExpiredReservations,
  type CreditDeps,
  type SpendResult,
} from './spend';
export {
  grantAdjustment,
  grantPackCredits,
  voidPackCredits,
  prepareTeamCredits,
  type PackGrantInput,
  type AdjustmentInput,
  type CreditGrant,
} from './grants';
export { inspectTeamCredits } from './snapshot';
export { restoreRefundedPackCredits, holdDisputedPackCredits, settleDisputedPackCredits } from './pack-holds';
export { CREDIT_TYPES, RESERVATION_TTL_MS, type CreditType } from './rules';
