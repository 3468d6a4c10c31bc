'use client';

import { useActionState } from 'react';
import type { AuthFormState } from '@/lib/auth/actions';

type Action = (prev: AuthFormState, form: FormData) => Promise<AuthFormState>;

/**
 * The small forms of the account flows (forgot password, new password, confirm address, resend):
 * one optional visible field, hidden values, a button, and the action's error or notice.
 */
export function AccountForm({
  action,
  field,
  hidden = {},
  submitLabel,
}: {
  action: Action;
  field?: { name: 'email' | 'password'; label: string; hint?: string };
  hidden?: Record<string, string>;
  submitLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, { error: null });
  if (state.notice) {
    return (
      <p role="status" data-testid="notice" className="rounded border border-emerald-200 bg-emerald-50 p-3 text-sm">
        {state.notice}
      </p>
    );
  }
  return (
    <form action={formAction} className="space-y-4">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {field && (
        <label className="block">
          <span className="text-sm font-medium">{field.label}</span>
          <input
            name={field.name}
            type={field.name}
            required
            autoComplete={field.name === 'email' ? 'email' : 'new-password'}
            defaultValue={field.name === 'email' ? state.email : undefined}
            className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
          />
          {field.hint && <span className="text-xs text-slate-500">{field.hint}</span>}
        </label>
      )}
      {state.error && (
        <p role="alert" className="text-sm text-red-700">
          {state.error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded bg-indigo-600 px-4 py-2 font-medium text-white disabled:opacity-50"
      >
        {submitLabel}
      </button>
    </form>
  );
}
