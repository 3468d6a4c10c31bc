import type { ReactNode } from 'react';
import { getCurrentUser } from '@/components/layout/current-user';
import { SiteHeader } from '@/components/layout/site-header';

/** Pages rendered per request: the header shows who is signed in. */
export default async function SiteLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  return (
    <>
      <SiteHeader user={user} />
      {children}
    </>
  );
}
