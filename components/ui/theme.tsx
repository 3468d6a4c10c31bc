'use client';

import { Monitor, Moon, Sun } from 'lucide-react';
import { ThemeProvider as NextThemes, useTheme } from 'next-themes';
import { useSyncExternalStore, type ReactNode } from 'react';
import { Button } from './button';

/** Light, dark or the system's choice (the default), kept in localStorage by next-themes. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  return (
    <NextThemes attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
      {children}
    </NextThemes>
  );
}

const NEXT = { system: 'light', light: 'dark', dark: 'system' } as const;
const LABEL = { system: 'the system setting', light: 'light', dark: 'dark' } as const;
type ThemeChoice = keyof typeof NEXT;

const subscribeNothing = () => () => {};

/**
 * One button cycling system → light → dark. A plain button rather than a menu keeps every page's
 * JavaScript small; its label says what it is now and what a press does.
 */
export function ThemeToggle() {
  const { theme, setTheme } = useTheme();
  // The stored choice is only known in the browser; render the neutral state on the server.
  const mounted = useSyncExternalStore(
    subscribeNothing,
    () => true,
    () => false,
  );
  const current: ThemeChoice = mounted && (theme === 'light' || theme === 'dark') ? theme : 'system';
  const Icon = current === 'light' ? Sun : current === 'dark' ? Moon : Monitor;
  return (
    <Button
      variant="ghost"
      size="icon"
      onClick={() => setTheme(NEXT[current])}
      aria-label={`Color theme: ${LABEL[current]}. Switch to ${LABEL[NEXT[current]]}`}
      title={`Theme: ${LABEL[current]}`}
    >
      <Icon aria-hidden="true" />
    </Button>
  );
}
