import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card, PageHeader } from '@/components/ui/card';
import { ActionForm, SubmitButton } from '@/components/ui/form';
import { Table, Td } from '@/components/ui/table';
import { ago } from '@/components/ui/time';
import { roleAtLeast } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { NotFoundError } from '@/server/errors';
import { describeAssertion } from '@/server/loadtest/assertions';
import { capsFor } from '@/server/loadtest/limits';
import { getScenario, listRuns } from '@/server/loadtest/service';
import { deleteScenarioAction, launchRunAction } from '../../actions';
import { describeSpec, fmtInt, fmtMs, fmtPct } from '../../_components/format';
import { LaunchForm } from '../../_components/launch-form';

export const metadata: Metadata = { title: 'Scenario' };

export default async function ScenarioPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor();
  const s = await getScenario(actor, id).catch((e) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  const runs = await listRuns(actor, { scenarioId: id, limit: 30 });
  const canEdit = roleAtLeast(actor.role, 'operator');
  const caps = capsFor(actor.role);
  const spec = s.spec;
  return (
    <>
      <PageHeader
        title={s.name}
        description={
          <>
            <Link href="/load-tests" className="text-sky-800 hover:underline">
              Load tests
            </Link>{' '}
            · {s.targetName} · <span className="font-mono">{s.targetBaseUrl}</span>
            {s.description && <span className="mt-1 block">{s.description}</span>}
          </>
        }
        actions={
          <>
            <a href={`/api/v1/scenarios/${s.id}/k6`} download className="text-sm font-medium text-sky-800 hover:underline" data-testid="export-k6">
              Export k6
            </a>
            {canEdit && (
              <Link href={`/load-tests/scenarios/${s.id}/edit`} className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
                Edit
              </Link>
            )}
          </>
        }
      />
      <div className="space-y-6">
        <Card title="Run this scenario">
          <p className="mb-3 text-sm text-slate-600">
            {describeSpec(spec)}. Split over several shards, any worker process on any machine picks them up; all start at the same instant and their
            seconds are merged.
            {caps && (
              <span className="block text-xs text-slate-500">
                Your role ({actor.role}) may run up to {caps.maxRate} req/s, {caps.maxVus} virtual users and {caps.maxDurationSec / 60} min, in up to {caps.maxShards} shards.
              </span>
            )}
          </p>
          <LaunchForm action={launchRunAction.bind(null, s.id)} canLaunch={canEdit} maxShards={caps?.maxShards ?? 1} />
        </Card>

        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Endpoints">
            <Table head={['Name', 'Request', 'Weight']} caption="Endpoints">
              {spec.endpoints.map((e) => (
                <tr key={e.name}>
                  <Td className="font-mono text-xs">{e.name}</Td>
                  <Td className="break-all font-mono text-xs">
                    {e.method} {e.path}
                    {e.body && <span className="block text-slate-500">body {e.body.length > 60 ? `${e.body.slice(0, 60)}…` : e.body}</span>}
                  </Td>
                  <Td className="tabular-nums">{e.weight}</Td>
                </tr>
              ))}
            </Table>
          </Card>
          <Card title="Workload and assertions">
            <dl className="grid grid-cols-[9rem_1fr] gap-y-1 text-sm">
              <dt className="text-slate-500">Model</dt>
              <dd>{spec.model.kind === 'open' ? `open, ${spec.model.rate} req/s (arrival rate)` : `closed, ${spec.model.vus} VUs, ${spec.model.thinkTimeMs} ms think`}</dd>
              <dt className="text-slate-500">Stages</dt>
              <dd>{spec.stages.length ? spec.stages.map((st) => `${st.durationSec}s → ${st.target}`).join(', ') : 'none (constant)'}</dd>
              <dt className="text-slate-500">Duration</dt>
              <dd>{spec.durationSec} s</dd>
              <dt className="text-slate-500">Timeout / conns</dt>
              <dd>
                {spec.timeoutMs} ms / {spec.maxConnections}
              </dd>
              <dt className="text-slate-500">Assertions</dt>
              <dd>
                {spec.assertions.length ? (
                  <ul>
                    {spec.assertions.map((a, i) => (
                      <li key={i} className="font-mono text-xs">
                        {describeAssertion(a)}
                        {a.abortOnFail ? ' (abort on fail)' : ''}
                      </li>
                    ))}
                  </ul>
                ) : (
                  'none'
                )}
              </dd>
            </dl>
          </Card>
        </div>

        <Card title="Runs">
          {runs.length === 0 ? (
            <p className="text-sm text-slate-500">Not run yet.</p>
          ) : (
            <Table head={['Started', 'Status', 'Shards', 'Requests', 'p95', 'Errors', 'vs baseline', '']} caption="Runs of this scenario">
              {runs.map((r) => (
                <tr key={r.id} data-testid="scenario-run">
                  <Td className="whitespace-nowrap text-xs">
                    <Link href={`/load-tests/runs/${r.id}`} className="text-sky-800 hover:underline">
                      {ago(r.createdAt)}
                    </Link>
                  </Td>
                  <Td>
                    <StatusBadge status={r.status} />
                  </Td>
                  <Td className="tabular-nums">{r.shardCount}</Td>
                  <Td className="tabular-nums">{fmtInt(r.requests)}</Td>
                  <Td className="tabular-nums">{fmtMs(r.p95Ms)}</Td>
                  <Td className="tabular-nums">{fmtPct(r.errorRate)}</Td>
                  <Td>{r.verdict ? <StatusBadge status={r.verdict} /> : <span className="text-xs text-slate-400">—</span>}</Td>
                  <Td>{r.isBaseline && <Badge tone="info">baseline</Badge>}</Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>

        {canEdit && (
          <Card title="Delete scenario">
            <p className="mb-3 text-sm text-slate-600">Deletes the scenario and all of its runs.</p>
            <ActionForm action={deleteScenarioAction.bind(null, s.id)}>
              <SubmitButton tone="danger" pendingText="Deleting…">
                Delete scenario
              </SubmitButton>
            </ActionForm>
          </Card>
        )}
      </div>
    </>
  );
}
