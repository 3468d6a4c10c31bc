import Link from 'next/link';
import { AccountForm } from '@/components/auth/account-form';
import { forgotPasswordAction } from '@/lib/auth/actions';

export default function ForgotPasswordPage() {
  return (
    <main className="mx-auto max-w-sm px-4 py-12">
      <h1 className="mb-2 text-2xl font-bold">Forgot your password?</h1>
      <p className="mb-6 text-sm text-slate-600">We will mail you a link to choose a new one.</p>
      <AccountForm
        action={forgotPasswordAction}
        field={{ name: 'email', label: 'Email' }}
        submitLabel="Send reset link"
      />
      <p className="mt-4 text-sm">
        <Link className="underline" href="/signin">
          Back to sign in
        </Link>
      </p>
    </main>
  );
}
