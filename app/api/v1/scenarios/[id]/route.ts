import { readJson, route } from '@/server/http';
import { deleteScenario, getScenario, updateScenario } from '@/server/loadtest/service';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('/api/v1/scenarios/:id', async (_req, { actor, params }) => Response.json(await getScenario(actor!, params.id)));

export const PUT = route<{ id: string }>('/api/v1/scenarios/:id', async (req, { actor, params }) => Response.json(await updateScenario(actor!, params.id, await readJson(req))));

export const DELETE = route<{ id: string }>('/api/v1/scenarios/:id', async (_req, { actor, params }) => {
  await deleteScenario(actor!, params.id);
  return new Response(null, { status: 204 });
});
