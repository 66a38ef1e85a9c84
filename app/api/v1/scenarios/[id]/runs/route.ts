import { readJson, route } from '@/server/http';
import { launchRun, listRuns } from '@/server/loadtest/service';

export const dynamic = 'force-dynamic';

// POST {"shards": N}: launch a run (operator; refused with 403 beyond the role's caps or off the target's host).
// 202 with the queued run; follow it at GET /api/v1/runs/:id or /api/v1/runs/:id/stream.
export const POST = route<{ id: string }>('/api/v1/scenarios/:id/runs', async (req, { actor, params }) =>
  Response.json(await launchRun(actor!, params.id, await readJson(req)), { status: 202 }),
);

export const GET = route<{ id: string }>('/api/v1/scenarios/:id/runs', async (req, { actor, params }) => {
  const limit = Number(new URL(req.url).searchParams.get('limit') ?? 20);
  return Response.json(await listRuns(actor!, { scenarioId: params.id, limit: Number.isFinite(limit) ? limit : 20 }));
});
