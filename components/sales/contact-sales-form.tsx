'use client';

import { useActionState } from 'react';
import { CheckCircle2 } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input, Label, Textarea } from '@/components/ui/form';
import { salesInquiryAction, type SalesInquiryState } from '@/lib/sales/actions';

export function ContactSalesForm({ email }: { email?: string }) {
  const [state, action, pending] = useActionState<SalesInquiryState, FormData>(salesInquiryAction, {
    sent: false,
    error: null,
  });
  if (state.sent) {
    return (
      <Alert variant="success" role="status" title="Thank you, we will be in touch">
        <span className="inline-flex items-center gap-1">
          <CheckCircle2 className="size-4" aria-hidden="true" /> Our sales team answers within one business day.
        </span>
      </Alert>
    );
  }
  const f = state.fields ?? {};
  return (
    <form action={action} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="space-y-1">
          <Label htmlFor="cs-name">Your name</Label>
          <Input id="cs-name" name="name" required autoComplete="name" defaultValue={f.name} />
        </div>
        <div className="space-y-1">
          <Label htmlFor="cs-email">Work email</Label>
          <Input
            id="cs-email"
            name="email"
            type="email"
            required
            autoComplete="email"
            defaultValue={f.email ?? email}
          />
        </div>
        <div className="space-y-1">
          <Label htmlFor="cs-company">Company</Label>
          <Input id="cs-company" name="company" required autoComplete="organization" defaultValue={f.company} />
        </div>
        <div className="space-y-1">
          <Label htmlFor="cs-size">Team size (optional)</Label>
          <Input id="cs-size" name="team_size" type="number" min={1} inputMode="numeric" defaultValue={f.team_size} />
        </div>
      </div>
      <div className="space-y-1">
        <Label htmlFor="cs-message">What do you need?</Label>
        <Textarea id="cs-message" name="message" required minLength={10} defaultValue={f.message} />
      </div>
      {state.error && (
        <p role="alert" className="text-sm text-destructive">
          {state.error}
        </p>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? 'Sending…' : 'Send to sales'}
      </Button>
    </form>
  );
}
