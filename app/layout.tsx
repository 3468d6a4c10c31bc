import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { SiteHeader } from '@/components/layout/site-header';
import { currentUser } from '@/lib/auth/session';
import './globals.css';

export const metadata: Metadata = {
  title: 'AgileForge — Plans and credits',
  description: 'Subscription plans, AI story credit packs and add-ons for AgileForge teams',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <SiteHeader user={user} />
        {children}
      </body>
    </html>
  );
}
