import { route } from '@/server/http';
import { getRecommendation } from '@/server/queries/service';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('/api/v1/recommendations/:id', async (_req, { actor, params }) =>
  Response.json(await getRecommendation(actor!, params.id), { headers: { 'cache-control': 'no-store' } }),
);
