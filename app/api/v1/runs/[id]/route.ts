import { route } from '@/server/http';
import { getRun } from '@/server/loadtest/service';

export const dynamic = 'force-dynamic';

// Status, stage, progress, summary (p50/p90/p95/p99/max, rps, errors by kind), assertions and the baseline verdict.
export const GET = route<{ id: string }>('/api/v1/runs/:id', async (_req, { actor, params }) =>
  Response.json(await getRun(actor!, params.id), { headers: { 'cache-control': 'no-store' } }),
);
