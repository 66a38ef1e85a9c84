import { route } from '@/server/http';
import { collectNow } from '@/server/queries/service';

export const dynamic = 'force-dynamic';

// Operator+: snapshot pg_stat_statements now (a job; follow it at /api/v1/jobs/:jobId).
export const POST = route<{ id: string }>('/api/v1/targets/:id/queries/collect', async (_req, { actor, params }) =>
  Response.json(await collectNow(actor!, params.id), { status: 202 }),
);
