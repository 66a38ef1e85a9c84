import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card, Notice, PageHeader } from '@/components/ui/card';
import { ActionForm, SubmitButton } from '@/components/ui/form';
import { Time } from '@/components/ui/time';
import { roleAtLeast } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { NotFoundError } from '@/server/errors';
import { capsFor } from '@/server/loadtest/limits';
import { getRun, getRunDistribution, getRunSeconds } from '@/server/loadtest/service';
import { launchRunAction, pinBaselineAction, stopRunAction } from '../../actions';
import { describeSpec } from '../../_components/format';
import { LaunchForm } from '../../_components/launch-form';
import { LiveRun } from '../../_components/live-run';
import { DistributionCharts, RunCharts } from '../../_components/run-charts';
import { AssertionList, EndpointTable, runHeadline, ShardTable, SummaryGrid, VerdictView } from '../../_components/run-views';

export const metadata: Metadata = { title: 'Load run' };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor();
  const run = await getRun(actor, id).catch((e) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  const seconds = await getRunSeconds(actor, id);
  const canOperate = roleAtLeast(actor.role, 'operator');
  const header = (
    <PageHeader
      title={`${run.scenarioName} · run`}
      description={
        <>
          <Link href={`/load-tests/scenarios/${run.scenarioId}`} className="text-sky-800 hover:underline">
            {run.scenarioName}
          </Link>{' '}
          on {run.targetName} · <span className="font-mono">{run.baseUrl}</span> · {describeSpec(run.spec)}
          {run.shardCount > 1 ? ` · ${run.shardCount} shards` : ''} · launched <Time iso={run.createdAt} />
          {run.createdBy ? ` by ${run.createdBy}` : ''}
        </>
      }
      actions={
        <span className="flex items-center gap-2" data-testid="run-status">
          <StatusBadge status={run.status} />
          {run.isBaseline && <Badge tone="info">baseline</Badge>}
        </span>
      }
    />
  );

  if (!run.finished) {
    return (
      <>
        {header}
        <LiveRun initialRun={run} initialSeconds={seconds} canStop={canOperate} stopAction={stopRunAction.bind(null, run.id)} />
      </>
    );
  }

  const distribution = await getRunDistribution(actor, id);
  const note = runHeadline(run);
  return (
    <>
      {header}
      <div className="space-y-6" data-testid="finished-run">
        {note && <Notice tone={run.status === 'failed' ? 'error' : 'warn'}>{note}</Notice>}
        <Card
          title="Summary"
          actions={
            <span className="flex items-center gap-3 text-xs">
              <a href={`/api/v1/runs/${run.id}/export?format=csv`} download className="font-medium text-sky-800 hover:underline" data-testid="export-csv">
                CSV
              </a>
              <a href={`/api/v1/runs/${run.id}/export?format=json`} download className="font-medium text-sky-800 hover:underline" data-testid="export-json">
                JSON
              </a>
            </span>
          }
        >
          {run.summary ? <SummaryGrid summary={run.summary} /> : <p className="text-sm text-slate-500">Nothing was recorded.</p>}
        </Card>

        <Card title="Baseline">
          {run.verdict ? (
            <VerdictView verdict={run.verdict} />
          ) : (
            <p className="text-sm text-slate-600">
              {run.isBaseline
                ? 'This run is the baseline: later runs of the scenario are compared with it.'
                : run.baselineRunId
                  ? 'The baseline had no data to compare with.'
                  : 'No baseline was pinned when this run finished, so there is nothing to compare with.'}
            </p>
          )}
          <div className="mt-4 flex flex-wrap items-center gap-4 border-t border-slate-100 pt-3">
            {!run.isBaseline && run.summary && (
              <ActionForm action={pinBaselineAction.bind(null, run.id)} className="flex items-center gap-2">
                <SubmitButton tone="secondary" disabled={!canOperate} pendingText="Pinning…">
                  Pin as baseline
                </SubmitButton>
              </ActionForm>
            )}
            <LaunchForm
              action={launchRunAction.bind(null, run.scenarioId)}
              canLaunch={canOperate}
              maxShards={capsFor(actor.role)?.maxShards ?? 1}
              label="Run again"
              disabledReason="Pinning and running need the operator role."
            />
          </div>
        </Card>

        <Card title="Assertions">
          <AssertionList assertions={run.assertions ?? []} live={false} />
        </Card>

        {run.summary && (
          <Card title="Per endpoint">
            <EndpointTable summary={run.summary} />
          </Card>
        )}

        <section className="space-y-4" aria-label="Charts">
          <RunCharts seconds={seconds} kind={run.spec.model.kind} />
          <DistributionCharts
            points={distribution.responseTime.map((p, i) => ({ label: p.label, ms: +p.ms.toFixed(3), svcMs: distribution.serviceTime[i] ? +distribution.serviceTime[i].ms.toFixed(3) : null }))}
          />
        </section>

        <Card title="Shards">
          <ShardTable shards={run.shards} />
          <p className="mt-2 text-xs text-slate-500">
            Started <Time iso={run.startAt ?? run.startedAt} /> · finished <Time iso={run.finishedAt} /> · {seconds.length} merged second{seconds.length === 1 ? '' : 's'}
          </p>
        </Card>
      </div>
    </>
  );
}
