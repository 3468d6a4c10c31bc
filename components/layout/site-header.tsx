import Link from 'next/link';
import { signOut } from '@/lib/auth/config';
import type { PageUser } from '@/lib/auth/session';

export function SiteHeader({ user }: { user: PageUser | null }) {
  async function signOutAction() {
    'use server';
    await signOut({ redirectTo: '/' });
  }
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-4 py-3 text-sm">
        <Link href="/" className="font-semibold">
          AgileForge
        </Link>
        <Link href="/">Pricing</Link>
        {user ? (
          <>
            <Link href="/account">Account</Link>
            <Link href="/account/billing">Billing</Link>
            <Link href="/account/credits">Credits</Link>
            <Link href="/account/team">Team</Link>
            <Link href="/account/tokens">API tokens</Link>
            {user.isPlatformAdmin && <Link href="/admin">Admin</Link>}
            <span className="ml-auto text-slate-600">
              {user.email}
              {user.team ? ` · ${user.team.name}` : ''}
            </span>
            <form action={signOutAction}>
              <button type="submit" className="underline">
                Sign out
              </button>
            </form>
          </>
        ) : (
          <span className="ml-auto flex gap-4">
            <Link href="/signin">Sign in</Link>
            <Link href="/signup">Sign up</Link>
          </span>
        )}
      </nav>
    </header>
  );
}
