import { z } from 'zod';
import { ValidationFailed } from '@/lib/errors';

// C0 controls (NUL, tab, newline, ...), DEL and the C1 controls.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
// In `u` mode a proper surrogate pair is one code point, so only a lone surrogate matches.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Why a string is not acceptable text, or null. NUL cannot be stored by PostgreSQL (a 500 until
 * now), and lone surrogates are all stored as U+FFFD, so two distinct ids would collide.
 */
export function textProblem(value: string): string | null {
  if (CONTROL_CHARACTER.test(value)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode text (no lone surrogates)';
  return null;
}

/**
 * The one zod string for ids, reference ids, names and emails: trimmed, length-checked, free of
 * control characters and ill-formed UTF-16. A failure is a 400 naming the field.
 */
export function safeText(options: { max: number; min?: number }) {
  return z
    .string()
    .trim()
    .min(options.min ?? 1, options.min === undefined || options.min === 1 ? 'must not be empty' : undefined)
    .max(options.max, `must be at most ${options.max} characters`)
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** A catalog package id as used in bodies and paths. */
export const packageIdText = safeText({ max: 64 });

/** A caller's idempotency key for credit spending (a story id, a job id). */
export const referenceIdText = safeText({ max: 200 });

/** A row id (uuid) from a form or a path; anything else is a clear 400, not a database error. */
export function uuidText(what: string) {
  return z.uuid({ message: `must be a ${what} id` });
}

/**
 * The same rules for values outside zod (server actions, the CLI). Returns the trimmed value or
 * throws ValidationFailed naming the field.
 */
export function checkText(field: string, value: unknown, options: { max: number; min?: number }): string {
  const parsed = safeText(options).safeParse(typeof value === 'string' ? value : '');
  if (!parsed.success) throw new ValidationFailed(`${field}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** A uuid from a form field, or ValidationFailed naming it. */
export function checkUuid(field: string, what: string, value: unknown): string {
  const parsed = uuidText(what).safeParse(value);
  if (!parsed.success) throw new ValidationFailed(`${field}: must be a ${what} id`);
  return parsed.data;
}
