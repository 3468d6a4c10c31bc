import Link from 'next/link';
import { LogOut } from 'lucide-react';
import { signOut } from '@/lib/auth/config';
import type { PageUser } from '@/lib/auth/session';
import { Button } from '@/components/ui/button';
import { Logo } from '@/components/ui/logo';
import { ThemeToggle } from '@/components/ui/theme';

const ACCOUNT_LINKS = [
  ['/account', 'Account'],
  ['/account/billing', 'Billing'],
  ['/account/credits', 'Credits'],
  ['/account/purchases', 'Purchases'],
  ['/account/team', 'Team'],
  ['/account/tokens', 'API tokens'],
] as const;

/**
 * `user` null: signed out (sign-in and sign-up buttons). Undefined: not known, on a page built once
 * for everyone (the 404 page), so neither the account links nor the sign-in buttons are shown.
 */
export function SiteHeader({ user }: { user: PageUser | null | undefined }) {
  async function signOutAction() {
    'use server';
    await signOut({ redirectTo: '/' });
  }
  return (
    <header className="border-b border-border bg-card">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 text-sm">
        <Link href="/" className="flex items-center gap-2 font-semibold">
          <Logo className="size-7" />
          <span>AgileForge</span>
        </Link>
        <nav aria-label="Main" className="order-last flex w-full flex-wrap gap-x-4 gap-y-1 sm:order-none sm:w-auto">
          <Link className="hover:underline" href="/pricing">
            Pricing
          </Link>
          {user &&
            ACCOUNT_LINKS.map(([href, label]) => (
              <Link key={href} className="hover:underline" href={href}>
                {label}
              </Link>
            ))}
          {user?.isPlatformAdmin && (
            <Link className="hover:underline" href="/admin">
              Admin
            </Link>
          )}
        </nav>
        <div className="ml-auto flex items-center gap-2">
          {user ? (
            <>
              <span className="hidden max-w-56 truncate text-muted-foreground xl:inline">
                {user.email}
                {user.team ? ` · ${user.team.name}` : ''}
              </span>
              <form action={signOutAction}>
                <Button type="submit" variant="ghost" size="sm">
                  <LogOut aria-hidden="true" /> Sign out
                </Button>
              </form>
            </>
          ) : user === null ? (
            <>
              <Button asChild variant="ghost" size="sm">
                <Link href="/signin">Sign in</Link>
              </Button>
              <Button asChild size="sm">
                <Link href="/signup">Sign up</Link>
              </Button>
            </>
          ) : null}
          <ThemeToggle />
        </div>
      </div>
    </header>
  );
}
