'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { Loader2 } from 'lucide-react';
import { toast } from 'sonner';
import { day, money } from '@/components/pricing/format';
import { Alert } from '@/components/ui/alert';
import { Button, type ButtonProps } from '@/components/ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
  DialogTrigger,
} from '@/components/ui/dialog';
import { callApi, type ApiResult, type ChangePreview } from './api';

export type PreviewAction = 'change_plan' | 'add_addon' | 'remove_addon';

const CONFIRM: Record<PreviewAction, (packageId: string) => { path: string; method: string; body?: unknown }> = {
  change_plan: (id) => ({
    path: '/api/packages/user/subscription',
    method: 'POST',
    body: { action: 'change_plan', package_id: id },
  }),
  add_addon: (id) => ({ path: '/api/packages/user/addons', method: 'POST', body: { package_id: id } }),
  remove_addon: (id) => ({ path: `/api/packages/user/addons/${encodeURIComponent(id)}`, method: 'DELETE' }),
};

function fetchPreview(action: PreviewAction, packageId: string): Promise<ApiResult<ChangePreview>> {
  return callApi<ChangePreview>('/api/packages/user/subscription/preview', {
    method: 'POST',
    body: { action, package_id: packageId },
  });
}

/**
 * A costly or destructive billing change, confirmed in a dialog that first shows what it costs:
 * Stripe's prorated preview (charge or credit), line by line, and the date it takes effect.
 */
export function PreviewChangeDialog({
  action,
  packageId,
  packageName,
  triggerLabel,
  title,
  done,
  variant,
  defaultOpen,
}: {
  action: PreviewAction;
  packageId: string;
  packageName: string;
  triggerLabel: string;
  title: string;
  done: string;
  variant?: ButtonProps['variant'];
  defaultOpen?: boolean;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(Boolean(defaultOpen));
  const [preview, setPreview] = useState<ChangePreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const show = useCallback((result: ApiResult<ChangePreview>) => {
    if (result.ok) setPreview(result.data);
    else setError(result.message);
  }, []);

  // Opened from a link (`?plan=` / `?addon=`): fetch the preview straight away.
  useEffect(() => {
    if (!defaultOpen) return;
    let live = true;
    fetchPreview(action, packageId).then((result) => {
      if (live) show(result);
    });
    return () => {
      live = false;
    };
  }, [defaultOpen, action, packageId, show]);

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (next) {
      setPreview(null);
      setError(null);
      void fetchPreview(action, packageId).then(show);
    }
  }

  async function confirm() {
    setBusy(true);
    setError(null);
    const request = CONFIRM[action](packageId);
    const result = await callApi(request.path, { method: request.method, body: request.body });
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      toast.error(result.message);
      return;
    }
    toast.success(done);
    setOpen(false);
    router.refresh();
  }

  const credit = preview ? preview.total < 0 : false;
  const confirmLabel = !preview
    ? 'Confirm'
    : credit || preview.amount_due === 0
      ? 'Confirm'
      : `Confirm and pay ${money(preview.amount_due, preview.currency)}`;

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant={variant ?? 'outline'} size="sm">
          {triggerLabel}
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>
          {preview
            ? credit
              ? `${packageName} is removed on ${day(preview.effective_at)}. The unused time, ${money(-preview.total, preview.currency)}, is credited to your next invoice.`
              : `Takes effect on ${day(preview.effective_at)}. Your card is charged ${money(preview.amount_due, preview.currency)} today, prorated for the rest of the billing period.`
            : `Working out the prorated amount for ${packageName}…`}
        </DialogDescription>
        {!preview && !error && (
          <p className="flex items-center gap-2 text-sm text-muted-foreground">
            <Loader2 className="size-4 animate-spin motion-reduce:animate-none" aria-hidden="true" /> Asking Stripe for
            a preview
          </p>
        )}
        {preview && (
          <table className="w-full text-sm" data-testid="preview-lines">
            <caption className="sr-only">Prorated lines</caption>
            <thead>
              <tr className="text-left text-muted-foreground">
                <th scope="col" className="py-1 font-medium">
                  Line
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {preview.lines.map((l, i) => (
                <tr key={i} className="border-t border-border">
                  <td className="py-1.5 pr-3">{l.description}</td>
                  <td className="py-1.5 text-right tabular-nums">{money(l.amount, preview.currency)}</td>
                </tr>
              ))}
              <tr className="border-t-2 border-border font-semibold">
                <td className="py-1.5">{credit ? 'Credit to your next invoice' : 'Due today'}</td>
                <td className="py-1.5 text-right tabular-nums" data-testid="preview-total">
                  {money(credit ? -preview.total : preview.amount_due, preview.currency)}
                </td>
              </tr>
            </tbody>
          </table>
        )}
        {error && (
          <Alert variant="destructive" role="alert" title="This change was not made">
            {error}
          </Alert>
        )}
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="outline">Keep things as they are</Button>
          </DialogClose>
          <Button
            onClick={confirm}
            disabled={!preview || busy}
            variant={action === 'remove_addon' ? 'destructive' : 'default'}
          >
            {busy ? 'Working…' : confirmLabel}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
