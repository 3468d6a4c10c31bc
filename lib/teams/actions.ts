'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requireUser } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { getAppContext } from '@/lib/server/context';
import { acceptInvitation, createTeam, inviteMember, removeMember, switchTeam } from './index';

export interface InviteState {
  /** The address the invitation was mailed to; the link itself is never shown or logged. */
  sentTo: string | null;
  error: string | null;
}

export async function inviteAction(_prev: InviteState, form: FormData): Promise<InviteState> {
  const user = await requireUser('/account/team');
  if (!user.team) return { sentTo: null, error: 'You are not in a team' };
  const app = getAppContext();
  const role = form.get('role') === 'admin' ? 'admin' : 'member';
  try {
    const inv = await inviteMember(app, {
      teamId: user.team.id,
      inviterId: user.id,
      email: String(form.get('email') ?? ''),
      role,
    });
    revalidatePath('/account/team');
    return { sentTo: inv.email, error: null };
  } catch (err) {
    if (err instanceof AppError) return { sentTo: null, error: err.message.replace(/^email: /, '') };
    throw err;
  }
}

export async function removeMemberAction(form: FormData): Promise<void> {
  const user = await requireUser('/account/team');
  if (!user.team) return;
  await removeMember(getAppContext(), {
    teamId: user.team.id,
    actorId: user.id,
    userId: String(form.get('user_id') ?? ''),
  });
  revalidatePath('/account/team');
}

export async function switchTeamAction(form: FormData): Promise<void> {
  const user = await requireUser('/account');
  await switchTeam(getAppContext().db, user.id, String(form.get('team_id') ?? ''));
  revalidatePath('/', 'layout');
}

export async function createTeamAction(form: FormData): Promise<void> {
  const user = await requireUser('/account');
  try {
    await createTeam(getAppContext().db, user.id, String(form.get('name') ?? ''));
  } catch (err) {
    // The account page shows why (e.g. the team limit) instead of an error page.
    if (err instanceof AppError) redirect(`/account?team_error=${encodeURIComponent(err.code)}`);
    throw err;
  }
  revalidatePath('/', 'layout');
}

export async function acceptInvitationAction(form: FormData): Promise<void> {
  const token = String(form.get('token') ?? '');
  const user = await requireUser(`/account/invitations/${token}`);
  await acceptInvitation(getAppContext(), { token, userId: user.id });
  redirect('/account/team');
}
