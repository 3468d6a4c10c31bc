'use client';

import { Tabs as TabsPrimitive } from 'radix-ui';
import { useState, type ReactNode } from 'react';
import { cn } from './cn';

/**
 * Radix tabs whose triggers are links to the same page with `?tab=…`: the server renders the tab
 * the URL names, so a browser without JavaScript switches tabs by following the link. With
 * JavaScript Radix switches at once (arrow keys included) and the URL is updated in place, so a
 * reload or a shared link opens the same tab. Every panel is in the page (forceMount); the inactive ones are hidden with CSS,
 * which Radix leaves to us once panels are force-mounted.
 */
export function LinkTabs({
  label,
  value,
  tabs,
  className,
}: {
  label: string;
  /** The tab the URL names (the server's choice). */
  value: string;
  tabs: { value: string; label: ReactNode; href: string; panel: ReactNode }[];
  className?: string;
}) {
  const [active, setActive] = useState(value);
  return (
    <TabsPrimitive.Root
      value={active}
      onValueChange={(next) => {
        setActive(next);
        const href = tabs.find((t) => t.value === next)?.href;
        if (href) window.history.replaceState(null, '', href);
      }}
      className={cn('space-y-4', className)}
    >
      <TabsPrimitive.List
        aria-label={label}
        className="inline-flex max-w-full flex-wrap gap-1 rounded-lg border border-border bg-muted p-1 text-sm"
      >
        {tabs.map((t) => (
          <TabsPrimitive.Trigger
            key={t.value}
            value={t.value}
            asChild
            className={cn(
              'rounded-md px-3 py-1.5 font-medium text-muted-foreground transition-colors hover:text-foreground',
              'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring',
              'data-[state=active]:bg-card data-[state=active]:text-foreground data-[state=active]:shadow-sm',
            )}
          >
            {/* Radix selects on mouse down; the link's own navigation is for browsers without JavaScript
                (and a modified click still opens the tab in a new window). */}
            <a
              href={t.href}
              onClick={(e) => {
                if (!e.metaKey && !e.ctrlKey && !e.shiftKey && e.button === 0) e.preventDefault();
              }}
            >
              {t.label}
            </a>
          </TabsPrimitive.Trigger>
        ))}
      </TabsPrimitive.List>
      {tabs.map((t) => (
        <TabsPrimitive.Content
          key={t.value}
          value={t.value}
          forceMount
          className="space-y-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring data-[state=inactive]:hidden"
        >
          {t.panel}
        </TabsPrimitive.Content>
      ))}
    </TabsPrimitive.Root>
  );
}
