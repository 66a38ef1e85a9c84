// Shared, pure helpers for turning query strings and JSON bodies into validated input with per-field messages.
import { z } from 'zod';

export interface FieldIssue {
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

/** zod issues → [{field, message}] a person can act on; unknown keys become one issue per key. */
export function toFieldIssues(error: z.ZodError, root: string): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'is not a known field' }));
    }
    return [{ field: issue.path.length ? issue.path.join('.') : root, message: issue.message }];
  });
}

/**
 * URLSearchParams → plain object for zod. Empty values count as absent (what an HTML form sends for an untouched
 * field); a key given twice is an error rather than a silent pick of one value.
 */
export function searchParamsToRecord(params: URLSearchParams): Parsed<Record<string, string>> {
  const out: Record<string, string> = {};
  const issues: FieldIssue[] = [];
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key).filter((v) => v !== '');
    if (values.length > 1) issues.push({ field: key, message: 'must be given at most once' });
    else if (values.length === 1) out[key] = values[0];
  }
  return issues.length ? { ok: false, issues } : { ok: true, value: out };
}

export function parseQuery<S extends z.ZodType>(schema: S, params: URLSearchParams): Parsed<z.output<S>> {
  const record = searchParamsToRecord(params);
  if (!record.ok) return record;
  const result = schema.safeParse(record.value);
  return result.success ? { ok: true, value: result.data } : { ok: false, issues: toFieldIssues(result.error, 'query') };
}

// --- reusable field schemas -------------------------------------------------------------------------------------

const missingOr = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : message;

export const enumParam = <const T extends readonly [string, ...string[]]>(values: T, message?: string) =>
  z.enum(values, { error: missingOr(message ?? `must be one of: ${values.join(', ')}`) });

/** JSON body fields: "is required" when absent, a type message otherwise. */
export const requiredString = () => z.string({ error: missingOr('must be a string') });
export const jsonNumber = () => z.number({ error: missingOr('must be a number') });

/** A whole number from a query string, within [min, max]. */
export const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be between ${min} and ${max}` }).max(max, { error: `must be between ${min} and ${max}` }));

export const booleanParam = z
  .enum(['1', '0', 'true', 'false'], { error: 'must be 1, 0, true or false' })
  .transform((v) => v === '1' || v === 'true');

const DATE_ONLY = z.iso.date();
const DATE_TIME = z.iso.datetime({ offset: true });

export interface InstantBound {
  /** ISO instant. */
  at: string;
  /** The value was a calendar date (UTC), not an instant. */
  dateOnly: boolean;
}

/** An ISO date (taken as UTC midnight) or an ISO date-time with Z or an offset. */
export const instantParam = z.string().transform((value, ctx): InstantBound => {
  if (DATE_ONLY.safeParse(value).success) return { at: `${value}T00:00:00.000Z`, dateOnly: true };
  if (DATE_TIME.safeParse(value).success) return { at: new Date(value).toISOString(), dateOnly: false };
  ctx.addIssue({ code: 'custom', message: 'must be an ISO date (2026-06-01) or date-time (2026-06-01T12:00:00Z)' });
  return z.NEVER;
});

export const dateParam = z.iso.date({ error: 'must be an ISO date (YYYY-MM-DD)' });

/** Adds one day to a UTC instant (for turning an inclusive date into an exclusive bound). */
export const addOneDay = (iso: string) => new Date(Date.parse(iso) + 86_400_000).toISOString();
