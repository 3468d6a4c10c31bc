import type { Metadata } from 'next';
import Link from 'next/link';
import { CheckoutProgress } from '@/components/checkout/checkout-progress';
import { Button } from '@/components/ui/button';
import { Toaster } from '@/components/ui/toaster';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { requireUser } from '@/lib/auth/session';
import { getCheckoutStatus, type CheckoutStatusView } from '@/lib/checkout';
import { checkoutStatusParams } from '@/lib/checkout/schemas';
import { AppError } from '@/lib/errors';
import { getAppContext } from '@/lib/server/context';

export const metadata: Metadata = { title: 'Thank you' };

/** Where Stripe Checkout returns: shows what was bought and waits for the webhook to fulfil it. */
export default async function SuccessPage({ searchParams }: { searchParams: Promise<{ session_id?: string }> }) {
  const { session_id } = await searchParams;
  const user = await requireUser(session_id ? `/success?session_id=${encodeURIComponent(session_id)}` : '/success');
  const parsed = checkoutStatusParams.safeParse({ session_id });
  let initial: CheckoutStatusView | null = null;
  if (parsed.success && user.team) {
    try {
      initial = await getCheckoutStatus(getAppContext(), user.team.id, parsed.data.session_id);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
    }
  }
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-12">
      {initial ? (
        <CheckoutProgress initial={initial} />
      ) : (
        <Card>
          <CardHeader>
            <h1 className="text-2xl font-bold">We could not find that checkout</h1>
          </CardHeader>
          <CardContent className="space-y-4 text-sm text-muted-foreground">
            <p>
              It may belong to another team, or the link is incomplete. Anything you paid for shows in your purchase
              history.
            </p>
            <div className="flex flex-wrap gap-2">
              <Button asChild>
                <Link href="/account/purchases">Purchase history</Link>
              </Button>
              <Button asChild variant="outline">
                <Link href="/pricing">Pricing</Link>
              </Button>
            </div>
          </CardContent>
        </Card>
      )}
      <Toaster />
    </main>
  );
}
