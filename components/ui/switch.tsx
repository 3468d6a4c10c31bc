'use client';

import Link from 'next/link';
import { Switch as SwitchPrimitive } from 'radix-ui';
import type { KeyboardEvent } from 'react';
import { cn } from './cn';

/**
 * A Radix switch whose element is a link to the page in the other state (monthly ↔ annual): the
 * choice lives in the URL, so it works before hydration and without JavaScript, and with
 * JavaScript Next navigates client-side. Space toggles it, as it does a switch button.
 */
export function LinkSwitch({
  checked,
  href,
  label,
  className,
}: {
  checked: boolean;
  /** The page with the switch in the other position. */
  href: string;
  label: string;
  className?: string;
}) {
  return (
    <SwitchPrimitive.Root
      asChild
      checked={checked}
      aria-label={label}
      className={cn(
        'peer inline-flex h-6 w-11 shrink-0 cursor-pointer items-center rounded-full border-2 border-transparent transition-colors',
        'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring',
        'data-[state=checked]:bg-primary data-[state=unchecked]:bg-input',
        className,
      )}
    >
      <Link
        href={href}
        scroll={false}
        onKeyDown={(e: KeyboardEvent<HTMLAnchorElement>) => {
          if (e.key === ' ') {
            e.preventDefault();
            e.currentTarget.click();
          }
        }}
      >
        <SwitchPrimitive.Thumb className="pointer-events-none block size-5 rounded-full bg-card shadow-sm ring-0 transition-transform data-[state=checked]:translate-x-5 data-[state=unchecked]:translate-x-0" />
      </Link>
    </SwitchPrimitive.Root>
  );
}
