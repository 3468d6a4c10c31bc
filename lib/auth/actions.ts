'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { AuthError } from 'next-auth';
import { requestPasswordReset, resendVerification, resetPassword, signUp, verifyEmail } from '@/lib/accounts/flows';
import { AppError, RateLimited } from '@/lib/errors';
import { clientAddress, trustBoundary } from '@/lib/http/client-address';
import { getAppContext } from '@/lib/server/context';
import { signIn } from './config';
import { configuredOAuthProviders } from './oauth-providers';
import { requireUser, safeCallbackPath } from './session';

/**
 * `email` is echoed back so a failed attempt does not make the visitor type it again; `notice`
 * is a success message shown instead of the form's error.
 */
export interface AuthFormState {
  error: string | null;
  email?: string;
  notice?: string;
}

function field(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}

/** The visitor's address from the trust boundary (never from a header the client controls). */
async function visitorAddress(): Promise<string> {
  return clientAddress(await headers(), trustBoundary(getAppContext().env));
}

/** A domain error as a line for the form: the field prefix dropped, a 429 told as a wait. */
function formError(err: AppError): string {
  if (err instanceof RateLimited)
    return `Too many attempts. Try again in ${Math.ceil(err.retryAfterSeconds / 60)} minutes.`;
  // Password messages name the field themselves; the others keep it, as a label the form can show.
  return err.message
    .replace(/^password: /, '')
    .replace(/^(email|name): /, (_m, field: string) => `${field[0]!.toUpperCase()}${field.slice(1)}: `);
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
            : code === 'client_unknown'
              ? 'Sign-in is unavailable: the server cannot tell where your request comes from.'
              : 'Wrong email or password.',
      };
    }
    throw err; // Next's redirect after a successful sign-in travels as an error.
  }
}

export async function signInAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  return signInWithPassword(field(form, 'email'), field(form, 'password'), field(form, 'callbackUrl'));
}

/** The same notice whether the address was new or registered: sign-up must not reveal accounts. */
export async function signUpAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const email = field(form, 'email');
  try {
    await signUp(
      getAppContext(),
      { email, password: field(form, 'password'), name: field(form, 'name') || undefined },
      await visitorAddress(),
    );
  } catch (err) {
    if (err instanceof AppError) return { email, error: formError(err) };
    throw err;
  }
  return {
    error: null,
    email,
    notice: `We sent a mail to ${email.trim()}. Open its link to confirm your address, then sign in.`,
  };
}

export async function forgotPasswordAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const email = field(form, 'email');
  try {
    await requestPasswordReset(getAppContext(), email, await visitorAddress());
  } catch (err) {
    if (err instanceof AppError) return { email, error: formError(err) };
    throw err;
  }
  return {
    error: null,
    email,
    notice: `If ${email.trim()} has an account, a link to choose a new password is on its way. It works for one hour.`,
  };
}

export async function resetPasswordAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  let email: string;
  try {
    ({ email } = await resetPassword(getAppContext(), field(form, 'token'), field(form, 'password')));
  } catch (err) {
    if (err instanceof AppError) return { error: formError(err) };
    throw err;
  }
  redirect(`/signin?reset=1&email=${encodeURIComponent(email)}`);
}

export async function verifyEmailAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  try {
    const { email } = await verifyEmail(getAppContext(), field(form, 'token'));
    return { error: null, email, notice: `${email} is confirmed.` };
  } catch (err) {
    if (err instanceof AppError) return { error: formError(err) };
    throw err;
  }
}

export async function resendVerificationAction(_prev: AuthFormState, _form: FormData): Promise<AuthFormState> {
  const user = await requireUser('/account');
  try {
    await resendVerification(getAppContext(), user.id);
  } catch (err) {
    if (err instanceof AppError) return { error: formError(err) };
    throw err;
  }
  return { error: null, notice: `A new confirmation link is on its way to ${user.email}.` };
}

/** Starts an OAuth sign-in; the provider must be one of the configured ones. */
export async function oauthSignInAction(form: FormData): Promise<void> {
  const provider = field(form, 'provider');
  if (!configuredOAuthProviders(getAppContext().env).some((p) => p.id === provider)) return;
  await signIn(provider, { redirectTo: safeCallbackPath(field(form, 'callbackUrl')) });
}
