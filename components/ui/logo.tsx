/** The AgileForge mark: an anvil-like forge block with a spark, in the primary color. */
export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className={className} fill="none">
      <rect width="32" height="32" rx="8" className="fill-primary" />
      <path d="M7 13h15l3-3h0v5l-4 2v2h-3v3h3v2H10v-2h3v-3h-3v-2l-3-2z" className="fill-primary-foreground" />
      <path d="M22 5l1 2.5L25.5 8 23 9l-1 2.5L21 9l-2.5-1L21 7.5z" className="fill-primary-foreground" />
    </svg>
  );
}
