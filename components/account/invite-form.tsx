'use client';

import { useActionState } from 'react';
import { inviteAction, type InviteState } from '@/lib/teams/actions';

export function InviteForm() {
  const [state, action, pending] = useActionState<InviteState, FormData>(inviteAction, {
    sentTo: null,
    error: null,
  });
  return (
    <form action={action} className="space-y-3 rounded-md border border-border bg-card p-4">
      <h2 className="font-semibold">Invite a member</h2>
      <label className="block text-sm">
        Email
        <input
          name="email"
          type="email"
          required
          className="mt-1 w-full rounded-md border border-input bg-card px-3 py-2"
        />
      </label>
      <label className="block text-sm">
        Role
        <select name="role" className="mt-1 w-full rounded-md border border-input bg-card px-3 py-2">
          <option value="member">Member (can view)</option>
          <option value="admin">Admin (can buy and manage)</option>
        </select>
      </label>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-primary px-4 py-2 text-sm font-medium text-primary-foreground"
      >
        Send invitation
      </button>
      {state.error && (
        <p role="alert" className="text-sm text-destructive">
          {state.error}
        </p>
      )}
      {state.sentTo && (
        <p role="status" data-testid="invite-sent" className="text-sm">
          Invitation sent to {state.sentTo}. They accept it from the link in the mail, signed in with that address.
        </p>
      )}
    </form>
  );
}
