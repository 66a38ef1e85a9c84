import { route } from '@/server/http';
import { getAnalysis } from '@/server/queries/service';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('/api/v1/query-analyses/:id', async (_req, { actor, params }) =>
  Response.json(await getAnalysis(actor!, params.id), { headers: { 'cache-control': 'no-store' } }),
);
