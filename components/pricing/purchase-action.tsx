import Link from 'next/link';
import { Button, type ButtonProps } from '@/components/ui/button';
import { BuyButton } from './buy-button';

/**
 * A purchase button. Signed out it is a plain link to sign-up that comes back to the same
 * purchase (`resumeHref`), so a visitor's page ships no checkout code at all.
 */
export function PurchaseAction({
  signedIn,
  packageId,
  currency,
  label,
  trialDays,
  resumeHref,
  variant,
}: {
  signedIn: boolean;
  packageId: string;
  currency: string;
  label: string;
  trialDays?: number;
  resumeHref: string;
  variant?: ButtonProps['variant'];
}) {
  if (!signedIn) {
    return (
      <Button asChild variant={variant} className="w-full">
        <Link href={`/signup?callbackUrl=${encodeURIComponent(resumeHref)}`}>{label}</Link>
      </Button>
    );
  }
  return (
    <BuyButton
      packageId={packageId}
      currency={currency}
      label={label}
      trialDays={trialDays}
      resumeHref={resumeHref}
      variant={variant}
    />
  );
}
