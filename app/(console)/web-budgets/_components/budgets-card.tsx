import { Card } from '@/components/ui/card';
import { ActionForm, Field, Select, SubmitButton } from '@/components/ui/form';
import { Table, Td } from '@/components/ui/table';
import { budgetToFormValues } from '@/server/webvitals/budget-form';
import { DEFAULT_BUDGET_LIMITS, DEFAULT_BUDGET_PATTERN, type BudgetDto } from '@/server/webvitals/schema';
import { removeBudgetAction, saveBudgetAction } from '../actions';
import { fmtCls, fmtKb, fmtMs, fmtScore } from './format';

const FF_OPTIONS = [
  { value: 'mobile', label: 'mobile' },
  { value: 'desktop', label: 'desktop' },
];

function BudgetFields({ initial }: { initial: ReturnType<typeof budgetToFormValues> }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
      <Field name="pagePattern" label="Page pattern" defaultValue={initial.pagePattern} hint="A path (/overview) or glob (/load-tests/*)" required />
      <Select name="formFactor" label="Form factor" options={FF_OPTIONS} defaultValue={initial.formFactor} />
      <Field name="minScore" label="Min score (0–100)" defaultValue={initial.minScore} required />
      <Field name="maxLcpMs" label="Max LCP (ms)" defaultValue={initial.maxLcpMs} required />
      <Field name="maxCls" label="Max CLS" defaultValue={initial.maxCls} required />
      <Field name="maxTbtMs" label="Max TBT (ms)" defaultValue={initial.maxTbtMs} required />
      <Field name="maxScriptKb" label="Max script (KB, gzipped)" defaultValue={initial.maxScriptKb} hint="Transfer size of all scripts; 1 KB = 1024 bytes" required />
    </div>
  );
}

export function BudgetsCard({ budgets, isAdmin }: { budgets: BudgetDto[]; isAdmin: boolean }) {
  return (
    <Card title={`Budgets (${budgets.length})`}>
      <p className="mb-3 text-xs text-slate-500">
        The most specific pattern that matches a page judges it (an exact path beats a glob); limits are not merged. Budgets decide whether CI passes,
        so only admins change them; every change is in the audit log.{!isAdmin && ' You can read them.'}
      </p>
      {budgets.length === 0 ? (
        <p className="text-sm text-slate-500">No budget rows: the defaults (score ≥ 95, LCP ≤ 2500 ms, CLS ≤ 0.02, TBT ≤ 200 ms, script ≤ 250 KB) apply to every page.</p>
      ) : (
        <Table head={['Pattern', 'Form factor', 'Min score', 'Max LCP', 'Max CLS', 'Max TBT', 'Max script', ...(isAdmin ? [''] : [])]}>
          {budgets.map((b) => (
            <tr key={b.id} data-testid={`budget-${b.formFactor}-${b.pagePattern}`}>
              <Td className="font-mono text-xs">{b.pagePattern}</Td>
              <Td className="text-xs">{b.formFactor}</Td>
              <Td className="tabular-nums">{fmtScore(b.minPerformanceScore)}</Td>
              <Td className="tabular-nums">{fmtMs(b.maxLcpMs)}</Td>
              <Td className="tabular-nums">{fmtCls(b.maxCls)}</Td>
              <Td className="tabular-nums">{fmtMs(b.maxTbtMs)}</Td>
              <Td className="tabular-nums">{fmtKb(b.maxScriptBytes)}</Td>
              {isAdmin && (
                <Td>
                  <details className="text-sm">
                    <summary className="cursor-pointer text-sky-800">Edit</summary>
                    <div className="mt-2 w-[min(56rem,80vw)] space-y-3 rounded-md border border-slate-200 p-3">
                      <ActionForm action={saveBudgetAction}>
                        <input type="hidden" name="id" value={b.id} />
                        <BudgetFields initial={budgetToFormValues(b)} />
                        <SubmitButton pendingText="Saving…">Save budget</SubmitButton>
                      </ActionForm>
                      <ActionForm action={removeBudgetAction.bind(null, b.id)} className="border-t border-slate-100 pt-3">
                        <SubmitButton tone="danger" pendingText="Deleting…">
                          Delete budget
                        </SubmitButton>
                      </ActionForm>
                    </div>
                  </details>
                </Td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {isAdmin && (
        <div className="mt-6 border-t border-slate-100 pt-4" data-testid="add-budget">
          <h3 className="mb-3 text-sm font-semibold text-slate-800">Add a budget</h3>
          <ActionForm action={saveBudgetAction}>
            <BudgetFields initial={budgetToFormValues({ pagePattern: '', formFactor: 'mobile', ...DEFAULT_BUDGET_LIMITS })} />
            <SubmitButton pendingText="Saving…">Add budget</SubmitButton>
          </ActionForm>
          <p className="mt-2 text-xs text-slate-500">Start from the defaults of the {DEFAULT_BUDGET_PATTERN} budget and tighten or loosen per page.</p>
        </div>
      )}
    </Card>
  );
}
