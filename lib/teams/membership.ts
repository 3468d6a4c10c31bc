import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { teamMembers, teams, users } from '@/db/schema';

export type TeamRole = 'owner' | 'admin' | 'member';
const RANK: Record<TeamRole, number> = { member: 0, admin: 1, owner: 2 };

export function roleAtLeast(role: TeamRole, minimum: TeamRole): boolean {
  return RANK[role] >= RANK[minimum];
}

export interface ActiveTeam {
  id: string;
  name: string;
  role: TeamRole;
  billingCurrency: string | null;
}

/** The user's current team and role there; falls back to another membership if removed from it. */
export async function resolveCurrentTeam(db: DbOrTx, userId: string): Promise<ActiveTeam | null> {
  const [user] = await db.select({ currentTeamId: users.currentTeamId }).from(users).where(eq(users.id, userId));
  if (!user) return null;
  const memberships = await db
    .select({ id: teams.id, name: teams.name, role: teamMembers.role, billingCurrency: teams.billingCurrency })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(
      user.currentTeamId
        ? and(eq(teamMembers.userId, userId), eq(teamMembers.teamId, user.currentTeamId))
        : eq(teamMembers.userId, userId),
    )
    .orderBy(asc(teamMembers.createdAt))
    .limit(1);
  if (memberships[0]) return memberships[0];
  if (!user.currentTeamId) return null;
  const [fallback] = await db
    .select({ id: teams.id, name: teams.name, role: teamMembers.role, billingCurrency: teams.billingCurrency })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(eq(teamMembers.userId, userId))
    .orderBy(asc(teamMembers.createdAt))
    .limit(1);
  return fallback ?? null;
}
