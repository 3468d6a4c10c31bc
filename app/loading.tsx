import { Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-10" aria-busy="true">
      <p className="sr-only" role="status">
        Loading…
      </p>
      <Skeleton className="h-9 w-64" />
      <Skeleton className="h-4 w-96 max-w-full" />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-72" />
        ))}
      </div>
    </main>
  );
}
