import type { IncomingMessage } from 'node:http';
import { fromJson, parseForm, type FormObject } from './form.js';
import { invalidRequest } from './errors.js';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Form bodies are what Stripe speaks; JSON is accepted for the test helpers' convenience. */
export function parseBody(raw: string, contentType: string | undefined): FormObject {
  if (!raw.trim()) return {};
  if ((contentType ?? '').includes('application/json')) {
    try {
      return fromJson(JSON.parse(raw));
    } catch {
      throw invalidRequest('Invalid JSON body.');
    }
  }
  return parseForm(raw);
}
