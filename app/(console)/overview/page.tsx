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
    <div className={`${TILE} border border-slate-200 bg-white shadow-sm`} data-testid={`health-${name.toLowerCase()}`}>
      <div className="flex items-center justify-between">
        <p className="text-sm font-medium text-slate-700">{name}</p>
        <StatusBadge status={h.status} />
      </div>
      <p className="mt-2 truncate text-sm text-slate-600" title={h.detail}>
        {h.detail}
      </p>
      <p className="mt-1 h-4 text-xs tabular-nums text-slate-500">{h.latencyMs !== undefined ? `${h.latencyMs} ms` : ''}</p>
    </div>
  );
}

async function HealthPanel() {
  const health = await getHealth();
  const workers = health.workers.list.map((w) => `${w.hostname}:${w.pid} (${w.alive ? 'alive' : 'silent'}, seen ${ago(w.lastSeenAt)}; ${w.queues.join(', ')})`).join(' · ');
  return (
    <div>
      <div className={HEALTH_GRID}>
        <HealthTile name="Postgres" h={health.postgres} />
        <HealthTile name="Redis" h={health.redis} />
        <HealthTile name="Workers" h={health.workers} />
      </div>
      {/* Always one line, so the row is as tall as its skeleton whatever the worker list says. */}
      <p className={`${WORKERS_LINE} text-slate-500`} title={workers || undefined}>
        {workers ? `Workers: ${workers}` : ''}
      </p>
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

// The streamed health row replaces its fallback; any difference in height would shift the Targets card below it
// (CLS). Tiles and the workers line have fixed heights, and the fallback is the same grid, so the two always match,
// at every breakpoint (three tiles stacked on a phone, one row from sm up).
const TILE = 'h-[7.5rem] overflow-hidden rounded-lg p-4';
const HEALTH_GRID = 'grid gap-4 sm:grid-cols-3';
const WORKERS_LINE = 'mt-2 h-4 truncate text-xs';

function HealthSkeleton() {
  return (
    <div aria-busy="true" aria-label="Checking dependencies">
      <div className={HEALTH_GRID}>
        {[0, 1, 2].map((i) => (
          <div key={i} className={`${TILE} animate-pulse bg-slate-200/60`} />
        ))}
      </div>
      <p className={WORKERS_LINE} />
    </div>
  );
}

export default async function OverviewPage() {
  await requireActor();
  return (
    <>
      <PageHeader title="Overview" description="Health of Perfdeck's own dependencies and the targets it watches." />
      <div className="space-y-6">
        <Suspense fallback={<HealthSkeleton />}>
          <HealthPanel />
        </Suspense>
        <Card title="Targets">
          {/* Last on the page, so its growth moves nothing; the min-height keeps the common case (a few targets or
              the empty state) from growing at all. */}
          <div className="min-h-32">
            <Suspense fallback={<Skeleton h="h-32" />}>
              <TargetsPanel />
            </Suspense>
          </div>
        </Card>
      </div>
    </>
  );
}
