import { createHash, randomBytes } from 'node:crypto';
import { and, asc, count, eq, gt, isNull, sql } from 'drizzle-orm';
import type { DbOrTx, Database } from '@/db/client';
import { teamInvitations, teamMembers, teams, users } from '@/db/schema';
import type { Clock } from '@/lib/clock';
import { getEnv } from '@/lib/config/env';
import { getTeamEntitlements, upgradeTargetFor } from '@/lib/entitlements';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '@/lib/errors';
import type { Logger } from '@/lib/logger';
import { checkText, checkUuid } from '@/lib/validation/text';
import type { Mailer } from '@/lib/mail';
import { isPlausibleEmail, normalizeEmail } from '@/lib/accounts/email';
import { roleAtLeast, type TeamRole } from './membership';

export { resolveCurrentTeam, roleAtLeast, type ActiveTeam, type TeamRole } from './membership';

interface TeamDeps {
  db: Database;
  clock: Clock;
  logger?: Logger;
}

/** With these the invitation is mailed to the invitee, inside the transaction that creates it. */
interface InvitationMailDeps {
  mailer?: Mailer;
  env?: { APP_URL: string };
}

const INVITATION_DAYS = 7;
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

async function roleIn(db: DbOrTx, teamId: string, userId: string): Promise<TeamRole | null> {
  const [m] = await db
    .select({ role: teamMembers.role })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
  return m?.role ?? null;
}

/**
 * A new team for the user, who owns it. Every team brings a Starter allowance and a trial, so a
 * user may own at most `MAX_OWNED_TEAMS` (their personal team included); the user's row is locked
 * so requests at once cannot pass the count together.
 */
export async function createTeam(
  db: Database,
  userId: string,
  name: string,
  options: { maxOwnedTeams?: number } = {},
): Promise<{ id: string }> {
  const trimmed = checkText('name', name, { max: 80 });
  const cap = options.maxOwnedTeams ?? getEnv().MAX_OWNED_TEAMS;
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
    const [owned] = await tx.select({ n: count() }).from(teams).where(eq(teams.ownerId, userId));
    if ((owned?.n ?? 0) >= cap)
      throw new Conflict(`You already own ${cap} teams, the most one account may own`, 'team_limit');
    const [team] = await tx.insert(teams).values({ name: trimmed, ownerId: userId }).returning({ id: teams.id });
    await tx.insert(teamMembers).values({ teamId: team!.id, userId, role: 'owner' });
    await tx.update(users).set({ currentTeamId: team!.id }).where(eq(users.id, userId));
    return { id: team!.id };
  });
}

export async function switchTeam(db: DbOrTx, userId: string, teamId: string): Promise<void> {
  checkUuid('team_id', 'team', teamId);
  if (!(await roleIn(db, teamId, userId))) throw new NotFound('Team not found');
  await db.update(users).set({ currentTeamId: teamId }).where(eq(users.id, userId));
}

export async function listUserTeams(db: DbOrTx, userId: string) {
  return db
    .select({ id: teams.id, name: teams.name, role: teamMembers.role })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(eq(teamMembers.userId, userId))
    .orderBy(asc(teamMembers.createdAt));
}

export async function listMembers(db: DbOrTx, teamId: string) {
  return db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: teamMembers.role,
      joinedAt: teamMembers.createdAt,
    })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(eq(teamMembers.teamId, teamId))
    .orderBy(asc(teamMembers.createdAt));
}

export async function listPendingInvitations(deps: { db: DbOrTx; clock: Clock }, teamId: string) {
  return deps.db
    .select({
      id: teamInvitations.id,
      email: teamInvitations.email,
      role: teamInvitations.role,
      expiresAt: teamInvitations.expiresAt,
    })
    .from(teamInvitations)
    .where(
      and(
        eq(teamInvitations.teamId, teamId),
        isNull(teamInvitations.acceptedAt),
        isNull(teamInvitations.revokedAt),
        gt(teamInvitations.expiresAt, sql`${deps.clock.now().toISOString()}::timestamptz`),
      ),
    );
}

/** Members plus open invitations must stay within the plan's member limit. */
async function assertSeatAvailable(
  deps: TeamDeps,
  tx: DbOrTx,
  teamId: string,
  countInvitations: boolean,
): Promise<void> {
  const entitlements = await getTeamEntitlements({ db: tx, clock: deps.clock }, teamId);
  if (entitlements.member_limit === null) return;
  const [members] = await tx.select({ n: count() }).from(teamMembers).where(eq(teamMembers.teamId, teamId));
  const pending = countInvitations ? (await listPendingInvitations({ db: tx, clock: deps.clock }, teamId)).length : 0;
  if ((members?.n ?? 0) + pending >= entitlements.member_limit) {
    throw new Conflict(
      `Your plan allows up to ${entitlements.member_limit} team members. Upgrade to ${upgradeTargetFor(entitlements.plan)} for unlimited members.`,
      'member_limit_reached',
      { member_limit: entitlements.member_limit, upgrade_to: upgradeTargetFor(entitlements.plan) },
    );
  }
}

export interface CreatedInvitation {
  id: string;
  email: string;
  token: string;
  acceptPath: string;
}

export async function inviteMember(
  deps: TeamDeps & InvitationMailDeps,
  input: { teamId: string; inviterId: string; email: string; role: TeamRole },
): Promise<CreatedInvitation> {
  const email = normalizeEmail(checkText('email', input.email, { max: 254 }));
  if (!isPlausibleEmail(email)) throw new ValidationFailed('email: must be a valid email address');
  if (input.role === 'owner') throw new ValidationFailed('role: a team has one owner; invite as admin or member');
  return deps.db.transaction(async (tx) => {
    // Serialises invitations per team so two at once cannot both take the last seat.
    await tx.execute(sql`SELECT id FROM teams WHERE id = ${input.teamId} FOR UPDATE`);
    const role = await roleIn(tx, input.teamId, input.inviterId);
    if (!role || !roleAtLeast(role, 'admin')) throw new Forbidden('Only team owners and admins can invite members');
    const [already] = await tx
      .select({ id: users.id })
      .from(teamMembers)
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(and(eq(teamMembers.teamId, input.teamId), eq(sql`lower(${users.email})`, email)));
    if (already) throw new Conflict(`${email} is already a member of this team`, 'already_member');
    await assertSeatAvailable(deps, tx, input.teamId, true);
    const token = randomBytes(24).toString('base64url');
    const [row] = await tx
      .insert(teamInvitations)
      .values({
        teamId: input.teamId,
        email,
        role: input.role,
        tokenHash: hash(token),
        invitedBy: input.inviterId,
        expiresAt: new Date(deps.clock.now().getTime() + INVITATION_DAYS * 86_400_000),
      })
      .returning({ id: teamInvitations.id });
    const acceptPath = `/account/invitations/${token}`;
    if (deps.mailer && deps.env) {
      const [team] = await tx.select({ name: teams.name }).from(teams).where(eq(teams.id, input.teamId));
      // Sent before commit: an invitation nobody was told about would hold a seat for a week.
      await deps.mailer.send({
        to: email,
        subject: `You are invited to join ${team?.name ?? 'a team'} on AgileForge`,
        text: `You have been invited to join the team "${team?.name ?? ''}" on AgileForge as ${input.role}.\n\nAccept within ${INVITATION_DAYS} days, signed in with this address (verified):\n${new URL(acceptPath, deps.env.APP_URL)}\n\nIf you did not expect this, ignore this mail.`,
      });
    }
    // Whoever holds the token can accept, so the log names the invitation and a prefix of the
    // stored hash, never the token.
    deps.logger?.info(
      { teamId: input.teamId, invitationId: row!.id, tokenHashPrefix: hash(token).slice(0, 8) },
      'Team invitation created',
    );
    return { id: row!.id, email, token, acceptPath };
  });
}

export async function acceptInvitation(
  deps: TeamDeps,
  input: { token: string; userId: string },
): Promise<{ teamId: string }> {
  return deps.db.transaction(async (tx) => {
    const [inv] = await tx
      .select()
      .from(teamInvitations)
      .where(eq(teamInvitations.tokenHash, hash(input.token)))
      .for('update');
    if (!inv || inv.revokedAt || inv.acceptedAt || inv.expiresAt <= deps.clock.now())
      throw new NotFound('This invitation is invalid or has expired', 'invitation_invalid');
    const [user] = await tx
      .select({ email: users.email, emailVerified: users.emailVerified })
      .from(users)
      .where(eq(users.id, input.userId));
    if (!user || normalizeEmail(user.email) !== inv.email)
      throw new Forbidden(`This invitation was sent to ${inv.email}; sign in with that address to accept it`);
    // Anyone can register any address; only a verified one shows the invitee is the one signed in.
    if (!user.emailVerified)
      throw new Forbidden(
        `Confirm your email address first: open the link we mailed to ${user.email}, then accept the invitation`,
        'email_unverified',
      );
    await tx.execute(sql`SELECT id FROM teams WHERE id = ${inv.teamId} FOR UPDATE`);
    if (!(await roleIn(tx, inv.teamId, input.userId))) {
      await assertSeatAvailable(deps, tx, inv.teamId, false);
      await tx.insert(teamMembers).values({ teamId: inv.teamId, userId: input.userId, role: inv.role });
    }
    await tx.update(teamInvitations).set({ acceptedAt: deps.clock.now() }).where(eq(teamInvitations.id, inv.id));
    await tx.update(users).set({ currentTeamId: inv.teamId }).where(eq(users.id, input.userId));
    return { teamId: inv.teamId };
  });
}

export async function removeMember(
  deps: TeamDeps,
  input: { teamId: string; actorId: string; userId: string },
): Promise<void> {
  checkText('user_id', input.userId, { max: 64 });
  const actorRole = await roleIn(deps.db, input.teamId, input.actorId);
  const targetRole = await roleIn(deps.db, input.teamId, input.userId);
  if (!actorRole || !targetRole) throw new NotFound('Member not found');
  if (targetRole === 'owner') throw new Conflict('The team owner cannot be removed', 'owner_cannot_leave');
  const leavingThemselves = input.actorId === input.userId;
  if (!leavingThemselves && !roleAtLeast(actorRole, 'admin'))
    throw new Forbidden('Only team owners and admins can remove members');
  if (!leavingThemselves && targetRole === 'admin' && actorRole !== 'owner')
    throw new Forbidden('Only the owner can remove an admin');
  await deps.db
    .delete(teamMembers)
    .where(and(eq(teamMembers.teamId, input.teamId), eq(teamMembers.userId, input.userId)));
}
