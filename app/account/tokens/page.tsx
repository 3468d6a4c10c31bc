import { CreateTokenForm } from '@/components/account/create-token-form';
import { requireUser } from '@/lib/auth/session';
import { getAppContext } from '@/lib/server/context';
import { listApiTokens } from '@/lib/tokens';
import { revokeTokenAction } from '@/lib/tokens/actions';

const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : '—');

export default async function TokensPage() {
  const user = await requireUser('/account/tokens');
  const tokens = await listApiTokens(getAppContext().db, user.id);
  return (
    <main className="mx-auto max-w-3xl space-y-6 px-4 py-10">
      <h1 className="text-2xl font-bold">API tokens</h1>
      <p className="text-sm text-slate-600">
        Send a token as <code>Authorization: Bearer afk_…</code> to call <code>/api/packages</code> as yourself, for
        your current team.
      </p>
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
