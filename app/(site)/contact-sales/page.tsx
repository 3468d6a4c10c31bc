import type { Metadata } from 'next';
import { getCurrentUser } from '@/components/layout/current-user';
import { ContactSalesForm } from '@/components/sales/contact-sales-form';
import { Card, CardContent, CardDescription, CardHeader } from '@/components/ui/card';

export const metadata: Metadata = { title: 'Contact sales' };

export default async function ContactSalesPage() {
  const user = await getCurrentUser();
  return (
    <main id="main" className="mx-auto max-w-2xl px-4 py-10">
      <Card>
        <CardHeader>
          <h1 className="text-2xl font-bold">Talk to sales about Enterprise</h1>
          <CardDescription>
            Custom contracts and invoicing, dedicated support and limits set for your organisation.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ContactSalesForm email={user?.email} />
        </CardContent>
      </Card>
    </main>
  );
}
