import Link from 'next/link';
import { AccountForm } from '@/components/auth/account-form';
import { resetPasswordAction } from '@/lib/auth/actions';

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <main className="mx-auto max-w-sm px-4 py-12">
      <h1 className="mb-6 text-2xl font-bold">Choose a new password</h1>
      {token ? (
        <AccountForm
          action={resetPasswordAction}
          hidden={{ token }}
          field={{
            name: 'password',
            label: 'New password',
            hint: 'At least 10 characters, mixing letters with digits or symbols.',
          }}
          submitLabel="Set new password"
        />
      ) : (
        <p role="alert" className="text-sm text-red-700">
          This page needs the link from your reset mail.{' '}
          <Link className="underline" href="/forgot-password">
            Ask for a new one
          </Link>
          .
        </p>
      )}
    </main>
  );
}
