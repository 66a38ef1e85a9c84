import { Gauge } from 'prom-client';
import { db } from '@/server/db';
import { route } from '@/server/http';
import { metrics } from '@/server/metrics';

export const dynamic = 'force-dynamic';

// Job counts and durations per queue come from JobRecord (workers may run on other machines), computed at scrape.
function jobGauges() {
  const g = globalThis as unknown as { __perfdeckJobGauges?: boolean };
  if (g.__perfdeckJobGauges) return;
  g.__perfdeckJobGauges = true;
  const { registry } = metrics();
  new Gauge({
    name: 'perfdeck_jobs',
    help: 'Jobs recorded per queue, name and status',
    labelNames: ['queue', 'name', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db().jobRecord.groupBy({ by: ['queue', 'name', 'status'], _count: { _all: true } }).catch(() => []);
      for (const r of rows) this.set({ queue: r.queue, name: r.name, status: r.status }, r._count._all);
    },
  });
  new Gauge({
    name: 'perfdeck_job_run_seconds_sum',
    help: 'Total run time of finished jobs per queue (with perfdeck_job_run_seconds_count gives the mean)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db()
        .$queryRawUnsafe<{ queue: string; s: number; c: bigint }[]>(
          `SELECT queue, COALESCE(SUM(EXTRACT(EPOCH FROM ("finishedAt" - "startedAt"))),0)::float8 AS s, COUNT(*) AS c
             FROM "JobRecord" WHERE "finishedAt" IS NOT NULL AND "startedAt" IS NOT NULL GROUP BY queue`,
        )
        .catch(() => []);
      for (const r of rows) this.set({ queue: r.queue }, r.s);
      countGauge.reset();
      for (const r of rows) countGauge.set({ queue: r.queue }, Number(r.c));
    },
  });
  const countGauge = new Gauge({ name: 'perfdeck_job_run_seconds_count', help: 'Finished jobs per queue', labelNames: ['queue'], registers: [registry] });
}

export const GET = route(
  '/api/metrics',
  async () => {
    jobGauges();
    const { registry } = metrics();
    return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } });
  },
  { auth: false },
);
