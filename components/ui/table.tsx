import type { ComponentProps } from 'react';
import { cn } from './cn';

/**
 * Tables scroll sideways on narrow screens rather than squeezing their columns; the scrolling
 * region is focusable and named so keyboard users can scroll it too.
 */
export function Table({ className, label, ...props }: ComponentProps<'table'> & { label: string }) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className="relative w-full overflow-x-auto rounded-lg border border-border bg-card"
    >
      <table className={cn('w-full caption-bottom text-sm', className)} {...props} />
    </div>
  );
}
export function TableCaption({ className, ...props }: ComponentProps<'caption'>) {
  return <caption className={cn('p-3 text-left text-sm text-muted-foreground', className)} {...props} />;
}
export function THead({ className, ...props }: ComponentProps<'thead'>) {
  return <thead className={cn('bg-muted/60 text-left', className)} {...props} />;
}
export function TBody(props: ComponentProps<'tbody'>) {
  return <tbody {...props} />;
}
export function TR({ className, ...props }: ComponentProps<'tr'>) {
  return <tr className={cn('border-t border-border first:border-t-0', className)} {...props} />;
}
/** `numeric` right-aligns with tabular figures, for money and counts. */
export function TH({ className, numeric, ...props }: ComponentProps<'th'> & { numeric?: boolean }) {
  return (
    <th
      scope="col"
      className={cn(
        'px-3 py-2 font-medium whitespace-nowrap text-muted-foreground',
        numeric && 'text-right',
        className,
      )}
      {...props}
    />
  );
}
export function TD({ className, numeric, ...props }: ComponentProps<'td'> & { numeric?: boolean }) {
  return <td className={cn('px-3 py-2 align-top', numeric && 'text-right tabular-nums', className)} {...props} />;
}
