import type { Metadata } from 'next';
import { Card, PageHeader } from '@/components/ui/card';
import { requireActor } from '@/server/auth/session';
import { NAV } from '../nav';

export const metadata: Metadata = { title: 'Not built yet' };

const NOTES: Record<string, string> = {
  'load-tests': 'Load tests launched from the UI, run by BullMQ workers, compared with baselines.',
  queries: 'Slow queries from pg_stat_statements, plan analysis and HypoPG-checked index recommendations.',
  'web-budgets': 'Lighthouse runs on Perfdeck’s own pages, stored over time and enforced in CI.',
  slos: 'Metrics ingestion, SLOs with error budgets, burn-rate, threshold and anomaly alerts, webhooks.',
  rightsizing: 'CPU/memory and replica recommendations approved into Kubernetes YAML.',
  cache: 'Redis hit rate, memory, evictions and keyspace insights.',
};

export default async function RoadmapPage() {
  await requireActor();
  const unbuilt = NAV.flatMap((s) => s.items).filter((i) => !i.built);
  return (
    <>
      <PageHeader title="Not built yet" description="These areas have a place in Perfdeck but are not available in this version. Nothing here shows data." />
      <div className="grid gap-4 md:grid-cols-2">
        {unbuilt.map((i) => {
          const key = i.href.replace('/roadmap#', '').replace('/', '');
          return (
            <div id={key} key={key}>
              <Card title={i.label}>
                <p className="text-sm text-slate-600">{NOTES[key] ?? 'Planned.'}</p>
              </Card>
            </div>
          );
        })}
      </div>
    </>
  );
}
