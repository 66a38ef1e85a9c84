import { toAppError, type FieldErrors } from './errors';

// The shape every server action returns to its form (useActionState). `values` echoes what the user typed (minus
// secrets) so a rejected form loses nothing.
export interface ActionState<T = unknown> {
  ok: boolean;
  message?: string;
  fieldErrors?: FieldErrors;
  values?: Record<string, string>;
  data?: T;
}

export const INITIAL_ACTION_STATE: ActionState = { ok: false };

const SECRET_FIELD = /password|dsn|redisUrl|prometheusUrl|token/i;

export function formValues(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === 'string' && !k.startsWith('$') && !SECRET_FIELD.test(k)) out[k] = v;
  return out;
}

export function formObject(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === 'string' && !k.startsWith('$')) out[k] = v;
  return out;
}

export async function toActionState<T>(form: FormData | null, fn: () => Promise<{ message?: string; data?: T } | void>): Promise<ActionState<T>> {
  try {
    const r = (await fn()) ?? {};
    return { ok: true, message: r.message, data: r.data };
  } catch (err) {
    // redirect()/notFound() from next/navigation work by throwing; let them through.
    if (err && typeof err === 'object' && 'digest' in err && String((err as { digest: unknown }).digest).startsWith('NEXT_')) throw err;
    const e = toAppError(err);
    return { ok: false, message: e.message, fieldErrors: e.fieldErrors, values: form ? formValues(form) : undefined };
  }
}
