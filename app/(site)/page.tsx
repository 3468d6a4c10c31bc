import Link from 'next/link';
import { ArrowRight, CreditCard, Layers, Sparkles } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Logo } from '@/components/ui/logo';

const POINTS = [
  {
    icon: Layers,
    title: 'Plans that grow with you',
    text: 'Start free on Starter; move to Professional or Business when the team grows.',
  },
  {
    icon: Sparkles,
    title: 'AI story credits',
    text: 'A monthly allowance on every plan, and packs of 50, 100 or 250 stories when you need more.',
  },
  {
    icon: CreditCard,
    title: 'Billing you control',
    text: 'Change plans with the prorated amount shown first, add extras, cancel or resume any time.',
  },
];

export default function LandingPage() {
  return (
    <main id="main" className="mx-auto max-w-5xl px-4 py-16">
      <section className="flex flex-col items-center gap-6 text-center">
        <Logo className="size-14" />
        <h1 className="text-3xl font-bold tracking-tight sm:text-display">Plans and AI story credits for AgileForge</h1>
        <p className="max-w-2xl text-lg text-muted-foreground">
          Everything your team buys for AgileForge in one place: subscription plans, AI story credit packs and add-ons,
          paid securely through Stripe.
        </p>
        <div className="flex flex-wrap justify-center gap-3">
          <Button asChild size="lg">
            <Link href="/pricing">
              See pricing <ArrowRight aria-hidden="true" />
            </Link>
          </Button>
          <Button asChild size="lg" variant="outline">
            <Link href="/signup?callbackUrl=%2Fpricing">Create a free account</Link>
          </Button>
        </div>
      </section>
      <section aria-label="Why AgileForge" className="mt-16 grid gap-6 md:grid-cols-3">
        {POINTS.map(({ icon: Icon, title, text }) => (
          <div key={title} className="rounded-lg border border-border bg-card p-5">
            <Icon className="size-6 text-primary" aria-hidden="true" />
            <h2 className="mt-3 font-semibold">{title}</h2>
            <p className="mt-1 text-sm text-muted-foreground">{text}</p>
          </div>
        ))}
      </section>
    </main>
  );
}
