import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { StatusBadge } from '@/components/ui/badge';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { roleAtLeast } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { NotFoundError } from '@/server/errors';
import { getTarget, listTargetChecks } from '@/server/targets/service';
import { deleteTargetAction, updateTargetAction } from '../actions';
import { CheckPanel } from '../_components/check-panel';
import { CheckResultView } from '../_components/check-result';
import { TargetForm } from '../_components/target-form';

export const metadata: Metadata = { title: 'Target' };

export default async function TargetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor();
  const target = await getTarget(actor, id).catch((e) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  const checks = await listTargetChecks(actor, id);
  const last = checks.find((c) => c.status === 'succeeded' && c.result);
  const isAdmin = roleAtLeast(actor.role, 'admin');
  return (
    <>
      <PageHeader title={target.name} description={<span className="font-mono">{target.baseUrl}</span>} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Check target">
          <p className="mb-3 text-sm text-slate-600">
            Probes the base URL, the Postgres extensions Perfdeck needs (pg_stat_statements, hypopg), Redis, and Prometheus or the
            target&apos;s /metrics endpoint. Runs as a background job.
          </p>
          <CheckPanel targetId={target.id} canRun={roleAtLeast(actor.role, 'operator')} />
        </Card>
        <Card title="Last successful check">
          {last?.result ? (
            <>
              <p className="mb-2 text-xs text-slate-500">
                <Time iso={last.finishedAt} />
              </p>
              <CheckResultView result={last.result} />
            </>
          ) : (
            <EmptyState title="Not checked yet">Run a check to see what this target offers.</EmptyState>
          )}
        </Card>
        <Card title="Connections">
          <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
            <dt className="text-slate-500">Postgres</dt>
            <dd className="font-mono text-xs">{target.postgres ?? '—'}</dd>
            <dt className="text-slate-500">Redis</dt>
            <dd className="font-mono text-xs">{target.redis ?? '—'}</dd>
            <dt className="text-slate-500">Prometheus</dt>
            <dd className="font-mono text-xs">{target.prometheus ?? '—'}</dd>
          </dl>
          <p className="mt-3 text-xs text-slate-500">Credentials are encrypted at rest and never sent to the browser; only host, port and database are shown.</p>
        </Card>
        <Card title="Check history">
          {checks.length === 0 ? (
            <EmptyState title="No checks yet" />
          ) : (
            <Table head={['Started', 'Status', 'Note']}>
              {checks.map((c) => (
                <tr key={c.id}>
                  <Td>
                    <Time iso={c.createdAt} />
                  </Td>
                  <Td>
                    <StatusBadge status={c.status} />
                  </Td>
                  <Td className="text-xs text-slate-600">{c.error ?? ''}</Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        {isAdmin && (
          <Card title="Edit target" className="lg:col-span-2">
            <TargetForm action={updateTargetAction.bind(null, target.id)} initial={target} submitLabel="Save changes" />
            <form action={async () => { 'use server'; await deleteTargetAction(target.id); }} className="mt-6 border-t border-slate-100 pt-4">
              <button type="submit" className="rounded-md px-3 py-1.5 text-sm font-medium text-red-700 ring-1 ring-inset ring-red-300 hover:bg-red-50">
                Delete target
              </button>
            </form>
          </Card>
        )}
      </div>
    </>
  );
}
