import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthForm } from '@/components/auth/auth-form';
import { signUpAction } from '@/lib/auth/actions';
import { safeCallbackPath } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Create your account' };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const callbackUrl = safeCallbackPath((await searchParams).callbackUrl);
  return (
    <main id="main" className="mx-auto max-w-sm px-4 py-12">
      <h1 className="mb-6 text-2xl font-bold">Create your account</h1>
      <AuthForm action={signUpAction} mode="signup" callbackUrl={callbackUrl} />
      <p className="mt-4 text-sm">
        Already have an account?{' '}
        <Link className="underline" href={`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Sign in
        </Link>
      </p>
    </main>
  );
}
