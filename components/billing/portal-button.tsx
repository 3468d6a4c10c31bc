'use client';

import { useState } from 'react';

/** Opens Stripe's billing portal (card, invoices, plan switch, cancellation). */
export function PortalButton() {
  const [error, setError] = useState<string | null>(null);
  async function open() {
    const res = await fetch('/api/packages/billing-portal', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ return_url: window.location.href }),
    });
    const body = (await res.json().catch(() => ({}))) as { url?: string; error?: { message?: string } };
    if (res.ok && body.url) window.location.assign(body.url);
    else setError(body.error?.message ?? 'Could not open the billing portal');
  }
  return (
    <div>
      <button type="button" onClick={open} className="rounded bg-slate-800 px-4 py-2 text-sm text-white">
        Manage billing in Stripe
      </button>
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
