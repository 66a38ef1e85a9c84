import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';
import { ago } from '@/components/ui/time';
import { roleAtLeast } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { listTargets } from '@/server/targets/service';
import { createTargetAction } from './actions';
import { TargetForm } from './_components/target-form';

export const metadata: Metadata = { title: 'Targets' };

export default async function TargetsPage() {
  const actor = await requireActor();
  const targets = await listTargets(actor);
  return (
    <>
      <PageHeader title="Targets" description="Services Perfdeck may load-test and inspect. Only a registered target's host can receive load." />
      <div className="space-y-6">
        <Card title={`Registered targets (${targets.length})`}>
          {targets.length === 0 ? (
            <EmptyState title="No targets registered">{roleAtLeast(actor.role, 'admin') ? 'Add one below.' : 'Ask an admin to register one.'}</EmptyState>
          ) : (
            <Table head={['Name', 'Base URL', 'Connections', 'Last check']}>
              {targets.map((t) => (
                <tr key={t.id}>
                  <Td>
                    <Link href={`/targets/${t.id}`} className="font-medium text-sky-800 hover:underline">
                      {t.name}
                    </Link>
                  </Td>
                  <Td className="font-mono text-xs">{t.baseUrl}</Td>
                  <Td>
                    <div className="flex flex-wrap gap-1">
                      {t.postgres ? <Badge title={t.postgres}>Postgres</Badge> : null}
                      {t.redis ? <Badge title={t.redis}>Redis</Badge> : null}
                      {t.prometheus ? <Badge title={t.prometheus}>Prometheus</Badge> : null}
                      {!t.postgres && !t.redis && !t.prometheus && <span className="text-slate-400">HTTP only</span>}
                    </div>
                  </Td>
                  <Td>{t.lastCheck ? <span className="flex items-center gap-2"><StatusBadge status={t.lastCheck.status} /><span className="text-xs text-slate-500">{ago(t.lastCheck.finishedAt ?? t.lastCheck.createdAt)}</span></span> : <span className="text-slate-400">never</span>}</Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        {roleAtLeast(actor.role, 'admin') && (
          <Card title="Add a target">
            <TargetForm action={createTargetAction} submitLabel="Add target" />
          </Card>
        )}
      </div>
    </>
  );
}
