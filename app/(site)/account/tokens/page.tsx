import type { Metadata } from 'next';
import { Table, TableCaption, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { KeyRound } from 'lucide-react';
import { EmptyState } from '@/components/ui/empty-state';
import { ConfirmFormDialog } from '@/components/ui/confirm-form-dialog';
import { CreateTokenForm } from '@/components/account/create-token-form';
import Link from 'next/link';
import { requireUser } from '@/lib/auth/session';
import { getTeamEntitlements } from '@/lib/entitlements';
import { getAppContext } from '@/lib/server/context';
import { listApiTokens } from '@/lib/tokens';
import { revokeTokenAction } from '@/lib/tokens/actions';

export const metadata: Metadata = { title: 'API tokens' };

const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : '—');

export default async function TokensPage() {
  const user = await requireUser('/account/tokens');
  const app = getAppContext();
  const tokens = await listApiTokens(app.db, user.id);
  const entitlements = user.team ? await getTeamEntitlements(app, user.team.id) : null;
  return (
    <main id="main" className="mx-auto max-w-3xl space-y-6 px-4 py-10">
      <h1 className="text-2xl font-bold">API tokens</h1>
      <p className="text-sm text-muted-foreground">
        Send a token as <code>Authorization: Bearer afk_…</code> to call <code>/api/packages</code> as yourself, for
        your current team.
      </p>
      {entitlements && !entitlements.features.api_access && (
        <p data-testid="api-access-notice" className="rounded bg-amber-50 p-3 text-sm">
          API tokens are part of the Business and Enterprise plans; your team is on {entitlements.plan}.{' '}
          <Link href="/" className="underline">
            Upgrade to Business
          </Link>{' '}
          to create one. Tokens you made earlier answer 403 until then.
        </p>
      )}
      <CreateTokenForm />
      {tokens.length === 0 ? (
        <EmptyState icon={KeyRound} title="No API tokens yet">
          A token lets a script or integration call the AgileForge Packages API as you, for your current team: for
          example to check credits or record story usage. Create one above; it is shown once.
        </EmptyState>
      ) : (
        <Table label="Your tokens">
          <TableCaption className="sr-only">Your tokens</TableCaption>
          <THead>
            <tr>
              <TH>Name</TH>
              <TH>Token</TH>
              <TH>Last used</TH>
              <TH>Expires</TH>
              <TH>
                <span className="sr-only">Actions</span>
              </TH>
            </tr>
          </THead>
          <TBody>
            {tokens.map((t) => (
              <TR key={t.id}>
                <TD>{t.name}</TD>
                <TD>
                  <code>{t.displayPrefix}…</code>
                </TD>
                <TD>{when(t.lastUsedAt)}</TD>
                <TD>{when(t.expiresAt)}</TD>
                <TD>
                  <ConfirmFormDialog
                    action={revokeTokenAction}
                    fields={{ token_id: t.id }}
                    triggerLabel="Revoke"
                    title={`Revoke the token "${t.name}"?`}
                    description="It stops working immediately, for every script and integration that uses it. This cannot be undone."
                    confirmLabel="Revoke token"
                  />
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </main>
  );
}
