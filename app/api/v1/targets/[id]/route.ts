import { readJson, route } from '@/server/http';
import { deleteTarget, getTarget, updateTarget } from '@/server/targets/service';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('/api/v1/targets/:id', async (_req, { actor, params }) => Response.json(await getTarget(actor!, params.id)));
export const PUT = route<{ id: string }>('/api/v1/targets/:id', async (req, { actor, params }) => Response.json(await updateTarget(actor!, params.id, await readJson(req))));
export const DELETE = route<{ id: string }>('/api/v1/targets/:id', async (_req, { actor, params }) => {
  await deleteTarget(actor!, params.id);
  return new Response(null, { status: 204 });
});
