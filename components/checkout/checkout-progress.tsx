'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { CheckCircle2, Clock, Loader2, XCircle } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader } from '@/components/ui/card';
import { day, money } from '@/components/pricing/format';
import type { CheckoutStatusView } from '@/lib/checkout/schemas';

const POLL_MS = 1_000;
const PATIENCE_MS = 30_000;

/**
 * Polls GET /api/packages/checkout/{id} until the webhook has fulfilled the purchase (or it
 * failed), then shows the result; after 30 s it says the payment is still being confirmed.
 */
export function CheckoutProgress({ initial }: { initial: CheckoutStatusView }) {
  const [status, setStatus] = useState(initial);
  const [slow, setSlow] = useState(false);
  const [balance, setBalance] = useState<number | null>(null);
  const announced = useRef(false);
  const done = status.status === 'fulfilled' || status.status === 'failed';

  useEffect(() => {
    if (done) return;
    const started = Date.now();
    let stopped = false;
    const timer = setInterval(async () => {
      if (Date.now() - started >= PATIENCE_MS) setSlow(true);
      const res = await fetch(`/api/packages/checkout/${encodeURIComponent(initial.session_id)}`, {
        cache: 'no-store',
      }).catch(() => null);
      if (!stopped && res?.ok) setStatus((await res.json()) as CheckoutStatusView);
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [done, initial.session_id]);

  useEffect(() => {
    if (status.status !== 'fulfilled' || announced.current) return;
    announced.current = true;
    toast.success(status.mode === 'payment' ? `${status.package_name} added` : `${status.package_name} is active`);
    if (status.mode === 'payment') {
      fetch('/api/packages/user/credits', { cache: 'no-store' })
        .then((r) => (r.ok ? r.json() : null))
        .then((body: { ai_stories?: { remaining_credits: number } } | null) => {
          if (body?.ai_stories) setBalance(body.ai_stories.remaining_credits);
        })
        .catch(() => {});
    }
  }, [status]);

  const amount =
    status.amount_total !== null && status.amount_total > 0 ? money(status.amount_total, status.currency) : null;
  const trial = status.subscription?.status === 'trialing' && status.subscription.trial_end;
  const planName = status.package_name.replace(/ \(annual\)$/, '');

  return (
    <Card>
      <CardHeader className="items-center text-center">
        {status.status === 'fulfilled' ? (
          <CheckCircle2 className="size-10 text-success" aria-hidden="true" />
        ) : status.status === 'failed' ? (
          <XCircle className="size-10 text-destructive" aria-hidden="true" />
        ) : slow ? (
          <Clock className="size-10 text-warning" aria-hidden="true" />
        ) : (
          <Loader2 className="size-10 animate-spin text-primary motion-reduce:animate-none" aria-hidden="true" />
        )}
        <h1 className="text-2xl font-bold">
          {status.status === 'fulfilled'
            ? trial
              ? `Your ${planName} trial has started`
              : 'Thank you for your purchase'
            : status.status === 'failed'
              ? 'The payment did not go through'
              : 'Confirming your payment…'}
        </h1>
        <CardDescription>
          {status.package_name}
          {amount ? ` · ${amount}` : status.trial_days ? ` · ${status.trial_days}-day free trial` : ''}
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4 text-center">
        <div role="status" aria-live="polite" className="space-y-2" data-testid="checkout-status">
          {status.status === 'fulfilled' && status.credits && (
            <>
              <p className="text-lg">
                <strong className="tabular-nums">{status.credits.granted}</strong> AI story credits added, valid until{' '}
                <strong>{day(status.credits.expires_at)}</strong>.
              </p>
              {balance !== null && (
                <p className="text-muted-foreground">
                  You now have <span className="tabular-nums">{balance}</span> credits available.
                </p>
              )}
            </>
          )}
          {status.status === 'fulfilled' && status.subscription && (
            <p className="text-lg">
              {trial ? (
                <>
                  Your team is on {planName}. The trial ends on <strong>{day(status.subscription.trial_end)}</strong>;
                  cancel before then and nothing is charged.
                </>
              ) : (
                <>
                  Your team is on <strong>{planName}</strong>, renewing on{' '}
                  <strong>{day(status.subscription.current_period_end)}</strong>.
                </>
              )}
            </p>
          )}
          {status.status === 'failed' && (
            <p>Nothing was charged. The checkout expired or the payment failed; you can try again from pricing.</p>
          )}
          {!done && !slow && <p className="text-muted-foreground">Waiting for Stripe to confirm the payment.</p>}
          {!done && slow && (
            <p>
              Your payment is still being confirmed. This can take a few minutes; you will not be charged twice, and the
              purchase appears in your history as soon as it is confirmed.
            </p>
          )}
        </div>
        <div className="flex flex-wrap justify-center gap-2">
          {status.status === 'failed' ? (
            <Button asChild>
              <Link href="/pricing">Back to pricing</Link>
            </Button>
          ) : status.mode === 'payment' ? (
            <Button asChild>
              <Link href="/account/credits">See your credits</Link>
            </Button>
          ) : (
            <Button asChild>
              <Link href="/account/billing">Go to billing</Link>
            </Button>
          )}
          <Button asChild variant="outline">
            <Link href="/account/purchases">Purchase history</Link>
          </Button>
        </div>
      </CardContent>
    </Card>
  );
}
