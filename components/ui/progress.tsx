import { cn } from './cn';

/** A labelled bar (role=progressbar) showing `value` of `max`. Server-rendered: no JavaScript. */
export function ProgressBar({
  value,
  max,
  label,
  className,
  tone = 'primary',
}: {
  value: number;
  max: number;
  label: string;
  className?: string;
  tone?: 'primary' | 'warning';
}) {
  const pct = max > 0 ? Math.min(100, Math.max(0, (value / max) * 100)) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      className={cn('h-2.5 w-full overflow-hidden rounded-full bg-muted', className)}
    >
      <div
        className={cn('h-full rounded-full', tone === 'warning' ? 'bg-warning' : 'bg-primary')}
        style={{ width: `${pct}%` }}
      />
    </div>
  );
}
