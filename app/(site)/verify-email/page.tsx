import Link from 'next/link';
import { AccountForm } from '@/components/auth/account-form';
import { verifyEmailAction } from '@/lib/auth/actions';

// Confirmation is a button, not the page load: mail scanners open links, and must not use up the token.
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <main className="mx-auto max-w-sm space-y-4 px-4 py-12">
      <h1 className="text-2xl font-bold">Confirm your email address</h1>
      {token ? (
        <AccountForm action={verifyEmailAction} hidden={{ token }} submitLabel="Confirm my address" />
      ) : (
        <p role="alert" className="text-sm text-red-700">
          This page needs the link from your confirmation mail.
        </p>
      )}
      <p className="text-sm">
        <Link className="underline" href="/signin">
          Sign in
        </Link>
      </p>
    </main>
  );
}
