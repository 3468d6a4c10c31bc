import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthForm } from '@/components/auth/auth-form';
import { oauthSignInAction, signInAction } from '@/lib/auth/actions';
import { configuredOAuthProviders } from '@/lib/auth/oauth-providers';
import { safeCallbackPath } from '@/lib/auth/session';
import { getAppContext } from '@/lib/server/context';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; reset?: string; email?: string }>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  const oauth = configuredOAuthProviders(getAppContext().env);
  return (
    <main id="main" className="mx-auto max-w-sm px-4 py-12">
      <h1 className="mb-6 text-2xl font-bold">Sign in</h1>
      {params.reset === '1' && (
        <p role="status" className="mb-4 rounded border border-emerald-200 bg-emerald-50 p-3 text-sm">
          Your password has been changed. Sign in with the new one.
        </p>
      )}
      <AuthForm
        action={signInAction}
        mode="signin"
        callbackUrl={callbackUrl}
        email={typeof params.email === 'string' ? params.email.slice(0, 254) : undefined}
      />
      <p className="mt-3 text-sm">
        <Link className="underline" href="/forgot-password">
          Forgot your password?
        </Link>
      </p>
      {oauth.map((p) => (
        <form key={p.id} action={oauthSignInAction} className="mt-3">
          <input type="hidden" name="provider" value={p.id} />
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <button type="submit" className="w-full rounded-md border border-input bg-card px-4 py-2 font-medium">
            Continue with {p.name}
          </button>
        </form>
      ))}
      <p className="mt-4 text-sm">
        No account?{' '}
        <Link className="underline" href={`/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Sign up
        </Link>
      </p>
    </main>
  );
}
