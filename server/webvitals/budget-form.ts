// The budget editor's form ↔ a Budget. Pure: imports only zod and ./schema.
//
// People read Lighthouse scores as 0–100 and script sizes in KB, so the form uses those units; the stored budget
// keeps the units the gate compares (score 0..1, bytes). Errors are keyed by the form's field names so that the
// form can show each one beside its field.
import { z } from 'zod';
import { budgetSchema, FORM_FACTORS, pagePatternSchema, type Budget, type BudgetDto } from './schema';

export const BUDGET_FORM_FIELDS = ['pagePattern', 'formFactor', 'minScore', 'maxLcpMs', 'maxCls', 'maxTbtMs', 'maxScriptKb'] as const;
export type BudgetFormField = (typeof BUDGET_FORM_FIELDS)[number];
export type BudgetFormValues = Record<BudgetFormField, string>;

/** KB as Lighthouse and LHCI count them (budget.json sizes × 1024). */
export const BYTES_PER_KB = 1024;

const num = (what: string, opts: { min: number; max?: number; int?: boolean; minExclusive?: boolean }) =>
  z
    .string()
    .trim()
    .min(1, `Enter ${what}`)
    .transform((s, ctx) => {
      const v = Number(s);
      const range = opts.max === undefined ? `${opts.minExclusive ? 'above' : 'at least'} ${opts.min}` : `from ${opts.min} to ${opts.max}`;
      if (!Number.isFinite(v)) {
        ctx.addIssue({ code: 'custom', message: `${capitalize(what)} must be a number` });
        return z.NEVER;
      }
      if ((opts.minExclusive ? v <= opts.min : v < opts.min) || (opts.max !== undefined && v > opts.max)) {
        ctx.addIssue({ code: 'custom', message: `${capitalize(what)} must be ${range}` });
        return z.NEVER;
      }
      if (opts.int && !Number.isInteger(v)) {
        ctx.addIssue({ code: 'custom', message: `${capitalize(what)} must be a whole number` });
        return z.NEVER;
      }
      return v;
    });

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const budgetFormSchema = z.object({
  id: z.string().trim().min(1).optional(),
  pagePattern: pagePatternSchema,
  formFactor: z.enum(FORM_FACTORS, { error: 'Choose mobile or desktop' }),
  minScore: num('the minimum score', { min: 0, max: 100 }),
  maxLcpMs: num('the LCP limit', { min: 0, int: true, minExclusive: true }),
  maxCls: num('the CLS limit', { min: 0, max: 10 }),
  maxTbtMs: num('the TBT limit', { min: 0, int: true }),
  maxScriptKb: num('the script limit', { min: 0, max: 100_000 }),
});

export type BudgetFormResult = { ok: true; budget: Budget } | { ok: false; fieldErrors: Partial<Record<BudgetFormField | 'id', string>> };

/** Form strings (FormData as an object) → a Budget in stored units, or errors keyed by form field. */
export function parseBudgetForm(form: Record<string, string | undefined>): BudgetFormResult {
  const input = { ...form, id: form.id?.trim() ? form.id : undefined };
  const r = budgetFormSchema.safeParse(input);
  if (!r.success) {
    const fieldErrors: Partial<Record<BudgetFormField | 'id', string>> = {};
    for (const issue of r.error.issues) {
      const k = String(issue.path[0] ?? 'id') as BudgetFormField;
      fieldErrors[k] ??= issue.message;
    }
    return { ok: false, fieldErrors };
  }
  const f = r.data;
  const budget = budgetSchema.parse({
    ...(f.id ? { id: f.id } : {}),
    pagePattern: f.pagePattern,
    formFactor: f.formFactor,
    // 95 → 0.95, without 0.95000000001
    minPerformanceScore: Math.round(f.minScore * 100) / 10_000,
    maxLcpMs: f.maxLcpMs,
    maxCls: f.maxCls,
    maxTbtMs: f.maxTbtMs,
    maxScriptBytes: Math.round(f.maxScriptKb * BYTES_PER_KB),
  });
  return { ok: true, budget };
}

/** A stored budget → the form's initial values. */
export function budgetToFormValues(b: Pick<BudgetDto, 'pagePattern' | 'formFactor' | 'minPerformanceScore' | 'maxLcpMs' | 'maxCls' | 'maxTbtMs' | 'maxScriptBytes'>): BudgetFormValues {
  return {
    pagePattern: b.pagePattern,
    formFactor: b.formFactor,
    minScore: String(Math.round(b.minPerformanceScore * 10_000) / 100),
    maxLcpMs: String(b.maxLcpMs),
    maxCls: String(b.maxCls),
    maxTbtMs: String(b.maxTbtMs),
    maxScriptKb: String(Math.round((b.maxScriptBytes / BYTES_PER_KB) * 100) / 100),
  };
}

const STORED_TO_FORM: Record<string, BudgetFormField> = {
  pagePattern: 'pagePattern',
  formFactor: 'formFactor',
  minPerformanceScore: 'minScore',
  maxLcpMs: 'maxLcpMs',
  maxCls: 'maxCls',
  maxTbtMs: 'maxTbtMs',
  maxScriptBytes: 'maxScriptKb',
};

/** The service reports errors by stored field name (e.g. a clash on pagePattern); rename them for the form. */
export function toFormFieldErrors(fieldErrors: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!fieldErrors) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fieldErrors)) out[STORED_TO_FORM[k] ?? k] = v;
  return out;
}
