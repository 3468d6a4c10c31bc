'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import type { AuthFormState } from '@/lib/auth/actions';

type Action = (prev: AuthFormState, form: FormData) => Promise<AuthFormState>;

export function AuthForm({
  action,
  mode,
  callbackUrl,
  email,
}: {
  action: Action;
  mode: 'signin' | 'signup';
  callbackUrl: string;
  /** Prefills the email field (after a password reset). */
  email?: string;
}) {
  const [state, formAction, pending] = useActionState(action, { error: null, email });
  if (state.notice) {
    // After sign-up the visitor signs in next; the link keeps where they were going (e.g. a purchase).
    const signInHref = `/signin?callbackUrl=${encodeURIComponent(callbackUrl)}${
      state.email ? `&email=${encodeURIComponent(state.email)}` : ''
    }`;
    return (
      <div className="space-y-4">
        <p role="status" data-testid="notice" className="rounded border border-emerald-200 bg-emerald-50 p-3 text-sm">
          {state.notice}
        </p>
        {mode === 'signup' && (
          <Link
            className="inline-block rounded-md bg-primary px-4 py-2 font-medium text-primary-foreground"
            href={signInHref}
          >
            Sign in to continue
          </Link>
        )}
      </div>
    );
  }
  return (
    <form action={formAction} className="space-y-4">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {mode === 'signup' && (
        <label className="block">
          <span className="text-sm font-medium">Name (optional)</span>
          <input
            name="name"
            autoComplete="name"
            className="mt-1 w-full rounded-md border border-input bg-card px-3 py-2"
          />
        </label>
      )}
      <label className="block">
        <span className="text-sm font-medium">Email</span>
        <input
          name="email"
          type="email"
          required
          autoComplete="email"
          defaultValue={state.email}
          key={state.email}
          className="mt-1 w-full rounded-md border border-input bg-card px-3 py-2"
        />
      </label>
      <label className="block">
        <span className="text-sm font-medium">Password</span>
        <input
          name="password"
          type="password"
          required
          autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
          className="mt-1 w-full rounded-md border border-input bg-card px-3 py-2"
        />
        {mode === 'signup' && (
          <span className="text-xs text-muted-foreground">
            At least 10 characters, mixing letters with digits or symbols.
          </span>
        )}
      </label>
      {state.error && (
        <p role="alert" className="text-sm text-destructive">
          {state.error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-primary px-4 py-2 font-medium text-primary-foreground disabled:opacity-50"
      >
        {mode === 'signup' ? 'Create account' : 'Sign in'}
      </button>
    </form>
  );
}
