/**
 * Decodes Stripe's bracket notation (`a[b][0][c]=v`, `expand[]=x`) into nested
 * objects. The official client sends arrays as indexed keys; other clients send
 * `[]`, so both are accepted. Objects whose keys are all numeric become arrays,
 * except under `metadata`, where numeric keys are legitimate user keys.
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first === -1) return [key];
  const parts = [key.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(key.slice(first))) !== null) parts.push(m[1] ?? '');
  return parts;
}

export function parseForm(input: string): FormObject {
  const root: FormObject = {};
  if (!input) return root;
  for (const pair of input.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawVal = eq === -1 ? '' : pair.slice(eq + 1);
    const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    const value = decodeURIComponent(rawVal.replace(/\+/g, ' '));
    assign(root, splitKey(key), value);
  }
  return normalize(root, false) as FormObject;
}

function assign(target: FormObject, parts: string[], value: string): void {
  let node = target;
  for (let i = 0; i < parts.length; i++) {
    let part = parts[i] ?? '';
    const last = i === parts.length - 1;
    if (part === '') part = String(Object.keys(node).length); // `[]` appends
    if (last) {
      node[part] = value;
      return;
    }
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      const created: FormObject = {};
      node[part] = created;
      node = created;
    } else {
      node = next;
    }
  }
}

function normalize(value: FormValue, keepObject: boolean): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const out: FormObject = {};
  for (const k of keys) out[k] = normalize(value[k] as FormValue, k === 'metadata');
  if (!keepObject && keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => out[k] as FormValue);
  }
  return out;
}

/** JSON bodies (used by /_emulator helpers) are coerced to the same string-leaf shape. */
export function fromJson(value: unknown): FormObject {
  const conv = (v: unknown): FormValue => {
    if (Array.isArray(v)) return v.map(conv);
    if (v !== null && typeof v === 'object') {
      const o: FormObject = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = conv(x);
      return o;
    }
    return v === null || v === undefined ? '' : String(v);
  };
  const r = conv(value);
  return typeof r === 'object' && !Array.isArray(r) ? r : {};
}
