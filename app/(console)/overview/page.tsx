import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';
import { ago } from '@/components/ui/time';
import { requireActor } from '@/server/auth/session';
import { getHealth, type DependencyHealth } from '@/server/health/service';
import { listTargets } from '@/server/targets/service';

export const metadata: Metadata = { title: 'Overview' };

function HealthTile({ name, h }: { name: string; h: DependencyHealth }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid={`health-${name.toLowerCase()}`}>
      <div className="flex items-center justify-between">
        <p className="text-sm font-medium text-slate-700">{name}</p>
        <StatusBadge status={h.status} />
      </div>
      <p className="mt-2 text-sm text-slate-600">{h.detail}</p>
      {h.latencyMs !== undefined && <p className="mt-1 text-xs tabular-nums text-slate-500">{h.latencyMs} ms</p>}
    </div>
  );
}

async function HealthPanel() {
  const health = await getHealth();
  return (
    <div>
      <div className="grid gap-4 sm:grid-cols-3">
        <HealthTile name="Postgres" h={health.postgres} />
        <HealthTile name="Redis" h={health.redis} />
        <HealthTile name="Workers" h={health.workers} />
      </div>
      {health.workers.list.length > 0 && (
        <p className="mt-2 text-xs text-slate-500">
          Workers:{' '}
          {health.workers.list.map((w) => `${w.hostname}:${w.pid} (${w.alive ? 'alive' : 'silent'}, seen ${ago(w.lastSeenAt)}; ${w.queues.join(', ')})`).join(' · ')}
        </p>
      )}
    </div>
  );
}

async function TargetsPanel() {
  const actor = await requireActor();
  const targets = await listTargets(actor);
  if (targets.length === 0) return <EmptyState title="No targets yet">An admin registers targets on the Targets page.</EmptyState>;
  return (
    <Table head={['Target', 'Base URL', 'Connections', 'Last check']}>
      {targets.map((t) => (
        <tr key={t.id}>
          <Td>
            <Link className="font-medium text-sky-800 hover:underline" href={`/targets/${t.id}`}>
              {t.name}
            </Link>
          </Td>
          <Td className="font-mono text-xs">{t.baseUrl}</Td>
          <Td>
            <div className="flex gap-1">
              {t.postgres && <Badge>Postgres</Badge>}
              {t.redis && <Badge>Redis</Badge>}
              {t.prometheus && <Badge>Prometheus</Badge>}
            </div>
          </Td>
          <Td>{t.lastCheck ? <span className="flex items-center gap-2"><StatusBadge status={t.lastCheck.status} /> <span className="text-xs text-slate-500">{ago(t.lastCheck.finishedAt ?? t.lastCheck.createdAt)}</span></span> : <span className="text-slate-400">never checked</span>}</Td>
        </tr>
      ))}
    </Table>
  );
}

const Skeleton = ({ h }: { h: string }) => <div className={`${h} animate-pulse rounded-lg bg-slate-200/60`} />;

export default async function OverviewPage() {
  await requireActor();
  return (
    <>
      <PageHeader title="Overview" description="Health of Perfdeck's own dependencies and the targets it watches." />
      <div className="space-y-6">
        <Suspense fallback={<Skeleton h="h-[104px]" />}>
          <HealthPanel />
        </Suspense>
        <Card title="Targets">
          <Suspense fallback={<Skeleton h="h-24" />}>
            <TargetsPanel />
          </Suspense>
        </Card>
      </div>
    </>
  );
}
