'use server';

import { AuthError } from 'next-auth';
import { createUser } from '@/lib/accounts';
import { AppError } from '@/lib/errors';
import { getAppContext } from '@/lib/server/context';
import { signIn } from './config';
import { configuredOAuthProviders } from './oauth-providers';
import { safeCallbackPath } from './session';

/** `email` is echoed back so a failed attempt does not make the visitor type it again. */
export interface AuthFormState {
  error: string | null;
  email?: string;
}

function field(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}

async function signInWithPassword(email: string, password: string, callbackUrl: string): Promise<AuthFormState> {
  try {
    await signIn('credentials', { email, password, redirectTo: safeCallbackPath(callbackUrl) });
    return { error: null };
  } catch (err) {
    if (err instanceof AuthError) {
      const code = (err as AuthError & { code?: string }).code;
      return {
        email,
        error:
          code === 'rate_limited'
            ? 'Too many sign-in attempts. Wait a few minutes and try again.'
            : 'Wrong email or password.',
      };
    }
    throw err; // Next's redirect after a successful sign-in travels as an error.
  }
}

export async function signInAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  return signInWithPassword(field(form, 'email'), field(form, 'password'), field(form, 'callbackUrl'));
}

export async function signUpAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const email = field(form, 'email');
  const password = field(form, 'password');
  try {
    await createUser(getAppContext().db, { email, password, name: field(form, 'name') || undefined });
  } catch (err) {
    if (err instanceof AppError) return { email, error: err.message.replace(/^(email|password): /, '') };
    throw err;
  }
  return signInWithPassword(email, password, field(form, 'callbackUrl') || '/account');
}

/** Starts an OAuth sign-in; the provider must be one of the configured ones. */
export async function oauthSignInAction(form: FormData): Promise<void> {
  const provider = field(form, 'provider');
  if (!configuredOAuthProviders(getAppContext().env).some((p) => p.id === provider)) return;
  await signIn(provider, { redirectTo: safeCallbackPath(field(form, 'callbackUrl')) });
}
