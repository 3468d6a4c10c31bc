import type { Metadata } from 'next';
import Link from 'next/link';
import { History, Sparkles } from 'lucide-react';
import { dateTime, day } from '@/components/pricing/format';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Pagination } from '@/components/ui/pagination';
import { ProgressBar } from '@/components/ui/progress';
import { LinkTabs } from '@/components/ui/tabs';
import { Table, TableCaption, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requireUser } from '@/lib/auth/session';
import { findPackage } from '@/lib/catalog/packages';
import { getCredits, memberUsage } from '@/lib/credits';
import { creditHistory } from '@/lib/credits/history';
import { getAppContext } from '@/lib/server/context';

export const metadata: Metadata = { title: 'AI story credits' };

const PAGE = 25;
const ENTRY_LABELS: Record<string, string> = {
  grant: 'Granted',
  reserve: 'Held for a story',
  commit: 'Story generated',
  release: 'Hold returned',
  expire: 'Expired',
  refund: 'Refund taken back',
  adjust: 'Adjustment',
  usage: 'Story generated',
};

function grantName(g: { source: string; package_id: string | null }): string {
  if (g.source === 'plan_allowance') return 'Monthly allowance';
  if (g.source === 'adjustment') return 'Goodwill credits';
  return (g.package_id && findPackage(g.package_id)?.name) || 'Credit pack';
}

export default async function CreditsPage({
  searchParams,
}: {
  searchParams: Promise<{ page?: string; tab?: string }>;
}) {
  const user = await requireUser('/account/credits');
  if (!user.team) return <main className="p-10">You are not in a team.</main>;
  const search = await searchParams;
  const page = Math.max(0, Number.parseInt(search.page ?? '0', 10) || 0);
  const tab = search.tab === 'members' ? 'members' : 'history';
  const app = getAppContext();
  const { ai_stories: credits } = await getCredits(app, user.team.id);
  const [members, history] = await Promise.all([
    memberUsage(app.db, user.team.id, app.clock.now()),
    creditHistory(app.db, user.team.id, { limit: PAGE, offset: page * PAGE }),
  ]);
  const soon = app.clock.now().getTime() + 7 * 86_400_000;

  return (
    <main id="main" className="mx-auto max-w-4xl space-y-6 px-4 py-10">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">AI story credits</h1>
          <p className="text-sm text-muted-foreground">{user.team.name}</p>
        </div>
        <Button asChild>
          <Link href="/pricing#packs">
            <Sparkles aria-hidden="true" /> Buy more
          </Link>
        </Button>
      </div>

      {credits.warnings.map((w) => (
        <Alert key={w} variant="warning" role="status" title="Usage warning">
          {w}
        </Alert>
      ))}

      <div className="grid gap-4 sm:grid-cols-3">
        <Card>
          <CardHeader>
            <CardDescription>Available now</CardDescription>
            <p className="text-3xl font-bold tabular-nums" data-testid="remaining-credits">
              {credits.unlimited ? 'Unlimited (plan)' : credits.remaining_credits}
            </p>
            {credits.unlimited && (
              <p className="text-sm text-muted-foreground tabular-nums">{credits.remaining_credits} more in packs</p>
            )}
          </CardHeader>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Held for stories in progress</CardDescription>
            <p className="text-3xl font-bold tabular-nums" data-testid="held-credits">
              {credits.held_credits}
            </p>
          </CardHeader>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Allowance resets</CardDescription>
            <p className="text-xl font-bold">{credits.allowance ? day(credits.allowance.resets_at) : '—'}</p>
            {credits.priority_processing && (
              <Badge variant="secondary" className="w-fit">
                Priority AI processing
              </Badge>
            )}
          </CardHeader>
        </Card>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Where your credits come from</CardTitle>
          <CardDescription>Spent in this order: the monthly allowance, then packs by soonest expiry.</CardDescription>
        </CardHeader>
        <CardContent>
          {credits.grants.length === 0 ? (
            <p className="text-sm text-muted-foreground">
              No credits right now.{' '}
              <Link className="underline" href="/pricing#packs">
                Buy a pack
              </Link>{' '}
              to generate more stories.
            </p>
          ) : (
            <ul className="space-y-4" aria-label="Credit grants">
              {credits.grants.map((g) => {
                const name = grantName(g);
                const expiring = g.expires_at !== null && Date.parse(g.expires_at) < soon;
                return (
                  <li key={g.id} className="space-y-1.5" data-testid={`grant-${g.package_id ?? g.source}`}>
                    <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
                      <span className="font-medium">
                        {name} {g.priority && <Badge variant="secondary">Priority</Badge>}
                      </span>
                      <span className="tabular-nums">
                        {g.remaining} of {g.amount} left
                      </span>
                    </div>
                    <ProgressBar
                      value={g.remaining}
                      max={g.amount}
                      label={`${name}: ${g.remaining} of ${g.amount} credits left`}
                      tone={expiring ? 'warning' : 'primary'}
                    />
                    <p className={expiring ? 'text-xs text-warning' : 'text-xs text-muted-foreground'}>
                      {g.source === 'plan_allowance' ? 'Resets' : 'Expires'} on {day(g.expires_at)}
                    </p>
                  </li>
                );
              })}
            </ul>
          )}
        </CardContent>
      </Card>

      <section aria-labelledby="activity" className="space-y-3">
        <h2 id="activity" className="text-lg font-semibold">
          Activity
        </h2>
        <LinkTabs
          label="Credit activity"
          value={tab}
          tabs={[
            {
              value: 'history',
              label: 'Usage history',
              href: '/account/credits',
              panel: (
                <>
                  {history.total === 0 ? (
                    <EmptyState icon={History} title="No credit movements yet">
                      Stories generated in AgileForge, packs bought and allowances granted appear here.
                    </EmptyState>
                  ) : (
                    <>
                      <Table label="Credit movements">
                        <TableCaption className="sr-only">Credit movements, newest first</TableCaption>
                        <THead>
                          <tr>
                            <TH>Time</TH>
                            <TH>What</TH>
                            <TH>Story reference</TH>
                            <TH>Member</TH>
                            <TH numeric>Change</TH>
                            <TH numeric>Balance</TH>
                          </tr>
                        </THead>
                        <TBody>
                          {history.entries.map((e) => (
                            <TR key={e.id}>
                              <TD className="whitespace-nowrap">{dateTime(e.created_at)}</TD>
                              <TD>
                                {ENTRY_LABELS[e.entry_type] ?? e.entry_type}
                                {e.entry_type === 'grant' && e.source
                                  ? ` · ${grantName({ source: e.source, package_id: e.package_id })}`
                                  : ''}
                              </TD>
                              <TD className="font-mono text-xs" title={e.reference_id ?? undefined}>
                                {!e.reference_id
                                  ? '—'
                                  : e.reference_id.length > 24
                                    ? `${e.reference_id.slice(0, 20)}…`
                                    : e.reference_id}
                              </TD>
                              <TD>{e.member_email ?? '—'}</TD>
                              <TD numeric className={e.delta < 0 ? 'text-destructive' : 'text-success'}>
                                {e.delta > 0 ? `+${e.delta}` : e.delta}
                              </TD>
                              <TD numeric>{e.balance_after}</TD>
                            </TR>
                          ))}
                        </TBody>
                      </Table>
                      <Pagination
                        label="Usage history pages"
                        page={page}
                        pageSize={PAGE}
                        total={history.total}
                        hrefFor={(n) => `/account/credits?page=${n}`}
                      />
                    </>
                  )}
                </>
              ),
            },
            {
              value: 'members',
              label: 'By member this month',
              href: '/account/credits?tab=members',
              panel: (
                <Table label="Stories by member this month">
                  <TableCaption className="sr-only">Stories by member this month</TableCaption>
                  <THead>
                    <tr>
                      <TH>Member</TH>
                      <TH numeric>Credits used</TH>
                    </tr>
                  </THead>
                  <TBody>
                    {members.map((m) => (
                      <TR key={m.user_id}>
                        <TD>{m.email}</TD>
                        <TD numeric data-testid={`member-usage-${m.email}`}>
                          {m.used_this_month}
                        </TD>
                      </TR>
                    ))}
                  </TBody>
                </Table>
              ),
            },
          ]}
        />
      </section>
    </main>
  );
}
