import Link from 'next/link';
import { ChevronLeft, ChevronRight } from 'lucide-react';
import { Button } from './button';

/** Newer/older page links with where we are, for server-rendered lists (`?page=n`, 0-based). */
export function Pagination({
  page,
  pageSize,
  total,
  hrefFor,
  label,
}: {
  page: number;
  pageSize: number;
  total: number;
  hrefFor: (page: number) => string;
  label: string;
}) {
  if (total <= pageSize) return null;
  const last = Math.max(0, Math.ceil(total / pageSize) - 1);
  return (
    <nav aria-label={label} className="flex items-center justify-between gap-2 text-sm">
      {page > 0 ? (
        <Button asChild variant="outline" size="sm">
          <Link href={hrefFor(page - 1)}>
            <ChevronLeft aria-hidden="true" /> Newer
          </Link>
        </Button>
      ) : (
        <span />
      )}
      <span className="text-muted-foreground tabular-nums">
        Page {page + 1} of {last + 1}
      </span>
      {page < last ? (
        <Button asChild variant="outline" size="sm">
          <Link href={hrefFor(page + 1)}>
            Older <ChevronRight aria-hidden="true" />
          </Link>
        </Button>
      ) : (
        <span />
      )}
    </nav>
  );
}
