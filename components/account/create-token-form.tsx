'use client';

import { useActionState } from 'react';
import { createTokenAction, type CreateTokenState } from '@/lib/tokens/actions';

export function CreateTokenForm() {
  const [state, action, pending] = useActionState<CreateTokenState, FormData>(createTokenAction, {
    token: null,
    error: null,
  });
  return (
    <form action={action} className="space-y-3 rounded-md border border-border bg-card p-4">
      <h2 className="font-semibold">Create a token</h2>
      <label className="block text-sm">
        Name
        <input
          name="name"
          required
          maxLength={100}
          className="mt-1 w-full rounded-md border border-input bg-card px-3 py-2"
        />
      </label>
      <label className="block text-sm">
        Expires in (days, empty for never)
        <input
          name="expires_in_days"
          type="number"
          min={1}
          max={3650}
          className="mt-1 w-full rounded-md border border-input bg-card px-3 py-2"
        />
      </label>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-primary px-4 py-2 text-sm font-medium text-primary-foreground"
      >
        Create token
      </button>
      {state.error && (
        <p role="alert" className="text-sm text-destructive">
          {state.error}
        </p>
      )}
      {state.token && (
        <div role="status" className="rounded-md bg-warning-soft p-3 text-sm">
          <p className="font-medium">Copy this token now; it will not be shown again.</p>
          <code data-testid="new-token" className="mt-1 block break-all">
            {state.token}
          </code>
        </div>
      )}
    </form>
  );
}
