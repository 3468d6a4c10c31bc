import { AccountForm } from '@/components/auth/account-form';
import { resendVerificationAction } from '@/lib/auth/actions';

/** Shown to a signed-in user whose address is not confirmed yet. */
export function VerifyEmailNotice({ email, reason }: { email: string; reason: string }) {
  return (
    <section className="space-y-3 rounded border border-amber-200 bg-amber-50 p-4 text-sm">
      <p>
        <strong>{email}</strong> is not confirmed yet. {reason}
      </p>
      <AccountForm action={resendVerificationAction} submitLabel="Send the confirmation link again" />
    </section>
  );
}
