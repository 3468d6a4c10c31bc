'use client';

import { useState } from 'react';
import { ExternalLink } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { callApi } from './api';

/** Stripe's billing portal, for what the app does not manage itself: cards and invoices. */
export function PortalButton({ label = 'Manage payment methods and invoices' }: { label?: string }) {
  const [busy, setBusy] = useState(false);
  async function open() {
    setBusy(true);
    const result = await callApi<{ url: string }>('/api/packages/billing-portal', {
      method: 'POST',
      body: { return_url: window.location.href },
    });
    if (result.ok) {
      window.location.assign(result.data.url);
      return;
    }
    setBusy(false);
    toast.error(result.message);
  }
  return (
    <Button type="button" variant="outline" size="sm" onClick={open} disabled={busy}>
      <ExternalLink aria-hidden="true" /> {busy ? 'Opening…' : label}
    </Button>
  );
}
