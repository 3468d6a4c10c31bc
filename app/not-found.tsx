import type { Metadata } from 'next';
import Link from 'next/link';
import { Compass } from 'lucide-react';
import { SiteHeader } from '@/components/layout/site-header';
import { Button } from '@/components/ui/button';

export const metadata: Metadata = { title: 'Page not found' };

// It renders above the site's layouts (an unknown URL matches none of them), so it brings the header
// itself. Next renders it into every page as the fallback of its boundary, so it must stay static: it
// does not read the session (a dynamic read here would make every page dynamic).
export default function NotFound() {
  return (
    <>
      <SiteHeader user={undefined} />
      <main id="main" className="mx-auto flex max-w-xl flex-col items-center gap-4 px-4 py-16 text-center">
        <Compass className="size-10 text-muted-foreground" aria-hidden="true" />
        <h1 className="text-2xl font-bold">Page not found</h1>
        <p className="text-muted-foreground">The page you asked for does not exist, or you cannot see it.</p>
        <div className="flex gap-2">
          <Button asChild>
            <Link href="/pricing">Pricing</Link>
          </Button>
          <Button asChild variant="outline">
            <Link href="/account">Your account</Link>
          </Button>
        </div>
      </main>
    </>
  );
}
