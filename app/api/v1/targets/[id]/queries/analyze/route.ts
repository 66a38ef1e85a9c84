import { readJson, route } from '@/server/http';
import { analyzeWorkload } from '@/server/queries/service';

export const dynamic = 'force-dynamic';

// Operator+: run the index advisor over the target's workload (a job; follow it at /api/v1/query-analyses/:id).
// Optional body: {"budgetIndexes": 1..50}
export const POST = route<{ id: string }>('/api/v1/targets/:id/queries/analyze', async (req, { actor, params }) => {
  const body = (await readJson(req)) as { budgetIndexes?: number };
  return Response.json(await analyzeWorkload(actor!, params.id, { budgetIndexes: body?.budgetIndexes }), { status: 202 });
});
