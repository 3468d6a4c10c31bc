import { CreateTokenForm } from '@/components/account/create-token-form';
import Link from 'next/link';
import { requireUser } from '@/lib/auth/session';
import { getTeamEntitlements } from '@/lib/entitlements';
import { getAppContext } from '@/lib/server/context';
import { listApiTokens } from '@/lib/tokens';
import { revokeTokenAction } from '@/lib/tokens/actions';

const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : '—');

export default async function TokensPage() {
  const user = await requireUser('/account/tokens');
  const app = getAppContext();
  const tokens = await listApiTokens(app.db, user.id);
  const entitlements = user.team ? await getTeamEntitlements(app, user.team.id) : null;
  return (
    <main className="mx-auto max-w-3xl space-y-6 px-4 py-10">
      <h1 className="text-2xl font-bold">API tokens</h1>
      <p className="text-sm text-slate-600">
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
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Your tokens</caption>
        <thead>
          <tr>
            <th>Name</th>
            <th>Token</th>
            <th>Last used</th>
            <th>Expires</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} className="border-t">
              <td>{t.name}</td>
              <td>
                <code>{t.displayPrefix}…</code>
              </td>
              <td>{when(t.lastUsedAt)}</td>
              <td>{when(t.expiresAt)}</td>
              <td>
                <form action={revokeTokenAction}>
                  <input type="hidden" name="token_id" value={t.id} />
                  <button type="submit" className="text-red-700 underline">
                    Revoke
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
