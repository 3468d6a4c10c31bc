import Link from 'next/link';
import { cn } from './cn';

/**
 * A two-or-more-way switch made of links (monthly/annual, USD/GBP): works without JavaScript and
 * keeps the choice in the URL, so a shared or reloaded page shows the same prices.
 */
export function SegmentedLinks({
  label,
  options,
}: {
  label: string;
  options: { href: string; label: string; current: boolean; hint?: string }[];
}) {
  return (
    <nav aria-label={label} className="inline-flex rounded-lg border border-border bg-muted p-1 text-sm">
      {options.map((o) => (
        <Link
          key={o.href}
          href={o.href}
          scroll={false}
          aria-current={o.current ? 'true' : undefined}
          className={cn(
            'rounded-md px-3 py-1.5 font-medium text-muted-foreground transition-colors hover:text-foreground',
            o.current && 'bg-card text-foreground shadow-sm',
          )}
        >
          {o.label}
          {o.hint && <span className="ml-1.5 text-xs font-semibold text-success">{o.hint}</span>}
        </Link>
      ))}
    </nav>
  );
}
