import type { ReactNode } from 'react';
import { Toaster } from '@/components/ui/toaster';

/** Account pages announce every action's outcome as a toast; public pages do without the code. */
export default function AccountLayout({ children }: { children: ReactNode }) {
  return (
    <>
      {children}
      <Toaster />
    </>
  );
}
