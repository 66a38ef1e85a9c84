import { route } from '@/server/http';
import { unpinBaseline } from '@/server/loadtest/service';

export const dynamic = 'force-dynamic';

// DELETE: the scenario has no baseline any more (operator). Pin one with POST /api/v1/runs/:id/baseline.
export const DELETE = route<{ id: string }>('/api/v1/scenarios/:id/baseline', async (_req, { actor, params }) => {
  await unpinBaseline(actor!, params.id);
  return new Response(null, { status: 204 });
});
