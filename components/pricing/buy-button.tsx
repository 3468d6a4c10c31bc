'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button, type ButtonProps } from '@/components/ui/button';

/**
 * Starts Stripe Checkout for the signed-in user's current team. Stripe sends the customer back
 * to /success (the app adds the session id) or, when they cancel, to /pricing with a notice.
 * A signed-out click (or an expired session) goes to sign-up and then straight back to
 * `resumeHref`, which offers the same purchase again.
 */
export function BuyButton({
  packageId,
  currency,
  label,
  trialDays,
  resumeHref,
  variant,
  className,
}: {
  packageId: string;
  currency: string;
  label: string;
  trialDays?: number;
  resumeHref: string;
  variant?: ButtonProps['variant'];
  className?: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function buy() {
    setBusy(true);
    setError(null);
    const origin = window.location.origin;
    const res = await fetch('/api/packages/checkout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        package_id: packageId,
        currency,
        ...(trialDays ? { trial_days: trialDays } : {}),
        success_url: `${origin}/success`,
        cancel_url: `${origin}/pricing?checkout=cancelled`,
      }),
    }).catch(() => null);
    if (res?.status === 401) {
      router.push(`/signup?callbackUrl=${encodeURIComponent(resumeHref)}`);
      return;
    }
    const body = (await res?.json().catch(() => ({}))) as { url?: string; error?: { message?: string } } | undefined;
    if (!res?.ok || !body?.url) {
      setBusy(false);
      const message = body?.error?.message ?? 'Could not start checkout. Please try again.';
      setError(message);
      toast.error(message);
      return;
    }
    // Stripe Checkout lives on another origin, so this is a full navigation.
    window.location.assign(body.url);
  }

  return (
    <div className="w-full">
      <Button type="button" onClick={buy} disabled={busy} variant={variant} className={className ?? 'w-full'}>
        {busy ? 'Redirecting…' : label}
      </Button>
      {error && (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}
