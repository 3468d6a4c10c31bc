import { cva, type VariantProps } from 'class-variance-authority';
import { AlertTriangle, CheckCircle2, Info, XCircle } from 'lucide-react';
import type { ComponentProps } from 'react';
import { cn } from './cn';

const alertVariants = cva('flex gap-3 rounded-lg border p-4 text-sm [&>svg]:mt-0.5 [&>svg]:size-4 [&>svg]:shrink-0', {
  variants: {
    variant: {
      info: 'border-primary/30 bg-info-soft text-foreground',
      success: 'border-success/30 bg-success-soft text-foreground',
      warning: 'border-warning/30 bg-warning-soft text-foreground',
      destructive: 'border-destructive/30 bg-danger-soft text-foreground',
    },
  },
  defaultVariants: { variant: 'info' },
});

const ICONS = { info: Info, success: CheckCircle2, warning: AlertTriangle, destructive: XCircle };

/** A notice in the page flow; pass role="alert" for errors, role="status" for outcomes. */
export function Alert({
  className,
  variant,
  title,
  children,
  ...props
}: ComponentProps<'div'> & VariantProps<typeof alertVariants> & { title?: string }) {
  const Icon = ICONS[variant ?? 'info'];
  return (
    <div className={cn(alertVariants({ variant }), className)} {...props}>
      <Icon aria-hidden="true" />
      <div className="space-y-1">
        {title && <p className="font-semibold">{title}</p>}
        <div>{children}</div>
      </div>
    </div>
  );
}
