import { readJson, route } from '@/server/http';
import { approveRecommendation } from '@/server/queries/service';

export const dynamic = 'force-dynamic';

// Approver+: approve and queue the apply job (202; follow progress at GET /api/v1/recommendations/:id).
// Optional body: {"note": "…"}
export const POST = route<{ id: string }>('/api/v1/recommendations/:id/approve', async (req, { actor, params }) => {
  const body = (await readJson(req)) as { note?: unknown };
  return Response.json(await approveRecommendation(actor!, params.id, { note: typeof body?.note === 'string' ? body.note : undefined }), { status: 202 });
});
