import type { ServerResponse } from 'node:http';

export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

/** Minor units to a display string in the currency (£5.00, $10.00). */
export function money(amount: number, currency: string): string {
  const cur = currency.toLowerCase();
  const major = ZERO_DECIMAL.has(cur) ? amount : amount / 100;
  const locale = cur === 'gbp' ? 'en-GB' : cur === 'eur' ? 'en-IE' : 'en-US';
  return new Intl.NumberFormat(locale, { style: 'currency', currency: cur.toUpperCase() }).format(major);
}

export function dateText(ts: number): string {
  return new Date(ts * 1000).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f9fc;color:#1a1f36}
main{max-width:40rem;margin:2rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 2px 8px rgba(0,0,0,.08)}
.banner{background:#fff3cd;color:#664d03;padding:.5rem 1rem;text-align:center;font-size:.85rem}
table{width:100%;border-collapse:collapse;margin:1rem 0}td,th{padding:.4rem 0;text-align:left}td.amount,th.amount{text-align:right}
tfoot th,tfoot td{border-top:1px solid #e3e8ee;font-weight:600}
label{display:block;margin-top:.8rem;font-weight:500}input{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #c9d1db;border-radius:4px;font-size:1rem}
.row{display:flex;gap:1rem}.row>div{flex:1}
button{margin-top:1.2rem;padding:.7rem 1.2rem;border:0;border-radius:4px;background:#635bff;color:#fff;font-size:1rem;cursor:pointer}
button.secondary{background:#e3e8ee;color:#1a1f36}button.danger{background:#df1b41}
.error{color:#df1b41;background:#fdecef;padding:.6rem;border-radius:4px}.ok{color:#0a6b3d;background:#e6f6ee;padding:.6rem;border-radius:4px}
.sub{border:1px solid #e3e8ee;border-radius:6px;padding:1rem;margin:1rem 0}.sub form{display:inline-block;margin-right:.5rem}
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><div class="banner" role="note">Local Stripe emulator: test mode, no real payments.</div><main>${body}</main></body>
</html>`;
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location });
  res.end();
}
