import { Skeleton } from '@/components/ui/skeleton';

export default function AccountLoading() {
  return (
    <main id="main" className="mx-auto max-w-4xl space-y-6 px-4 py-10" aria-busy="true">
      <p className="sr-only" role="status">
        Loading…
      </p>
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-40" />
      <Skeleton className="h-64" />
    </main>
  );
}
