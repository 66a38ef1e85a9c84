import { route } from '@/server/http';
import { checkTarget } from '@/server/targets/service';

export const dynamic = 'force-dynamic';

export const POST = route<{ id: string }>('/api/v1/targets/:id/check', async (_req, { actor, params }) =>
  Response.json(await checkTarget(actor!, params.id), { status: 202 }),
);
