import type { ReactNode } from 'react';
import { SiteHeader } from '@/components/layout/site-header';

/**
 * Pages built once at build time for signed-out visitors (proxy.ts sends them here), so they are
 * served without rendering; their header is the signed-out one.
 */
export default function PrerenderedLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <SiteHeader user={null} />
      {children}
    </>
  );
}
