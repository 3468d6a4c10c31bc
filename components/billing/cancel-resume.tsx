'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { day } from '@/components/pricing/format';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
  DialogTrigger,
} from '@/components/ui/dialog';
import { callApi } from './api';

/** Cancel at period end (confirmed, stating the date) or resume a cancelling plan. */
export function CancelResume({
  planName,
  cancelling,
  periodEnd,
}: {
  planName: string;
  cancelling: boolean;
  periodEnd: string | null;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function act(action: 'cancel' | 'resume') {
    setBusy(true);
    setError(null);
    const result = await callApi('/api/packages/user/subscription', { method: 'POST', body: { action } });
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      toast.error(result.message);
      return;
    }
    toast.success(
      action === 'cancel'
        ? `${planName} is cancelled; it stays active until ${day(periodEnd)}`
        : `${planName} will renew as usual`,
    );
    setOpen(false);
    router.refresh();
  }

  if (cancelling) {
    return (
      <div className="space-y-2">
        <Button size="sm" onClick={() => act('resume')} disabled={busy}>
          {busy ? 'Working…' : 'Resume plan'}
        </Button>
        {error && (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        )}
      </div>
    );
  }
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm" className="text-destructive">
          Cancel plan
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogTitle>Cancel {planName}?</DialogTitle>
        <DialogDescription>
          Nothing more is charged. {planName} stays active until <strong>{day(periodEnd)}</strong>; on that date your
          team moves to Starter and its add-ons end. You can resume any time before then.
        </DialogDescription>
        {error && (
          <Alert variant="destructive" role="alert">
            {error}
          </Alert>
        )}
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="outline">Keep {planName}</Button>
          </DialogClose>
          <Button variant="destructive" onClick={() => act('cancel')} disabled={busy}>
            {busy ? 'Working…' : `Cancel on ${day(periodEnd)}`}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
