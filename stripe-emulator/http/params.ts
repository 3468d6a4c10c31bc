import type { FormObject, FormValue } from './form.js';
import { parameterInvalid, parameterMissing, parameterUnknown } from './errors.js';

/**
 * Typed reads of decoded form params. Errors name the full bracketed param
 * (`line_items[0][price]`) the way Stripe reports them.
 */
export class Params {
  constructor(
    readonly raw: FormObject,
    private readonly prefix = '',
  ) {}

  name(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  str(key: string): string | undefined {
    const v = this.raw[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw parameterInvalid(this.name(key), `Invalid string: ${this.name(key)}`);
    return v;
  }

  reqStr(key: string): string {
    const v = this.str(key);
    if (v === undefined || v === '') throw parameterMissing(this.name(key));
    return v;
  }

  /** `''` means "unset" in Stripe's encoding, so it is returned as null. */
  nullableStr(key: string): string | null | undefined {
    const v = this.str(key);
    return v === '' ? null : v;
  }

  int(key: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.str(key);
    if (v === undefined || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw parameterInvalid(this.name(key), `Invalid integer: ${v}`);
    const n = Number(v);
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
      throw parameterInvalid(this.name(key), `Invalid value for ${this.name(key)}: ${v}`);
    }
    return n;
  }

  reqInt(key: string, opts: { min?: number; max?: number } = {}): number {
    const n = this.int(key, opts);
    if (n === undefined) throw parameterMissing(this.name(key));
    return n;
  }

  bool(key: string): boolean | undefined {
    const v = this.str(key);
    if (v === undefined || v === '') return undefined;
    if (v !== 'true' && v !== 'false') throw parameterInvalid(this.name(key), `Invalid boolean: ${v}`);
    return v === 'true';
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.str(key);
    if (v === undefined || v === '') return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      throw parameterInvalid(this.name(key), `Invalid ${this.name(key)}: must be one of ${allowed.join(', ')}`);
    }
    return v as T;
  }

  obj(key: string): Params | undefined {
    const v = this.raw[key];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'object' || Array.isArray(v))
      throw parameterInvalid(this.name(key), `Invalid object: ${this.name(key)}`);
    return new Params(v, this.name(key));
  }

  list(key: string): Params[] | undefined {
    const v = this.raw[key];
    if (v === undefined || v === '') return undefined;
    if (typeof v === 'string') throw parameterInvalid(this.name(key), `Invalid array: ${this.name(key)}`);
    const arr: FormValue[] = Array.isArray(v) ? v : Object.values(v);
    return arr.map((item, i) => {
      if (typeof item !== 'object' || Array.isArray(item)) throw parameterInvalid(`${this.name(key)}[${i}]`);
      return new Params(item, `${this.name(key)}[${i}]`);
    });
  }

  strList(key: string): string[] | undefined {
    const v = this.raw[key];
    if (v === undefined || v === '') return undefined;
    if (typeof v === 'string') return [v];
    const arr = Array.isArray(v) ? v : Object.values(v);
    return arr.map((x, i) => {
      if (typeof x !== 'string') throw parameterInvalid(`${this.name(key)}[${i}]`);
      return x;
    });
  }

  /** Stripe merges metadata: keys set to '' are deleted. */
  metadata(key = 'metadata'): Record<string, string> | null | undefined {
    const v = this.raw[key];
    if (v === undefined) return undefined;
    if (v === '') return null;
    if (typeof v !== 'object' || Array.isArray(v)) throw parameterInvalid(this.name(key));
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x !== 'string') throw parameterInvalid(`${this.name(key)}[${k}]`);
      out[k] = x;
    }
    return out;
  }

  /** Rejects params this emulator does not know, so typos surface as they would on Stripe. */
  allowOnly(keys: readonly string[]): void {
    for (const k of Object.keys(this.raw)) {
      if (!keys.includes(k) && k !== 'expand') {
        throw parameterUnknown(this.name(k));
      }
    }
  }
}

export function mergeMetadata(
  current: Record<string, string> | null,
  update: Record<string, string> | null | undefined,
): Record<string, string> {
  if (update === undefined) return current ?? {};
  if (update === null) return {};
  const out = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(update)) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}
