import type { Metadata } from 'next';
import { VerifyEmailNotice } from '@/components/auth/verify-email-notice';
import { requireUser } from '@/lib/auth/session';
import { acceptInvitationAction } from '@/lib/teams/actions';

export const metadata: Metadata = { title: 'Team invitation' };

export default async function AcceptInvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const user = await requireUser(`/account/invitations/${token}`);
  return (
    <main id="main" className="mx-auto max-w-md space-y-4 px-4 py-12">
      <h1 className="text-2xl font-bold">Join a team</h1>
      {user.emailVerified ? (
        <>
          <p>You are signed in as {user.email}. Accept the invitation to join the team.</p>
          <form action={acceptInvitationAction}>
            <input type="hidden" name="token" value={token} />
            <button type="submit" className="rounded-md bg-primary px-4 py-2 font-medium text-primary-foreground">
              Accept invitation
            </button>
          </form>
        </>
      ) : (
        <VerifyEmailNotice
          email={user.email}
          reason="Confirm it from the mail we sent, then come back to this link to accept the invitation."
        />
      )}
    </main>
  );
}
