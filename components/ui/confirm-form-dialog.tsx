'use client';

import { useState, type ReactNode } from 'react';
import { Button } from './button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
  DialogTrigger,
} from './dialog';

/**
 * A destructive action behind a confirmation: the trigger opens a dialog saying what happens and
 * when; confirming submits a form to the server action with the given hidden fields.
 */
export function ConfirmFormDialog({
  action,
  fields,
  triggerLabel,
  title,
  description,
  confirmLabel,
}: {
  action: (form: FormData) => void | Promise<void>;
  fields: Record<string, string>;
  triggerLabel: string;
  title: string;
  description: ReactNode;
  confirmLabel: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" className="text-destructive">
          {triggerLabel}
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
        <form
          action={async (form) => {
            await action(form);
            setOpen(false);
          }}
        >
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <DialogFooter>
            <DialogClose asChild>
              <Button type="button" variant="outline">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" variant="destructive">
              {confirmLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
