/** The billing JSON API as the billing page calls it (same origin, session cookie). */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; message: string; code?: string };

export async function callApi<T>(path: string, init: { method: string; body?: unknown }): Promise<ApiResult<T>> {
  const res = await fetch(path, {
    method: init.method,
    headers: init.body === undefined ? undefined : { 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  }).catch(() => null);
  if (!res) return { ok: false, message: 'Could not reach the server. Check your connection and try again.' };
  const body = (await res.json().catch(() => ({}))) as T & { error?: { message?: string; code?: string } };
  if (!res.ok) {
    return {
      ok: false,
      message: body.error?.message ?? 'Something went wrong. Please try again.',
      code: body.error?.code,
    };
  }
  return { ok: true, data: body };
}

export interface ChangePreview {
  action: 'change_plan' | 'add_addon' | 'remove_addon';
  package_id: string;
  currency: string;
  total: number;
  amount_due: number;
  effective_at: string;
  lines: { description: string; amount: number; proration: boolean }[];
}
