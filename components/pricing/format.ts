/** Money for people through Intl.NumberFormat: "£5.00", "$100.00", "£0.09". */
export function money(amountMinor: number, currency: string): string {
  const locale = currency.toLowerCase() === 'gbp' ? 'en-GB' : 'en-US';
  return new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() }).format(
    amountMinor / 100,
  );
}

/** A date for people, in UTC so server and browser agree: "26 Dec 2026". */
export function day(value: string | Date | null | undefined): string {
  if (!value) return '—';
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(value),
  );
}

/** Date and time, UTC: "26 Dec 2026, 14:05 UTC". */
export function dateTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  return `${new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  }).format(new Date(value))} UTC`;
}
