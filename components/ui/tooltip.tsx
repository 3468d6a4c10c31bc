'use client';

import { Info } from 'lucide-react';
import { Tooltip as TooltipPrimitive } from 'radix-ui';
import type { ReactNode } from 'react';
import { cn } from './cn';

/**
 * An info button explaining the text beside it (a limit, a fee). The explanation only adds to
 * what the page already says, so a browser without JavaScript loses nothing it needs.
 */
export function InfoTip({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <TooltipPrimitive.Provider delayDuration={150}>
      <TooltipPrimitive.Root>
        <TooltipPrimitive.Trigger
          type="button"
          className={cn(
            'inline-flex size-5 items-center justify-center rounded-full align-middle text-muted-foreground hover:text-foreground',
            'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
            className,
          )}
        >
          <Info className="size-3.5" aria-hidden="true" />
          <span className="sr-only">{label}</span>
        </TooltipPrimitive.Trigger>
        <TooltipPrimitive.Portal>
          <TooltipPrimitive.Content
            side="top"
            sideOffset={6}
            collisionPadding={8}
            className="z-50 max-w-64 rounded-md bg-foreground px-3 py-1.5 text-xs text-background shadow-md"
          >
            {children}
            <TooltipPrimitive.Arrow className="fill-foreground" />
          </TooltipPrimitive.Content>
        </TooltipPrimitive.Portal>
      </TooltipPrimitive.Root>
    </TooltipPrimitive.Provider>
  );
}
