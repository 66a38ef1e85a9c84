// Prometheus metrics of the demo target. Each server instance gets its own Registry (never prom-client's global
// one): tests start several servers in one process, and Perfdeck's own metrics must not mix with the demo's.
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface DemoMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  dbQueryDuration: Histogram<'query'>;
}

// Sub-millisecond to seconds: an indexed lookup (~0.1 ms) and a seq scan (~50 ms) must land in different buckets.
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createDemoMetrics(): DemoMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'perfdeck-demo' });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template (e.g. /api/v1/leads/:id) and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const dbQueryDuration = new Histogram({
    name: 'demo_db_query_duration_seconds',
    help: 'Duration of the demo API SQL queries by query name',
    labelNames: ['query'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  return { registry, httpDuration, dbQueryDuration };
}
