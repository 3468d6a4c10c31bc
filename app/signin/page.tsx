import Link from 'next/link';
import { AuthForm } from '@/components/auth/auth-form';
import { signInAction } from '@/lib/auth/actions';
import { safeCallbackPath } from '@/lib/auth/session';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const callbackUrl = safeCallbackPath((await searchParams).callbackUrl);
  return (
    <main className="mx-auto max-w-sm px-4 py-12">
      <h1 className="mb-6 text-2xl font-bold">Sign in</h1>
      <AuthForm action={signInAction} mode="signin" callbackUrl={callbackUrl} />
      <p className="mt-4 text-sm">No account? <Link className="underline" href={`/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Sign up</Link></p>
    </main>
  );
}
