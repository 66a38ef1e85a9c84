import { describe, expect, it } from 'vitest';
import { budgetToFormValues, parseBudgetForm, toFormFieldErrors } from './budget-form';
import { DEFAULT_BUDGET_LIMITS } from './schema';

const valid = { pagePattern: '/overview', formFactor: 'mobile', minScore: '95', maxLcpMs: '2500', maxCls: '0.02', maxTbtMs: '200', maxScriptKb: '250' };

describe('parseBudgetForm', () => {
  it('converts the form units (score 0–100, KB) to stored units (0..1, bytes)', () => {
    const r = parseBudgetForm(valid);
    expect(r).toEqual({
      ok: true,
      budget: { pagePattern: '/overview', formFactor: 'mobile', minPerformanceScore: 0.95, maxLcpMs: 2500, maxCls: 0.02, maxTbtMs: 200, maxScriptBytes: 256_000 },
    });
  });

  it('keeps the id of an edited budget and ignores an empty one', () => {
    const edited = parseBudgetForm({ ...valid, id: 'b1' });
    expect(edited.ok && edited.budget.id).toBe('b1');
    const created = parseBudgetForm({ ...valid, id: '' });
    expect(created.ok && 'id' in created.budget).toBe(false);
  });

  it('round-trips the defaults through the form values', () => {
    const values = budgetToFormValues({ pagePattern: '/*', formFactor: 'desktop', ...DEFAULT_BUDGET_LIMITS });
    expect(values).toEqual({ pagePattern: '/*', formFactor: 'desktop', minScore: '95', maxLcpMs: '2500', maxCls: '0.02', maxTbtMs: '200', maxScriptKb: '250' });
    const back = parseBudgetForm(values);
    expect(back.ok && back.budget).toEqual({ pagePattern: '/*', formFactor: 'desktop', ...DEFAULT_BUDGET_LIMITS });
  });

  it('reports each bad field by its form name with a message a person understands', () => {
    const r = parseBudgetForm({ pagePattern: 'overview', formFactor: 'tablet', minScore: '120', maxLcpMs: 'fast', maxCls: '', maxTbtMs: '12.5', maxScriptKb: '-1' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.fieldErrors.pagePattern).toMatch(/must start with '\/'/);
    expect(r.fieldErrors.formFactor).toBe('Choose mobile or desktop');
    expect(r.fieldErrors.minScore).toBe('The minimum score must be from 0 to 100');
    expect(r.fieldErrors.maxLcpMs).toBe('The LCP limit must be a number');
    expect(r.fieldErrors.maxCls).toBe('Enter the CLS limit');
    expect(r.fieldErrors.maxTbtMs).toBe('The TBT limit must be a whole number');
    expect(r.fieldErrors.maxScriptKb).toBe('The script limit must be from 0 to 100000');
  });

  it('refuses an LCP limit of 0 (the stored schema needs a positive limit) and regex-ish patterns', () => {
    const r = parseBudgetForm({ ...valid, maxLcpMs: '0', pagePattern: '/a(b)' });
    expect(!r.ok && r.fieldErrors.maxLcpMs).toBe('The LCP limit must be above 0');
    expect(!r.ok && r.fieldErrors.pagePattern).toBeTruthy();
  });

  it('missing fields are errors, not crashes', () => {
    const r = parseBudgetForm({});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.fieldErrors).sort()).toEqual(['formFactor', 'maxCls', 'maxLcpMs', 'maxScriptKb', 'maxTbtMs', 'minScore', 'pagePattern']);
  });
});

describe('toFormFieldErrors', () => {
  it('renames stored field names to form field names', () => {
    expect(toFormFieldErrors({ pagePattern: 'exists', maxScriptBytes: 'too big', minPerformanceScore: 'x' })).toEqual({ pagePattern: 'exists', maxScriptKb: 'too big', minScore: 'x' });
    expect(toFormFieldErrors(undefined)).toBeUndefined();
  });
});
