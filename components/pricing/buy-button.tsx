'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

/** Starts Stripe Checkout (or attaches an add-on) for the signed-in user's current team. */
export function BuyButton({
  packageId,
  currency,
  label,
  isAddon,
}: {
  packageId: string;
  currency: string;
  label: string;
  isAddon: boolean;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function buy() {
    setBusy(true);
    setError(null);
    const origin = window.location.origin;
    const res = isAddon
      ? await fetch('/api/packages/user/addons', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ package_id: packageId }),
        })
      : await fetch('/api/packages/checkout', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            package_id: packageId,
            currency,
            success_url: `${origin}/account/purchases?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
            cancel_url: `${origin}/?checkout=cancelled`,
          }),
        });
    if (res.status === 401) {
      router.push(`/signin?callbackUrl=${encodeURIComponent(window.location.pathname)}`);
      return;
    }
    const body = (await res.json().catch(() => ({}))) as { url?: string; error?: { message?: string } };
    setBusy(false);
    if (!res.ok) {
      setError(body.error?.message ?? 'Something went wrong');
      return;
    }
    // Stripe Checkout lives on another origin, so this is a full navigation.
    if (body.url) window.location.assign(body.url);
    else router.push('/account/billing');
  }

  return (
    <div>
      <button
        type="button"
        onClick={buy}
        disabled={busy}
        className="rounded bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
      >
        {busy ? 'Redirecting…' : label}
      </button>
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
