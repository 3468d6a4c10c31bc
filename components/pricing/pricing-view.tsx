import Link from 'next/link';
import { Check, Sparkles, Zap } from 'lucide-react';
import { money } from '@/components/pricing/format';
import { PurchaseAction } from '@/components/pricing/purchase-action';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { SegmentedLinks } from '@/components/ui/segmented';
import { LinkSwitch } from '@/components/ui/switch';
import { InfoTip } from '@/components/ui/tooltip';
import { PACKAGES, findPackage, type Currency, type PackageDefinition } from '@/lib/catalog/packages';
import {
  annualSaving,
  packDiscountPercent,
  perStoryPrice,
  planColumns,
  TRIAL_DAYS,
  type BillingInterval,
} from '@/lib/pricing/rules';
import type { TeamPricingContext } from '@/lib/pricing';

/** What each plan limit means, shown in a tooltip beside it. */
const LIMIT_HINTS: Record<string, string> = {
  Members: 'Everyone who can sign in to your team, owners and admins included.',
  Projects: 'Projects your team can have at the same time.',
  Storage: 'Attachments across all projects. The Extra Storage add-on adds more on a paid plan.',
  'AI stories a month':
    'Stories AgileForge AI writes for you each month. The allowance resets monthly; credit packs add more.',
};

export type Search = { currency?: string; billing?: string; checkout?: string; buy?: string; trial?: string };

function PriceTag({ pkg, currency }: { pkg: PackageDefinition; currency: Currency }) {
  const amount = pkg.prices[currency];
  if (amount === undefined) return <>—</>;
  const suffix = pkg.interval === 'month' ? ' / month' : pkg.interval === 'year' ? ' / year' : '';
  return (
    <>
      {money(amount, currency)}
      {suffix && <span className="text-base font-medium text-muted-foreground">{suffix}</span>}
    </>
  );
}

function priceLabel(pkg: PackageDefinition, currency: Currency): string {
  const amount = pkg.prices[currency];
  if (amount === undefined) return '—';
  const suffix = pkg.interval === 'month' ? ' / month' : pkg.interval === 'year' ? ' / year' : '';
  return `${money(amount, currency)}${suffix}`;
}

function hrefFor(state: { billing: BillingInterval; currency: Currency; buy?: string; trial?: boolean }): string {
  const q = new URLSearchParams({ billing: state.billing === 'year' ? 'annual' : 'monthly', currency: state.currency });
  if (state.buy) q.set('buy', state.buy);
  if (state.trial) q.set('trial', '1');
  return `/pricing?${q.toString()}`;
}

export interface PricingViewProps {
  currency: Currency;
  billing: BillingInterval;
  /** The signed-in visitor's team, or null for a visitor who is signed out or has no team. */
  team: TeamPricingContext | null;
  signedIn: boolean;
  canBuy: boolean;
  trialEligible: boolean;
  params: Pick<Search, 'checkout' | 'buy' | 'trial'>;
}

/**
 * The pricing page for one visitor. Signed-out visitors without checkout state get it prerendered
 * per currency and billing period (app/(prerendered)); everyone else gets it rendered per request.
 */
export function PricingView({ currency, billing, team, signedIn, canBuy, trialEligible, params }: PricingViewProps) {
  const columns = planColumns(billing);
  const saving = annualSaving(findPackage('professional_monthly')!, findPackage('professional_annual')!, currency);
  const resume = params.buy ? findPackage(params.buy) : undefined;
  const packs = PACKAGES.filter((p) => p.packageType === 'credit_pack');
  const addons = PACKAGES.filter((p) => p.packageType === 'addon');

  return (
    <main id="main" className="mx-auto max-w-6xl space-y-12 px-4 py-10">
      <header className="space-y-4 text-center">
        <h1 className="text-3xl font-bold tracking-tight sm:text-display">AgileForge pricing</h1>
        <p className="mx-auto max-w-2xl text-muted-foreground">
          Plans for every team, AI story credits when you need more. Cancel any time; prices include everything shown.
        </p>
        <div className="flex flex-wrap items-center justify-center gap-3">
          <nav aria-label="Billing period" className="inline-flex items-center gap-3 text-sm">
            <Link
              href={hrefFor({ billing: 'month', currency })}
              scroll={false}
              aria-current={billing === 'month' ? 'true' : undefined}
              className={cn('font-medium', billing === 'month' ? 'text-foreground' : 'text-muted-foreground')}
            >
              Monthly
            </Link>
            <LinkSwitch
              checked={billing === 'year'}
              href={hrefFor({ billing: billing === 'year' ? 'month' : 'year', currency })}
              label="Annual billing"
            />
            <Link
              href={hrefFor({ billing: 'year', currency })}
              scroll={false}
              aria-current={billing === 'year' ? 'true' : undefined}
              className={cn('font-medium', billing === 'year' ? 'text-foreground' : 'text-muted-foreground')}
            >
              Annual
              {saving && (
                <span className="ml-1.5 text-xs font-semibold text-success">{saving.monthsFree} months free</span>
              )}
            </Link>
          </nav>
          {team?.billingCurrency ? (
            <p className="text-sm text-muted-foreground">
              Prices in {currency.toUpperCase()}, your team&apos;s billing currency
            </p>
          ) : (
            <SegmentedLinks
              label="Currency"
              options={(['usd', 'gbp'] as const).map((c) => ({
                href: hrefFor({ billing, currency: c }),
                label: c.toUpperCase(),
                current: currency === c,
              }))}
            />
          )}
        </div>
      </header>

      {params.checkout === 'cancelled' && (
        <Alert variant="info" role="status" title="Checkout cancelled">
          Nothing was charged. Pick a plan or a pack whenever you are ready.
        </Alert>
      )}
      {resume && signedIn && canBuy && resume.packageType !== 'addon' && resume.packageType !== 'enterprise' && (
        <Alert variant="info" role="status" title="Continue your purchase">
          <div className="mt-2 flex flex-wrap items-center gap-3">
            <span>
              {resume.name.replace(/ \(annual\)$/, '')} · {priceLabel(resume, currency)}
              {params.trial && trialEligible ? ` · ${TRIAL_DAYS}-day free trial` : ''}
            </span>
            <div className="w-full sm:w-auto">
              <PurchaseAction
                signedIn
                packageId={resume.id}
                currency={currency}
                trialDays={params.trial && trialEligible ? TRIAL_DAYS : undefined}
                label={
                  params.trial && trialEligible
                    ? `Continue: start your ${TRIAL_DAYS}-day trial`
                    : 'Continue to checkout'
                }
                resumeHref={hrefFor({ billing, currency, buy: resume.id, trial: Boolean(params.trial) })}
              />
            </div>
          </div>
        </Alert>
      )}

      <section aria-labelledby="plans" className="space-y-4">
        <h2 id="plans" className="text-2xl font-semibold">
          Plans
        </h2>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {columns.map((col) => {
            const current = team?.planFamily === col.family;
            const id = col.pkg?.id ?? col.family;
            const highlighted = col.family === 'professional';
            return (
              <Card
                key={col.family}
                role="article"
                aria-labelledby={`plan-${col.family}`}
                className={cn('flex flex-col', highlighted && 'border-primary ring-1 ring-primary')}
              >
                <CardHeader>
                  <div className="flex flex-wrap items-center gap-2">
                    <CardTitle id={`plan-${col.family}`} className="text-xl">
                      {col.name}
                    </CardTitle>
                    {current && <Badge variant="success">Your plan</Badge>}
                    {highlighted && !current && <Badge variant="secondary">Most popular</Badge>}
                  </div>
                  <CardDescription>{col.description}</CardDescription>
                </CardHeader>
                <CardContent className="flex-1 space-y-4">
                  <div>
                    <p className="text-3xl font-bold tabular-nums" data-testid={`price-${id}`}>
                      {col.family === 'starter' ? (
                        'Free'
                      ) : col.family === 'enterprise' ? (
                        'Custom pricing'
                      ) : (
                        <PriceTag pkg={col.pkg!} currency={currency} />
                      )}
                    </p>
                    {col.pkg && billing === 'year' && (
                      <p className="text-sm text-success">
                        {(() => {
                          const s = annualSaving(findPackage(`${col.family}_monthly`)!, col.pkg, currency);
                          return s ? `Save ${money(s.amount, currency)} a year (${s.monthsFree} months free)` : null;
                        })()}
                      </p>
                    )}
                  </div>
                  <dl className="grid grid-cols-[1fr_auto] gap-x-3 gap-y-1 text-sm">
                    {col.limits.map((l) => (
                      <div key={l.label} className="contents">
                        <dt className="text-muted-foreground">
                          {l.label}
                          {LIMIT_HINTS[l.label] && (
                            <InfoTip label={`About ${l.label.toLowerCase()}`} className="ml-1">
                              {LIMIT_HINTS[l.label]}
                            </InfoTip>
                          )}
                        </dt>
                        <dd className="text-right font-medium">{l.value}</dd>
                      </div>
                    ))}
                  </dl>
                  <ul className="space-y-1.5 text-sm">
                    {col.features.map((f) => (
                      <li key={f} className="flex gap-2">
                        <Check className="mt-0.5 size-4 shrink-0 text-success" aria-hidden="true" />
                        {f}
                      </li>
                    ))}
                  </ul>
                </CardContent>
                <CardFooter className="flex-col items-stretch">
                  {col.family === 'enterprise' ? (
                    <Button asChild variant="outline" className="w-full">
                      <Link href="/contact-sales">Contact sales</Link>
                    </Button>
                  ) : col.family === 'starter' ? (
                    <p className="text-center text-sm text-muted-foreground">
                      {current ? 'Included with every team' : 'Every team starts here'}
                    </p>
                  ) : current ? (
                    <Button asChild variant="outline" className="w-full">
                      <Link href="/account/billing">Manage your plan</Link>
                    </Button>
                  ) : team?.hasPaidPlan ? (
                    canBuy && (
                      <Button asChild variant="outline" className="w-full">
                        <Link href={`/account/billing?plan=${col.pkg!.id}`}>Change to {col.name}</Link>
                      </Button>
                    )
                  ) : (
                    canBuy && (
                      <>
                        {trialEligible && (
                          <PurchaseAction
                            signedIn={signedIn}
                            packageId={col.pkg!.id}
                            currency={currency}
                            trialDays={TRIAL_DAYS}
                            label={`Start a ${TRIAL_DAYS}-day trial`}
                            resumeHref={hrefFor({ billing, currency, buy: col.pkg!.id, trial: true })}
                          />
                        )}
                        <PurchaseAction
                          signedIn={signedIn}
                          packageId={col.pkg!.id}
                          currency={currency}
                          label="Buy"
                          variant={trialEligible ? 'outline' : 'default'}
                          resumeHref={hrefFor({ billing, currency, buy: col.pkg!.id })}
                        />
                      </>
                    )
                  )}
                </CardFooter>
              </Card>
            );
          })}
        </div>
        {trialEligible && (
          <p className="text-sm text-muted-foreground">
            Trials last {TRIAL_DAYS} days, once per team. You can cancel before the first charge.
          </p>
        )}
      </section>

      <section aria-labelledby="packs" className="space-y-4">
        <div>
          <h2 id="packs" className="text-2xl font-semibold">
            AI story credit packs
          </h2>
          <p className="text-sm text-muted-foreground">
            One-off top-ups on any plan, used after your monthly allowance.
          </p>
        </div>
        <div className="grid gap-4 md:grid-cols-3">
          {packs.map((pack) => {
            const each = perStoryPrice(pack, currency);
            const discount = packDiscountPercent(pack, currency);
            return (
              <Card key={pack.id} role="article" aria-labelledby={`pkg-${pack.id}`} className="flex flex-col">
                <CardHeader>
                  <div className="flex flex-wrap items-center gap-2">
                    <CardTitle id={`pkg-${pack.id}`}>{pack.name}</CardTitle>
                    {discount > 0 && <Badge variant="success">Save {discount}%</Badge>}
                  </div>
                  <CardDescription>{pack.credits} AI-generated user stories</CardDescription>
                </CardHeader>
                <CardContent className="flex-1 space-y-3">
                  <p className="text-3xl font-bold tabular-nums" data-testid={`price-${pack.id}`}>
                    <PriceTag pkg={pack} currency={currency} />
                  </p>
                  <ul className="space-y-1.5 text-sm">
                    <li className="flex gap-2">
                      <Check className="mt-0.5 size-4 shrink-0 text-success" aria-hidden="true" />
                      <span>
                        <span className="tabular-nums">{each !== null ? money(each, currency) : '—'}</span> per story
                        {discount > 0 ? ` (${discount}% less than the 50 pack)` : ''}
                      </span>
                    </li>
                    <li className="flex gap-2">
                      <Check className="mt-0.5 size-4 shrink-0 text-success" aria-hidden="true" />
                      Valid for {pack.validityDays} days
                    </li>
                    {pack.priorityProcessing && (
                      <li className="flex gap-2">
                        <Zap className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
                        Priority AI processing
                      </li>
                    )}
                  </ul>
                </CardContent>
                <CardFooter>
                  {canBuy && (
                    <PurchaseAction
                      signedIn={signedIn}
                      packageId={pack.id}
                      currency={currency}
                      label="Buy"
                      resumeHref={hrefFor({ billing, currency, buy: pack.id })}
                    />
                  )}
                </CardFooter>
              </Card>
            );
          })}
        </div>
      </section>

      <section aria-labelledby="addons" className="space-y-4">
        <div>
          <h2 id="addons" className="text-2xl font-semibold">
            Add-ons
          </h2>
          <p className="text-sm text-muted-foreground">Monthly extras for a paid plan, prorated when added.</p>
        </div>
        <div className="grid gap-4 md:grid-cols-3">
          {addons.map((addon) => (
            <Card key={addon.id} role="article" aria-labelledby={`pkg-${addon.id}`} className="flex flex-col">
              <CardHeader>
                <div className="flex flex-wrap items-center gap-2">
                  <CardTitle id={`pkg-${addon.id}`}>{addon.name}</CardTitle>
                  {!team?.hasPaidPlan && <Badge variant="outline">Needs a paid plan</Badge>}
                </div>
                <CardDescription>{addon.description}</CardDescription>
              </CardHeader>
              <CardContent className="flex-1 space-y-3">
                <p className="text-2xl font-bold tabular-nums" data-testid={`price-${addon.id}`}>
                  <PriceTag pkg={addon} currency={currency} />
                </p>
                <ul className="space-y-1.5 text-sm">
                  {addon.features.map((f) => (
                    <li key={f} className="flex gap-2">
                      <Sparkles className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden="true" />
                      {f}
                    </li>
                  ))}
                </ul>
              </CardContent>
              <CardFooter>
                {team?.hasPaidPlan && canBuy ? (
                  <Button asChild variant="outline" className="w-full">
                    <Link href={`/account/billing?addon=${addon.id}`}>Add to plan</Link>
                  </Button>
                ) : (
                  <p className="text-sm text-muted-foreground">
                    Available on Professional and Business.{' '}
                    {!signedIn && (
                      <Link className="underline" href="/signup?callbackUrl=%2Fpricing">
                        Create an account
                      </Link>
                    )}
                  </p>
                )}
              </CardFooter>
            </Card>
          ))}
        </div>
      </section>
    </main>
  );
}
