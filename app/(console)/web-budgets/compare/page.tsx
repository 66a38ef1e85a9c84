import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { Badge } from '@/components/ui/badge';
import { Card, EmptyState, Notice, PageHeader } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { requireActor } from '@/server/auth/session';
import { NotFoundError } from '@/server/errors';
import { COMPARED_METRICS, type MetricDelta, type RunComparison } from '@/server/webvitals/compare';
import type { LighthouseRunDto } from '@/server/webvitals/schema';
import { compareRuns, listRuns } from '@/server/webvitals/service';
import { fmtDelta, fmtMetric, shortSha } from '../_components/format';

export const metadata: Metadata = { title: 'Compare Lighthouse runs' };

// Run ids are UUIDs; anything else is a typo or a tampered link, answered with a message rather than a lookup.
const runIdSchema = z.uuid({ error: 'is not a run id' });

type Param = string | string[] | undefined;

function readId(name: 'A' | 'B', raw: Param): { id: string | null; error: string | null } {
  if (raw === undefined || raw === '') return { id: null, error: null };
  if (Array.isArray(raw)) return { id: null, error: `Run ${name} was given more than once.` };
  const r = runIdSchema.safeParse(raw.trim());
  return r.success ? { id: r.data, error: null } : { id: null, error: `Run ${name} “${raw.slice(0, 60)}” is not a run id.` };
}

function runLabel(r: Pick<LighthouseRunDto, 'createdAt' | 'formFactor' | 'commitSha' | 'status' | 'resultCount'>): string {
  return `${r.createdAt.slice(0, 16).replace('T', ' ')} · ${r.formFactor} · ${shortSha(r.commitSha) ?? 'no commit'} · ${r.resultCount} pages · ${r.status}`;
}

export default async function CompareRunsPage({ searchParams }: { searchParams: Promise<{ a?: Param; b?: Param }> }) {
  const actor = await requireActor();
  const sp = await searchParams;
  const a = readId('A', sp.a);
  const b = readId('B', sp.b);
  const runs = await listRuns(actor, { limit: 30 });
  const withResults = runs.filter((r) => r.resultCount > 0);

  const errors = [a.error, b.error].filter((e): e is string => !!e);
  let comparison: RunComparison | null = null;
  if (a.id && b.id) {
    try {
      comparison = await compareRuns(actor, a.id, b.id);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      errors.push('One of the runs does not exist (it may have been deleted). Pick two from the list.');
    }
  } else if (!errors.length && (a.id || b.id)) {
    errors.push('Pick both run A and run B.');
  }

  // Default picks: the two newest runs with results, older as A.
  const defaultB = b.id ?? withResults[0]?.id ?? '';
  const defaultA = a.id ?? withResults.find((r) => r.id !== defaultB)?.id ?? '';

  return (
    <>
      <PageHeader
        title="Compare Lighthouse runs"
        description="Per page, run A's and run B's median metrics and the change from A to B. Changes within Lighthouse's run-to-run noise are shown uncoloured."
        actions={
          <Link href="/web-budgets" prefetch={false} className="text-sm font-medium text-sky-800 hover:underline">
            ← Web budgets
          </Link>
        }
      />
      <div className="space-y-6">
        <Card title="Runs">
          {withResults.length === 0 ? (
            <EmptyState title="No run with results yet">Launch one on the Web budgets page, or run npm run perf:budgets.</EmptyState>
          ) : (
            <form method="get" action="/web-budgets/compare" className="grid items-end gap-3 md:grid-cols-[1fr_1fr_auto]">
              <RunSelect name="a" label="Run A (before)" runs={withResults} value={defaultA} />
              <RunSelect name="b" label="Run B (after)" runs={withResults} value={defaultB} />
              <button type="submit" className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-sky-800">
                Compare
              </button>
            </form>
          )}
        </Card>
        {errors.map((e) => (
          <Notice key={e} tone="error">
            {e}
          </Notice>
        ))}
        {comparison && <ComparisonCard c={comparison} />}
      </div>
    </>
  );
}

function RunSelect({ name, label, runs, value }: { name: string; label: string; runs: LighthouseRunDto[]; value: string }) {
  return (
    <label className="block text-sm font-medium text-slate-700">
      {label}
      <select name={name} defaultValue={value} className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm">
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {runLabel(r)}
          </option>
        ))}
      </select>
    </label>
  );
}

const VERDICT_CLASS = { better: 'text-emerald-700', worse: 'text-red-700', same: 'text-slate-500' } as const;

function DeltaCell({ m }: { m: MetricDelta }) {
  return (
    <Td className="tabular-nums">
      <span className="block text-xs text-slate-500">
        {fmtMetric(m.key, m.a)} → <span className="font-medium text-slate-900">{fmtMetric(m.key, m.b)}</span>
      </span>
      <span className={`text-xs font-medium ${m.verdict ? VERDICT_CLASS[m.verdict] : 'text-slate-400'}`} data-verdict={m.verdict ?? 'none'}>
        {fmtDelta(m.key, m.delta)}
        {m.verdict && m.verdict !== 'same' ? ` ${m.verdict}` : ''}
      </span>
    </Td>
  );
}

function ComparisonCard({ c }: { c: RunComparison }) {
  const head = (x: RunComparison['a'], name: string) => (
    <span>
      {name}: <Time iso={x.createdAt} /> · {x.formFactor} · <span className="font-mono">{shortSha(x.commitSha) ?? 'no commit'}</span>
    </span>
  );
  return (
    <Card
      title={
        <span>
          Comparison <Badge tone="ok">{c.summary.better} better</Badge> <Badge tone="error">{c.summary.worse} worse</Badge>{' '}
          <Badge>{c.summary.same} same</Badge>
        </span>
      }
    >
      <div className="mb-3 space-y-1 text-xs text-slate-600">
        <p>{head(c.a, 'A')}</p>
        <p>{head(c.b, 'B')}</p>
      </div>
      {!c.sameFormFactor && (
        <div className="mb-3">
          <Notice tone="warn">These runs used different form factors ({c.a.formFactor} vs {c.b.formFactor}): the differences are mostly throttling, not code.</Notice>
        </div>
      )}
      <Table head={['Page', ...COMPARED_METRICS.map((m) => m.label), 'Budget']}>
        {c.pages.map((p) => (
          <tr key={p.page} data-testid={`compare-${p.page}`}>
            <Td className="font-mono text-xs font-medium">{p.page}</Td>
            {p.metrics.map((m) => (
              <DeltaCell key={m.key} m={m} />
            ))}
            <Td className="text-xs">
              {p.aPass === null ? '—' : p.aPass ? 'pass' : 'fail'} → {p.bPass === null ? '—' : p.bPass ? <Badge tone="ok">pass</Badge> : <Badge tone="error">fail</Badge>}
            </Td>
          </tr>
        ))}
      </Table>
    </Card>
  );
}
