import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// One custom registry on globalThis: the default registry breaks under `next dev` hot reload ("already registered").
interface PerfdeckMetrics {
  registry: Registry;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  jobsTotal: Counter<'queue' | 'name' | 'outcome'>;
  jobDuration: Histogram<'queue' | 'name'>;
}

const g = globalThis as unknown as { __perfdeckMetrics?: PerfdeckMetrics };

export function metrics(): PerfdeckMetrics {
  if (g.__perfdeckMetrics) return g.__perfdeckMetrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'perfdeck_' });
  g.__perfdeckMetrics = {
    registry,
    httpDuration: new Histogram({
      name: 'perfdeck_http_request_duration_seconds',
      help: 'Console HTTP request duration by route template',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    jobsTotal: new Counter({
      name: 'perfdeck_jobs_total',
      help: 'Jobs finished per queue, name and outcome',
      labelNames: ['queue', 'name', 'outcome'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'perfdeck_job_duration_seconds',
      help: 'Job run time per queue and name',
      labelNames: ['queue', 'name'],
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers: [registry],
    }),
  };
  return g.__perfdeckMetrics;
}
