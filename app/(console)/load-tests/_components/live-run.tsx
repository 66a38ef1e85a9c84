'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ActionForm, SubmitButton, type FormState } from '@/components/ui/form';
import { ProgressBar } from '@/components/ui/progress';
import type { LoadRunDto, RunSecondDto } from '@/server/loadtest/types';
import { fmtInt, fmtMs, fmtPct, fmtRps } from './format';
import { RunCharts } from './run-charts';
import { AssertionList, EndpointTable, SummaryGrid } from './run-views';

// Follows a queued/running run over server-sent events (/api/v1/runs/:id/stream): the run (status, stage, progress,
// cumulative summary, assertions so far) and one merged second at a time for the charts. EventSource reconnects by
// itself and resumes after the last second it saw (Last-Event-ID). When the run ends, the server-rendered page for
// the finished run replaces this view (router.refresh()).
export function LiveRun({
  initialRun,
  initialSeconds,
  canStop,
  stopAction,
}: {
  initialRun: LoadRunDto;
  initialSeconds: RunSecondDto[];
  canStop: boolean;
  stopAction: (prev: FormState, form: FormData) => Promise<FormState>;
}) {
  const router = useRouter();
  const [run, setRun] = useState(initialRun);
  const [seconds, setSeconds] = useState(initialSeconds);
  const [connection, setConnection] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  const runId = initialRun.id;
  const startAfter = initialSeconds.length ? initialSeconds[initialSeconds.length - 1].second : -1;

  useEffect(() => {
    const es = new EventSource(`/api/v1/runs/${encodeURIComponent(runId)}/stream?after=${startAfter}`);
    es.onopen = () => setConnection('live');
    es.onerror = () => setConnection('reconnecting');
    es.addEventListener('run', (e) => setRun(JSON.parse((e as MessageEvent<string>).data) as LoadRunDto));
    es.addEventListener('second', (e) => {
      const s = JSON.parse((e as MessageEvent<string>).data) as RunSecondDto;
      setSeconds((prev) => (prev.length && prev[prev.length - 1].second >= s.second ? prev : [...prev, s]));
    });
    es.addEventListener('end', () => {
      es.close();
      router.refresh();
    });
    return () => es.close();
  }, [runId, startAfter, router]);

  const last = seconds.length ? seconds[seconds.length - 1] : null;
  const expected = run.expectedSeconds;
  const label =
    run.status === 'queued'
      ? 'Queued: waiting for a worker with a free loadtest slot'
      : `${run.stage ?? 'running'}${run.lastSecond >= 0 ? ` · ${run.lastSecond + 1} of ${expected} s` : ''}`;

  return (
    <div className="space-y-6" data-testid="live-run" data-status={run.status}>
      <Card
        title={
          <span className="flex items-center gap-2">
            Live <StatusBadge status={run.status} />
            <span className="text-xs font-normal text-slate-500" data-testid="live-connection">
              {connection === 'live' ? 'streaming' : connection}
            </span>
          </span>
        }
        actions={
          canStop && !run.finished ? (
            <span className="flex items-center gap-2">
              <ActionForm action={stopAction} className="flex items-center gap-2">
                <input type="hidden" name="mode" value="stop" />
                <SubmitButton tone="danger" pendingText="Stopping…">
                  Stop
                </SubmitButton>
              </ActionForm>
              <ActionForm action={stopAction} className="flex items-center gap-2">
                <input type="hidden" name="mode" value="abort" />
                <SubmitButton tone="secondary" pendingText="Aborting…">
                  Abort
                </SubmitButton>
              </ActionForm>
            </span>
          ) : !canStop ? (
            <span className="text-xs text-slate-500">Stopping a run needs the operator role.</span>
          ) : null
        }
      >
        <div data-testid="live-progress">
          <ProgressBar value={run.progress} label={label} />
        </div>
        <dl className="mt-4 grid grid-cols-2 gap-2 sm:grid-cols-5">
          <Live label="Req/s (last second)" value={last ? fmtInt(last.requests) : '—'} testId="live-rps" />
          <Live label="p95 (last second)" value={last ? fmtMs(last.p95Ms) : '—'} testId="live-p95" />
          <Live label="Errors (last second)" value={last ? fmtInt(last.failed) : '—'} testId="live-errors" />
          <Live label="Requests so far" value={fmtInt(run.summary?.requests ?? 0)} testId="live-requests" />
          <Live
            label={run.spec.model.kind === 'open' ? 'Scheduled rate' : 'Virtual users'}
            value={last ? (last.targetRate !== null ? fmtRps(last.targetRate) : fmtInt(last.activeVus)) : '—'}
          />
        </dl>
        {run.shardCount > 1 && last && (
          <p className="mt-2 text-xs text-slate-500">
            {run.shardCount} shards; the last second merged {last.shardsReported} of them (HDR histograms merged, percentiles read from the merge).
          </p>
        )}
      </Card>

      <RunCharts seconds={seconds} kind={run.spec.model.kind} eager />

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Assertions so far">
          <AssertionList assertions={run.assertions ?? []} live />
        </Card>
        <Card title="So far">
          {run.summary ? (
            <p className="text-sm text-slate-700">
              {fmtInt(run.summary.requests)} requests · {fmtRps(run.summary.rps)} req/s · errors {fmtPct(run.summary.errorRate)} · p95 {fmtMs(run.summary.responseTimeMs.p95)} · p99{' '}
              {fmtMs(run.summary.responseTimeMs.p99)}
            </p>
          ) : (
            <p className="text-sm text-slate-500">No second merged yet.</p>
          )}
        </Card>
      </div>

      {run.summary && (
        <Card title="Per endpoint (cumulative)">
          <EndpointTable summary={run.summary} lastSecond={last?.byEndpoint} />
        </Card>
      )}
      {run.summary && (
        <Card title="Summary so far">
          <SummaryGrid summary={run.summary} />
        </Card>
      )}
    </div>
  );
}

function Live({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded-md bg-slate-50 px-3 py-2">
      <dt className="text-[11px] uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
