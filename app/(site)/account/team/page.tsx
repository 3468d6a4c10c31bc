import type { Metadata } from 'next';
import { Table, TableCaption, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { ConfirmFormDialog } from '@/components/ui/confirm-form-dialog';
import { InviteForm } from '@/components/account/invite-form';
import { requireUser } from '@/lib/auth/session';
import { getAppContext } from '@/lib/server/context';
import { listMembers, listPendingInvitations, roleAtLeast } from '@/lib/teams';
import { removeMemberAction } from '@/lib/teams/actions';

export const metadata: Metadata = { title: 'Team' };

export default async function TeamPage() {
  const user = await requireUser('/account/team');
  const app = getAppContext();
  if (!user.team)
    return (
      <main id="main" className="p-10">
        You are not in a team.
      </main>
    );
  const [members, invitations] = await Promise.all([
    listMembers(app.db, user.team.id),
    listPendingInvitations(app, user.team.id),
  ]);
  const canManage = roleAtLeast(user.team.role, 'admin');
  return (
    <main id="main" className="mx-auto max-w-3xl space-y-6 px-4 py-10">
      <h1 className="text-2xl font-bold">Team: {user.team.name}</h1>
      <Table label="Members">
        <TableCaption className="sr-only">Members</TableCaption>
        <THead>
          <tr>
            <TH>Member</TH>
            <TH>Role</TH>
            <TH>
              <span className="sr-only">Actions</span>
            </TH>
          </tr>
        </THead>
        <TBody>
          {members.map((m) => (
            <TR key={m.userId}>
              <TD>{m.email}</TD>
              <TD>{m.role}</TD>
              <TD>
                {m.role !== 'owner' && (canManage || m.userId === user.id) && (
                  <ConfirmFormDialog
                    action={removeMemberAction}
                    fields={{ user_id: m.userId }}
                    triggerLabel={m.userId === user.id ? 'Leave' : 'Remove'}
                    title={m.userId === user.id ? `Leave ${user.team!.name}?` : `Remove ${m.email}?`}
                    description={
                      m.userId === user.id
                        ? 'You lose access to this team now, including its plan and credits.'
                        : `${m.email} loses access to ${user.team!.name} now. Their past usage stays in the history.`
                    }
                    confirmLabel={m.userId === user.id ? 'Leave team' : 'Remove member'}
                  />
                )}
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
      {invitations.length > 0 && (
        <section>
          <h2 className="font-semibold">Pending invitations</h2>
          <ul className="text-sm">
            {invitations.map((i) => (
              <li key={i.id}>
                {i.email} ({i.role})
              </li>
            ))}
          </ul>
        </section>
      )}
      {canManage ? (
        <InviteForm />
      ) : (
        <p className="text-sm text-muted-foreground">Only owners and admins can invite members.</p>
      )}
    </main>
  );
}
