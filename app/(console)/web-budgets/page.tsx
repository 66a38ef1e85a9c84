import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card, EmptyState, Notice, PageHeader } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { roleAtLeast } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { AUDITED_PAGES } from '@/server/webvitals/pages';
import { FORM_FACTORS, formFactorSchema, type FormFactor } from '@/server/webvitals/schema';
import { getBudgetBoard, getPageTrends, listBudgets, listRuns, type BudgetBoard } from '@/server/webvitals/service';
import { launchRunAction } from './actions';
import { BudgetsCard } from './_components/budgets-card';
import { FORM_FACTOR_DETAIL, FORM_FACTOR_LABEL, fmtKb, fmtMs, shortSha } from './_components/format';
import { ResultsTable } from './_components/results-table';
import { RunLauncher } from './_components/run-launcher';
import { TrendCharts, type PageTrend } from './_components/trend-charts';

export const metadata: Metadata = { title: 'Web budgets' };

export default async function WebBudgetsPage({ searchParams }: { searchParams: Promise<{ trend?: string | string[] }> }) {
  const actor = await requireActor();
  const { trend } = await searchParams;
  const trendParam = formFactorSchema.safeParse(typeof trend === 'string' ? trend : 'mobile');
  const trendFf: FormFactor = trendParam.success ? trendParam.data : 'mobile';

  const [boards, runs, budgets] = await Promise.all([
    Promise.all(FORM_FACTORS.map((ff) => getBudgetBoard(actor, ff))),
    listRuns(actor, { limit: 10 }),
    listBudgets(actor),
  ]);
  const trendBoard = boards.find((b) => b.formFactor === trendFf)!;
  const trends = await getPageTrends(actor, trendFf, trendBoard.rows.map((r) => r.result.page), 20);
  const anyResult = boards.some((b) => b.rows.length > 0);
  // Follow runs launched from the console (they have a job). A CI gate's run is shown in the list only: the gate is
  // probably auditing this very page, and a poller would add work and requests to what it measures.
  const active = runs.find((r) => (r.status === 'queued' || r.status === 'running') && r.jobId) ?? null;
  const isAdmin = roleAtLeast(actor.role, 'admin');

  return (
    <>
      <PageHeader
        title="Web budgets"
        description="Lighthouse on Perfdeck's own pages: each page's latest median run against its budget, trends over builds, and what to fix first. The CI gate (npm run perf:budgets) stores its runs here too."
        actions={
          <Link href="/web-budgets/compare" prefetch={false} className="text-sm font-medium text-sky-800 hover:underline">
            Compare two runs →
          </Link>
        }
      />
      <div className="space-y-6">
        <Card title="Run Lighthouse">
          <RunLauncher action={launchRunAction} canLaunch={roleAtLeast(actor.role, 'operator')} pages={AUDITED_PAGES.map((p) => p.path)} activeRunId={active?.id ?? null} />
        </Card>

        {!anyResult ? (
          <EmptyState title="No Lighthouse run yet">
            Launch one above, or run <code className="rounded bg-slate-200 px-1">npm run perf:budgets</code>: the gate stores its results here.
          </EmptyState>
        ) : (
          boards.map((b) => <BoardCard key={b.formFactor} board={b} />)
        )}

        {anyResult && <OpportunitiesCard boards={boards} />}

        <RunsCard runs={runs} />

        <Card
          title={`Trends over builds · ${FORM_FACTOR_LABEL[trendFf]}`}
          actions={
            <span className="flex gap-3 text-xs">
              {FORM_FACTORS.map((ff) =>
                ff === trendFf ? (
                  <span key={ff} className="font-semibold text-slate-800">
                    {FORM_FACTOR_LABEL[ff]}
                  </span>
                ) : (
                  <Link key={ff} href={`/web-budgets?trend=${ff}`} prefetch={false} className="text-sky-800 hover:underline">
                    {FORM_FACTOR_LABEL[ff]}
                  </Link>
                ),
              )}
            </span>
          }
        >
          {!trendParam.success && (
            <div className="mb-3">
              <Notice tone="warn">Unknown form factor “{String(trend)}”; showing mobile.</Notice>
            </div>
          )}
          <p className="mb-3 text-xs text-slate-500">{FORM_FACTOR_DETAIL[trendFf]}. Last 20 results per page, oldest left; x-axis: commit, or time when none was recorded.</p>
          {Object.keys(trends).length === 0 ? (
            <EmptyState title={`No ${trendFf} results yet`} />
          ) : (
            <TrendCharts trends={toPageTrends(trends, trendBoard)} />
          )}
        </Card>

        <BudgetsCard budgets={budgets} isAdmin={isAdmin} />
      </div>
    </>
  );
}

function BoardCard({ board }: { board: BudgetBoard }) {
  const ff = board.formFactor;
  const failed = board.rows.filter((r) => !r.pass).length;
  return (
    <Card
      title={
        <span>
          {FORM_FACTOR_LABEL[ff]} · latest result per page{' '}
          {board.rows.length > 0 && (failed ? <Badge tone="error">{failed} over budget</Badge> : <Badge tone="ok">all within budget</Badge>)}
        </span>
      }
    >
      <p className="mb-3 text-xs text-slate-500">
        {FORM_FACTOR_DETAIL[ff]}. Median of each page&apos;s runs, judged against today&apos;s budgets
        {board.budgetsAreDefaults ? ' (no budget rows: the defaults apply)' : ''}.
      </p>
      {board.rows.length === 0 ? (
        <p className="text-sm text-slate-500">
          No {ff} results yet. Launch a {ff} run above or <code>npm run perf:budgets -- --form-factor {ff}</code>.
        </p>
      ) : (
        <ResultsTable rows={board.rows} />
      )}
    </Card>
  );
}

function OpportunitiesCard({ boards }: { boards: BudgetBoard[] }) {
  const rows = boards.flatMap((b) => b.rows).filter((r) => r.result.opportunities.length > 0);
  return (
    <Card title="Top opportunities">
      <p className="mb-3 text-xs text-slate-500">From each page&apos;s latest stored report, largest estimated saving first (Lighthouse&apos;s own estimates).</p>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">Lighthouse found nothing worth fixing in the latest reports.</p>
      ) : (
        <ul className="grid gap-4 md:grid-cols-2">
          {rows.map((r) => (
            <li key={r.result.id} data-testid={`opportunities-${r.result.page}`}>
              <p className="text-sm">
                <span className="font-mono font-medium">{r.result.page}</span> <span className="text-xs text-slate-500">{r.result.formFactor}</span>
              </p>
              <ol className="mt-1 list-decimal space-y-0.5 pl-5 text-xs text-slate-700">
                {r.result.opportunities.slice(0, 3).map((o) => (
                  <li key={o.id}>
                    {o.title}
                    <span className="text-slate-500">
                      {o.savingsMs > 0 ? ` · ~${fmtMs(o.savingsMs)}` : ''}
                      {o.savingsBytes > 0 ? ` · ~${fmtKb(o.savingsBytes)}` : ''}
                    </span>
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function RunsCard({ runs }: { runs: Awaited<ReturnType<typeof listRuns>> }) {
  return (
    <Card title="Recent runs">
      {runs.length === 0 ? (
        <p className="text-sm text-slate-500">No runs yet.</p>
      ) : (
        <Table head={['Started', 'Status', 'Form factor', 'Commit', 'Pages', '']}>
          {runs.map((r, i) => {
            const previous = runs.slice(i + 1).find((p) => p.formFactor === r.formFactor && p.resultCount > 0);
            return (
              <tr key={r.id}>
                <Td className="whitespace-nowrap text-xs">
                  <Time iso={r.startedAt ?? r.createdAt} />
                </Td>
                <Td>
                  <StatusBadge status={r.status} />
                  {r.error && (
                    <p className="mt-1 max-w-xs truncate text-xs text-red-700" title={r.error}>
                      {r.error}
                    </p>
                  )}
                </Td>
                <Td className="text-xs">{r.formFactor}</Td>
                <Td className="font-mono text-xs">{shortSha(r.commitSha) ?? <span className="text-slate-400">—</span>}</Td>
                <Td className="text-xs">
                  {r.resultCount}/{r.pages.length}
                  {r.failedCount > 0 && <span className="text-red-700"> · {r.failedCount} over</span>}
                </Td>
                <Td className="text-xs">
                  {previous && r.resultCount > 0 && (
                    <Link className="text-sky-800 hover:underline" prefetch={false} href={`/web-budgets/compare?a=${previous.id}&b=${r.id}`}>
                      vs previous
                    </Link>
                  )}
                </Td>
              </tr>
            );
          })}
        </Table>
      )}
    </Card>
  );
}

function toPageTrends(trends: Awaited<ReturnType<typeof getPageTrends>>, board: BudgetBoard): PageTrend[] {
  return Object.entries(trends).map(([page, points]) => {
    const budget = board.rows.find((r) => r.result.page === page)?.budget ?? null;
    return {
      page,
      budget: budget ? { minScore: budget.minPerformanceScore * 100, maxLcpMs: budget.maxLcpMs, maxScriptKb: budget.maxScriptBytes / 1024 } : null,
      points: points.map((p) => ({
        label: shortSha(p.commitSha) ?? p.createdAt.slice(5, 16).replace('T', ' '),
        score: p.score == null ? null : Math.round(p.score * 100),
        lcpMs: p.lcpMs == null ? null : Math.round(p.lcpMs),
        scriptKb: p.scriptBytes == null ? null : Math.round((p.scriptBytes / 1024) * 10) / 10,
      })),
    };
  });
}
