import { route } from '@/server/http';
import { getTargetCheck } from '@/server/targets/service';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('/api/v1/target-checks/:id', async (_req, { actor, params }) =>
  Response.json(await getTargetCheck(actor!, params.id), { headers: { 'cache-control': 'no-store' } }),
);
